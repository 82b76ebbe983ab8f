package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/qemu"
)

// Options tune a suite run.
type Options struct {
	OutDir      string         // where binaries go
	QEMU        qemu.Options   // how they run
	CaseTimeout time.Duration  // per case, enforced by the runner itself
	Cases       *regexp.Regexp // run only the cases it matches; all when nil
	Repeat      int            // run the selected cases this many times; once when 0
	SelfTest    bool           // run the runner's own misbehaving cases instead
	// Progress, when set, hears about each stage of the run as it happens.
	Progress func(Progress)
}

// Stage is where a run is.
type Stage string

const (
	Compiling Stage = "compiling"
	Listing   Stage = "listing"
	Running   Stage = "running"
)

// Progress is a run's state while it goes on.
type Progress struct {
	Port, Build string
	Stage       Stage
	Done, Total int // cases reported so far and to run, once Running
}

// The errors of a run that could not execute, by kind.
var (
	ErrCompile       = errors.New("compiling")
	ErrNoCaseMatches = errors.New("no case matches the filter")
)

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

// Counts returns how many cases passed and failed; known emulator failures
// are in neither count.
func (r Run) Counts() (passed, failed int) {
	for _, c := range r.Cases {
		switch c.Status {
		case Pass:
			passed++
		case KnownFailure:
		default:
			failed++
		}
	}
	return passed, failed
}

// Known returns how many cases failed for a known emulator bug.
func (r Run) Known() int {
	known := 0
	for _, c := range r.Cases {
		if c.Status == KnownFailure {
			known++
		}
	}
	return known
}

// DidNotRun tells whether a run left no case results to judge. Such a run
// fails every report: a suite that never executed proves nothing.
func (r Run) DidNotRun() bool { return r.Err != nil || len(r.Cases) == 0 }

// OK tells whether the run executed and every case passed.
func (r Run) OK() bool {
	_, failed := r.Counts()
	return !r.DidNotRun() && failed == 0
}

// Why says in two words why a run did not run, for a matrix cell.
func (r Run) Why() string {
	switch {
	case errors.Is(r.Err, ErrCompile):
		return "build error"
	case errors.Is(r.Err, ErrNoCaseMatches):
		return "no case"
	case r.Err == nil && len(r.Cases) == 0:
		return "no cases"
	default:
		return "did not run"
	}
}

// Totals counts cases over runs, each run that did not run as one failure,
// so that the totals alone decide whether the suite passed.
func Totals(runs []Run) (passed, failed int) {
	for _, r := range runs {
		p, f := r.Counts()
		passed += p
		failed += f
		if r.DidNotRun() {
			failed++
		}
	}
	return passed, failed
}

// RunSuite builds the runner for p and b, lists its cases, runs the selected
// ones (as often as asked) and returns one result per case and repetition.
func RunSuite(ctx context.Context, root string, p arch.Port, b Build, opts Options) (run Run) {
	start := time.Now()
	backend := qemu.For(p, opts.QEMU)
	run = Run{Port: p.Name, Build: b.Name, Backend: backend.Name()}
	defer func() { run.Duration = time.Since(start) }()
	report := func(stage Stage, done, total int) {
		if opts.Progress != nil {
			opts.Progress(Progress{Port: p.Name, Build: b.Name, Stage: stage, Done: done, Total: total})
		}
	}
	report(Compiling, 0, 0)
	bin, names, err := List(ctx, root, p, b, opts, func() { report(Listing, 0, 0) })
	if err != nil {
		run.Err = err
		return run
	}
	if names, err = SelectCases(names, opts.Cases); err != nil {
		run.Err = err
		return run
	}
	selfTest := selfTestArgs(opts)
	timeout := opts.CaseTimeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	repeat := max(opts.Repeat, 1)
	args := append(append(selfTest, "--timeout", strconv.Itoa(int(max(timeout.Seconds(), 1)))), names...)
	total := repeat * len(names)
	report(Running, 0, total)
	for iteration := 1; iteration <= repeat; iteration++ {
		before := len(run.Cases)
		watch := &endCounter{onEnd: func(n int) { report(Running, before+n, total) }}
		res, err := qemu.RunWatched(ctx, backend, bin, args, opts.QEMU.Timeout, watch)
		if err != nil {
			run.Err, run.Cases = err, nil
			return run
		}
		ended := res.Describe()
		if msg := FirstLine(res.Stderr); msg != "" {
			ended += ": " + msg
		}
		cases := ParseResults(res.Stdout, names, ended)
		if backend.Emulated() {
			blameEmulator(cases, p.EmulatorBugs)
		}
		for _, c := range cases {
			c.Iteration = iteration
			run.Cases = append(run.Cases, c)
		}
	}
	return run
}

// blameEmulator marks the failures that bugs, a port's known emulator bugs
// by case name, explain.
func blameEmulator(cases []CaseResult, bugs map[string]string) {
	for i, c := range cases {
		if why, known := bugs[c.Name]; known && c.Status == Fail {
			cases[i].Status = KnownFailure
			cases[i].Reason = fmt.Sprintf("known emulator failure (%s): %s", why, c.Reason)
		}
	}
}

// List builds the runner for p and b and asks it for its cases; listing,
// when set, hears that the build is done.
func List(ctx context.Context, root string, p arch.Port, b Build, opts Options, listing func()) (bin string, names []string, err error) {
	bin, err = Compile(ctx, root, p, b, opts.OutDir)
	if err != nil {
		return "", nil, err
	}
	if listing != nil {
		listing()
	}
	backend := qemu.For(p, opts.QEMU)
	list, err := qemu.Run(ctx, backend, bin, append(selfTestArgs(opts), "--list"), opts.QEMU.Timeout)
	if err != nil {
		return "", nil, err
	}
	if list.Failed() {
		return "", nil, fmt.Errorf("runner --list %s: %s", list.Describe(), FirstLine(list.Stderr))
	}
	names, err = ParseList(list.Stdout)
	return bin, names, err
}

func selfTestArgs(opts Options) []string {
	if opts.SelfTest {
		return []string{"--selftest"}
	}
	return nil
}

// SelectCases keeps the names filter matches, all of them when it is nil.
func SelectCases(names []string, filter *regexp.Regexp) ([]string, error) {
	if filter == nil {
		return names, nil
	}
	var selected []string
	for _, n := range names {
		if filter.MatchString(n) {
			selected = append(selected, n)
		}
	}
	if len(selected) == 0 {
		return nil, fmt.Errorf("%w %q (cases: %s)", ErrNoCaseMatches, filter.String(), strings.Join(names, ", "))
	}
	return selected, nil
}

// endCounter counts the SL-END lines of a runner's output as it streams.
type endCounter struct {
	partial []byte
	ended   int
	onEnd   func(ended int)
}

func (w *endCounter) Write(p []byte) (int, error) {
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		if bytes.HasPrefix(w.partial[:i], []byte("SL-END ")) {
			w.ended++
			w.onEnd(w.ended)
		}
		w.partial = w.partial[i+1:]
	}
	return len(p), nil
}
