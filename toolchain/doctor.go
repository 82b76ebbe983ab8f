package toolchain

import (
	"bytes"
	"context"
	"debug/elf"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/executor"
	"github.com/stackslice/stackslice/internal/parallel"
	"github.com/stackslice/stackslice/internal/text"
	"github.com/stackslice/stackslice/qemu"
)

//go:embed program/doctor.c
var doctorSource []byte

// doctorOK is what the doctor's program prints when all went well.
const doctorOK = "stackslice doctor: ok"

// Step is a stage of the doctor's check.
type Step string

const (
	StepCompile Step = "compile"
	StepLink    Step = "link"
	StepRun     Step = "run"
)

// Limits of the doctor's steps: its program is tiny, so a step that takes
// longer hangs. Variables so tests can shorten them.
var (
	buildTimeout = time.Minute
	runTimeout   = 30 * time.Second
)

// Problem is a port's toolchain failing its check. Its Error is one line:
// the port and its data file, the step that failed with the tool's first
// error line, and what to install.
type Problem struct {
	Port     arch.Port
	Compiler Compiler
	Step     Step
	Tool     string
	Detail   string
	Packages []string
	// Installed tells that Packages were installed and the check still failed.
	Installed bool
	// Toolchain is the toolchain image the check ran in; "" for the host.
	Toolchain string
	// Declared is why the port declares every build of the compiler
	// unsupported (Declare): then the failure is no problem to fix.
	Declared string
}

func (p *Problem) Error() string {
	if p.Declared != "" {
		return fmt.Sprintf("%s (%s): %s failed: %s: %s; every %s build is declared unsupported there (%s)",
			p.Port.Name, p.Port.DataPath(), p.Step, p.Tool, p.Detail, p.Compiler, p.Declared)
	}
	fix := "install: " + strings.Join(p.Packages, " ")
	switch {
	case p.Toolchain != "" && p.Step == StepRun && !strings.Contains(p.Detail, notOnPath("")):
		// It compiled and linked there: the image has its packages, and
		// installing them again fixes nothing.
		fix = fmt.Sprintf("the %s toolchain image holds its packages; the program it built does not run on this host", p.Toolchain)
	case p.Toolchain != "":
		fix = fmt.Sprintf("the %s toolchain image should hold it (%s)", p.Toolchain, strings.Join(p.Packages, " "))
	case p.Installed:
		fix = "still failing after installing " + strings.Join(p.Packages, " ")
	}
	return fmt.Sprintf("%s (%s): %s failed: %s: %s; %s", p.Port.Name, p.Port.DataPath(), p.Step, p.Tool, p.Detail, fix)
}

// Result is what the doctor found for one compiler of one port.
type Result struct {
	Port     arch.Port
	Compiler Compiler
	Command  string // how the compiler is called
	Version  string
	Runner   string // "native", or the QEMU binary and version
	QEMU     string // the port's QEMU binary and version, installed or not
	// Fallback says why binaries the port's data says the host runs
	// natively run under QEMU instead, or is "".
	Fallback string
	Linked   bool // the program compiled and linked statically
	Ran      bool // and ran as the suite runs binaries
	Problem  *Problem
}

// passed caches the checks that passed, by everything they depend on (the
// port, the compiler and QEMU binaries it resolved to): the harness checks
// before every run, and a toolchain that worked keeps working.
var passed sync.Map

// cacheKey identifies a check by the port, where it runs and the files its
// tools resolve to there.
func cacheKey(ctx context.Context, p arch.Port, c Compiler, runner string) string {
	ex := executor.From(ctx)
	key := fmt.Sprintf("%+v|%s|%s|%s", p, c, runner, ex.ID())
	if ex.Toolchain() != "" {
		return key // an image's tag names its files
	}
	for _, tool := range []string{c.Command(p)[0], p.QEMU} {
		if path, err := exec.LookPath(tool); err == nil {
			if fi, err := os.Stat(path); err == nil {
				key += fmt.Sprintf("|%s:%d:%d", path, fi.Size(), fi.ModTime().UnixNano())
			}
		}
	}
	return key
}

