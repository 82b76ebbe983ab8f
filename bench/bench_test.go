package bench

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/toolchain/toolchaintest"
)

// rounds prints n rounds of the C benchmark's lines for a few contenders,
// the k-th round adding k ns, so the minimum is round 1.
func rounds(n int, contenders map[string]map[int]float64) []sample {
	var out []sample
	for r := 1; r <= n; r++ {
		for c, sizes := range contenders {
			for b, ns := range sizes {
				out = append(out, sample{c, b, ns + float64(r-1)})
			}
		}
	}
	return out
}

func TestParseTimes(t *testing.T) {
	got, err := parseTimes("ns stackslice 0 1 30.5\nns memcpy 1024 1 9.5\ndone\n")
	require.NoError(t, err)
	assert.Equal(t, []sample{{Stackslice, 0, 30.5}, {Memcpy, 1024, 9.5}}, got)

	// greenlet's script prints its one line and no "done".
	got, err = parseTimes("ns greenlet 0 3 160.2\n")
	require.NoError(t, err)
	assert.Equal(t, []sample{{Greenlet, 0, 160.2}}, got)

	for name, out := range map[string]string{
		"no final line":   "ns stackslice 0 1 30.5\n",
		"nothing":         "done\n",
		"garbage":         "ns stackslice 0 1 30.5\nSegmentation fault\ndone\n",
		"bad number":      "ns stackslice zero 1 30.5\ndone\n",
		"zero time":       "ns stackslice 0 1 0\ndone\n",
		"negative time":   "ns stackslice 0 1 -3\ndone\n",
		"too many fields": "ns stackslice 0 1 30.5 extra\ndone\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parseTimes(out)
			assert.Error(t, err)
		})
	}
}

func TestSummarizeTakesTheMinimumAndRatios(t *testing.T) {
	samples := rounds(MinRounds, map[string]map[int]float64{
		Stackslice:     {0: 15, 65536: 1100},
		StacksliceBoth: {65536: 2300},
		Memcpy:         {0: 2, 65536: 1000},
		Fcontext:       {0: 5},
	})
	figs, err := summarize(samples, MinRounds)
	require.NoError(t, err)
	a := Arch{Figures: figs}
	tiny, ok := a.Figure(Stackslice, 0)
	require.True(t, ok)
	assert.Equal(t, 15.0, tiny.MinNS)
	assert.Equal(t, 15.0+float64(MinRounds-1), tiny.MaxNS)
	assert.Equal(t, MinRounds, tiny.Runs)
	assert.InDelta(t, 3.0, tiny.XFcontext, 1e-9)
	big, _ := a.Figure(Stackslice, 65536)
	assert.InDelta(t, 1.1, big.XMemcpy, 1e-9, "one copy per switch")
	both, _ := a.Figure(StacksliceBoth, 65536)
	assert.InDelta(t, 1.15, both.XMemcpy, 1e-9, "both sides: against two copies")
	assert.Greater(t, both.SpreadPct, 0.0)
	// Contenders in a fixed order, sizes rising.
	var order []string
	for _, f := range figs {
		order = append(order, fmt.Sprintf("%s@%d", f.Contender, f.Bytes))
	}
	assert.Equal(t, []string{"stackslice@0", "stackslice@65536", "stackslice-both@65536", "memcpy@0", "memcpy@65536", "fcontext@0"}, order)
}

func TestRatioToLibaco(t *testing.T) {
	figs, err := summarize(rounds(MinRounds, map[string]map[int]float64{
		Stackslice: {0: 15, 1024: 20}, StacksliceBoth: {1024: 40}, Libaco: {0: 10, 1024: 25}, Memcpy: {1024: 10},
	}), MinRounds)
	require.NoError(t, err)
	a := Arch{Figures: figs}
	tiny, _ := a.Figure(Stackslice, 0)
	assert.InDelta(t, 1.5, tiny.XLibaco, 1e-9)
	kib, _ := a.Figure(Stackslice, 1024)
	assert.InDelta(t, 0.8, kib.XLibaco, 1e-9)
	both, _ := a.Figure(StacksliceBoth, 1024)
	assert.Zero(t, both.XLibaco, "two copies a switch against libaco's one: no ratio")
	aco, _ := a.Figure(Libaco, 1024)
	assert.InDelta(t, 2.5, aco.XMemcpy, 1e-9, "libaco copies the bytes once a switch")

	// Without libaco, no ratio to it.
	figs, err = summarize(rounds(MinRounds, map[string]map[int]float64{Stackslice: {0: 15}}), MinRounds)
	require.NoError(t, err)
	assert.Zero(t, figs[0].XLibaco)
}

