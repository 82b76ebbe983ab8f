package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/inputfile"
	"github.com/stackslice/stackslice/qemu"
)

// Result is a whole benchmark run.
type Result struct {
	Machine string `json:"machine"`
	Quick   bool   `json:"quick"`
	Rounds  int    `json:"rounds"`
	Arches  []Arch `json:"arches"`
	// Regressions are the counts above their baseline, and steady-state
	// switches that allocate: deterministic, so they fail the run.
	Regressions []string `json:"regressions,omitempty"`
}

// Arch finds a port's results.
func (r Result) Arch(name string) (Arch, bool) {
	i := slices.IndexFunc(r.Arches, func(a Arch) bool { return a.Arch == name })
	if i < 0 {
		return Arch{}, false
	}
	return r.Arches[i], true
}

// Run benchmarks each port: the host's own first and alone (its times are
// the only speed figures), then the emulated ones. host is the GOARCH of
// the host, whose port gets fcontext and greenlet.
func Run(ctx context.Context, ports []arch.Port, host string, o Options) (Result, error) {
	res := Result{Machine: Machine(), Quick: o.Quick, Rounds: max(o.Rounds, MinRounds)}
	ports = slices.Clone(ports)
	sort.SliceStable(ports, func(i, j int) bool { return ports[i].Name == host && ports[j].Name != host })
	for _, p := range ports {
		a, err := runArch(ctx, p, host, o)
		if err != nil {
			return res, fmt.Errorf("bench %s: %w", p.Name, err)
		}
		res.Arches = append(res.Arches, a)
	}
	return res, nil
}

func runArch(ctx context.Context, p arch.Port, host string, o Options) (Arch, error) {
	b := qemu.For(ctx, p, o.QEMU)
	native := hasFcontext(p, b, host)
	with := builtIn{fcontext: native, libaco: HasLibaco(p)}
	a := Arch{Arch: p.Name, Runner: b.Name(), Emulated: b.Emulated()}
	if o.Log != nil {
		fmt.Fprintf(o.Log, "bench %s (%s): building\n", p.Name, a.Runner)
	}
	bin, err := Compile(ctx, p, with, o)
	if err != nil {
		return a, err
	}
	c := counterFor(b, o.BinDir)
	a.Counter = c.Name()
	if o.Log != nil {
		fmt.Fprintf(o.Log, "bench %s: counting instructions (%s)\n", p.Name, a.Counter)
	}
	if a.Counts, err = countArch(ctx, bin, c, b.Emulated(), with); err != nil {
		return a, err
	}
	if c, ok := a.Count(Stackslice, 1024); ok {
		a.MemcpyVariant = c.MemcpyVariant
	}
	if o.Log != nil {
		fmt.Fprintf(o.Log, "bench %s: timing %d interleaved rounds\n", p.Name, max(o.Rounds, MinRounds))
	}
	if a.Figures, err = timeArch(ctx, bin, b, native, o); err != nil {
		return a, err
	}
	if a.Emulated {
		a.Notes = append(a.Notes, "times under emulation are no speed: compare instruction counts, and times only within this arch")
	}
	if !with.libaco {
		a.Notes = append(a.Notes, "no libaco: its switch (acosw.S) is written for i386 and x86_64 only")
	}
	if !native {
		a.Notes = append(a.Notes, "no fcontext or greenlet: Debian ships boost.context and python3-greenlet for the host's arch only")
	}
	return a, nil
}

// Machine names the host: its CPU model and count.
func Machine() string {
	model, flags := "", ""
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			k, v, ok := strings.Cut(line, ":")
			switch {
			case !ok:
			case strings.TrimSpace(k) == "model name" && model == "":
				model = strings.TrimSpace(v)
			case strings.TrimSpace(k) == "flags" && flags == "" && (runtime.GOARCH == "amd64" || runtime.GOARCH == "386"):
				flags = strings.TrimSpace(v)
			}
		}
	}
	if model == "" {
		model = "unknown CPU"
	}
	if f := copyFeatures(flags); f != "" {
		model += " (" + f + ")"
	}
	return fmt.Sprintf("%s, %d CPUs, %s/%s", model, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
}

// copyFeatures are the x86 CPU flags glibc picks its memcpy by, of those
// in a /proc/cpuinfo "flags" line: "avx2, erms", or "no avx2" when it
// lacks the one that changes the variant most.
func copyFeatures(flags string) string {
	if flags == "" {
		return ""
	}
	have := strings.Fields(flags)
	var named []string
	for _, f := range []string{"avx2", "avx512f", "erms", "fsrm"} {
		if slices.Contains(have, f) {
			named = append(named, f)
		}
	}
	if !slices.Contains(named, "avx2") {
		named = append([]string{"no avx2"}, named...)
	}
	return strings.Join(named, ", ")
}