// Doctor checks every compiler of every port: it compiles, statically links
// and runs a small pthreads program, natively or under the port's QEMU as
// the suite would. Results come in port order, then compiler order.
func Doctor(ctx context.Context, ports []arch.Port, compilers []Compiler, opts qemu.Options) []Result {
	results := make([]Result, len(ports)*len(compilers))
	parallel.Each(ctx, len(results), runtime.NumCPU(), func(i int) {
		results[i] = check(ctx, ports[i/len(compilers)], compilers[i%len(compilers)], opts)
	})
	return results
}

func check(ctx context.Context, p arch.Port, c Compiler, opts qemu.Options) Result {
	ex := executor.From(ctx)
	backend := qemu.For(ctx, p, opts)
	argv := c.Command(p)
	_, goarch := ex.Platform()
	r := Result{Port: p, Compiler: c, Command: strings.Join(argv, " "), Runner: backend.Name(), QEMU: qemuName(ctx, p.QEMU)}
	key := cacheKey(ctx, p, c, r.Runner)
	if cached, ok := passed.Load(key); ok {
		return cached.(Result)
	}
	fail := func(step Step, tool, detail string) Result {
		r.Problem = &Problem{Port: p, Compiler: c, Step: step, Tool: tool, Detail: detail,
			Packages: Packages(p, goarch, c, backend.Emulated()), Toolchain: ex.Toolchain()}
		return r
	}
	if err := ex.LookPath(ctx, argv[0]); errors.Is(err, executor.ErrMissing) {
		return fail(StepCompile, argv[0], err.Error())
	} else if err != nil {
		return fail(StepCompile, argv[0], notOnPath(c.dataField()))
	}
	r.Version = Version(ctx, p, c)
	// The folder must be one the executor sees at the same path.
	dir, err := os.MkdirTemp(ex.TempDir(), "stackslice-doctor-")
	if err != nil {
		return fail(StepCompile, argv[0], err.Error())
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "doctor.c"), doctorSource, 0o644); err != nil {
		return fail(StepCompile, argv[0], err.Error())
	}
	// The port's flags, as every program of the suite gets them: the
	// doctor proves how the suite's binaries are built and run.
	argv = append(argv, p.CompileFlags()...)
	if out, err := build(ctx, dir, append(argv, "-std=gnu11", "-O2", "-c", "doctor.c", "-o", "doctor.o")); err != nil {
		return fail(StepCompile, argv[0], FirstError(out, err))
	}
	bin := filepath.Join(dir, "doctor")
	if out, err := build(ctx, dir, append(append(argv, p.LinkFlags()...), "-static", "doctor.o", "-o", bin, "-lpthread")); err != nil {
		return fail(StepLink, argv[0], FirstError(out, err))
	}
	if err := CheckExecutable(bin, true); err != nil {
		return fail(StepLink, argv[0], err.Error())
	}
	r.Linked = true
	// Native execution is proven, not taken from port.json: a host that
	// cannot start the program runs the port under its QEMU.
	r.Fallback = qemu.Probe(ctx, p, opts, bin)
	backend = qemu.For(ctx, p, opts)
	r.Runner = backend.Name()
	tool := "doctor"
	if backend.Emulated() {
		tool = p.QEMU
		if err := ex.LookPath(ctx, p.QEMU); err != nil {
			return fail(StepRun, p.QEMU, notOnPath("qemu"))
		}
	}
	res, err := qemu.Run(ctx, backend, bin, nil, runTimeout)
	switch {
	case err != nil:
		return fail(StepRun, tool, err.Error())
	case res.TimedOut:
		return fail(StepRun, tool, fmt.Sprintf("did not finish within %s", runTimeout))
	case res.Failed() || !strings.Contains(res.Stdout, doctorOK):
		detail := res.Describe()
		if why := FirstError(res.Stderr+res.Stdout, nil); why != "" {
			detail += ": " + why
		}
		return fail(StepRun, tool, detail)
	}
	r.Ran = true
	passed.Store(key, r)
	return r
}