// libaco is built from the sources it shipped, with its licence, on the
// ports its switch has a half for and no others.
func TestLibacoIsVendoredWithItsLicence(t *testing.T) {
	dir := filepath.Join(testkit.Root(t), LibacoDir)
	for _, f := range []string{"aco.c", "aco.h", "aco_assert_override.h", "acosw.S", "LICENSE", "README.md"} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
	licence, err := os.ReadFile(filepath.Join(dir, "LICENSE"))
	require.NoError(t, err)
	assert.Contains(t, string(licence), "Apache License")
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	require.NoError(t, err)
	assert.Regexp(t, "commit\\s+`[0-9a-f]{40}`", string(readme), "the README pins the upstream commit")
	sw, err := os.ReadFile(filepath.Join(dir, "acosw.S"))
	require.NoError(t, err)
	for _, a := range libacoArches {
		macro := map[string]string{"386": "__i386__", "amd64": "__x86_64__"}[a]
		require.NotEmpty(t, macro, "libaco on %s: which half of acosw.S?", a)
		assert.Contains(t, string(sw), macro)
	}
}

func TestSummarizeRefusesTooFewRuns(t *testing.T) {
	samples := rounds(MinRounds, map[string]map[int]float64{Stackslice: {0: 15}})
	samples = append(samples, sample{Memcpy, 0, 2}) // measured once only
	_, err := summarize(samples, MinRounds)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "memcpy at 0 bytes: 1 runs, want 10")
}

func TestNoFcontextNoRatio(t *testing.T) {
	figs, err := summarize(rounds(MinRounds, map[string]map[int]float64{Stackslice: {0: 15}}), MinRounds)
	require.NoError(t, err)
	assert.Zero(t, figs[0].XFcontext)
	assert.Zero(t, figs[0].XMemcpy)
}

func result() Result {
	figs, _ := summarize(rounds(MinRounds, map[string]map[int]float64{
		Stackslice: {0: 15, 1024: 30}, StacksliceBoth: {1024: 40}, Libaco: {0: 10, 1024: 32}, Memcpy: {0: 2, 1024: 10}, Fcontext: {0: 5}, Swapcontext: {0: 220},
	}), MinRounds)
	return Result{Machine: "Test CPU, 2 CPUs, linux/amd64", Rounds: MinRounds, Arches: []Arch{{
		Arch: "amd64", Runner: "native", Counter: "callgrind (valgrind), instructions executed", Figures: figs,
		MemcpyVariant: "__memmove_avx_unaligned_erms",
		Counts: []Count{{Contender: Stackslice, Bytes: 0, Instructions: 230, OwnInstructions: 180, MemcpyVariant: "__memmove_avx_unaligned_erms", SavedBytes: 160},
			{Contender: StacksliceBoth, Bytes: 1024, Instructions: 420, OwnInstructions: 300, MemcpyVariant: "__memmove_avx_unaligned_erms", SavedBytes: 1200},
			{Contender: Fcontext, Instructions: 29.5, OwnInstructions: 29.5}},
	}, {
		Arch: "arm64", Runner: "qemu-aarch64 7.2.22", Emulated: true, Counter: "qemu trace", Figures: figs[:2],
		Counts: []Count{{Contender: Stackslice, Bytes: 0, Instructions: 450, OwnInstructions: 400, SavedBytes: 300}},
		Notes:  []string{"times under emulation are no speed"},
	}}}
}

