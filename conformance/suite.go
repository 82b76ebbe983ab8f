package conformance

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/qemu"
)

// Options tune a suite run.
type Options struct {
	OutDir      string        // where binaries go
	QEMU        qemu.Options  // how they run
	CaseTimeout time.Duration // per case, enforced by the runner itself
}

// Run is the outcome of one port and build.
type Run struct {
	Port    string
	Build   string
	Backend string // how the binary ran: "native" or the QEMU binary and version
	Cases   []CaseResult
	// Err is set when the suite could not run at all (e.g. a compile error);
	// Cases is empty then.
	Err      error
	Duration time.Duration
}

// Counts returns how many cases passed and failed.
func (r Run) Counts() (passed, failed int) {
	for _, c := range r.Cases {
		if c.Status == Pass {
			passed++
		} else {
			failed++
		}
	}
	return passed, failed
}

// OK tells whether the run executed and every case passed.
func (r Run) OK() bool {
	_, failed := r.Counts()
	return r.Err == nil && failed == 0 && len(r.Cases) > 0
}

// RunSuite builds the runner for p and b, lists its cases, runs them all and
// returns one result per case.
func RunSuite(ctx context.Context, root string, p arch.Port, b Build, opts Options) (run Run) {
	start := time.Now()
	backend := qemu.For(p, opts.QEMU)
	run = Run{Port: p.Name, Build: b.Name, Backend: backend.Name()}
	defer func() { run.Duration = time.Since(start) }()
	bin, err := Compile(ctx, root, p, b, opts.OutDir)
	if err != nil {
		run.Err = err
		return run
	}
	list, err := qemu.Run(ctx, backend, bin, []string{"--list"}, opts.QEMU.Timeout)
	if err != nil {
		run.Err = err
		return run
	}
	if list.Failed() {
		run.Err = fmt.Errorf("runner --list %s: %s", list.Describe(), firstLine(list.Stderr))
		return run
	}
	names, err := ParseList(list.Stdout)
	if err != nil {
		run.Err = err
		return run
	}
	timeout := opts.CaseTimeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	args := []string{"--timeout", strconv.Itoa(int(timeout.Seconds()))}
	res, err := qemu.Run(ctx, backend, bin, args, opts.QEMU.Timeout)
	if err != nil {
		run.Err = err
		return run
	}
	ended := res.Describe()
	if msg := firstLine(res.Stderr); msg != "" {
		ended += ": " + msg
	}
	run.Cases = ParseResults(res.Stdout, names, ended)
	return run
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
