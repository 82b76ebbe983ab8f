// Package harness runs the conformance suite over ports and builds and
// reports the outcome: the logic behind the mage targets.
package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/mutants"
	"github.com/stackslice/stackslice/qemu"
	"github.com/stackslice/stackslice/toolchain"
)

// Options choose what to run and how.
type Options struct {
	Root      string   // repository root; found from the working directory when empty
	Ports     []string // port names; all when empty
	Builds    []string // build names; the default subset when empty, the full matrix for "all"
	ForceQEMU bool
	OutDir    string // binaries; <root>/out when empty
	Parallel  int    // suites at once; the number of CPUs when 0
	Out       io.Writer
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

// Test installs what is missing, runs every selected port and build, prints
// a line per run and the failures, and returns the runs. The error is
// non-nil when anything failed.
func Test(ctx context.Context, o Options) ([]conformance.Run, error) {
	if err := o.fill(); err != nil {
		return nil, err
	}
	ports, err := Ports(o)
	if err != nil {
		return nil, err
	}
	builds, err := conformance.SelectBuilds(o.Builds)
	if err != nil {
		return nil, err
	}
	if err := toolchain.Ensure(ctx, ports, o.Out, extraTools(builds)...); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	type job struct {
		port  arch.Port
		build conformance.Build
	}
	var jobs []job
	for _, p := range ports {
		for _, b := range builds {
			jobs = append(jobs, job{p, b})
		}
	}
	runs := make([]conformance.Run, len(jobs))
	sem := make(chan struct{}, o.Parallel)
	var wg sync.WaitGroup
	var printMu sync.Mutex
	opts := conformance.Options{
		OutDir:      o.OutDir,
		QEMU:        qemu.Options{ForceQEMU: o.ForceQEMU, Timeout: 20 * time.Minute},
		CaseTimeout: 2 * time.Minute,
	}
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			runs[i] = conformance.RunSuite(ctx, o.Root, j.port, j.build, opts)
			printMu.Lock()
			fmt.Fprintln(o.Out, RunLine(runs[i]))
			printMu.Unlock()
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return runs, ctx.Err()
	}
	WriteFailures(o.Out, runs)
	passed, failed := Totals(runs)
	fmt.Fprintf(o.Out, "%d passed, %d failed\n", passed, failed)
	if bad := failedRuns(runs); len(bad) > 0 {
		return runs, fmt.Errorf("conformance failed: %s", strings.Join(bad, ", "))
	}
	return runs, nil
}

// RunLine is the one-line summary of a run.
func RunLine(r conformance.Run) string {
	passed, failed := r.Counts()
	verdict := "PASS"
	if !r.OK() {
		verdict = "FAIL"
	}
	line := fmt.Sprintf("%s %-8s %-20s %3d passed %3d failed  %-20s %6.1fs",
		verdict, r.Port, r.Build, passed, failed, r.Backend, r.Duration.Seconds())
	if r.Err != nil {
		line += "  " + firstLine(r.Err.Error())
	}
	return line
}

// WriteFailures lists every failed case with the tail of its output.
func WriteFailures(w io.Writer, runs []conformance.Run) {
	for _, r := range runs {
		if r.Err != nil {
			fmt.Fprintf(w, "\n%s %s: %v\n", r.Port, r.Build, r.Err)
		}
		for _, c := range r.Cases {
			if c.Status == conformance.Pass {
				continue
			}
			fmt.Fprintf(w, "\n%s %s %s: %s\n", r.Port, r.Build, c.Name, c.Reason)
			if out := tailLines(c.Output, 15); out != "" {
				fmt.Fprintf(w, "    %s\n", strings.ReplaceAll(out, "\n", "\n    "))
			}
		}
	}
}

// Totals counts cases over runs; a run that could not execute counts as one failure.
func Totals(runs []conformance.Run) (passed, failed int) {
	for _, r := range runs {
		p, f := r.Counts()
		passed += p
		failed += f
		if r.Err != nil || len(r.Cases) == 0 {
			failed++
		}
	}
	return passed, failed
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

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func tailLines(s string, n int) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
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
		OutDir:      o.OutDir,
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
