package conformance

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/executor"
	"github.com/stackslice/stackslice/internal/text"
	"github.com/stackslice/stackslice/qemu"
	"github.com/stackslice/stackslice/toolchain"
)

// Options tune a suite run.
type Options struct {
	OutDir      string         // where binaries go
	ObjectCache string         // where compiled objects are kept for reuse; OutDir when empty
	QEMU        qemu.Options   // how they run
	CaseTimeout time.Duration  // per case, enforced by the runner itself
	CaseMemory  int            // MiB of resident memory per case (runner --memory); the runner's default when 0
	ListTimeout time.Duration  // for `runner --list`; DefaultListTimeout when 0
	Cases       *regexp.Regexp // run only the cases it matches; all when nil
	Repeat      int            // run the selected cases this many times; once when 0
	SelfTest    bool           // run the runner's own misbehaving cases instead
	Thorough    bool           // the random programs' longer budget (runner --thorough)
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
	Port, Build, Toolchain string
	Stage                  Stage
	Done, Total            int // cases reported so far and to run, once Running
}

// DefaultListTimeout bounds `runner --list`, which takes milliseconds even
// emulated: a runner or QEMU that hangs there is named, not waited for.
const DefaultListTimeout = 30 * time.Second

// The errors of a run that could not execute, by kind.
var (
	ErrNoCaseMatches = errors.New("no case matches the filter")
	ErrInterrupted   = errors.New("interrupted before it finished")
)

// Run is the outcome of one port and build with one toolchain.
type Run struct {
	Port    string
	Build   string
	Backend string // how the binary ran: "native" or the QEMU binary and version
	// Toolchain is the toolchain image the run built and ran in; "" for
	// the host.
	Toolchain string
	// Compiler is the compiler that built it, with its version
	// ("riscv64-linux-gnu-gcc 14.2.0").
	Compiler string
	Cases    []CaseResult
	// Err is set when the suite could not run at all (e.g. a compile error);
	// Cases is empty then.
	Err      error
	Duration time.Duration
	// Notes are things to act on that are not failures.
	Notes []string

	// For a foreign port (conformance/foreign.go): its switch source and
	// that file's SHA-256; its declared gaps that showed, each with the
	// declaration's reason; and why its data file says it cannot work in
	// this build, which makes the run neither a pass nor a failure.
	Switch, SwitchSHA256 string
	// Inputs are every file the foreign switch's build read besides the
	// base port's and the core's, CFlags its port.json's cflags, and
	// InputsSHA256 the one digest of them all (arch.Foreign.Provenance).
	Inputs       []arch.InputFile
	CFlags       []string
	InputsSHA256 string
	Gaps         []string
	Unsupported  string
	// Base is a foreign port's arch (our port it runs on), which its name
	// need not say: every report shows it beside the switch.
	Base string
	// Skipped says why the run was left out without building anything:
	// its port builds only in toolchain images (arch.Images), none of which
	// this invocation ran. Neither a pass nor a failure; set apart.
	Skipped string
}

// NewRun is the run of p in b, with where and with what it builds and runs:
// the executor of ctx, its compiler and its version, and backend.
func NewRun(ctx context.Context, p arch.Port, b build.Build, backend qemu.Backend) Run {
	cc := b.Compiler.Command(p)[0]
	return Run{Port: p.Name, Build: b.Name, Backend: backend.Name(), Toolchain: executor.From(ctx).Toolchain(),
		Compiler: cc + " " + toolchain.Version(ctx, p, b.Compiler), Base: p.Base()}
}

