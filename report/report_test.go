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

	"github.com/stackslice/stackslice/report"
	"github.com/stackslice/stackslice/report/internal/fixture"
	"github.com/stackslice/stackslice/report/jsonreport"
	"github.com/stackslice/stackslice/report/junitxml"
)

func TestWriteFiles(t *testing.T) {
	t.Setenv(report.StepSummaryEnv, "")
	dir := filepath.Join(t.TempDir(), "nested", "out")

	paths, err := report.WriteFiles(dir, fixture.Runs())
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

	_, err := report.WriteFiles(dir, fixture.Runs())
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
			wantPrefix: "writing " + filepath.Join(reportFileIsDir, report.JUnitFile) + ": is a directory",
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
			paths, err := report.WriteFiles(tt.dir, fixture.Runs())
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
