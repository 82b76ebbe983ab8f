// Package harness runs the conformance suite over ports and builds and
// reports the outcome: the logic behind the mage targets.
package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/console"
	"github.com/stackslice/stackslice/docker"
	"github.com/stackslice/stackslice/executor"
	"github.com/stackslice/stackslice/foreign"
	"github.com/stackslice/stackslice/internal/parallel"
	"github.com/stackslice/stackslice/internal/text"
	"github.com/stackslice/stackslice/library"
	"github.com/stackslice/stackslice/mutants"
	"github.com/stackslice/stackslice/proc"
	"github.com/stackslice/stackslice/qemu"
	"github.com/stackslice/stackslice/report"
	"github.com/stackslice/stackslice/toolchain"
)

// Options choose what to run and how.
type Options struct {
	Root      string   // repository root; found from the working directory when empty
	Ports     []string // port names; all when empty
	Builds    []string // build names; the default subset when empty, the full matrix for "all"
	Cases     string   // a regular expression: run only the cases it matches
	Repeat    int      // run the selected cases this many times; once when 0
	ForceQEMU bool
	// Strict fails a run that set declared gaps or unsupported builds
	// apart (SL_STRICT), for a CI gate that wants everything judged.
	Strict   bool
	OutDir   string // reports, and binaries under bin/; <root>/out when empty
	Parallel int    // suites at once; the number of CPUs when 0
	Out      io.Writer
	Live     bool // redraw progress lines in place (a terminal)
	// NoInstall stops the harness from installing missing toolchains: a
	// failing toolchain check is then the error.
	NoInstall bool
	// CaseTimeout kills and fails a case that runs longer; 2 minutes when 0.
	CaseTimeout time.Duration
	// CaseMemoryMiB kills and fails a case whose resident memory passes it;
	// the runner's 1024 MiB when 0.
	CaseMemoryMiB int
	// SelfTest runs the runner's own misbehaving cases instead of the
	// conformance cases: how the harness tests its failure reporting.
	SelfTest bool
	// Thorough gives the random programs of the model cases their longer
	// budget (test:full).
	Thorough bool
	// Foreign runs foreign ports instead of ours (test:foreign): these
	// names, or every one for "all". ForeignPath is SL_FOREIGN_PATH.
	Foreign     []string
	ForeignPath string
	// Toolchains are where to build and run: toolchain images by release
	// (docker/<release>/Dockerfile), or "host"; the host alone when empty.
	// Each is a dimension of the matrix.
	Toolchains []string

	// placement is where each port builds, once decided (place).
	placement *placement
}

// Root finds the repository root: the nearest folder upward from the
// working directory that holds go.mod and arch/.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isRoot(dir) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the stackslice repository (no go.mod with an arch/ folder above the working directory)")
		}
		dir = parent
	}
}

func isRoot(dir string) bool {
	for _, name := range []string{"go.mod", "arch", "core"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return false
		}
	}
	return true
}

func (o *Options) fill() error {
	if o.Root == "" {
		root, err := Root()
		if err != nil {
			return err
		}
		o.Root = root
	}
	if o.OutDir == "" {
		o.OutDir = filepath.Join(o.Root, "out")
	}
	if o.Parallel <= 0 {
		o.Parallel = runtime.NumCPU()
	}
	if o.Out == nil {
		o.Out = os.Stdout
	}
	return nil
}

// Ports loads the selected ports of the repository, each once: ours, or
// the foreign ones when o.Foreign is set.
func Ports(o Options) ([]arch.Port, error) {
	if err := o.fill(); err != nil {
		return nil, err
	}
	if len(o.Foreign) > 0 {
		all, err := foreign.Load(filepath.Join(o.Root, "arch"), foreign.Dirs(o.Root, o.ForeignPath))
		if err != nil {
			return nil, err
		}
		return foreign.Select(all, unique(o.Foreign))
	}
	all, err := arch.Load(filepath.Join(o.Root, "arch"))
	if err != nil {
		return nil, err
	}
	for _, p := range all {
		if err := conformance.CheckBuildNames(p.UnsupportedBuilds); err != nil {
			return nil, fmt.Errorf("%s: %w", p.DataPath(), err)
		}
	}
	return arch.Select(all, unique(o.Ports))
}