func TestBaselineCheck(t *testing.T) {
	r := result()
	base := Baseline{"amd64": {"stackslice@0": 180, "stackslice-both@1024": 250, "saved:stackslice@0": 160, "saved:stackslice-both@1024": 1200}}
	regressions, notes := base.Check(r)
	require.Len(t, regressions, 2)
	assert.Contains(t, regressions[0], "amd64 stackslice-both at 1024 bytes: 300.0 instructions per switch besides memcpy, baseline 250.0 (+20%")
	assert.Equal(t, `arm64: no baseline in bench/baseline.json (an entry "arm64" with its stackslice counts): record it with `+
		"SL_BENCH_RECORD=1 SL_BENCH_PORTS=arm64 go run github.com/magefile/mage bench, and commit bench/baseline.json", regressions[1],
		"a port with no baseline fails the check")
	assert.Empty(t, notes)

	// A missing or empty baseline fails every arch, and so does an arch
	// whose entry lacks a count.
	for _, empty := range []Baseline{nil, {}} {
		regressions, _ = empty.Check(r)
		require.Len(t, regressions, 2)
		assert.Contains(t, regressions[0], "amd64: no baseline")
		assert.Contains(t, regressions[1], "arm64: no baseline")
	}
	regressions, _ = Baseline{"amd64": {"stackslice@0": 180, "saved:stackslice@0": 160, "saved:stackslice-both@1024": 1200},
		"arm64": {"stackslice@0": 400, "saved:stackslice@0": 300}}.Check(r)
	require.Len(t, regressions, 1)
	assert.Contains(t, regressions[0], "amd64 stackslice-both@1024: no baseline in bench/baseline.json: record it with SL_BENCH_RECORD=1 SL_BENCH_PORTS=amd64")
	regressions, _ = Baseline{"amd64": {"stackslice@0": 180, "stackslice-both@1024": 300, "saved:stackslice@0": 160},
		"arm64": {"stackslice@0": 400, "saved:stackslice@0": 300}}.Check(r)
	require.Len(t, regressions, 1)
	assert.Contains(t, regressions[0], "amd64 saved:stackslice-both@1024: no baseline in bench/baseline.json: record it with SL_BENCH_RECORD=1 SL_BENCH_PORTS=amd64")

	// Within the tolerance passes; fcontext is not ours and never checked.
	base = Baseline{"amd64": {"stackslice@0": 175, "stackslice-both@1024": 290, "saved:stackslice@0": 155, "saved:stackslice-both@1024": 1200},
		"arm64": {"stackslice@0": 400, "saved:stackslice@0": 300}}
	regressions, _ = base.Check(r)
	assert.Empty(t, regressions)

	// A switch that came to copy more fails, though memcpy's instructions
	// are left out of the counts: the bytes it saves are held apart.
	more := result()
	more.Arches[1].Counts[0].SavedBytes = 400
	regressions, _ = base.Check(more)
	require.Len(t, regressions, 1)
	assert.Equal(t, "arm64 stackslice at 0 bytes: 400 bytes saved per switch, baseline 300 (more than 5% over)", regressions[0])

	// Another CPU's memcpy changes the total, not what the baseline holds.
	other := result()
	for i := range other.Arches[0].Counts {
		other.Arches[0].Counts[i].Instructions *= 2
	}
	regressions, _ = base.Check(other)
	assert.Empty(t, regressions, "the check leaves glibc's memcpy out")

	// A switch that allocates in steady state fails, whatever the baseline.
	r.Arches[0].Counts[0].AllocsPerSwitch = 0.5
	regressions, _ = base.Check(r)
	require.Len(t, regressions, 1)
	assert.Contains(t, regressions[0], "heap allocations per switch in steady state, want 0")

	// Recording makes the run its own baseline.
	rec := Baseline{}
	rec.Record(result())
	regressions, notes = rec.Check(result())
	assert.Empty(t, regressions)
	assert.Empty(t, notes)
	assert.Equal(t, map[string]float64{"stackslice@0": 180, "stackslice-both@1024": 300, "saved:stackslice@0": 160, "saved:stackslice-both@1024": 1200}, rec["amd64"])
}

func TestBaselineRoundTrip(t *testing.T) {
	root := t.TempDir()
	b, err := LoadBaseline(root)
	require.NoError(t, err, "a missing file is an empty baseline")
	assert.Empty(t, b)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "bench"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, BaselineFile), []byte("{not json"), 0o644))
	_, err = LoadBaseline(root)
	require.Error(t, err)
	assert.Contains(t, err.Error(), BaselineFile)
	b = Baseline{}
	b.Record(result())
	require.NoError(t, b.Write(root))
	again, err := LoadBaseline(root)
	require.NoError(t, err)
	assert.Equal(t, b, again)
}

func TestTheRepositoryBaselineReads(t *testing.T) {
	b, err := LoadBaseline(testkit.Root(t))
	require.NoError(t, err)
	assert.NotEmpty(t, b, "%s holds the counts CI checks", BaselineFile)
}

func TestWriteText(t *testing.T) {
	var buf bytes.Buffer
	r := result()
	r.Regressions = []string{"amd64 stackslice at 0 bytes: too many"}
	WriteText(&buf, r)
	testkit.Golden(t, "text", buf.Bytes())
	assert.Contains(t, buf.String(), "EMULATED: times are no speed")
}

func TestMarkdown(t *testing.T) {
	r := result()
	testkit.Golden(t, "markdown", []byte(Markdown(r, r.Arches[0])))
}