// Label names the run's arch, with its toolchain when that is not the host
// ("riscv64@trixie").
func (r Run) Label() string {
	if r.Toolchain == "" {
		return r.Port
	}
	return r.Port + "@" + r.Toolchain
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

// OK tells whether the run executed, no case failed, and at least one
// passed: a run whose every case failed or was excused proves nothing.
func (r Run) OK() bool {
	passed, failed := r.Counts()
	return r.Unsupported == "" && !r.DidNotRun() && failed == 0 && passed > 0
}

// Why says in two words why a run did not run, for a matrix cell.
func (r Run) Why() string {
	switch {
	case r.Skipped != "":
		return "skipped"
	case r.Unsupported != "":
		return "unsupported"
	case errors.Is(r.Err, build.ErrCompile):
		return "build error"
	case errors.Is(r.Err, ErrNoCaseMatches):
		return "no case"
	case errors.Is(r.Err, ErrInterrupted):
		return "interrupted"
	case r.Err == nil && len(r.Cases) == 0:
		return "no cases"
	case r.Err == nil:
		return "no case passed"
	default:
		return "did not run"
	}
}

// Totals counts cases over runs, and each run that did not run or passed
// no case as one failure, so that the totals alone decide whether the suite
// passed. A run of a build a foreign port declares unsupported counts
// neither way, nor does one an interrupt cut short or kept from starting
// (NotRun): it proved nothing either way, and the outcome is not a pass.
func Totals(runs []Run) (passed, failed int) {
	for _, r := range runs {
		if r.Unsupported != "" || r.Skipped != "" || errors.Is(r.Err, ErrInterrupted) {
			continue
		}
		p, f := r.Counts()
		passed += p
		failed += f
		if r.DidNotRun() || (f == 0 && p == 0) {
			failed++
		}
	}
	return passed, failed
}

// NotRun counts the runs an interrupt cut short or kept from starting.
func NotRun(runs []Run) int {
	n := 0
	for _, r := range runs {
		if errors.Is(r.Err, ErrInterrupted) {
			n++
		}
	}
	return n
}

// Outcome is what one invocation of the harness produced.
type Outcome struct {
	Runs []Run
	// Interrupted tells that a signal, or the exit of the program that
	// started the harness, cut the invocation short: Runs are partial.
	Interrupted bool
	// Strict counts what the invocation did not judge (Unjudged: a foreign
	// port's declared gaps and unsupported builds) as failures, for a CI
	// gate that wants nothing set apart.
	Strict bool
}

// OK tells whether the outcome is a pass: not interrupted, no failure, at
// least one case passed, and, when Strict, nothing set apart unjudged.
func (o Outcome) OK() bool {
	passed, failed := Totals(o.Runs)
	return !o.Interrupted && failed == 0 && passed > 0 && !(o.Strict && o.Unjudged() != "")
}

// Unjudged says what the runs set apart from their verdict, or "": the
// declared gaps that showed (a register per foreign port, however many
// builds showed it) and the runs of builds declared unsupported ("2
// declared gaps and 1 unsupported build").
func (o Outcome) Unjudged() string {
	gaps, unsupported, skipped := map[string]bool{}, 0, map[string]bool{}
	for _, r := range o.Runs {
		if r.Skipped != "" {
			skipped[r.Port] = true
		}
		for _, g := range r.Gaps {
			reg, _, _ := strings.Cut(g, ":")
			gaps[r.Label()+"\x00"+reg] = true
		}
		if r.Unsupported != "" {
			unsupported++
		}
	}
	var parts []string
	if len(gaps) > 0 {
		parts = append(parts, text.Count(len(gaps), "declared gap"))
	}
	if unsupported > 0 {
		parts = append(parts, text.Count(unsupported, "unsupported build"))
	}
	if len(skipped) > 0 {
		parts = append(parts, text.Count(len(skipped), "skipped port"))
	}
	return strings.Join(parts, " and ")
}

// Summary is the line every report ends its verdict with when there is more
// to it than the totals: "passed with 2 declared gaps and 1 unsupported
// build", "failed (strict): 1 declared gap", "interrupted"; "" for a plain
// pass or failure.
func (o Outcome) Summary() string {
	unjudged := o.Unjudged()
	passed, failed := Totals(o.Runs)
	switch {
	case o.Interrupted && unjudged != "":
		return "interrupted" + o.notRun() + ", with " + unjudged
	case o.Interrupted:
		return "interrupted" + o.notRun()
	case unjudged == "":
		return ""
	case failed > 0 || passed == 0:
		return "failed, and " + unjudged + " besides"
	case o.Strict:
		return "failed (strict): " + unjudged + ", which strict mode counts as failures"
	}
	return "passed with " + unjudged
}

// notRun is ": 3 runs not run" when the interrupt kept runs from finishing.
func (o Outcome) notRun() string {
	if n := NotRun(o.Runs); n > 0 {
		return ": " + text.Count(n, "run") + " not run"
	}
	return ""
}

// RunSuite builds the runner for p and b, lists its cases, runs the selected
// ones (as often as asked) and returns one result per case and repetition.
func RunSuite(ctx context.Context, root string, p arch.Port, b build.Build, opts Options) (run Run) {
	start := time.Now()
	backend := qemu.For(ctx, p, opts.QEMU)
	run = NewRun(ctx, p, b, backend)
	defer func() { run.Duration = time.Since(start) }()
	if !opts.SelfTest {
		defer func() { judgeUnsupported(&run, p) }() // after judgeForeign: it drops the cases and gaps
	}
	if p.Foreign != nil && !opts.SelfTest {
		defer func() { judgeForeign(&run, p) }()
	}
	report := func(stage Stage, done, total int) {
		if opts.Progress != nil {
			opts.Progress(Progress{Port: p.Name, Build: b.Name, Toolchain: run.Toolchain, Stage: stage, Done: done, Total: total})
		}
	}
	report(Compiling, 0, 0)
	bin, names, err := List(ctx, root, p, b, opts, func() { report(Listing, 0, 0) })
	if err != nil {
		run.Err = err
		return run
	}
	bugs := p.EmulatorBugs
	if opts.SelfTest {
		bugs = nil // the self-test cases are not the ones a port's bugs name
	}
	if err := CheckEmulatorBugs(p, bugs, names); err != nil {
		run.Err = err
		return run
	}
	if names, err = SelectCases(names, opts.Cases); err != nil {
		run.Err = err
		return run
	}
	timeout := opts.CaseTimeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	repeat := max(opts.Repeat, 1)
	args := append(runnerArgs(p, opts), "--timeout", strconv.Itoa(int(max(timeout.Seconds(), 1))))
	if opts.CaseMemory > 0 {
		args = append(args, "--memory", strconv.Itoa(opts.CaseMemory))
	}
	args = append(args, names...)
	total := repeat * len(names)
	report(Running, 0, total)
	for iteration := 1; iteration <= repeat; iteration++ {
		before := len(run.Cases)
		parser := NewParser(names, func(n int) { report(Running, before+n, total) })
		res, err := qemu.RunWatched(ctx, backend, bin, args, opts.QEMU.Timeout, parser)
		if err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("%w (%v)", ErrInterrupted, context.Cause(ctx))
			}
			run.Err, run.Cases = err, nil
			return run
		}
		cases := parser.Finish(Ending{ExitCode: res.ExitCode, How: how(res)})
		// The runner kills what each case leaves; what is still there now
		// outlived a runner that did not finish, or escaped it.
		if len(res.LeftBehind) > 0 && len(cases) > 0 {
			FailForStrays(&cases[len(cases)-1], res.LeftBehind, "after the runner exited")
		}
		if res.OutputLeftOpen {
			run.Notes = append(run.Notes, fmt.Sprintf("iteration %d: a process the runner left behind kept its output open after it exited", iteration))
		}
		if backend.Emulated() {
			blameEmulator(cases, bugs, p.ArchDataPath())
		}
		for _, c := range cases {
			c.Iteration = iteration
			run.Cases = append(run.Cases, c)
		}
	}
	return run
}