// WritePortList writes the names of the repository's ports as a JSON array
// on one line: the CI workflow builds its matrix from it, so a new
// arch/<name>/ gets a check of its own with no workflow edit.
func WritePortList(o Options) error {
	if err := o.fill(); err != nil {
		return err
	}
	ports, err := Ports(Options{Root: o.Root})
	if err != nil {
		return err
	}
	return json.NewEncoder(o.Out).Encode(arch.Names(ports))
}

func unique(names []string) []string {
	var out []string
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// Setup installs what every selected port needs for the full build matrix
// and for `mage bench`, proves it with the toolchain doctor and prints the
// doctor's table.
func Setup(ctx context.Context, o Options) error {
	if err := o.fill(); err != nil {
		return err
	}
	ports, err := Ports(o)
	if err != nil {
		return err
	}
	// Toolchain images hold everything already: Doctor builds them.
	if len(o.Toolchains) == 0 {
		pl, err := place(ctx, o, ports, false)
		if err != nil {
			return err
		}
		ports = pl.portsIn(ports, "")
		tools := append([]toolchain.Tool{library.PkgConfig}, benchTools(ports, o.ForceQEMU)...)
		if err := toolchain.Ensure(executor.With(ctx, executor.Host{}), ports, toolchain.Options{Compilers: build.Compilers(build.Matrix),
			Tools: tools, QEMU: qemu.Options{ForceQEMU: o.ForceQEMU}, Install: true, Log: o.Out,
			Unsupported: build.UnsupportedCompiler}); err != nil {
			return err
		}
	}
	return doctor(ctx, o, true)
}

// Doctor proves the toolchain of every selected port for every compiler of
// the full build matrix, installing nothing, and prints a table: compiler
// and version, QEMU and version, static link, run. The error counts the
// problems, which the table names one per line.
func Doctor(ctx context.Context, o Options) error {
	return doctor(ctx, o, false)
}

// doctor is Doctor; afterSetup tells that setup has just installed (or
// built into the images) everything, so its advice cannot be to run setup.
func doctor(ctx context.Context, o Options, afterSetup bool) error {
	if err := o.fill(); err != nil {
		return err
	}
	ports, err := Ports(o)
	if err != nil {
		return err
	}
	ctx = executor.Expect(ctx)
	pl, err := place(ctx, o, ports, false)
	if err != nil {
		return err
	}
	t, err := startToolchains(ctx, o)
	if err != nil {
		return err
	}
	defer t.stop()
	for _, name := range slices.Sorted(maps.Keys(pl.skipped)) {
		fmt.Fprintf(o.Out, "%s: not checked: it %s\n", name, pl.skipped[name])
	}
	problems := 0
	for _, ex := range t.list {
		if ex.Toolchain() != "" {
			fmt.Fprintf(o.Out, "toolchain %s (%s):\n", ex.Toolchain(), ex.ID())
		}
		results := toolchain.Doctor(executor.With(ctx, ex), pl.portsIn(ports, ex.Toolchain()), build.Compilers(build.Matrix), qemu.Options{ForceQEMU: o.ForceQEMU})
		if ctx.Err() != nil {
			return ctx.Err()
		}
		toolchain.Declare(results, build.UnsupportedCompiler)
		toolchain.WriteTable(o.Out, results)
		problems += len(toolchain.Problems(results))
	}
	return doctorVerdict(problems, afterSetup, len(o.Toolchains) > 0)
}

// doctorVerdict is the doctor's error for problems failed checks, with
// advice that fits: setup only where setup has not run yet and can install
// anything (the host); the table's lines name each problem and its fix.
func doctorVerdict(problems int, afterSetup, images bool) error {
	switch {
	case problems == 0:
		return nil
	case images:
		return fmt.Errorf("%d toolchain check(s) failed in the toolchain images, which hold every package the ports list; the lines above name each", problems)
	case afterSetup:
		return fmt.Errorf("%d toolchain check(s) still fail after setup installed what they need; the lines above name each", problems)
	}
	return fmt.Errorf("%d toolchain check(s) failed; `go run github.com/magefile/mage setup` installs what they need", problems)
}

// job is one port in one build with one toolchain.
type job struct {
	port  arch.Port
	build build.Build
	ex    executor.Executor
	// examples: build the library and the examples against it and run them,
	// rather than the conformance runner.
	examples bool
}

// examplesBuild stands for the examples in the matrix: built with the
// port's gcc, as a user of the library would.
var examplesBuild = build.Build{Name: library.ExamplesBuild, Compiler: toolchain.GCC}

// withExamples tells whether a run includes the examples: in the default
// or full builds, with no case filter, and not for the self-test.
func (o Options) withExamples() bool {
	return o.Cases == "" && !o.SelfTest && len(o.Foreign) == 0 && (len(o.Builds) == 0 || (len(o.Builds) == 1 && o.Builds[0] == build.All))
}

// plan checks the options and returns the jobs they select and the case
// filter, before anything is installed or run.
func plan(o Options) ([]job, *regexp.Regexp, error) {
	ports, err := Ports(o)
	if err != nil {
		return nil, nil, err
	}
	builds, err := build.Select(o.Builds)
	if err != nil {
		return nil, nil, err
	}
	var filter *regexp.Regexp
	if o.Cases != "" {
		if filter, err = regexp.Compile(o.Cases); err != nil {
			return nil, nil, fmt.Errorf("case pattern %q: %v", o.Cases, text.FirstLine(err.Error()))
		}
	}
	if o.Repeat < 0 {
		return nil, nil, fmt.Errorf("repeat count %d: must be 1 or more", o.Repeat)
	}
	if err := checkToolchains(o); err != nil {
		return nil, nil, err
	}
	var jobs []job
	for _, p := range ports {
		for _, b := range builds {
			if b.RunsFor(p, o.ForceQEMU) {
				jobs = append(jobs, job{port: p, build: b})
			}
		}
		if o.withExamples() {
			jobs = append(jobs, job{port: p, build: examplesBuild, examples: true})
		}
	}
	if len(jobs) == 0 {
		return nil, nil, fmt.Errorf("nothing to run: the selected builds run only natively on the host's own arch (%s)", runtime.GOARCH)
	}
	return jobs, filter, nil
}

// unwrapPath drops the path an *os.PathError repeats.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// stopContext ends when SIGINT, SIGTERM or SIGHUP arrives, or when the
// program that launched the harness (`go run`, mage) exits: neither passes
// a SIGTERM on, so without the watch the harness and its QEMU children
// would run on as orphans. A closed output (`| head -1`: SIGPIPE) stops the
// run too, as an interrupt: left to its default, SIGPIPE kills the harness
// on the spot, before it removes its containers and folders.
func stopContext(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, stopSignals := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	ctx, stopWatch := proc.WatchLaunchers(ctx)
	return ctx, func() { stopWatch(); stopSignals() }
}

// why says what stopped a run.
func why(ctx context.Context) string {
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause.Error()
	}
	return "a signal"
}