func notOnPath(field string) string {
	if field == "" {
		return "not found on PATH"
	}
	return fmt.Sprintf("not found on PATH (port.json %q)", field)
}

// qemuName is a QEMU binary with its version, or a note that it is missing.
func qemuName(ctx context.Context, binary string) string {
	if err := executor.From(ctx).LookPath(ctx, binary); err != nil {
		return binary + " (not installed)"
	}
	if v := qemu.Version(ctx, binary); v != "" {
		return binary + " " + v
	}
	return binary + " (no version)"
}

// versions caches Version by executor, port and compiler.
var versions sync.Map

// Version is the version number of p's compiler c where the executor of
// ctx runs it ("14.2.0"), or "?" when it does not tell.
func Version(ctx context.Context, p arch.Port, c Compiler) string {
	argv := c.Command(p)
	key := executor.From(ctx).ID() + "\x00" + strings.Join(argv, " ")
	if v, ok := versions.Load(key); ok {
		return v.(string)
	}
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	var out bytes.Buffer
	st, err := executor.From(ctx).Run(ctx, executor.Spec{Argv: append(argv, c.versionFlag()), Stdout: &out})
	if err != nil || st.Err() != nil {
		return "?"
	}
	v := strings.TrimSpace(text.FirstLine(out.String()))
	versions.Store(key, v)
	return v
}

func build(ctx context.Context, dir string, argv []string) (string, error) {
	return buildWithin(ctx, dir, argv, buildTimeout)
}

// BuildTimeout bounds one compile, link or archive step: a source that
// includes a FIFO or a device, or a compiler that hangs, is stopped and
// named instead of waited for. The slowest real step, the LTO link of the
// runner on a loaded machine, takes a fraction of it. A variable so tests
// can shorten it.
var BuildTimeout = 5 * time.Minute

// Build runs one compile, link or archive step in dir with the executor of
// ctx, bounded by BuildTimeout, and returns its output. Every compiler the
// harness runs goes through it (or the doctor's shorter bound).
func Build(ctx context.Context, dir string, argv []string) (string, error) {
	return buildWithin(ctx, dir, argv, BuildTimeout)
}

func buildWithin(ctx context.Context, dir string, argv []string, timeout time.Duration) (string, error) {
	stepCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, err := executor.Output(stepCtx, dir, argv)
	if stepCtx.Err() != nil && ctx.Err() == nil {
		return out, fmt.Errorf("did not finish within %s (stopped: a compiler that hangs, or a source that includes a FIFO or a device)", timeout)
	}
	return out, err
}

// FirstError picks the line of a tool's output that says what went wrong:
// the first that is not context around it (include chains, "in function"
// headers, collect2's summary). With no such line it falls back on err, so
// the answer is never empty when something failed.
func FirstError(out string, err error) string {
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "",
			strings.HasPrefix(line, "In file included from"),
			strings.HasPrefix(line, "from "),
			strings.HasSuffix(line, ":"),
			strings.HasPrefix(line, "collect2: error: ld returned"),
			strings.HasPrefix(line, "clang: error: linker command failed"),
			strings.HasPrefix(line, "compilation terminated"):
			continue
		}
		return line
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// CheckExecutable tells whether path holds what a successful link leaves: a
// non-empty ELF executable, statically linked when static is set. A compiler
// that exits 0 but writes nothing usable fails here, with the reason.
func CheckExecutable(path string, static bool) error {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return errors.New("the link wrote no executable")
	case fi.Size() == 0:
		return errors.New("the link wrote an empty file")
	}
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("the link wrote something that is not an ELF executable (%v)", err)
	}
	defer f.Close()
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return fmt.Errorf("the link wrote an ELF file of type %s, not an executable", f.Type)
	}
	if static {
		for _, prog := range f.Progs {
			if prog.Type == elf.PT_INTERP {
				return errors.New("the link wrote a dynamically linked executable where a static one was asked for")
			}
		}
	}
	return nil
}

