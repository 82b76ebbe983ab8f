// Package harness runs the conformance suite over ports and builds and
// reports the outcome: the logic behind the mage targets.
package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/console"
	"github.com/stackslice/stackslice/mutants"
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
	OutDir    string // reports, and binaries under bin/; <root>/out when empty
	Parallel  int    // suites at once; the number of CPUs when 0
	Out       io.Writer
	Live      bool // redraw progress lines in place (a terminal)
	// CaseTimeout kills and fails a case that runs longer; 2 minutes when 0.
	CaseTimeout time.Duration
	// SelfTest runs the runner's own misbehaving cases instead of the
	// conformance cases: how the harness tests its failure reporting.
	SelfTest bool
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

// Ports loads the selected ports of the repository.
func Ports(o Options) ([]arch.Port, error) {
	if err := o.fill(); err != nil {
		return nil, err
	}
	all, err := arch.Load(filepath.Join(o.Root, "arch"))
	if err != nil {
		return nil, err
	}
	return arch.Select(all, o.Ports)
}

// Setup installs the toolchains the selected ports need, for every build.
func Setup(ctx context.Context, o Options) error {
	if err := o.fill(); err != nil {
		return err
	}
	ports, err := Ports(o)
	if err != nil {
		return err
	}
	return toolchain.Ensure(ctx, ports, o.Out, extraTools(conformance.Builds)...)
}

func extraTools(builds []conformance.Build) []toolchain.Tool {
	for _, b := range builds {
		if b.Compiler == "clang" {
			return []toolchain.Tool{toolchain.Clang}
		}
	}
	return nil
}

// job is one port in one build.
type job struct {
	port  arch.Port
	build conformance.Build
}

// plan checks the options and returns the jobs they select, the case filter
// and the folder for binaries, before anything is installed or run.
func plan(o Options) ([]job, *regexp.Regexp, error) {
	ports, err := Ports(o)
	if err != nil {
		return nil, nil, err
	}
	builds, err := conformance.SelectBuilds(o.Builds)
	if err != nil {
		return nil, nil, err
	}
	var filter *regexp.Regexp
	if o.Cases != "" {
		if filter, err = regexp.Compile(o.Cases); err != nil {
			return nil, nil, fmt.Errorf("case pattern %q: %v", o.Cases, conformance.FirstLine(err.Error()))
		}
	}
	if o.Repeat < 0 {
		return nil, nil, fmt.Errorf("repeat count %d: must be 1 or more", o.Repeat)
	}
	var jobs []job
	for _, p := range ports {
		for _, b := range builds {
			if b.RunsFor(p, o.ForceQEMU) {
				jobs = append(jobs, job{p, b})
			}
		}
	}
	if len(jobs) == 0 {
		return nil, nil, fmt.Errorf("nothing to run: the selected builds run only natively on the host's own arch (%s)", runtime.GOARCH)
	}
	return jobs, filter, nil
}