// session is what Test and Mutants share: an output directory held for the
// run, a context that ends on a signal or the launcher's exit, and the
// toolchains started and proven.
type session struct {
	ctx        context.Context
	out        *outDir
	stop       context.CancelFunc
	toolchains *toolchains
}

func (s *session) close() {
	if s.toolchains != nil {
		if err := s.toolchains.stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	s.stop()
	s.out.release()
}

// options are the suite's options for the executor ex: its binaries and
// objects in folders of their own.
func (s *session) options(ex executor.Executor, opts conformance.Options) conformance.Options {
	opts.OutDir, opts.ObjectCache = subdir(s.out.bin, ex), subdir(s.out.objects, ex)
	return opts
}

func startSession(ctx context.Context, o Options, ports []arch.Port, builds []build.Build, tools ...toolchain.Tool) (*session, error) {
	// The session chooses every step's executor (the host or a toolchain
	// image): a step it forgets fails rather than runs on the host.
	ctx, stop := stopContext(executor.Expect(ctx))
	if ctx.Err() != nil {
		stop()
		return nil, fmt.Errorf("not started: %s", why(ctx))
	}
	out, err := openOutDir(o.OutDir)
	if err != nil {
		stop()
		return nil, err
	}
	if err := proc.NoCoreDumps(); err != nil {
		stop()
		out.release()
		return nil, fmt.Errorf("turning core dumps off: %v", err)
	}
	s := &session{ctx: ctx, out: out, stop: stop}
	if s.toolchains, err = startToolchains(ctx, o, mounts(o, ports)...); err != nil {
		s.close()
		return nil, err
	}
	for _, ex := range s.toolchains.list {
		err = toolchain.Ensure(executor.With(ctx, ex), o.placement.portsIn(ports, ex.Toolchain()), toolchain.Options{Compilers: build.Compilers(builds), Tools: tools,
			QEMU: qemu.Options{ForceQEMU: o.ForceQEMU}, Install: !o.NoInstall, Log: o.Out, Unsupported: build.UnsupportedCompiler})
		if ctx.Err() != nil {
			err = fmt.Errorf("interrupted (%s) while checking toolchains", why(ctx))
		}
		if err != nil && ex.Toolchain() != "" {
			err = fmt.Errorf("toolchain %s: %w", ex.Toolchain(), err)
		}
		if err != nil {
			s.close()
			return nil, err
		}
	}
	return s, nil
}

// Test proves the toolchains (installing what is missing), runs every
// selected port and build with live progress, prints the final matrix, the
// failures and the notes, writes the reports and returns the runs. The error
// is non-nil unless every run passed. SIGINT, SIGTERM or the exit of the
// launcher stop it within seconds: every compiler, QEMU and target process
// it started is stopped, and the reports say the run was interrupted.
func Test(ctx context.Context, o Options) ([]conformance.Run, error) {
	if err := o.fill(); err != nil {
		return nil, err
	}
	jobs, filter, err := plan(o)
	if err != nil {
		return nil, err
	}
	ports, _ := jobPortsAndBuilds(jobs)
	if o.placement, err = place(ctx, o, ports, true); err != nil {
		return nil, err
	}
	o.Toolchains = o.placement.toolchains()
	var skipped []conformance.Run
	jobs = slices.DeleteFunc(jobs, func(j job) bool {
		why := o.placement.skipped[j.port.Name]
		if why != "" {
			skipped = append(skipped, conformance.Run{Port: j.port.Name, Build: j.build.Name, Skipped: why})
		}
		return why != ""
	})
	if len(jobs) == 0 {
		return nil, fmt.Errorf("nothing to run: %s", o.placement.refuse())
	}
	ports, builds := jobPortsAndBuilds(jobs)
	var tools []toolchain.Tool
	if o.withExamples() {
		tools = append(tools, library.PkgConfig)
	}
	s, err := startSession(ctx, o, ports, builds, tools...)
	if err != nil {
		return nil, err
	}
	defer s.close()
	ctx = s.ctx
	jobs = s.toolchains.expand(jobs, o.placement)
	opts := conformance.Options{
		QEMU:        qemu.Options{ForceQEMU: o.ForceQEMU, Timeout: 20 * time.Minute},
		CaseTimeout: o.CaseTimeout,
		CaseMemory:  o.CaseMemoryMiB,
		Cases:       filter,
		Repeat:      o.Repeat,
		SelfTest:    o.SelfTest,
		Thorough:    o.Thorough,
	}
	if err := precheck(executor.With(ctx, jobs[0].ex), o.Root, jobs, s.options(jobs[0].ex, opts)); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("interrupted (%s) before any run", why(ctx))
		}
		return nil, err
	}

	rows := make([]console.Row, len(jobs))
	for i, j := range jobs {
		rows[i] = console.Row{Port: j.port.Name, Build: j.build.Name, Toolchain: j.ex.Toolchain()}
	}
	progress := console.NewProgress(o.Out, o.Live, rows)
	started := time.Now()
	opts.Progress = progress.Update
	runs := make([]conformance.Run, len(jobs))
	// Jobs are taken in matrix order, so the progress fills top down.
	parallel.Each(ctx, len(jobs), o.Parallel, func(i int) {
		j := jobs[i]
		ctx, opts := executor.With(ctx, j.ex), s.options(j.ex, opts)
		if j.examples {
			runs[i] = library.RunExamples(ctx, o.Root, j.port, library.Options{
				LibDir: filepath.Join(opts.OutDir, "lib"), BinDir: opts.OutDir, QEMU: opts.QEMU})
		} else {
			runs[i] = conformance.RunSuite(ctx, o.Root, j.port, j.build, opts)
		}
		progress.Finish(runs[i])
	})
	progress.Close()
	runs = append(runs, skipped...)
	outcome := conformance.Outcome{Runs: runs, Interrupted: ctx.Err() != nil, Strict: o.Strict}
	if outcome.Interrupted {
		for i, j := range jobs {
			switch {
			case runs[i].Port == "":
				runs[i] = conformance.Run{Port: j.port.Name, Build: j.build.Name, Toolchain: j.ex.Toolchain(), Err: conformance.ErrInterrupted}
			case runs[i].Err != nil && !errors.Is(runs[i].Err, conformance.ErrInterrupted) &&
				(errors.Is(runs[i].Err, context.Canceled) || errors.Is(runs[i].Err, context.DeadlineExceeded)):
				// A step that saw only its context end (a bare "context
				// canceled") was cut by the interrupt too.
				runs[i].Err, runs[i].Cases = fmt.Errorf("%w (%s)", conformance.ErrInterrupted, why(ctx)), nil
			}
		}
		paths, werr := report.WriteFiles(o.OutDir, outcome)
		msg := fmt.Sprintf("interrupted (%s): every compiler, QEMU and target process was stopped", why(ctx))
		if werr != nil {
			return runs, fmt.Errorf("%s; %v", msg, werr)
		}
		return runs, fmt.Errorf("%s; partial reports: %s", msg, strings.Join(paths, ", "))
	}
	if !o.Live {
		fmt.Fprintln(o.Out)
	}
	console.WriteMatrix(o.Out, runs)
	console.WriteFailures(o.Out, runs)
	console.WriteNotes(o.Out, runs)
	console.WriteTotals(o.Out, outcome, time.Since(started))
	paths, err := report.WriteFiles(o.OutDir, outcome)
	if err != nil {
		return runs, err
	}
	fmt.Fprintf(o.Out, "reports: %s\n", strings.Join(paths, ", "))
	if err := engineLost(runs); err != nil {
		return runs, err
	}
	return runs, verdict(outcome)
}

