// Package bench measures the cost of a switch: stackslice against
// libaco's copy-stack mode, boost.context's fcontext, swapcontext, memcpy
// of the same bytes and greenlet, natively on the host's arch and under QEMU on the others.
//
// bench.c is the target side (one static binary per port, like the
// conformance runner); this package builds it, runs interleaved rounds of
// every contender, counts instructions per switch (callgrind natively, a
// QEMU single-step trace under emulation) and writes bench.json and
// bench.svg. Times under emulation are no speed and are labelled so.
package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/internal/text"
	"github.com/stackslice/stackslice/qemu"
	"github.com/stackslice/stackslice/toolchain"
)

// The contenders; bench.c measures all but greenlet.
const (
	Stackslice     = "stackslice"      // the coroutine holds the bytes: one copy each way
	StacksliceBoth = "stackslice-both" // both sides hold the bytes: two copies per switch
	Memcpy         = "memcpy"          // one copy of the bytes
	Swapcontext    = "swapcontext"
	Fcontext       = "fcontext"
	Libaco         = "libaco" // libaco's copy-stack mode: one copy each way, like stackslice
	Greenlet       = "greenlet"
)

// MinRounds is the fewest interleaved rounds a figure is the minimum of.
const MinRounds = 10

// Build is how the benchmark is compiled: gcc -O2, like a release build.
var Build = build.Build{Name: "bench-O2", Compiler: toolchain.GCC, Flags: []string{"-O2"}}

// Python runs greenlet: Debian's python3-greenlet goes with Debian's python3,
// whatever else is first on PATH.
const Python = "/usr/bin/python3"

// Host-only tools, from Debian: what the contenders beside stackslice need.
var (
	Valgrind = toolchain.Tool{Binary: "valgrind", Package: "valgrind"}
	// GreenletModule is python3-greenlet's module for Debian's python3.
	GreenletModule = toolchain.Tool{File: "/usr/lib/python3/dist-packages/greenlet/__init__.py", Package: "python3-greenlet"}
)

// BoostContext is boost.context's static library for a port built natively
// (its triple is Debian's multiarch folder).
func BoostContext(p arch.Port) toolchain.Tool {
	return toolchain.Tool{File: filepath.Join("/usr/lib", p.Triple, "libboost_context.a"), Package: "libboost-context-dev"}
}

// HostTools are what the host's own port needs besides its compiler.
func HostTools(host arch.Port) []toolchain.Tool {
	return []toolchain.Tool{Valgrind, GreenletModule, BoostContext(host)}
}

// Options say what to run and where.
type Options struct {
	Root        string
	BinDir      string // binaries and traces
	ObjectCache string
	QEMU        qemu.Options
	// Quick runs shorter measurements (still MinRounds of them) and fewer
	// round trips for the instruction counts: for CI.
	Quick  bool
	Rounds int // MinRounds when smaller
	Log    io.Writer
}

// Figure is one contender at one size: ns per switch (per copy for memcpy),
// the minimum of Runs interleaved runs, and that minimum as a ratio.
type Figure struct {
	Contender string  `json:"contender"`
	Bytes     int     `json:"bytes"`
	MinNS     float64 `json:"min_ns"`
	MedianNS  float64 `json:"median_ns"`
	MaxNS     float64 `json:"max_ns"`
	Runs      int     `json:"runs"`
	// SpreadPct is (median - min) / min, in percent.
	SpreadPct float64 `json:"spread_pct"`
	// XFcontext is MinNS over fcontext's; absent without fcontext.
	XFcontext float64 `json:"x_fcontext,omitempty"`
	// XMemcpy is MinNS over the memcpy of the bytes this contender copies
	// per switch: one memcpy, two for stackslice-both.
	XMemcpy float64 `json:"x_memcpy,omitempty"`
	// XLibaco is MinNS over libaco's at the same size, for the contenders
	// that copy the bytes once per switch; absent without libaco.
	XLibaco float64 `json:"x_libaco,omitempty"`
}

// Count is a deterministic figure of one contender at one size: guest
// instructions, and the core's heap allocations, per switch.
type Count struct {
	Contender    string  `json:"contender"`
	Bytes        int     `json:"bytes"`
	Instructions float64 `json:"instructions_per_switch"`
	// OwnInstructions leaves out glibc's memcpy family (whose variant
	// depends on the CPU): the count the baseline holds.
	OwnInstructions float64 `json:"own_instructions_per_switch"`
	// MemcpyVariant names the memcpy functions that ran, most instructions
	// first.
	MemcpyVariant   string  `json:"memcpy_variant,omitempty"`
	AllocsPerSwitch float64 `json:"allocs_per_switch"`
	// SavedBytes is the slice stackslice holds for the suspended coroutine
	// after the loop: what each switch copies out, memcpy's work, which
	// OwnInstructions leaves out.
	SavedBytes int64 `json:"saved_bytes,omitempty"`
}