// Declare marks the failed checks of compilers whose every build the port
// declares unsupported, with its reason: unsupported gives it, or "" (clang
// for alpha: clang 14 has no alpha target). Those are no Problems: nothing
// is installed for them and no run stops on them; the builds still run,
// and are reported unsupported.
func Declare(results []Result, unsupported func(arch.Port, Compiler) string) {
	for _, r := range results {
		if r.Problem != nil && unsupported != nil {
			r.Problem.Declared = unsupported(r.Port, r.Compiler)
		}
	}
}

// Problems are the results' problems, in order, but for those Declare
// marked.
func Problems(results []Result) []*Problem {
	var problems []*Problem
	for _, r := range results {
		if r.Problem != nil && r.Problem.Declared == "" {
			problems = append(problems, r.Problem)
		}
	}
	return problems
}

// Fallbacks are the results' notes of ports whose binaries the host could
// not run natively, each once, in order.
func Fallbacks(results []Result) []string {
	var notes []string
	for _, r := range results {
		if r.Fallback != "" && !slices.Contains(notes, r.Fallback) {
			notes = append(notes, r.Fallback)
		}
	}
	return notes
}

// WriteTable prints one row per port and compiler: the compiler and its
// version, the port's QEMU and its version, how binaries run, and whether
// the program linked statically and ran; then each problem on a line.
func WriteTable(w io.Writer, results []Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "arch\tcompiler\tversion\tqemu\truns\tstatic link\trun")
	declared := false
	mark := func(ok, reached bool) string {
		switch {
		case ok:
			return "ok"
		case declared:
			return "unsupported"
		case reached:
			return "FAIL"
		}
		return "-"
	}
	for _, r := range results {
		version := r.Version
		if version == "" {
			version = "-"
		}
		runs := "native"
		if r.Runner != "native" {
			runs = "qemu"
		}
		linkReached := r.Problem == nil || r.Problem.Step != StepCompile
		declared = r.Problem != nil && r.Problem.Declared != ""
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Port.Name, r.Command, version, r.QEMU, runs,
			mark(r.Linked, linkReached), mark(r.Ran, r.Linked))
	}
	tw.Flush()
	for _, note := range Fallbacks(results) {
		fmt.Fprintln(w, note)
	}
	for _, r := range results {
		if r.Problem != nil {
			fmt.Fprintln(w, r.Problem.Error())
		}
	}
}

// Tool is a host program a run needs besides the compilers, and the Debian
// package that provides it. A tool that is no program (a library, a Python
// module) names a File the package installs instead of a Binary.
type Tool struct {
	Binary, Package string
	File            string // an absolute path; replaces the PATH lookup of Binary
}

// name is what a message calls the tool.
func (t Tool) name() string {
	if t.File != "" {
		return t.File
	}
	return t.Binary
}

// present tells whether the tool is there.
// present tells whether the tool is there: its file, or its binary on the
// PATH of the executor of ctx.
func (t Tool) present(ctx context.Context) bool {
	if t.File != "" {
		_, err := os.Stat(t.File)
		return err == nil
	}
	return executor.From(ctx).LookPath(ctx, t.Binary) == nil
}

// Options choose what Ensure proves and whether it may install.
type Options struct {
	Compilers []Compiler
	Tools     []Tool
	QEMU      qemu.Options
	// Install lets Ensure install the packages of the ports that fail, with
	// apt-get as root or through password-less sudo.
	Install bool
	Log     io.Writer
	// Unsupported is why port p declares every build of compiler c
	// unsupported, or "" (build.UnsupportedCompiler); nil: none is.
	Unsupported func(p arch.Port, c Compiler) string
}