// engineLost is the run's error when the Docker engine stopped answering
// mid-run, said once for every run it cut short, or nil.
func engineLost(runs []conformance.Run) error {
	var first error
	cut := 0
	for _, r := range runs {
		if errors.Is(r.Err, docker.ErrEngineLost) {
			if first == nil {
				first = r.Err
			}
			cut++
		}
	}
	if first == nil {
		return nil
	}
	return fmt.Errorf("%v: %s cut short; their results are not a verdict on the ports", first, text.Count(cut, "run"))
}

// verdict is nil for an outcome that passed, else the error that says
// which runs failed, or that strict mode failed what it set apart.
func verdict(outcome conformance.Outcome) error {
	if outcome.OK() {
		return nil
	}
	if lenient := outcome; lenient.Strict {
		if lenient.Strict = false; lenient.OK() {
			return fmt.Errorf("conformance failed: %s=1 counts %s as failures", EnvStrict, outcome.Unjudged())
		}
	}
	return fmt.Errorf("conformance failed: %s", strings.Join(failedRuns(outcome.Runs), ", "))
}

// precheck fails at once, in one line, when the case filter matches none of
// the cases or a port's emulator_bugs names a case that does not exist (the
// cases are the same in every runner), rather than in every run. When the
// first runner cannot even be listed, its run reports why.
func precheck(ctx context.Context, root string, jobs []job, opts conformance.Options) error {
	_, names, err := conformance.List(ctx, root, jobs[0].port, jobs[0].build, opts, nil)
	if err != nil {
		return nil
	}
	if !opts.SelfTest {
		for _, j := range jobs {
			if err := conformance.CheckEmulatorBugs(j.port, j.port.EmulatorBugs, names); err != nil {
				return err
			}
		}
	}
	_, err = conformance.SelectCases(names, opts.Cases)
	return err
}