// Arch is what one port measured.
type Arch struct {
	Arch     string `json:"arch"`
	Runner   string `json:"runner"` // "native" or the QEMU binary and version
	Emulated bool   `json:"emulated"`
	// Counter says how instructions were counted.
	Counter string `json:"counter"`
	// MemcpyVariant is glibc's memcpy that stackslice's copies ran (the
	// CPU picks it).
	MemcpyVariant string   `json:"memcpy_variant,omitempty"`
	Figures       []Figure `json:"figures"`
	Counts        []Count  `json:"counts"`
	Notes         []string `json:"notes,omitempty"`
}

// Figure finds a contender's figure at a size.
func (a Arch) Figure(contender string, bytes int) (Figure, bool) {
	i := slices.IndexFunc(a.Figures, func(f Figure) bool { return f.Contender == contender && f.Bytes == bytes })
	if i < 0 {
		return Figure{}, false
	}
	return a.Figures[i], true
}

// Count finds a contender's count at a size.
func (a Arch) Count(contender string, bytes int) (Count, bool) {
	i := slices.IndexFunc(a.Counts, func(c Count) bool { return c.Contender == contender && c.Bytes == bytes })
	if i < 0 {
		return Count{}, false
	}
	return a.Counts[i], true
}

// LibacoDir holds libaco's sources as upstream ships them (its README
// names the commit and the licence); the benchmark compiles them with its
// own flags.
const LibacoDir = "bench/third_party/libaco"

// libacoArches are the ports libaco's switch (acosw.S) has a half for:
// i386 and x86_64 (LP64; it asserts 8-byte pointers there).
var libacoArches = []string{"386", "amd64"}

// HasLibaco tells whether libaco is built into p's benchmark.
func HasLibaco(p arch.Port) bool { return slices.Contains(libacoArches, p.Name) }

// builtIn says which contenders beside the always-present ones a port's
// benchmark has.
type builtIn struct{ fcontext, libaco bool }

func (b builtIn) has(contender string) bool {
	switch contender {
	case Fcontext:
		return b.fcontext
	case Libaco:
		return b.libaco
	}
	return true
}

// hasFcontext tells whether fcontext is built in for p: boost.context comes
// from Debian for the host's own arch only, so natively only.
func hasFcontext(p arch.Port, b qemu.Backend, host string) bool {
	return p.Name == host && !b.Emulated()
}

// Compile builds the benchmark for p with the optional contenders in with.
func Compile(ctx context.Context, p arch.Port, with builtIn, o Options) (string, error) {
	srcs, err := filepath.Glob(filepath.Join(o.Root, "core", "*.c"))
	if err != nil {
		return "", err
	}
	prog := build.Program{Name: "bench", Sources: append(append(srcs, p.Sources()...), filepath.Join(o.Root, "bench", "target", "bench.c"))}
	if with.fcontext {
		prog.Defines = append(prog.Defines, "SL_BENCH_FCONTEXT")
		prog.Libs = append(prog.Libs, BoostContext(p).File)
	}
	if with.libaco {
		dir := filepath.Join(o.Root, LibacoDir)
		aco, acosw := filepath.Join(dir, "aco.c"), filepath.Join(dir, "acosw.S")
		prog.Sources = append(prog.Sources, aco, acosw)
		// Upstream's code, as shipped: our flags, but its warnings are not
		// ours to fail on (-Wextra finds a comparison that is always true).
		prog.SourceFlags = map[string][]string{aco: {"-Wno-error"}}
		prog.Includes = append(prog.Includes, dir)
		prog.Defines = append(prog.Defines, "SL_BENCH_LIBACO")
		// acosw.S has no .note.GNU-stack: without this the linker warns
		// and gives the benchmark an executable stack.
		prog.Libs = append(prog.Libs, "-Wl,-z,noexecstack")
	}
	return build.Compile(ctx, o.Root, p, Build, prog, o.BinDir, o.ObjectCache)
}

// scale divides the native round trips per measurement: emulation runs
// tens of times slower, and its times say nothing anyway.
func scale(emulated, quick bool) int {
	s := 1
	if quick {
		s = 10
	}
	if emulated {
		s *= 40
	}
	return s
}

// greenletTrips is greenlet's round trips per run.
func greenletTrips(quick bool) int {
	if quick {
		return 20000
	}
	return 200000
}

// sample is one measurement.
type sample struct {
	contender string
	bytes     int
	ns        float64
}

// parseTimes reads the "ns <contender> <bytes> <round> <ns>" lines of a run
// and checks it ended with "done".
func parseTimes(out string) ([]sample, error) {
	var samples []sample
	done := false
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 1 && f[0] == "done":
			done = true
		case len(f) == 5 && f[0] == "ns":
			bytes, err1 := strconv.Atoi(f[2])
			ns, err2 := strconv.ParseFloat(f[4], 64)
			if err1 != nil || err2 != nil || ns <= 0 {
				return nil, fmt.Errorf("unreadable line %q", text.Printable(sc.Text()))
			}
			samples = append(samples, sample{f[1], bytes, ns})
		default:
			return nil, fmt.Errorf("unexpected line %q", text.Printable(sc.Text()))
		}
	}
	if !done && len(samples) > 0 && samples[0].contender != Greenlet {
		return nil, fmt.Errorf("ended without its final line (%d measurements)", len(samples))
	}
	if len(samples) == 0 {
		return nil, fmt.Errorf("printed no measurement")
	}
	return samples, nil
}

