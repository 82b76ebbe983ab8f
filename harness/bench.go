package harness

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/bench"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/executor"
	"github.com/stackslice/stackslice/qemu"
	"github.com/stackslice/stackslice/report"
	"github.com/stackslice/stackslice/toolchain"
)

// BenchOptions are the knobs of `mage bench` beside Options.
type BenchOptions struct {
	Quick  bool // shorter measurements, for CI
	Record bool // write the instruction counts as the new baseline
}

// Bench installs what the benchmark needs (the ports' gcc and QEMU, and on
// the host's arch valgrind, boost.context and python3-greenlet), runs it on
// every selected port, prints the tables and writes bench.json and
// bench.svg (the host's arch, or the first one when none runs natively) to
// the output folder. The error is non-nil when an instruction count rose
// above its baseline or a steady-state switch allocates; timings never
// fail it.
func Bench(ctx context.Context, o Options, bo BenchOptions) (bench.Result, error) {
	if err := o.fill(); err != nil {
		return bench.Result{}, err
	}
	ports, err := Ports(o)
	if err != nil {
		return bench.Result{}, err
	}
	baseline, err := bench.LoadBaseline(o.Root)
	if err != nil {
		return bench.Result{}, err
	}
	// The benchmark runs in one toolchain: a port that builds only in
	// images it does not run in is left out, and said.
	if o.placement, err = place(ctx, o, ports, false); err != nil {
		return bench.Result{}, err
	}
	for _, name := range slices.Sorted(maps.Keys(o.placement.skipped)) {
		fmt.Fprintf(o.Out, "bench: %s left out: it %s\n", name, o.placement.skipped[name])
	}
	ports = slices.DeleteFunc(ports, func(p arch.Port) bool { return o.placement.skipped[p.Name] != "" })
	s, err := startSession(ctx, o, ports, []build.Build{bench.Build}, benchTools(ports, o.ForceQEMU)...)
	if err != nil {
		return bench.Result{}, err
	}
	defer s.close()
	ex, err := s.toolchains.only("the benchmark")
	if err != nil {
		return bench.Result{}, err
	}
	ctx = executor.With(s.ctx, ex)
	_, goarch := ex.Platform()
	res, err := bench.Run(ctx, ports, goarch, bench.Options{Root: o.Root, BinDir: subdir(s.out.bin, ex), ObjectCache: subdir(s.out.objects, ex),
		QEMU: qemu.Options{ForceQEMU: o.ForceQEMU}, Quick: bo.Quick, Log: o.Out})
	if ctx.Err() != nil {
		return res, fmt.Errorf("interrupted (%s): every compiler, QEMU and target process was stopped", why(ctx))
	}
	if err != nil {
		return res, err
	}
	if bo.Record {
		// Checked against the counts it records, a recording run reports
		// only what no baseline excuses (a switch that allocates).
		baseline.Record(res)
	}
	regressions, notes := baseline.Check(res)
	res.Regressions = regressions
	fmt.Fprintln(o.Out)
	bench.WriteText(o.Out, res)
	for _, n := range notes {
		fmt.Fprintf(o.Out, "note: %s\n", n)
	}
	paths, err := writeBench(o.OutDir, res)
	if err != nil {
		return res, err
	}
	fmt.Fprintf(o.Out, "wrote %s\n", strings.Join(paths, ", "))
	if len(regressions) > 0 {
		return res, fmt.Errorf("bench: %d regression(s) or missing baseline(s): %s", len(regressions), strings.Join(regressions, "; "))
	}
	if bo.Record {
		if err := baseline.Write(o.Root); err != nil {
			return res, err
		}
		fmt.Fprintf(o.Out, "recorded the instruction counts in %s\n", bench.BaselineFile)
	}
	return res, nil
}

// benchTools are the host tools the benchmark needs for ports: those of the
// host's own port when it is among them and runs natively.
func benchTools(ports []arch.Port, forceQEMU bool) []toolchain.Tool {
	for _, p := range ports {
		if p.Name == runtime.GOARCH && !qemu.For(context.Background(), p, qemu.Options{ForceQEMU: forceQEMU}).Emulated() {
			return bench.HostTools(p)
		}
	}
	return nil
}

// plotted is the arch bench.svg shows: the host's own, else the first.
func plotted(res bench.Result) bench.Arch {
	for _, a := range res.Arches {
		if !a.Emulated {
			return a
		}
	}
	return res.Arches[0]
}

func writeBench(dir string, res bench.Result) ([]string, error) {
	var js, svg bytes.Buffer
	if err := bench.WriteJSON(&js, res); err != nil {
		return nil, err
	}
	if err := bench.WriteSVG(&svg, res, plotted(res)); err != nil {
		return nil, err
	}
	var paths []string
	md := bench.Markdown(res, plotted(res))
	for name, data := range map[string][]byte{"bench.json": js.Bytes(), "bench.svg": svg.Bytes(), "bench.md": []byte(md)} {
		path := filepath.Join(dir, name)
		if err := report.WriteAtomically(path, data); err != nil {
			return paths, fmt.Errorf("writing %s: %v", path, err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}