// how says how a runner process ended, for the cases it never reported.
func how(res qemu.Result) string {
	ended := res.Describe()
	if msg := text.Printable(text.FirstLine(res.Stderr)); msg != "" {
		ended += ": " + msg
	}
	return ended
}

// MaxExcusedShare bounds emulator_bugs: at most 1/MaxExcusedShare of the
// cases. An emulator that breaks more of the suite proves nothing about a
// port, and a list that excuses everything would turn a broken port green
// on the few cases that never switch.
const MaxExcusedShare = 4

// ExcusableClasses are the case classes (name prefixes) that emulator_bugs
// may excuse: what they exercise beyond the port is the emulator's weakest
// part, signal delivery and thread-local state (qemu-i386 7.2 reads TLS
// wrong after some signals). Every other class checks what a switch saves
// and restores (registers_*, fp_*, alignment_*, stack_*) or the core on top
// of it: a port bug fails those natively too, and an excuse there would
// hide it wherever the port only runs emulated (a port that does not switch
// MXCSR passed under SL_FORCE_QEMU with its fp_* and registers_* cases
// listed).
var ExcusableClasses = []string{"signals_", "threads_"}

// Excusable tells whether emulator_bugs may name the case (ExcusableClasses).
func Excusable(name string) bool {
	return slices.ContainsFunc(ExcusableClasses, func(prefix string) bool { return strings.HasPrefix(name, prefix) })
}