func TestWriteJSON(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteJSON(&buf, result()))
	testkit.Golden(t, "json", buf.Bytes())
}

func TestWriteSVG(t *testing.T) {
	r := result()
	for _, a := range r.Arches {
		var buf bytes.Buffer
		require.NoError(t, WriteSVG(&buf, r, a))
		svg := buf.String()
		assert.True(t, strings.HasPrefix(svg, "<?xml") || strings.HasPrefix(svg, "<svg"), "an SVG document")
		for _, f := range a.Figures {
			assert.Contains(t, svg, f.Contender, "every contender is in the legend")
		}
		if a.Emulated {
			assert.Contains(t, svg, "EMULATED")
		}
	}
	require.Error(t, WriteSVG(&bytes.Buffer{}, r, Arch{Arch: "empty"}))
}

func TestSize(t *testing.T) {
	for b, want := range map[int]string{0: "0", 64: "64", 1024: "1 KiB", 131072: "128 KiB", 1500: "1500"} {
		assert.Equal(t, want, Size(b))
	}
}

func TestParseCallgrind(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "callgrind.out"))
	require.NoError(t, err)
	got, err := parseCallgrind(string(data))
	require.NoError(t, err)
	assert.Equal(t, int64(1000), got.total)
	// Own costs only: the calls' inclusive costs under ss_ping are not
	// memcpy's, a compressed name is found again, a position with no cost
	// counts nothing, a file change inside a function keeps the function.
	assert.Equal(t, map[string]int64{"__memmove_avx_unaligned_erms": 304, "memcpy": 8, "_wordcopy_fwd_aligned": 2}, got.copies)
	assert.Equal(t, int64(314), got.copied())
	assert.Equal(t, int64(686), got.own())
	assert.Equal(t, "__memmove_avx_unaligned_erms, memcpy, _wordcopy_fwd_aligned", got.variant(tally{}))
	// Only what ran more than in the shorter run: the switches' memcpy.
	before := tally{total: 900, copies: map[string]int64{"__memmove_avx_unaligned_erms": 4, "memcpy": 8, "_wordcopy_fwd_aligned": 2}}
	assert.Equal(t, "__memmove_avx_unaligned_erms", got.variant(before))

	for name, bad := range map[string]string{
		"no summary":   "events: Ir\nfn=(1) memcpy\n0 3\n",
		"bad summary":  "summary: lots\n",
		"bad cost":     "summary: 10\nfn=(1) memcpy\n0 three\n",
		"empty output": "",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parseCallgrind(bad)
			assert.Error(t, err)
		})
	}
}

