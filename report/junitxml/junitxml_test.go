package junitxml_test

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/report/junitxml"
	"github.com/stackslice/stackslice/report/reporttest"
)

// parse reads the document back the way a CI system would, failing the test
// when it is not well-formed.
func parse(t *testing.T, runs []conformance.Run) (string, junitxml.TestSuites) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, junitxml.Write(&buf, conformance.Outcome{Runs: runs}))
	var doc junitxml.TestSuites
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc), buf.String())
	return buf.String(), doc
}

func TestSuitesPerArchAndBuild(t *testing.T) {
	text, doc := parse(t, reporttest.Runs())
	assert.True(t, strings.HasPrefix(text, `<?xml version="1.0" encoding="UTF-8"?>`))
	assert.Equal(t, 7, doc.Tests)
	assert.Equal(t, 1, doc.Failures)
	assert.Equal(t, 1, doc.Errors)
	assert.Equal(t, "6.000", doc.Time)

	tests := []struct {
		name                     string
		tests, failures, errors  int
		runner, time, firstLabel string
	}{
		{"amd64/gcc-O2", 2, 0, 0, "native", "1.200", "switch_basic"},
		{"arm64/gcc-O2", 4, 1, 0, "qemu-aarch64 7.2.22", "4.500", "switch_basic"},
		{"arm64/clang-O0", 1, 0, 1, "qemu-aarch64 7.2.22", "0.300", junitxml.DidNotRunCase},
	}
	require.Len(t, doc.Suites, len(tests))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			suite := doc.Suites[i]
			assert.Equal(t, tt.name, suite.Name)
			assert.Equal(t, tt.tests, suite.Tests)
			assert.Len(t, suite.Cases, tt.tests)
			assert.Equal(t, tt.failures, suite.Failures)
			assert.Equal(t, tt.errors, suite.Errors)
			assert.Equal(t, tt.time, suite.Time)
			assert.Equal(t, []junitxml.Property{{Name: "runner", Value: tt.runner}}, suite.Properties)
			assert.Equal(t, tt.firstLabel, suite.Cases[0].Name)
			for _, c := range suite.Cases {
				assert.Equal(t, strings.Replace(tt.name, "/", ".", 1), c.Classname)
			}
		})
	}
}

func TestFailedCase(t *testing.T) {
	_, doc := parse(t, reporttest.Runs())
	cases := doc.Suites[1].Cases
	assert.Equal(t, []string{"switch_basic", "callee_saved", "switch_basic#2", "callee_saved#2"},
		[]string{cases[0].Name, cases[1].Name, cases[2].Name, cases[3].Name})

	failed := cases[1]
	assert.Equal(t, "0.025", failed.Time)
	assert.Nil(t, failed.Error)
	require.NotNil(t, failed.Failure)
	assert.Equal(t, reporttest.FailedReason, failed.Failure.Message)
	assert.Equal(t, junitxml.OutputTailLines, strings.Count(failed.Failure.Text, "\n")+1)
	assert.Contains(t, failed.Failure.Text, "x19=0x0000000000000001 x20=0x0000000000000002")
	assert.NotContains(t, failed.Failure.Text, "\x01")
	assert.Contains(t, failed.Failure.Text, "sp=0x0000ffffd000 \uFFFD lr=0x400123 | fp=0x0")

	for _, c := range []junitxml.TestCase{cases[0], cases[2], cases[3]} {
		assert.Nil(t, c.Failure, c.Name)
		assert.Nil(t, c.Error, c.Name)
	}
}

func TestRunThatDidNotRun(t *testing.T) {
	tests := []struct {
		name     string
		run      conformance.Run
		message  string
		wantText string
	}{
		{
			name:     "compile error",
			run:      reporttest.Runs()[2],
			message:  "compiling arm64 clang-O0: exit status 1",
			wantText: reporttest.CompileError,
		},
		{
			name:     "no cases",
			run:      conformance.Run{Port: "s390x", Build: "gcc-O2", Backend: "qemu-s390x 7.2"},
			message:  "the runner reported no cases",
			wantText: "the runner reported no cases",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, doc := parse(t, []conformance.Run{tt.run})
			assert.Equal(t, 1, doc.Errors)
			require.Len(t, doc.Suites, 1)
			require.Len(t, doc.Suites[0].Cases, 1)
			c := doc.Suites[0].Cases[0]
			assert.Equal(t, junitxml.DidNotRunCase, c.Name)
			assert.Nil(t, c.Failure)
			require.NotNil(t, c.Error)
			assert.Equal(t, tt.message, c.Error.Message)
			assert.Equal(t, tt.wantText, c.Error.Text)
		})
	}
}

func TestOutputThatIsNotXMLStillParses(t *testing.T) {
	hostile := "nul\x00 esc\x1b[31m bad-utf8\xff\xfe noncharacter\uFFFE cdata-end]]> <tag> & \"quote\"\n"
	runs := []conformance.Run{{
		Port: "amd64", Build: "gcc-O2\x02", Backend: "native",
		Cases: []conformance.CaseResult{{
			Name: "hostile", Status: conformance.Fail, Reason: "reason\x01" + hostile,
			Duration: time.Millisecond, Output: hostile,
		}},
	}}
	_, doc := parse(t, runs)
	failure := doc.Suites[0].Cases[0].Failure
	require.NotNil(t, failure)
	assert.Contains(t, failure.Text, "cdata-end]]> <tag> & \"quote\"")
	assert.Contains(t, failure.Text, "nul\uFFFD esc\uFFFD[31m bad-utf8\uFFFD\uFFFD noncharacter\uFFFD")
	assert.NotContains(t, failure.Message, "\x01")
}

func TestNoRuns(t *testing.T) {
	_, doc := parse(t, nil)
	assert.Equal(t, 0, doc.Tests)
	assert.Empty(t, doc.Suites)
}

// Every test case has its time, the unsupported build's (the run of the
// whole build) included: time="" is no number a JUnit reader takes.
func TestEveryCaseHasATime(t *testing.T) {
	for _, runs := range [][]conformance.Run{reporttest.Runs(), reporttest.ForeignRuns(), reporttest.Toolchains()} {
		for _, suite := range junitxml.New(conformance.Outcome{Runs: runs}).Suites {
			for _, c := range suite.Cases {
				assert.NotEmpty(t, c.Time, "%s %s", suite.Name, c.Name)
				if c.Name == junitxml.DidNotRunCase {
					assert.Equal(t, suite.Time, c.Time, "%s: the case is the whole run", suite.Name)
				}
			}
		}
	}
}

// The format byte for byte, on every shared reporttest.
func TestGolden(t *testing.T) { reporttest.Goldens(t, "xml", junitxml.Write) }