// CheckEmulatorBugs fails when bugs (a port's emulator_bugs) names a case the
// runner does not have (a misspelt name would excuse nothing, a stale one
// hides that the list is wrong), a case no emulator bug may excuse
// (Excusable), or more than 1/MaxExcusedShare of them.
func CheckEmulatorBugs(p arch.Port, bugs map[string]string, cases []string) error {
	if limit := len(cases) / MaxExcusedShare; len(bugs) > limit {
		return fmt.Errorf("%s: emulator_bugs lists %d of the %d cases; at most a quarter (%d) may be excused", p.ArchDataPath(), len(bugs), len(cases), limit)
	}
	var unknown, inexcusable []string
	for name := range bugs {
		switch {
		case !slices.Contains(cases, name):
			unknown = append(unknown, name)
		case !Excusable(name):
			inexcusable = append(inexcusable, name)
		}
	}
	sort.Strings(unknown)
	sort.Strings(inexcusable)
	switch {
	case len(unknown) > 0:
		return fmt.Errorf("%s: emulator_bugs names %s, which the runner does not have (cases: %s)",
			p.ArchDataPath(), quoteAll(unknown), strings.Join(cases, ", "))
	case len(inexcusable) > 0:
		return fmt.Errorf("%s: emulator_bugs names %s, which no emulator bug may excuse: such a case checks what the port saves, so a port bug fails it natively too; only %s* cases (the emulator's signal delivery and thread-local state) may be listed",
			p.ArchDataPath(), quoteAll(inexcusable), strings.Join(ExcusableClasses, "*, "))
	}
	return nil
}

func quoteAll(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = strconv.Quote(n)
	}
	return strings.Join(quoted, ", ")
}

// blameEmulator marks the failures that bugs, a port's known emulator bugs
// by case name, explain, and notes each listed case that passed: the bug may
// be gone, and the excuse with it. Only call it for emulated runs.
func blameEmulator(cases []CaseResult, bugs map[string]string, dataPath string) {
	for i, c := range cases {
		why, known := bugs[c.Name]
		switch {
		case !known:
		case c.Status == Fail:
			cases[i].Status = KnownFailure
			cases[i].Reason = fmt.Sprintf("known emulator failure (%s): %s", why, c.Reason)
		case c.Status == Pass:
			cases[i].Note = fmt.Sprintf("passed although %s lists it in emulator_bugs; if it no longer fails, remove it from emulator_bugs", dataPath)
		}
	}
}

// List builds the runner for p and b and asks it for its cases; listing,
// when set, hears that the build is done.
func List(ctx context.Context, root string, p arch.Port, b build.Build, opts Options, listing func()) (bin string, names []string, err error) {
	bin, err = Compile(ctx, root, p, b, opts.OutDir, opts.ObjectCache)
	if err != nil {
		return "", nil, err
	}
	if listing != nil {
		listing()
	}
	backend := qemu.For(ctx, p, opts.QEMU)
	timeout := opts.ListTimeout
	if timeout <= 0 {
		timeout = DefaultListTimeout
	}
	argv := backend.Command(bin, append(runnerArgs(p, opts), "--list")...)
	list, err := qemu.Run(ctx, backend, bin, append(runnerArgs(p, opts), "--list"), timeout)
	switch {
	case err != nil:
		return "", nil, err
	case list.TimedOut:
		return "", nil, fmt.Errorf("%s did not finish within %s", strings.Join(argv, " "), timeout)
	case list.Failed():
		return "", nil, fmt.Errorf("runner --list %s", how(list))
	case list.Truncated:
		return "", nil, fmt.Errorf("runner --list printed more than %d bytes", qemu.MaxCaptured)
	}
	names, err = ParseList(list.Stdout)
	return bin, names, err
}

// runnerArgs are the options every invocation of p's runner takes: the
// self-test, the random programs' budget, and a foreign port's undeclared
// registers.
func runnerArgs(p arch.Port, opts Options) []string {
	var args []string
	if opts.SelfTest {
		args = append(args, "--selftest")
	}
	if opts.Thorough {
		args = append(args, "--thorough")
	}
	if regs := p.NotClaimed(); len(regs) > 0 {
		args = append(args, "--not-claimed", strings.Join(regs, ","))
	}
	return args
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
