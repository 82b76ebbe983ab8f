package jsonreport_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/internal/text"
	"github.com/stackslice/stackslice/report/jsonreport"
	"github.com/stackslice/stackslice/report/reporttest"
)

func TestWriteRoundTrips(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, jsonreport.Write(&buf, conformance.Outcome{Runs: reporttest.Runs()}))
	assert.Contains(t, buf.String(), "\n  \"runs\": [", "indented")

	rep, err := jsonreport.Read(&buf)
	require.NoError(t, err)
	assert.Equal(t, jsonreport.New(conformance.Outcome{Runs: reporttest.Runs()}), rep)

	assert.Equal(t, 5, rep.Passed)
	assert.Equal(t, 2, rep.Failed, "the failed case plus the run that did not compile")
	require.Len(t, rep.Runs, 3)

	tests := []struct {
		arch, build    string
		passed, failed int
		ok             bool
		cases          int
		err            string
	}{
		{"amd64", "gcc-O2", 2, 0, true, 2, ""},
		{"arm64", "gcc-O2", 3, 1, false, 4, ""},
		{"arm64", "clang-O0", 0, 0, false, 0, reporttest.CompileError},
	}
	for i, tt := range tests {
		t.Run(tt.arch+"/"+tt.build, func(t *testing.T) {
			run := rep.Runs[i]
			assert.Equal(t, tt.arch, run.Arch)
			assert.Equal(t, tt.build, run.Build)
			assert.Equal(t, tt.passed, run.Passed)
			assert.Equal(t, tt.failed, run.Failed)
			assert.Equal(t, tt.ok, run.OK)
			assert.Equal(t, tt.err, run.Error)
			assert.NotNil(t, run.Cases)
			assert.Len(t, run.Cases, tt.cases)
		})
	}
	assert.Equal(t, "qemu-aarch64 7.2.22", rep.Runs[1].Runner)
	assert.InDelta(t, 4.5, rep.Runs[1].DurationSeconds, 1e-9)
}

func TestCases(t *testing.T) {
	rep := jsonreport.New(conformance.Outcome{Runs: reporttest.Runs()})
	cases := rep.Runs[1].Cases

	failed := cases[1]
	assert.Equal(t, jsonreport.Case{
		Arch: "arm64", Build: "gcc-O2", Case: "callee_saved", Iteration: 1,
		Status: conformance.Fail, DurationSeconds: 0.025, Reason: reporttest.FailedReason,
		OutputTail: text.Tail(reporttest.FailedOutput(), jsonreport.OutputTailLines),
	}, failed)
	assert.Equal(t, jsonreport.OutputTailLines, strings.Count(failed.OutputTail, "\n")+1)
	assert.Contains(t, failed.OutputTail, "x19=0x0000000000000001")

	assert.Equal(t, 2, cases[2].Iteration)
	assert.Equal(t, "switch_basic", cases[2].Case, "the case name stays bare; the iteration is its own field")
}

func TestControlCharactersSurvive(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, jsonreport.Write(&buf, conformance.Outcome{Runs: reporttest.Runs()}))
	assert.Contains(t, buf.String(), `\u0001`)
	rep, err := jsonreport.Read(&buf)
	require.NoError(t, err)
	assert.Contains(t, rep.Runs[1].Cases[1].OutputTail, "\x01")
}

func TestUnsetIterationIsOne(t *testing.T) {
	rep := jsonreport.New(conformance.Outcome{Runs: []conformance.Run{{Port: "amd64", Build: "gcc-O2",
		Cases: []conformance.CaseResult{{Name: "a", Status: conformance.Pass}}}}})
	assert.Equal(t, 1, rep.Runs[0].Cases[0].Iteration)
}

func TestRunWithoutCasesFails(t *testing.T) {
	rep := jsonreport.New(conformance.Outcome{Runs: []conformance.Run{{Port: "amd64", Build: "gcc-O2"}}})
	assert.Equal(t, 0, rep.Passed)
	assert.Equal(t, 1, rep.Failed)
	assert.False(t, rep.Runs[0].OK)
}

func TestNoRuns(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, jsonreport.Write(&buf, conformance.Outcome{}))
	assert.Contains(t, buf.String(), `"runs": []`)
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	err := jsonreport.Write(failingWriter{}, conformance.Outcome{Runs: reporttest.Runs()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "disk full")
}

func TestReadRejectsGarbage(t *testing.T) {
	_, err := jsonreport.Read(strings.NewReader("<testsuites/>"))
	assert.Error(t, err)
}

// TestSchemaKeys pins the field names tooling depends on, which a round trip
// through the same struct tags would not notice changing.
func TestSchemaKeys(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, jsonreport.Write(&buf, conformance.Outcome{Runs: reporttest.Runs()}))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	runs := doc["runs"].([]any)
	run := func(i int) map[string]any { return runs[i].(map[string]any) }
	caseOf := func(r, c int) map[string]any { return run(r)["cases"].([]any)[c].(map[string]any) }
	keys := func(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

	tests := []struct {
		name string
		obj  map[string]any
		keys []string
	}{
		{"report", doc, []string{"failed", "interrupted", "ok", "passed", "runs"}},
		{"run", run(0), []string{"arch", "build", "cases", "duration_seconds", "failed", "ok", "passed", "runner"}},
		{"error run", run(2), []string{"arch", "build", "cases", "duration_seconds", "error", "failed", "ok", "passed", "runner"}},
		{"passed case", caseOf(0, 0), []string{"arch", "build", "case", "duration_seconds", "iteration", "status"}},
		{"failed case", caseOf(1, 1), []string{"arch", "build", "case", "duration_seconds", "iteration", "output_tail", "reason", "status"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.keys, keys(tt.obj), tt.name)
	}
	assert.Equal(t, "fail", caseOf(1, 1)["status"])
	assert.Equal(t, []any{}, run(2)["cases"])
}

// Strict (SL_STRICT): what was set apart fails the verdict to gate on.
func TestStrictVerdict(t *testing.T) {
	rep := jsonreport.New(conformance.Outcome{Runs: reporttest.ForeignRuns(), Strict: true})
	assert.False(t, rep.OK)
	assert.True(t, rep.Strict)
	assert.Equal(t, "failed (strict): 1 declared gap and 1 unsupported build, which strict mode counts as failures", rep.Summary)
}

// The format byte for byte, on every shared reporttest.
func TestGolden(t *testing.T) { reporttest.Goldens(t, "json", jsonreport.Write) }
