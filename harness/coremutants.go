package harness

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"time"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/executor"
	"github.com/stackslice/stackslice/internal/text"
	"github.com/stackslice/stackslice/mutants"
	"github.com/stackslice/stackslice/qemu"
)

// mutateCore is `test:mutants core`: the planted bugs of core/slice.c
// (mutants/core.mutants), each of which the suite must catch. The core is
// the same C on every port, so it runs on the port of the host's own arch,
// natively, with the random programs' longer budget (--thorough). A control
// run of the unmutated core comes first and must pass every case.
func mutateCore(ctx context.Context, o Options) error {
	if err := o.fill(); err != nil {
		return err
	}
	// Bad data fails before anything is built.
	_, all, err := mutants.LoadCore(o.Root)
	if err != nil {
		return err
	}
	p, err := hostPort(o)
	if err != nil {
		return err
	}
	builds, err := conformance.SelectBuilds(o.Builds)
	if err != nil {
		return err
	}
	s, err := startSession(ctx, o, []arch.Port{p}, builds)
	if err != nil {
		return err
	}
	defer s.close()
	ex, err := s.toolchains.only("the core's mutation check")
	if err != nil {
		return err
	}
	opts := s.options(ex, conformance.Options{
		QEMU:        qemu.Options{ForceQEMU: o.ForceQEMU, Timeout: 10 * time.Minute},
		CaseTimeout: 2 * time.Minute,
		Thorough:    true,
	})
	ctx = executor.With(s.ctx, ex)
	fmt.Fprintf(o.Out, "%s: %d planted bugs of %s (%s), on %s; control run of the unmutated core\n",
		mutants.CoreName, len(all), mutants.CoreSource, mutants.CoreData, p.Name)
	started := time.Now()
	base, err := mutants.RunBaseline(ctx, o.Root, p, builds, opts)
	if err != nil {
		return interrupted(ctx, err)
	}
	opts.CaseTimeout = mutants.CoreCaseTimeout(base)
	done := 0
	outcomes, err := mutants.RunCore(ctx, o.Root, p, builds, base, opts, o.Parallel, func(oc mutants.CoreOutcome) {
		done++
		fate := "killed by " + oc.By
		switch {
		case oc.Err != nil:
			fate = "ERROR: " + oc.Err.Error()
		case !oc.Killed:
			fate = "SURVIVED"
		}
		fmt.Fprintf(o.Out, "  [%d/%d] %s: %s\n", done, len(all), oc.Mutant, text.Printable(fate))
	})
	if err != nil {
		return interrupted(ctx, err)
	}
	killed, errs, total := mutants.ScoreCore(outcomes)
	line := fmt.Sprintf("%s: %d of %d mutants killed (%.0f%%) in %.0fs", mutants.CoreName, killed, total,
		100*float64(killed)/float64(total), time.Since(started).Seconds())
	if errs > 0 {
		line += fmt.Sprintf("; %d could not be judged", errs)
	}
	fmt.Fprintln(o.Out, line)
	var survivors []string
	for _, oc := range outcomes {
		if !oc.Killed && oc.Err == nil {
			survivors = append(survivors, oc.Mutant.Name)
		}
	}
	switch {
	case errs > 0:
		return fmt.Errorf("mutation check failed: %s (%d not judged)", mutants.CoreName, errs)
	case len(survivors) > 0:
		return fmt.Errorf("mutation check failed: %s (%d survived: %v)", mutants.CoreName, len(survivors), survivors)
	}
	return nil
}

// interrupted names an interruption as the other verbs do, and passes any
// other error on.
func interrupted(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted (%s): every compiler, QEMU and target process was stopped", why(ctx))
	}
	return err
}

// hostPort is the port of the host's own arch.
func hostPort(o Options) (arch.Port, error) {
	all, err := arch.Load(filepath.Join(o.Root, "arch"))
	if err != nil {
		return arch.Port{}, err
	}
	for _, p := range all {
		if p.Arch() == runtime.GOARCH {
			return p, nil
		}
	}
	return arch.Port{}, fmt.Errorf("no port under arch/ is of the host's arch (%s): the core's mutants run natively", runtime.GOARCH)
}