func jobPortsAndBuilds(jobs []job) ([]arch.Port, []build.Build) {
	var ports []arch.Port
	var builds []build.Build
	seenPort, seenBuild := map[string]bool{}, map[string]bool{}
	for _, j := range jobs {
		if !seenPort[j.port.Name] {
			seenPort[j.port.Name] = true
			ports = append(ports, j.port)
		}
		if !seenBuild[j.build.Name] {
			seenBuild[j.build.Name] = true
			builds = append(builds, j.build)
		}
	}
	return ports, builds
}

// failedRuns names the runs that are not a pass.
func failedRuns(runs []conformance.Run) []string {
	var bad []string
	for _, r := range runs {
		// A skipped run is set apart, never a failure (Outcome.Unjudged).
		if !r.OK() && r.Skipped == "" {
			bad = append(bad, r.Port+"/"+r.Build)
		}
	}
	return bad
}

// Mutants runs the mutation check on each selected port, after a control
// run of the unmutated port that must pass every case: every mutant of its
// switch.S must make a case that passed at baseline fail in one of the
// selected builds (the default subset when none are chosen). It prints each
// mutant's fate as it is known and a score line per port, and fails when a
// mutant survived or could not be judged.
func Mutants(ctx context.Context, o Options) error {
	if err := o.fill(); err != nil {
		return err
	}
	if len(o.Ports) == 1 && o.Ports[0] == mutants.CoreName && len(o.Foreign) == 0 {
		return mutateCore(ctx, o)
	}
	ports, err := mutationPorts(o)
	if err != nil {
		return err
	}
	builds, err := build.Select(o.Builds)
	if err != nil {
		return err
	}
	// A switch source the check cannot read fails before anything is built.
	for _, p := range ports {
		if _, _, _, err := mutants.Load(p); err != nil {
			return err
		}
	}
	if o.placement, err = place(ctx, o, ports, false); err != nil {
		return err
	}
	if err := o.placement.refuse(); err != nil {
		return err
	}
	s, err := startSession(ctx, o, ports, builds)
	if err != nil {
		return err
	}
	defer s.close()
	// The control run's cases get test:arch's timeout: on a loaded machine
	// hppa's threads_concurrent took 65 s under QEMU (7 s of CPU).
	opts := conformance.Options{
		QEMU:        qemu.Options{ForceQEMU: o.ForceQEMU, Timeout: 10 * time.Minute},
		CaseTimeout: 2 * time.Minute,
	}
	var failed []string
	for _, ex := range s.toolchains.list {
		ctx := executor.With(s.ctx, ex)
		if ex.Toolchain() != "" {
			fmt.Fprintf(o.Out, "toolchain %s:\n", ex.Toolchain())
		}
		for _, p := range o.placement.portsIn(ports, ex.Toolchain()) {
			verdict, err := mutatePort(ctx, o, p, builds, s.options(ex, opts))
			if ctx.Err() != nil {
				return fmt.Errorf("interrupted (%s): every compiler, QEMU and target process was stopped", why(ctx))
			}
			if err != nil {
				return err
			}
			if verdict != "" && ex.Toolchain() != "" {
				verdict += "@" + ex.Toolchain()
			}
			if verdict != "" {
				failed = append(failed, verdict)
			}
		}
	}

	if len(failed) > 0 {
		return fmt.Errorf("mutation check failed: %s", strings.Join(failed, ", "))
	}
	return nil
}

