package report_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/report"
	"github.com/stackslice/stackslice/report/jsonreport"
	"github.com/stackslice/stackslice/report/junitxml"
	"github.com/stackslice/stackslice/report/reporttest"
)

func TestWriteFiles(t *testing.T) {
	t.Setenv(report.StepSummaryEnv, "")
	dir := filepath.Join(t.TempDir(), "nested", "out")

	paths, err := report.WriteFiles(dir, conformance.Outcome{Runs: reporttest.Runs()})
	require.NoError(t, err)
	assert.Equal(t, []string{
		filepath.Join(dir, report.JSONFile),
		filepath.Join(dir, report.JUnitFile),
		filepath.Join(dir, report.MarkdownFile),
	}, paths)

	data, err := os.ReadFile(filepath.Join(dir, report.JSONFile))
	require.NoError(t, err)
	rep, err := jsonreport.Read(bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, 5, rep.Passed)
	assert.Equal(t, 2, rep.Failed)

	data, err = os.ReadFile(filepath.Join(dir, report.JUnitFile))
	require.NoError(t, err)
	var doc junitxml.TestSuites
	require.NoError(t, xml.Unmarshal(data, &doc))
	assert.Len(t, doc.Suites, 3)

	data, err = os.ReadFile(filepath.Join(dir, report.MarkdownFile))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(data), "## stackslice conformance\n"))
}

func TestWriteFilesAppendsToStepSummary(t *testing.T) {
	summary := filepath.Join(t.TempDir(), "step_summary.md")
	const earlier = "## an earlier step\n"
	require.NoError(t, os.WriteFile(summary, []byte(earlier), 0o644))
	t.Setenv(report.StepSummaryEnv, summary)
	dir := t.TempDir()

	_, err := report.WriteFiles(dir, conformance.Outcome{Runs: reporttest.Runs()})
	require.NoError(t, err)
	md, err := os.ReadFile(filepath.Join(dir, report.MarkdownFile))
	require.NoError(t, err)
	got, err := os.ReadFile(summary)
	require.NoError(t, err)
	assert.Equal(t, earlier+"\n"+string(md), string(got))
}

func TestWriteFilesErrorsAreOneLine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "regular-file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	reportFileIsDir := dirWith(t, report.JUnitFile)

	tests := []struct {
		name        string
		dir         string
		stepSummary string
		wantPrefix  string
		wantPaths   int
	}{
		{
			name:       "directory under a regular file",
			dir:        filepath.Join(file, "out"),
			wantPrefix: "output directory " + filepath.Join(file, "out") + ": mkdir ",
		},
		{
			// Root ignores permission bits, but not a directory where a file must go.
			name:       "report file is a directory",
			dir:        reportFileIsDir,
			wantPrefix: "writing " + filepath.Join(reportFileIsDir, report.JUnitFile) + ": ",
			wantPaths:  1,
		},
		{
			name:        "step summary under a regular file",
			dir:         t.TempDir(),
			stepSummary: filepath.Join(file, "summary.md"),
			wantPrefix:  "appending to " + report.StepSummaryEnv + " " + filepath.Join(file, "summary.md") + ": not a directory",
			wantPaths:   3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(report.StepSummaryEnv, tt.stepSummary)
			paths, err := report.WriteFiles(tt.dir, conformance.Outcome{Runs: reporttest.Runs()})
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tt.wantPrefix), err.Error())
			assert.NotContains(t, err.Error(), "\n")
			assert.Len(t, paths, tt.wantPaths)
		})
	}
}

// dirWith returns a directory in which name is taken by a directory, so that
// writing a file of that name fails.
func dirWith(t *testing.T, name string) string {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, name), 0o755))
	return dir
}

// A full disk in the middle of a report leaves the previous file whole and
// no temporary file behind, rather than a truncated report.
func TestWriteFilesNeverLeavesAPartialReport(t *testing.T) {
	t.Setenv(report.StepSummaryEnv, "")
	dir := t.TempDir()
	_, err := report.WriteFiles(dir, conformance.Outcome{Runs: reporttest.Runs()})
	require.NoError(t, err)
	before := readAll(t, dir)

	report.FailWritesAfter(t, 100)
	_, err = report.WriteFiles(dir, conformance.Outcome{Runs: reporttest.Runs()[:1]})
	require.EqualError(t, err, "writing "+filepath.Join(dir, report.JSONFile)+": no space left on device")
	assert.Equal(t, before, readAll(t, dir), "the previous reports are untouched, and nothing else is there")
}

func TestClearRemovesThePreviousReports(t *testing.T) {
	t.Setenv(report.StepSummaryEnv, "")
	dir := t.TempDir()
	_, err := report.WriteFiles(dir, conformance.Outcome{Runs: reporttest.Runs()})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "keep.txt"), nil, 0o644))
	require.NoError(t, report.Clear(dir))
	assert.Equal(t, map[string]string{"keep.txt": ""}, readAll(t, dir))
	require.NoError(t, report.Clear(dir), "clearing nothing is fine")
}

// An interrupted run says so in every format, and none of them reads green.
func TestInterruptedIsMarkedEverywhere(t *testing.T) {
	t.Setenv(report.StepSummaryEnv, "")
	dir := t.TempDir()
	passing := reporttest.Runs()[:1]
	_, err := report.WriteFiles(dir, conformance.Outcome{Runs: passing, Interrupted: true})
	require.NoError(t, err)
	files := readAll(t, dir)

	rep, err := jsonreport.Read(strings.NewReader(files[report.JSONFile]))
	require.NoError(t, err)
	assert.True(t, rep.Interrupted)
	assert.False(t, rep.OK)
	var doc junitxml.TestSuites
	require.NoError(t, xml.Unmarshal([]byte(files[report.JUnitFile]), &doc))
	assert.Equal(t, "stackslice conformance (interrupted)", doc.Name)
	assert.Contains(t, files[report.MarkdownFile], "⚠️ **Interrupted**: these results are partial.")
	assert.Contains(t, files[report.MarkdownFile], "❌ 2 passed, 0 failed")
}

func readAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	files := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		files[e.Name()] = string(data)
	}
	return files
}