func TestParseTrace(t *testing.T) {
	log := "Trace 0: 0x7f92480000c0 [00000000/08049930/104000b3/00000201] _start\n" +
		"some other line\n" +
		"Trace 0: 0x7f92480000c4 [00000000/08049934/104000b3/00000201] memcpy\n" +
		"Trace 0: 0x7f92480000c8 [00000000/08049938/104000b3/00000201] memcpy\n" +
		"Trace 0: 0x7f92480000cc [00000000/0804993c/104000b3/00000201] __memcpy_power7\n" +
		"Trace 0: 0x7f92480000d0 [00000000/08049940/104000b3/00000201]\n" +
		"Trace 0: 0x7f92480000d4 [00000000/08049944/104000b3/00000201] sl_core_save\n"
	copies := []codeRange{{0x08049934, 0x0804993c, "memcpy"}, {0x0804993c, 0x08049940, "__memcpy_power7"}}
	got, err := parseTrace(strings.NewReader(log), copies)
	require.NoError(t, err)
	assert.Equal(t, int64(6), got.total, "one instruction a Trace line, with or without a symbol")
	assert.Equal(t, map[string]int64{"memcpy": 2, "__memcpy_power7": 1}, got.copies)
	assert.Equal(t, int64(3), got.own())

	// By pc, not by the symbol QEMU names (none on ppc64 ELFv1).
	got, err = parseTrace(strings.NewReader("Trace 0: 0x7f00 [0000000000000000/000000001002cbc8/02806104/00000201]\n"),
		[]codeRange{{0x1002cbc0, 0x1002cd00, "memcpy"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{"memcpy": 1}, got.copies)

	_, err = parseTrace(strings.NewReader("no trace here\n"), nil)
	assert.Error(t, err)
}

func TestGlibcCopyMatchesTheMemcpyFamilyOnly(t *testing.T) {
	for _, fn := range []string{"memcpy", "memmove", "__memmove_avx_unaligned_erms", "__memcpy_sse2_unaligned", "__memcpy_power7",
		"__memcpy_generic", "_wordcopy_fwd_aligned", "__mempcpy_avx_unaligned_erms"} {
		assert.True(t, glibcCopy.MatchString(fn), fn)
	}
	for _, fn := range []string{"sl_core_save", "sl_core_restore", "memset", "copy_stack", "aco_resume", "wmemset", "xmemcpy"} {
		assert.False(t, glibcCopy.MatchString(fn), fn)
	}
}

func TestCopyFeatures(t *testing.T) {
	assert.Equal(t, "avx2, erms", copyFeatures("fpu sse2 avx avx2 erms"))
	assert.Equal(t, "no avx2, erms", copyFeatures("fpu sse2 avx erms"))
	assert.Equal(t, "", copyFeatures(""))
}

// copyRanges finds the code of glibc's memcpy in the benchmark's static
// binaries: at its symbol on amd64, behind its .opd descriptor on ppc64
// (ELFv1), where QEMU's trace names no symbol.
func TestCopyRangesInTheBenchmark(t *testing.T) {
	testkit.Integration(t)
	for _, name := range []string{"amd64", "ppc64"} {
		t.Run(name, func(t *testing.T) {
			// A bare machine has no ppc64 compiler until it is installed.
			root, p := toolchaintest.Port(t, name)
			dir := t.TempDir()
			bin, err := Compile(context.Background(), p, builtIn{libaco: HasLibaco(p)}, Options{Root: root, BinDir: dir})
			require.NoError(t, err)
			ranges, err := copyRanges(bin)
			require.NoError(t, err)
			f, err := elf.Open(bin)
			require.NoError(t, err)
			defer f.Close()
			text := f.Section(".text")
			require.NotNil(t, text)
			var names []string
			for _, r := range ranges {
				names = append(names, r.name)
				assert.True(t, r.lo >= text.Addr && r.hi <= text.Addr+text.Size, "%s's code [%#x, %#x) lies in .text", r.name, r.lo, r.hi)
				assert.Less(t, r.lo, r.hi)
			}
			// amd64's memcpy is an ifunc: its variants are what runs.
			assert.True(t, slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, "memcpy") }), "a memcpy among %v", names)
		})
	}
}

// The counts the baseline holds do not depend on the memcpy variant the
// CPU picks: with glibc told to ignore AVX2, AVX-512 and ERMS, amd64 runs
// __memcpy_sse2_unaligned, the whole count per switch rises and the count
// besides memcpy stays the same.
func TestCountsBesidesMemcpyHoldOnACPUWithoutAVX2(t *testing.T) {
	testkit.Integration(t)
	if runtime.GOARCH != "amd64" {
		t.Skipf("glibc's x86-64 tunables; the host is %s", runtime.GOARCH)
	}
	root, p := toolchaintest.Port(t, "amd64")
	toolchaintest.Need(t, Valgrind)
	dir := t.TempDir()
	bin, err := Compile(context.Background(), p, builtIn{}, Options{Root: root, BinDir: dir})
	require.NoError(t, err)
	perSwitch := func() (all, own float64, variant string) {
		var tallies [2]tally
		for k, n := range []int{nativeTrips1, nativeTrips2} {
			got, _, err := callgrind{dir: dir}.Count(context.Background(), bin, []string{"count", Stackslice, "1024", fmt.Sprint(n)})
			require.NoError(t, err)
			tallies[k] = got
		}
		per := float64(2 * (nativeTrips2 - nativeTrips1))
		return float64(tallies[1].total-tallies[0].total) / per, float64(tallies[1].own()-tallies[0].own()) / per, tallies[1].variant(tallies[0])
	}
	all, own, variant := perSwitch()
	if strings.Contains(variant, "sse2") {
		t.Skipf("the host's memcpy is already %s: no variant to move from", variant)
	}
	t.Setenv("GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX2,-AVX_Fast_Unaligned_Load,-AVX512F,-AVX512VL,-ERMS")
	sseAll, sseOwn, sseVariant := perSwitch()
	require.NotEqual(t, variant, sseVariant, "the tunables changed the variant")
	assert.Contains(t, sseVariant, "sse2")
	assert.Greater(t, sseAll, all*1.05, "the whole count moves with the variant (%s: %.1f, %s: %.1f)", variant, all, sseVariant, sseAll)
	assert.InDelta(t, own, sseOwn, own*0.01, "the count besides memcpy does not (to within 1 %%, far inside the baseline's %.0f %%)", 100*Tolerance)
}