// prepareOutDir makes sure reports and binaries can be written before the
// suite spends minutes running.
func prepareOutDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output directory %s: %v", dir, unwrapPath(err))
	}
	probe, err := os.CreateTemp(dir, ".writable-*")
	if err != nil {
		return fmt.Errorf("output directory %s is not writable: %v", dir, unwrapPath(err))
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// unwrapPath drops the path an *os.PathError repeats.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Test installs what is missing, runs every selected port and build with
// live progress, prints the final matrix and the failures, writes the
// reports and returns the runs. The error is non-nil when anything failed.
// SIGINT and SIGTERM stop it promptly: every compiler, QEMU and target
// process it started is killed.
func Test(ctx context.Context, o Options) ([]conformance.Run, error) {
	if err := o.fill(); err != nil {
		return nil, err
	}
	jobs, filter, err := plan(o)
	if err != nil {
		return nil, err
	}
	if err := prepareOutDir(o.OutDir); err != nil {
		return nil, err
	}
	ports, builds := jobPortsAndBuilds(jobs)
	if err := toolchain.Ensure(ctx, ports, o.Out, extraTools(builds)...); err != nil {
		return nil, err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := conformance.Options{
		OutDir:      filepath.Join(o.OutDir, "bin"),
		QEMU:        qemu.Options{ForceQEMU: o.ForceQEMU, Timeout: 20 * time.Minute},
		CaseTimeout: o.CaseTimeout,
		Cases:       filter,
		Repeat:      o.Repeat,
		SelfTest:    o.SelfTest,
	}
	if err := checkFilter(ctx, o.Root, jobs[0], opts); err != nil {
		return nil, err
	}

	rows := make([]console.Row, len(jobs))
	for i, j := range jobs {
		rows[i] = console.Row{Port: j.port.Name, Build: j.build.Name}
	}
	progress := console.NewProgress(o.Out, o.Live, rows)
	started := time.Now()
	opts.Progress = progress.Update
	runs := make([]conformance.Run, len(jobs))
	// Workers take the jobs in matrix order, so the progress fills top down.
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(o.Parallel, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				runs[i] = conformance.RunSuite(ctx, o.Root, jobs[i].port, jobs[i].build, opts)
				progress.Finish(runs[i])
			}
		}()
	}
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	progress.Close()
	if ctx.Err() != nil {
		return nil, errors.New("interrupted: every compiler, QEMU and target process was stopped")
	}
	if !o.Live {
		fmt.Fprintln(o.Out)
	}
	console.WriteMatrix(o.Out, runs)
	console.WriteFailures(o.Out, runs)
	passed, failed := conformance.Totals(runs)
	fmt.Fprintf(o.Out, "\n%d passed, %d failed in %.1fs\n", passed, failed, time.Since(started).Seconds())
	paths, err := report.WriteFiles(o.OutDir, runs)
	if err != nil {
		return runs, err
	}
	fmt.Fprintf(o.Out, "reports: %s\n", strings.Join(paths, ", "))
	if bad := failedRuns(runs); len(bad) > 0 {
		return runs, fmt.Errorf("conformance failed: %s", strings.Join(bad, ", "))
	}
	return runs, nil
}

// checkFilter fails at once, in one line, when the case filter matches none
// of the cases (the same in every runner), rather than in every run. When the
// first runner cannot even be listed, its run reports why.
func checkFilter(ctx context.Context, root string, first job, opts conformance.Options) error {
	if opts.Cases == nil {
		return nil
	}
	_, names, err := conformance.List(ctx, root, first.port, first.build, opts, nil)
	if err != nil {
		return nil
	}
	_, err = conformance.SelectCases(names, opts.Cases)
	return err
}

func jobPortsAndBuilds(jobs []job) ([]arch.Port, []conformance.Build) {
	var ports []arch.Port
	var builds []conformance.Build
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

func failedRuns(runs []conformance.Run) []string {
	var bad []string
	for _, r := range runs {
		if !r.OK() {
			bad = append(bad, r.Port+"/"+r.Build)
		}
	}
	return bad
}

// Mutants runs the mutation check on each selected port: every mutant of
// its switch.S must make the suite fail in one of the selected builds (the
// default subset when none are chosen). It prints each survivor and a score
// line per port, and fails when any mutant survived.
func Mutants(ctx context.Context, o Options) error {
	if err := o.fill(); err != nil {
		return err
	}
	ports, err := Ports(o)
	if err != nil {
		return err
	}
	builds, err := conformance.SelectBuilds(o.Builds)
	if err != nil {
		return err
	}
	if err := toolchain.Ensure(ctx, ports, o.Out, extraTools(builds)...); err != nil {
		return err
	}
	opts := conformance.Options{
		OutDir:      filepath.Join(o.OutDir, "bin"),
		QEMU:        qemu.Options{ForceQEMU: o.ForceQEMU, Timeout: 10 * time.Minute},
		CaseTimeout: time.Minute,
	}
	var survivors []string
	for _, p := range ports {
		outcomes, err := mutants.Run(ctx, o.Root, p, builds, opts, o.Parallel)
		if err != nil {
			return err
		}
		for _, oc := range outcomes {
			if !oc.Killed {
				fmt.Fprintf(o.Out, "SURVIVED %s %s\n", p.Name, oc.Mutant)
			}
		}
		killed, total := mutants.Score(outcomes)
		fmt.Fprintf(o.Out, "%s: %d of %d mutants killed (%.0f%%)\n", p.Name, killed, total, 100*float64(killed)/float64(total))
		if killed < total {
			survivors = append(survivors, fmt.Sprintf("%s (%d)", p.Name, total-killed))
		}
	}
	if len(survivors) > 0 {
		return fmt.Errorf("mutants survived: %s", strings.Join(survivors, ", "))
	}
	return nil
}
