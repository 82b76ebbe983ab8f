package markdown_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/internal/text"
	"github.com/stackslice/stackslice/report/markdown"
	"github.com/stackslice/stackslice/report/reporttest"
)

func render(t *testing.T, runs []conformance.Run) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, markdown.Write(&buf, conformance.Outcome{Runs: runs}))
	return buf.String()
}

func TestSummary(t *testing.T) {
	out := render(t, reporttest.Runs())
	for _, want := range []string{
		"## stackslice conformance\n\n❌ 5 passed, 2 failed\n",
		"| arch | gcc-O2 | clang-O0 |\n| :--- | :--- | :--- |\n",
		"| **amd64** | ✅ 2/2 · 1.2s | — |\n",
		"| **arm64** | ❌ 3/4 · 4.5s | ❌ build error |\n",
		"| **amd64** | native |\n| **arm64** | qemu-aarch64 7.2.22 |\n",
		"### Failures\n",
		"**arm64 gcc-O2 callee\\_saved**: callee-saved x19\\|x20 clobbered\n\n```\n",
		"**arm64 clang-O0** did not run:\n\n```\n" + reporttest.CompileError + "\n```\n",
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "#2", "only failed cases are listed, and the repetition passed")
}

func TestFailedOutputTail(t *testing.T) {
	out := render(t, reporttest.Runs())
	tail := text.Tail(reporttest.FailedOutput(), markdown.OutputTailLines)
	tail = strings.ReplaceAll(tail, "\x01", "\uFFFD")
	assert.Contains(t, out, "```\n"+tail+"\n```\n")
	assert.NotContains(t, out, "step 30\n")
	assert.NotContains(t, out, "\x01")
}

func TestAllPassed(t *testing.T) {
	out := render(t, reporttest.Runs()[:1])
	assert.Contains(t, out, "✅ 2 passed, 0 failed\n")
	assert.NotContains(t, out, "Failures")
	assert.NotContains(t, out, "❌")
}

func TestNothingRanIsNotGreen(t *testing.T) {
	tests := []struct {
		name string
		runs []conformance.Run
		want []string
	}{
		{"no runs", nil, []string{"❌ 0 passed, 0 failed\n", "No arch and build was run."}},
		{"run without cases", []conformance.Run{{Port: "s390x", Build: "gcc-O2"}}, []string{
			"❌ 0 passed, 1 failed\n",
			"| **s390x** | ❌ no cases |\n",
			"| **s390x** | — |\n",
			"**s390x gcc-O2** did not run:\n\n```\nthe runner reported no cases\n```\n",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := render(t, tt.runs)
			for _, want := range tt.want {
				assert.Contains(t, out, want)
			}
		})
	}
}

func TestWhyARunDidNotRun(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("%w%s", build.ErrCompile, strings.TrimPrefix(reporttest.CompileError, "compiling")), "❌ build error"},
		{fmt.Errorf("%w %q (cases: a, b)", conformance.ErrNoCaseMatches, "zzz"), "❌ no case"},
		{errors.New("runner --list exit status 139: segfault"), "❌ did not run"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			out := render(t, []conformance.Run{{Port: "amd64", Build: "gcc-O2", Err: tt.err}})
			assert.Contains(t, out, "| **amd64** | "+tt.want+" |\n")
			assert.Contains(t, out, "**amd64 gcc-O2** did not run:\n\n```\n"+tt.err.Error()+"\n```\n")
		})
	}
}

func TestEscaping(t *testing.T) {
	runs := []conformance.Run{{
		Port: "amd64", Build: "gcc|O2", Backend: "qemu|x86_64", Duration: time.Second,
		Cases: []conformance.CaseResult{{
			Name: "case_*one*", Status: conformance.Fail,
			Reason: "want <rbx> & [r12] `preserved`\x1b[0m\nsecond line",
			Output: "```\nfake fence\n````\r\nend\n",
		}},
	}}
	out := render(t, runs)
	for _, want := range []string{
		"| arch | gcc\\|O2 |\n",
		"| **amd64** | qemu\\|x86\\_64 |\n",
		"**amd64 gcc\\|O2 case\\_\\*one\\***: want \\<rbx\\> \\& \\[r12\\] \\`preserved\\`\uFFFD\\[0m second line\n",
		"\n`````\n```\nfake fence\n````\nend\n`````\n",
	} {
		assert.Contains(t, out, want)
	}
}

func TestRunsOfTheSameArchAndBuildAreAllShown(t *testing.T) {
	pass := conformance.CaseResult{Name: "a", Status: conformance.Pass}
	runs := []conformance.Run{
		{Port: "amd64", Build: "gcc-O2", Cases: []conformance.CaseResult{pass}},
		{Port: "amd64", Build: "gcc-O2", Err: errors.New("boom")},
	}
	assert.Contains(t, render(t, runs), "| **amd64** | ✅ 1/1 · 0.0s<br>❌ did not run |\n")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	err := markdown.Write(failingWriter{}, conformance.Outcome{Runs: reporttest.Runs()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "disk full")
}

// The format byte for byte, on every shared reporttest.
func TestGolden(t *testing.T) { reporttest.Goldens(t, "md", markdown.Write) }
