package harness

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/executor"
	"github.com/stackslice/stackslice/internal/text"
	"github.com/stackslice/stackslice/mutants"
	"github.com/stackslice/stackslice/qemu"
)

// mutateCore is `test:mutants core`: the planted bugs of core/slice.c
// (mutants/core.mutants), each of which the suite must catch. The core is
// the same C on every port, so it runs on the port of the host's own arch,
// natively, and then on a port of each other stack direction
// (coreMutantPorts), with the random programs' longer budget (--thorough).
// A control run of the unmutated core comes first on each and must pass
// every case.
func mutateCore(ctx context.Context, o Options) error {
	if err := o.fill(); err != nil {
		return err
	}
	// Bad data fails before anything is built.
	_, all, err := mutants.LoadCore(o.Root)
	if err != nil {
		return err
	}
	ports, err := coreMutantPorts(o)
	if err != nil {
		return err
	}
	builds, err := build.Select(o.Builds)
	if err != nil {
		return err
	}
	s, err := startSession(ctx, o, ports, builds)
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
	names := make([]string, len(ports))
	for i, p := range ports {
		names[i] = fmt.Sprintf("%s (a stack that grows %s)", p.Name, p.Growth())
	}
	fmt.Fprintf(o.Out, "%s: %d planted bugs of %s (%s), on %s; control run of the unmutated core\n",
		mutants.CoreName, len(all), mutants.CoreSource, mutants.CoreData, strings.Join(names, " and "))
	started := time.Now()
	var targets []mutants.CoreTarget
	for _, p := range ports {
		t := mutants.CoreTarget{Port: p, Opts: opts}
		for _, b := range builds {
			if _, _, unsupported := p.Unsupported(b.Name); !unsupported && b.RunsFor(p, o.ForceQEMU) {
				t.Builds = append(t.Builds, b)
			}
		}
		if len(t.Builds) == 0 {
			return fmt.Errorf("%s: none of the selected builds runs on %s (unsupported there, or host only)", mutants.CoreName, p.Name)
		}
		if t.Base, err = mutants.RunBaseline(ctx, o.Root, p, t.Builds, opts); err != nil {
			return interrupted(ctx, err)
		}
		t.Opts.CaseTimeout = mutants.CoreCaseTimeout(t.Base)
		targets = append(targets, t)
	}
	done := 0
	outcomes, err := mutants.RunCore(ctx, o.Root, targets, opts.OutDir, o.Parallel, func(oc mutants.CoreOutcome) {
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

// coreMutantPorts are the ports the core's mutants run on: the host's own
// (natively), then the first port of each other direction a stack grows in
// (hppa's grows up, under QEMU), since the core slices either way and a bug
// of one direction shows only there.
func coreMutantPorts(o Options) ([]arch.Port, error) {
	all, err := arch.Load(filepath.Join(o.Root, "arch"))
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(all, func(p arch.Port) bool { return p.Arch() == runtime.GOARCH })
	if i < 0 {
		return nil, fmt.Errorf("no port under arch/ is of the host's arch (%s): the core's mutants run natively", runtime.GOARCH)
	}
	ports := []arch.Port{all[i]}
	for _, p := range all {
		if !slices.ContainsFunc(ports, func(q arch.Port) bool { return q.Growth() == p.Growth() }) {
			ports = append(ports, p)
		}
	}
	return ports, nil
}