// mutationPorts are the ports test:mutants names: ours, or else foreign
// ports (an unknown name is reported as one of ours).
func mutationPorts(o Options) ([]arch.Port, error) {
	ports, err := Ports(o)
	if err == nil || len(o.Foreign) > 0 {
		return ports, err
	}
	f := o
	f.Foreign, f.Ports = o.Ports, nil
	if foreign, ferr := Ports(f); ferr == nil {
		return foreign, nil
	}
	return nil, err
}

// mutatePort runs one port's control run and mutants; verdict is empty when
// every mutant was killed, else it says what went wrong. A port's
// unsupported builds are left out: they fail their control run by design.
func mutatePort(ctx context.Context, o Options, p arch.Port, builds []build.Build, opts conformance.Options) (verdict string, err error) {
	_, sites, scratch, err := mutants.Load(p)
	if err != nil {
		return "", err
	}
	if len(scratch) > 0 {
		fmt.Fprintf(o.Out, "%s: clobbers not mutated, no canary of %s checks them (caller-saved, or the link register): %s\n",
			p.Name, filepath.Join("arch", p.Arch(), "probe.S"), strings.Join(mutants.Names(scratch), ", "))
	}
	builds = slices.DeleteFunc(slices.Clone(builds), func(b build.Build) bool {
		why, _, unsupported := p.Unsupported(b.Name)
		if unsupported {
			fmt.Fprintf(o.Out, "%s: %s left out: unsupported_builds says %q\n", p.Name, b.Name, why)
		}
		return unsupported
	})
	if len(builds) == 0 {
		return "", fmt.Errorf("%s: every selected build is in unsupported_builds of %s: nothing to mutate in", p.Name, p.DataPath())
	}
	counts := mutants.Count(sites)
	total := len(mutants.Mutants(sites))
	fmt.Fprintf(o.Out, "%s: %d mutants (%s); control run of the unmutated port\n", p.Name, total, counts)
	started := time.Now()
	base, err := mutants.RunBaseline(ctx, o.Root, p, builds, opts)
	if err != nil {
		return "", err
	}
	opts.CaseTimeout = mutants.MutantCaseTimeout(base)
	done := 0
	outcomes, err := mutants.Run(ctx, o.Root, p, builds, base, opts, o.Parallel, func(oc mutants.Outcome) {
		done++
		fate := "killed by " + oc.By
		switch {
		case oc.Err != nil:
			fate = "ERROR: " + oc.Err.Error()
		case !oc.Killed:
			fate = "SURVIVED"
		}
		fmt.Fprintf(o.Out, "  [%d/%d] %s: %s\n", done, total, oc.Mutant, text.Printable(fate))
	})
	if err != nil {
		return "", err
	}
	killed, errs, total := mutants.Score(outcomes)
	line := fmt.Sprintf("%s: %d of %d mutants killed (%.0f%%) in %.0fs; %s", p.Name, killed, total, 100*float64(killed)/float64(total),
		time.Since(started).Seconds(), counts)
	if errs > 0 {
		line += fmt.Sprintf("; %d could not be judged", errs)
	}
	fmt.Fprintln(o.Out, line)
	if survivors := mutants.Survivors(outcomes); len(survivors) > 0 {
		fmt.Fprintf(o.Out, "%s: survived, by register: %s\n", p.Name, strings.Join(survivors, ", "))
	}
	switch {
	case errs > 0:
		return fmt.Sprintf("%s (%d not judged)", p.Name, errs), nil
	case killed < total:
		return fmt.Sprintf("%s (%d survived)", p.Name, total-killed), nil
	}
	return "", nil
}

// WriteDeclarable writes what a foreign port.json may declare on each
// selected port (all when none is named): foreign.WriteDeclarations.
func WriteDeclarable(w io.Writer, o Options) error {
	ports, err := Ports(Options{Root: o.Root, Ports: o.Ports})
	if err != nil {
		return err
	}
	return foreign.WriteDeclarations(w, ports)
}
