package harness

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/bench"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/internal/testkit"
)

// Wall time of the whole suite on all six ports, against its budget (60 s
// for the default builds, 5 minutes for the full matrix) rather than against
// a timed test that would flake on a shared machine. Run with
// `go test ./harness -run '^$' -bench Suite -benchtime 1x`.
func BenchmarkSuiteDefault(b *testing.B) { benchmarkSuite(b, nil, time.Minute) }

func BenchmarkSuiteFull(b *testing.B) {
	benchmarkSuite(b, []string{build.All}, 5*time.Minute)
}

func benchmarkSuite(b *testing.B, builds []string, budget time.Duration) {
	var total time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		_, err := Test(context.Background(), Options{Builds: builds, OutDir: b.TempDir(), Out: io.Discard})
		require.NoError(b, err)
		total += time.Since(start)
	}
	perRun := total / time.Duration(b.N)
	b.ReportMetric(perRun.Seconds(), "s/suite")
	b.ReportMetric(perRun.Seconds()/budget.Seconds(), "budget-used")
}

// `mage bench` in quick mode on the host's port: every contender at every
// size (libaco too, where its switch runs), the counts, no allocation in
// steady state, and the two files.
func TestBenchQuickOnTheHost(t *testing.T) {
	testkit.Integration(t)
	out := t.TempDir()
	var log bytes.Buffer
	res, err := Bench(context.Background(), Options{Ports: []string{runtime.GOARCH}, OutDir: out, Out: &log}, BenchOptions{Quick: true})
	require.NoError(t, err, log.String())
	a, ok := res.Arch(runtime.GOARCH)
	require.True(t, ok)
	assert.False(t, a.Emulated)
	for _, size := range []int{0, 64, 1024, 65536, 131072} {
		sized := []string{bench.Stackslice, bench.StacksliceBoth, bench.Memcpy}
		if runtime.GOARCH == "amd64" || runtime.GOARCH == "386" {
			sized = append(sized, bench.Libaco)
		}
		for _, c := range sized {
			f, ok := a.Figure(c, size)
			if assert.True(t, ok, "%s at %d bytes", c, size) {
				assert.GreaterOrEqual(t, f.Runs, bench.MinRounds)
				assert.Positive(t, f.MinNS)
				assert.LessOrEqual(t, f.MinNS, f.MedianNS)
			}
		}
	}
	for _, c := range []string{bench.Swapcontext, bench.Greenlet, bench.Fcontext} {
		f, ok := a.Figure(c, 0)
		if assert.True(t, ok, c) {
			assert.Positive(t, f.XFcontext, "every figure has its ratio to fcontext")
		}
	}
	if runtime.GOARCH == "amd64" || runtime.GOARCH == "386" {
		f, _ := a.Figure(bench.Stackslice, 1024)
		assert.Positive(t, f.XLibaco, "stackslice's ratio to libaco")
		aco, ok := a.Count(bench.Libaco, 1024)
		if assert.True(t, ok, "libaco's count") {
			assert.Positive(t, aco.Instructions)
		}
	}
	tiny, ok := a.Count(bench.Stackslice, 0)
	require.True(t, ok)
	assert.Positive(t, tiny.Instructions)
	kib, ok := a.Count(bench.Stackslice, 1024)
	require.True(t, ok)
	assert.Positive(t, kib.OwnInstructions)
	assert.Less(t, kib.OwnInstructions, kib.Instructions, "glibc's memcpy is counted apart")
	assert.NotEmpty(t, a.MemcpyVariant, "the memcpy that ran is named")
	md, err := os.ReadFile(filepath.Join(out, "bench.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), res.Machine, "bench.md names the CPU")
	assert.Contains(t, string(md), "glibc's memcpy: "+a.MemcpyVariant)
	assert.Zero(t, tiny.AllocsPerSwitch, "a steady-state switch allocates nothing")
	for _, name := range []string{"bench.json", "bench.svg"} {
		data, err := os.ReadFile(filepath.Join(out, name))
		require.NoError(t, err)
		assert.Contains(t, string(data), bench.Stackslice)
	}
	assert.Contains(t, log.String(), "ns per switch, minimum of 10 interleaved runs")
}

// An instruction count above its baseline fails the run, and so does a
// core that allocates on every switch, whatever the timings say.
func TestBenchFailsOnARegression(t *testing.T) {
	testkit.Integration(t)
	root := testkit.Copy(t, "go.mod", "arch", "core", "bench")
	b := bench.Baseline{runtime.GOARCH: {"stackslice@0": 10}}
	require.NoError(t, b.Write(root))
	// The core of old: a fresh buffer for every save (a restore gives the
	// buffer back, so the next save of that coroutine allocates).
	testkit.Edit(t, root, "core/slice.c", func(s string) string {
		broken := strings.Replace(s, "        c->saved = 0; /* the buffer stays, for its next save */\n", "        drop_buffer(c);\n", 1)
		require.NotEqual(t, s, broken)
		return broken
	})
	var log bytes.Buffer
	_, err := Bench(context.Background(), Options{Root: root, Ports: []string{runtime.GOARCH}, OutDir: t.TempDir(), Out: &log}, BenchOptions{Quick: true})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "stackslice at 0 bytes: ")
	assert.Contains(t, err.Error(), "baseline 10.0")
	assert.Contains(t, err.Error(), "heap allocations per switch in steady state, want 0")
}

// A recording run on a port with no baseline records it and says no
// regression: the missing entry is what it is there to write.
func TestBenchRecordsAMissingBaseline(t *testing.T) {
	testkit.Integration(t)
	root := testkit.Copy(t, "go.mod", "arch", "core", "bench")
	require.NoError(t, bench.Baseline{}.Write(root))
	var log bytes.Buffer
	_, err := Bench(context.Background(), Options{Root: root, Ports: []string{runtime.GOARCH}, OutDir: t.TempDir(), Out: &log}, BenchOptions{Quick: true, Record: true})
	require.NoError(t, err, log.String())
	assert.NotContains(t, log.String(), "REGRESSION")
	assert.Contains(t, log.String(), "recorded the instruction counts in "+bench.BaselineFile)
	data, err := os.ReadFile(filepath.Join(root, bench.BaselineFile))
	require.NoError(t, err)
	assert.Contains(t, string(data), `"`+runtime.GOARCH+`"`)
}

func TestBenchBadInput(t *testing.T) {
	_, err := Bench(context.Background(), Options{Ports: []string{"vax"}, OutDir: t.TempDir(), Out: io.Discard}, BenchOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vax")
}