// Ensure proves the toolchain of every port (Doctor). When some fail and
// installing is allowed, it installs what they need and proves them again.
// The error has one line per port and compiler still failing, and one more
// when installing itself failed.
func Ensure(ctx context.Context, ports []arch.Port, o Options) error {
	if o.Log == nil {
		o.Log = io.Discard
	}
	results := Doctor(ctx, ports, o.Compilers, o.QEMU)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	Declare(results, o.Unsupported)
	problems := Problems(results)
	said := map[string]bool{}
	sayFallbacks := func(results []Result) {
		for _, note := range Fallbacks(results) {
			if !said[note] {
				said[note] = true
				fmt.Fprintln(o.Log, note)
			}
		}
	}
	sayFallbacks(results)
	missing := missingTools(ctx, o.Tools)
	if len(problems) == 0 && len(missing) == 0 {
		return nil
	}
	var pkgs []string
	for _, t := range missing {
		pkgs = append(pkgs, t.Package)
	}
	var failing []arch.Port
	for _, p := range problems {
		pkgs = append(pkgs, p.Packages...)
		if len(failing) == 0 || failing[len(failing)-1].Name != p.Port.Name {
			failing = append(failing, p.Port)
		}
	}
	pkgs = sortedUnique(pkgs)
	// A toolchain image is built with everything; nothing is installed in
	// its container.
	if !o.Install || executor.From(ctx).Toolchain() != "" {

		return joinProblems(problems, toolsError(missing, false))
	}
	for _, p := range problems {
		fmt.Fprintf(o.Log, "toolchain: %s: %s failed: %s\n", p.Port.Name, p.Step, p.Detail)
	}
	if err := install(ctx, pkgs, listedIn(ports), o.Log); err != nil {
		return joinProblems(problems, errors.Join(toolsError(missing, false), err))
	}
	results = Doctor(ctx, failing, o.Compilers, o.QEMU)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	Declare(results, o.Unsupported)
	sayFallbacks(results)
	problems = Problems(results)
	for _, p := range problems {
		p.Installed = true
	}
	return joinProblems(problems, toolsError(missingTools(ctx, o.Tools), true))
}

func missingTools(ctx context.Context, tools []Tool) []Tool {
	var missing []Tool
	for _, t := range tools {
		if !t.present(ctx) {
			missing = append(missing, t)
		}
	}
	return missing
}

// toolsError is one line per missing tool, or nil.
func toolsError(missing []Tool, installed bool) error {
	var errs []error
	for _, t := range missing {
		fix := "install: " + t.Package
		if installed {
			fix = "still missing after installing " + t.Package
		}
		where := "not found on PATH"
		if t.File != "" {
			where = "missing"
		}
		errs = append(errs, fmt.Errorf("%s: %s; %s", t.name(), where, fix))
	}
	return errors.Join(errs...)
}

func joinProblems(problems []*Problem, also error) error {
	errs := make([]error, 0, len(problems)+1)
	for _, p := range problems {
		errs = append(errs, p)
	}
	return errors.Join(append(errs, also)...)
}

// listedIn maps a package to the data files of the ports that ask for it.
func listedIn(ports []arch.Port) func(string) []string {
	return func(pkg string) []string {
		var files []string
		for _, p := range ports {
			// install runs on the host alone
			if slices.Contains(Packages(p, runtime.GOARCH, GCC, false), pkg) {
				files = append(files, p.DataPath())
			}
		}
		return files
	}
}

// Predefines are the macros the compiler predefines for triple, as clang
// --target reports them (the preprocessor alone: no C library or cross
// toolchain needed), for proving ports' predefined conditions apart. For a
// target clang cannot compile for (clang 14 has no alpha, sh or hppa), the
// triple's gcc, <triple>-gcc, reports them instead.
func Predefines(ctx context.Context, triple string) (map[string]string, error) {
	out, err := Build(ctx, "", []string{"clang", "--target=" + triple, "-dM", "-E", "-x", "c", "/dev/null"})
	if err == nil {
		return arch.ParseMacros(out), nil
	}
	clangErr := fmt.Sprintf("clang --target=%s -dM -E: %s", triple, FirstError(out, err))
	gcc := triple + "-gcc"
	out, err = Build(ctx, "", []string{gcc, "-dM", "-E", "-x", "c", "/dev/null"})
	if err != nil {
		return nil, fmt.Errorf("%s; %s -dM -E: %s", clangErr, gcc, FirstError(out, err))
	}
	return arch.ParseMacros(out), nil
}