// BaselineFile holds the instruction counts the regression check compares
// with, per arch and "contender@bytes".
const BaselineFile = "bench/baseline.json"

// Baseline maps arch to "contender@bytes" to instructions per switch
// besides glibc's memcpy family (Count.OwnInstructions): which memcpy runs
// depends on the CPU, and the baseline must hold on any. What memcpy does
// is held apart, as "saved:contender@bytes" (Count.SavedBytes): a switch
// that came to copy more would else pass.
type Baseline map[string]map[string]float64

// Tolerance is how far above its baseline a count may go (counts are
// deterministic; this leaves room for another glibc).
const Tolerance = 0.05

func countKey(c Count) string { return fmt.Sprintf("%s@%d", c.Contender, c.Bytes) }

func savedKey(c Count) string { return "saved:" + countKey(c) }

// LoadBaseline reads root's baseline; a missing file is an empty one,
// which fails the check of every count measured.
func LoadBaseline(root string) (Baseline, error) {
	data, err := inputfile.Read(filepath.Join(root, BaselineFile))
	if errors.Is(err, os.ErrNotExist) {
		return Baseline{}, nil
	}
	if err != nil {
		return nil, err
	}
	var b Baseline
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("%s: %v", BaselineFile, err)
	}
	return b, nil
}

// Record sets the baseline of every arch in r from its stackslice counts.
func (b Baseline) Record(r Result) {
	for _, a := range r.Arches {
		m := map[string]float64{}
		for _, c := range a.Counts {
			if strings.HasPrefix(c.Contender, Stackslice) {
				m[countKey(c)] = math.Round(c.OwnInstructions*10) / 10
				m[savedKey(c)] = float64(c.SavedBytes)
			}
		}
		b[a.Arch] = m
	}
}

// Write writes the baseline to root.
func (b Baseline) Write(root string) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(root, BaselineFile), append(data, '\n'), 0o644)
}

// Check compares r's stackslice counts with the baseline: a count more
// than Tolerance above it, a count with no baseline (a new port, a missing
// or emptied file: no check at all would pass anything), or a steady-state
// switch that allocates, is a regression.
func (b Baseline) Check(r Result) (regressions, notes []string) {
	for _, a := range r.Arches {
		record := fmt.Sprintf("record it with SL_BENCH_RECORD=1 SL_BENCH_PORTS=%s go run github.com/magefile/mage bench, and commit %s", a.Arch, BaselineFile)
		if _, ok := b[a.Arch]; !ok {
			regressions = append(regressions, fmt.Sprintf("%s: no baseline in %s (an entry %q with its stackslice counts): %s", a.Arch, BaselineFile, a.Arch, record))
		}
		for _, c := range a.Counts {
			if !strings.HasPrefix(c.Contender, Stackslice) {
				continue
			}
			if c.AllocsPerSwitch != 0 {
				regressions = append(regressions, fmt.Sprintf("%s %s at %d bytes: %.3g heap allocations per switch in steady state, want 0",
					a.Arch, c.Contender, c.Bytes, c.AllocsPerSwitch))
			}
			counts, archKnown := b[a.Arch]
			base, ok := counts[countKey(c)]
			switch {
			case !archKnown:
			case !ok:
				regressions = append(regressions, fmt.Sprintf("%s %s: no baseline in %s: %s", a.Arch, countKey(c), BaselineFile, record))
			case c.OwnInstructions > base*(1+Tolerance):
				regressions = append(regressions, fmt.Sprintf("%s %s at %d bytes: %.1f instructions per switch besides memcpy, baseline %.1f (+%.0f%%, more than %.0f%%)",
					a.Arch, c.Contender, c.Bytes, c.OwnInstructions, base, 100*(c.OwnInstructions/base-1), 100*Tolerance))
			case c.OwnInstructions < base*(1-Tolerance):
				notes = append(notes, fmt.Sprintf("%s %s: %.1f instructions per switch besides memcpy, well below the baseline %.1f: record the new one (SL_BENCH_RECORD=1)",
					a.Arch, countKey(c), c.OwnInstructions, base))
			}
			saved, ok := counts[savedKey(c)]
			switch {
			case !archKnown:
			case !ok:
				regressions = append(regressions, fmt.Sprintf("%s %s: no baseline in %s: %s", a.Arch, savedKey(c), BaselineFile, record))
			case float64(c.SavedBytes) > saved*(1+Tolerance):
				regressions = append(regressions, fmt.Sprintf("%s %s at %d bytes: %d bytes saved per switch, baseline %.0f (more than %.0f%% over)",
					a.Arch, c.Contender, c.Bytes, c.SavedBytes, saved, 100*Tolerance))
			}
		}
	}
	return regressions, notes
}