// Summarize turns the samples of every round into figures with their
// ratios; a contender measured fewer than MinRounds times is an error.
func summarize(samples []sample, rounds int) ([]Figure, error) {
	type key struct {
		c string
		b int
	}
	byKey := map[key][]float64{}
	var order []key
	for _, s := range samples {
		k := key{s.contender, s.bytes}
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
		}
		byKey[k] = append(byKey[k], s.ns)
	}
	var figs []Figure
	for _, k := range order {
		ns := byKey[k]
		if len(ns) < rounds {
			return nil, fmt.Errorf("%s at %d bytes: %d runs, want %d", k.c, k.b, len(ns), rounds)
		}
		sort.Float64s(ns)
		f := Figure{Contender: k.c, Bytes: k.b, MinNS: ns[0], MaxNS: ns[len(ns)-1], MedianNS: ns[len(ns)/2], Runs: len(ns)}
		f.SpreadPct = 100 * (f.MedianNS - f.MinNS) / f.MinNS
		figs = append(figs, f)
	}
	ratios(figs)
	sort.SliceStable(figs, func(i, j int) bool {
		if figs[i].Contender != figs[j].Contender {
			return contenderRank(figs[i].Contender) < contenderRank(figs[j].Contender)
		}
		return figs[i].Bytes < figs[j].Bytes
	})
	return figs, nil
}

func contenderRank(c string) int {
	order := []string{Stackslice, StacksliceBoth, Libaco, Memcpy, Fcontext, Swapcontext, Greenlet}
	if i := slices.Index(order, c); i >= 0 {
		return i
	}
	return len(order)
}

// copies is how many times a contender copies its bytes per switch.
func copies(contender string) float64 {
	if contender == StacksliceBoth {
		return 2
	}
	return 1
}

// ratios fills in each figure's ratios to fcontext, to memcpy of the
// bytes it copies and to libaco at its size.
func ratios(figs []Figure) {
	var fc float64
	memcpy, libaco := map[int]float64{}, map[int]float64{}
	for _, f := range figs {
		switch f.Contender {
		case Fcontext:
			fc = f.MinNS
		case Memcpy:
			memcpy[f.Bytes] = f.MinNS
		case Libaco:
			libaco[f.Bytes] = f.MinNS
		}
	}
	for i := range figs {
		if fc > 0 {
			figs[i].XFcontext = figs[i].MinNS / fc
		}
		if m := memcpy[figs[i].Bytes]; m > 0 {
			figs[i].XMemcpy = figs[i].MinNS / (copies(figs[i].Contender) * m)
		}
		if l := libaco[figs[i].Bytes]; l > 0 && copies(figs[i].Contender) == 1 {
			figs[i].XLibaco = figs[i].MinNS / l
		}
	}
}

// timeArch runs the interleaved rounds on one port: each round is one run
// of the benchmark over every contender and size, then one of greenlet.
func timeArch(ctx context.Context, bin string, b qemu.Backend, withGreenlet bool, o Options) ([]Figure, error) {
	rounds := max(o.Rounds, MinRounds)
	var samples []sample
	for r := 1; r <= rounds; r++ {
		res, err := qemu.Run(ctx, b, bin, []string{"time", "1", strconv.Itoa(scale(b.Emulated(), o.Quick)), strconv.Itoa(r)}, 10*time.Minute)
		if err != nil {
			return nil, err
		}
		if res.Failed() {
			return nil, fmt.Errorf("%s %s: %s", filepath.Base(bin), res.Describe(), text.Tail(res.Stderr+res.Stdout, 5))
		}
		got, err := parseTimes(res.Stdout)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", filepath.Base(bin), err)
		}
		samples = append(samples, got...)
		if withGreenlet {
			script := filepath.Join(o.Root, "bench", "target", "switch_greenlet.py")
			res, err := qemu.Run(ctx, qemu.Native{}, Python, []string{"-I", script, strconv.Itoa(greenletTrips(o.Quick)), strconv.Itoa(r)}, 5*time.Minute)
			if err != nil {
				return nil, err
			}
			if res.Failed() {
				return nil, fmt.Errorf("greenlet: %s %s: %s", Python, res.Describe(), text.Tail(res.Stderr, 5))
			}
			got, err := parseTimes(res.Stdout)
			if err != nil {
				return nil, fmt.Errorf("greenlet: %v", err)
			}
			samples = append(samples, got...)
		}
	}
	return summarize(samples, rounds)
}
