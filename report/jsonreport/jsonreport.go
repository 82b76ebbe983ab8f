// Package jsonreport writes conformance results as JSON for tooling: every
// case of every run, with enough output to diagnose a failure without the
// CI log.
package jsonreport

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/stackslice/stackslice/conformance"
)

// OutputTailLines bounds the output kept per case: the end of a failing
// case's output says why it failed, and the whole output of hundreds of
// cases would bloat the file.
const OutputTailLines = 20

// Report is the whole file. Passed and Failed are the totals; OK is the
// verdict to gate on: false when anything failed, no case passed, or the run
// was interrupted (Interrupted; its runs are then partial).
type Report struct {
	Runs        []Run `json:"runs"`
	Passed      int   `json:"passed"`
	Failed      int   `json:"failed"`
	OK          bool  `json:"ok"`
	Interrupted bool  `json:"interrupted"`
	// Summary says what the verdict set apart, when anything: "passed with
	// 2 declared gaps and 1 unsupported build" (conformance.Outcome.Summary).
	Summary string `json:"summary,omitempty"`
	// Strict tells that declared gaps and unsupported builds counted as
	// failures (SL_STRICT).
	Strict bool `json:"strict,omitempty"`
}

// Run is one arch and build. Passed and Failed count its cases only, so a
// run that could not execute shows 0/0 with Error set and OK false.
type Run struct {
	Arch   string `json:"arch"`
	Build  string `json:"build"`
	Runner string `json:"runner"`
	// Toolchain is the toolchain image the run built and ran in; absent
	// for the host.
	Toolchain string `json:"toolchain,omitempty"`
	// Compiler is the compiler that built it, with its version.
	Compiler        string   `json:"compiler,omitempty"`
	DurationSeconds float64  `json:"duration_seconds"`
	Passed          int      `json:"passed"`
	Failed          int      `json:"failed"`
	OK              bool     `json:"ok"`
	Error           string   `json:"error,omitempty"`
	Notes           []string `json:"notes,omitempty"`
	// A foreign port's base arch, switch source and its SHA-256, every
	// file its switch's build read with its SHA-256, its cflags and the one
	// digest of them all, its declared gaps that showed, and why it
	// declares this build unsupported.
	Base         string   `json:"base,omitempty"`
	Switch       string   `json:"switch,omitempty"`
	SwitchSHA256 string   `json:"switch_sha256,omitempty"`
	Inputs       []Input  `json:"inputs,omitempty"`
	CFlags       []string `json:"cflags,omitempty"`
	InputsSHA256 string   `json:"inputs_sha256,omitempty"`
	Gaps         []string `json:"gaps,omitempty"`
	Unsupported  string   `json:"unsupported,omitempty"`
	Skipped      string   `json:"skipped,omitempty"`
	Cases        []Case   `json:"cases"`
}

// Input is a file a foreign switch's build read: its path, its part
// ("switch", "include", "forced include", "adapter") and its SHA-256.
type Input struct {
	Path   string `json:"path"`
	Role   string `json:"role"`
	SHA256 string `json:"sha256"`
}

// Case repeats its run's arch and build so that cases can be filtered or
// loaded into a table without walking the runs.
type Case struct {
	Arch            string             `json:"arch"`
	Build           string             `json:"build"`
	Toolchain       string             `json:"toolchain,omitempty"`
	Case            string             `json:"case"`
	Iteration       int                `json:"iteration"`
	Status          conformance.Status `json:"status"`
	DurationSeconds float64            `json:"duration_seconds"`
	Reason          string             `json:"reason,omitempty"`
	OutputTail      string             `json:"output_tail,omitempty"`
	Note            string             `json:"note,omitempty"`
}

// New converts an outcome to the report schema, for callers that want to
// adjust or inspect the report before writing it.
func New(o conformance.Outcome) Report {
	rep := Report{Runs: make([]Run, 0, len(o.Runs)), OK: o.OK(), Interrupted: o.Interrupted, Summary: o.Summary(), Strict: o.Strict}
	for _, r := range o.Runs {
		passed, failed := r.Counts()
		run := Run{
			Arch:            r.Port,
			Build:           r.Build,
			Runner:          r.Backend,
			Toolchain:       r.Toolchain,
			Compiler:        r.Compiler,
			DurationSeconds: r.Duration.Seconds(),
			Passed:          passed,
			Failed:          failed,
			OK:              r.OK(),
			Notes:           r.Notes,
			Base:            r.Base,
			Switch:          r.Switch,
			SwitchSHA256:    r.SwitchSHA256,
			CFlags:          r.CFlags,
			InputsSHA256:    r.InputsSHA256,
			Gaps:            r.Gaps,
			Unsupported:     r.Unsupported,
			Skipped:         r.Skipped,
			// Never null, so that consumers can iterate without a check.
			Cases: make([]Case, 0, len(r.Cases)),
		}
		for _, in := range r.Inputs {
			run.Inputs = append(run.Inputs, Input{Path: in.Path, Role: in.Role, SHA256: in.SHA256})
		}
		if r.Err != nil {
			run.Error = r.Err.Error()
		}
		for _, c := range r.Cases {
			run.Cases = append(run.Cases, Case{
				Arch:      r.Port,
				Build:     r.Build,
				Toolchain: r.Toolchain,
				Case:      c.Name,

				// Results parsed outside a repeated suite leave it unset.
				Iteration:       max(c.Iteration, 1),
				Status:          c.Status,
				DurationSeconds: c.Duration.Seconds(),
				Reason:          c.Reason,
				OutputTail:      c.OutputTail(OutputTailLines),
				Note:            c.Note,
			})
		}
		rep.Runs = append(rep.Runs, run)
	}
	rep.Passed, rep.Failed = conformance.Totals(o.Runs)
	return rep
}

// Write writes the report for o as indented JSON.
func Write(w io.Writer, o conformance.Outcome) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Case output is shown as text; escaping <, > and & would only make it
	// harder to read in the raw file.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(New(o)); err != nil {
		return fmt.Errorf("encoding JSON report: %w", err)
	}
	return nil
}

// Read parses a report written by Write.
func Read(r io.Reader) (Report, error) {
	var rep Report
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		return Report{}, fmt.Errorf("decoding JSON report: %w", err)
	}
	return rep, nil
}
