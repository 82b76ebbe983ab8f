// Package junitxml writes conformance results as JUnit XML, the format CI
// systems (GitLab, Jenkins, GitHub test-report actions) read to show
// per-case results, so that a failing arch/build/case is visible without
// reading the log.
//
// Case output can hold any byte a crashing case printed, including control
// characters XML 1.0 forbids, and one such byte makes the whole file
// unreadable to CI. encoding/xml replaces them with U+FFFD in attributes, but
// not in CDATA, which holds the output so that it reads as printed in the raw
// file; xmlChars does it there. The tests hold both to parsing back.
package junitxml

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/internal/text"
)

// OutputTailLines bounds the output kept per failed case: CI viewers show it
// inline, and the end of the output is what says why the case failed.
const OutputTailLines = 40

// DidNotRunCase names the test case standing in for a run that could not
// execute: without one, CI would show an empty, green suite.
const DidNotRunCase = "(build and run)"

// TestSuites is the document root.
type TestSuites struct {
	XMLName  xml.Name    `xml:"testsuites"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Time     string      `xml:"time,attr"`
	Suites   []TestSuite `xml:"testsuite"`
}

// TestSuite is one arch and build. Failures are cases that ran and failed;
// Errors are runs that could not execute.
type TestSuite struct {
	Name       string     `xml:"name,attr"`
	Tests      int        `xml:"tests,attr"`
	Failures   int        `xml:"failures,attr"`
	Errors     int        `xml:"errors,attr"`
	Skipped    int        `xml:"skipped,attr"`
	Time       string     `xml:"time,attr"`
	Properties []Property `xml:"properties>property"`
	Cases      []TestCase `xml:"testcase"`
	SystemOut  string     `xml:"system-out,omitempty"`
}

// Property records how the suite ran, since the same case can pass natively
// and fail under one QEMU version.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// TestCase has Failure set when the case failed and Error when its run could
// not execute. SystemOut carries a note to act on, e.g. an emulator bug the
// port lists that did not show.
type TestCase struct {
	Classname string   `xml:"classname,attr"`
	Name      string   `xml:"name,attr"`
	Time      string   `xml:"time,attr"`
	Failure   *Problem `xml:"failure"`
	Error     *Problem `xml:"error"`
	Skipped   *Problem `xml:"skipped"`
	SystemOut string   `xml:"system-out,omitempty"`
}

// Problem is a failure or an error: a one-line message for summaries and the
// detail as text.
type Problem struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",cdata"`
}

// Name is the document's name; an interrupted run, or one that set
// declared gaps or unsupported builds apart, says so in it
// (conformance.Outcome.Summary), since JUnit has no other place for it at
// the top.
func Name(o conformance.Outcome) string {
	if summary := o.Summary(); summary != "" {
		return "stackslice conformance (" + summary + ")"
	}
	return "stackslice conformance"
}

// New converts an outcome to the JUnit document, one suite per run.
func New(o conformance.Outcome) TestSuites {
	doc := TestSuites{Name: Name(o)}
	var total time.Duration
	for _, r := range o.Runs {
		suite := newSuite(r)
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
		doc.Errors += suite.Errors
		total += r.Duration
		doc.Suites = append(doc.Suites, suite)
	}
	doc.Time = seconds(total)
	return doc
}

func newSuite(r conformance.Run) TestSuite {
	classname := r.Label() + "." + r.Build
	suite := TestSuite{
		Name:       r.Label() + "/" + r.Build,
		Time:       seconds(r.Duration),
		Properties: []Property{{Name: "runner", Value: r.Backend}},
		SystemOut:  xmlChars(strings.Join(append(slices.Clone(r.Gaps), r.Notes...), "\n")),
	}
	if r.Switch != "" {
		// A foreign port's run: what it judged, exactly.
		suite.Properties = append(suite.Properties, Property{Name: "base", Value: r.Base},
			Property{Name: "switch", Value: r.Switch}, Property{Name: "switch_sha256", Value: r.SwitchSHA256},
			Property{Name: "inputs_sha256", Value: r.InputsSHA256})
		// Each file its build read, as sha256sum prints it, with its part.
		for _, in := range r.Inputs {
			suite.Properties = append(suite.Properties, Property{Name: "input", Value: fmt.Sprintf("%s  %s (%s)", in.SHA256, in.Path, in.Role)})
		}
		if len(r.CFlags) > 0 {
			suite.Properties = append(suite.Properties, Property{Name: "cflags", Value: text.CommandLine(r.CFlags)})
		}
	}
	if r.Skipped != "" {
		suite.Tests, suite.Skipped = 1, 1
		suite.Cases = []TestCase{{Classname: classname, Name: DidNotRunCase, Time: seconds(r.Duration), Skipped: &Problem{Message: "skipped: " + r.Skipped}}}
		return suite
	}
	if r.Unsupported != "" {
		suite.Tests, suite.Skipped = 1, 1
		suite.Cases = []TestCase{{Classname: classname, Name: DidNotRunCase, Time: seconds(r.Duration), Skipped: &Problem{Message: "unsupported: " + r.Unsupported}}}
		return suite
	}
	if r.Toolchain != "" {
		suite.Properties = append(suite.Properties, Property{Name: "toolchain", Value: r.Toolchain})
	}
	if r.Compiler != "" {
		suite.Properties = append(suite.Properties, Property{Name: "compiler", Value: r.Compiler})
	}

	if r.DidNotRun() {
		detail := "the runner reported no cases"
		if r.Err != nil {
			detail = r.Err.Error()
		}
		message, _, _ := strings.Cut(detail, "\n")
		suite.Tests, suite.Errors = 1, 1
		suite.Cases = []TestCase{{
			Classname: classname,
			Name:      DidNotRunCase,
			Time:      seconds(r.Duration),
			Error:     &Problem{Message: message, Text: xmlChars(detail)},
		}}
		return suite
	}
	for _, c := range r.Cases {
		tc := TestCase{Classname: classname, Name: c.Label(), Time: seconds(c.Duration), SystemOut: xmlChars(c.Note)}
		switch c.Status {
		case conformance.Pass:
		case conformance.KnownFailure:
			// Shown as skipped with its reason: the emulator's bug, not the port's.
			suite.Skipped++
			tc.Skipped = &Problem{Message: c.Reason, Text: xmlChars(c.OutputTail(OutputTailLines))}
		default:
			suite.Failures++
			text := c.OutputTail(OutputTailLines)
			if text == "" {
				text = c.Reason
			}
			tc.Failure = &Problem{Message: c.Reason, Text: xmlChars(text)}
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, tc)
	}
	return suite
}

// xmlChars replaces what XML 1.0 does not allow in a document, invalid UTF-8
// included, with U+FFFD, so that the reader can still tell something was
// there. Carriage returns go too: they are control characters like any other.
func xmlChars(s string) string { return text.Printable(s) }

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// Write writes the JUnit XML document for o.
func Write(w io.Writer, o conformance.Outcome) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("writing JUnit XML: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(New(o)); err != nil {
		return fmt.Errorf("encoding JUnit XML: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("writing JUnit XML: %w", err)
	}
	return nil
}
