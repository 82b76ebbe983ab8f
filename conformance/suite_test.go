package conformance

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/toolchain/toolchaintest"
)

func TestRunnerArgs(t *testing.T) {
	foreign := arch.Port{Foreign: &arch.Foreign{NotClaimed: map[string]string{"x19": "why", "d8": "why"}}}
	tests := []struct {
		name string
		port arch.Port
		opts Options
		want []string
	}{
		{"plain", arch.Port{}, Options{}, nil},
		{"self-test", arch.Port{}, Options{SelfTest: true}, []string{"--selftest"}},
		{"thorough", arch.Port{}, Options{Thorough: true}, []string{"--thorough"}},
		{"foreign", foreign, Options{Thorough: true}, []string{"--thorough", "--not-claimed", "d8,x19"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, runnerArgs(tt.port, tt.opts), tt.name)
	}
}

func TestSelectCases(t *testing.T) {
	names := []string{"switch_ping_pong", "signals_timer_storm", "signals_alternate_stack"}
	tests := []struct {
		pattern string
		want    []string
	}{
		{"", names},
		{"^signals_", []string{"signals_timer_storm", "signals_alternate_stack"}},
		{"ping|storm", []string{"switch_ping_pong", "signals_timer_storm"}},
	}
	for _, tt := range tests {
		var filter *regexp.Regexp
		if tt.pattern != "" {
			filter = regexp.MustCompile(tt.pattern)
		}
		got, err := SelectCases(names, filter)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, tt.pattern)
	}
	_, err := SelectCases(names, regexp.MustCompile("nothing"))
	require.ErrorIs(t, err, ErrNoCaseMatches)
	assert.Equal(t, `no case matches the filter "nothing" (cases: switch_ping_pong, signals_timer_storm, signals_alternate_stack)`, err.Error())
}

func TestParserCountsEndLinesAcrossWrites(t *testing.T) {
	var seen []int
	p := NewParser([]string{"a", "b", "c"}, func(n int) { seen = append(seen, n) })
	for _, chunk := range []string{"SL-BEGIN a\nout\n\nSL-E", "ND a pass 1\nSL-BEGIN b\n", "\nSL-END b fail 2 x\nSL-BEGIN c\n\nSL-END", " c pass 3\nSL-DONE 3\n"} {
		_, err := p.Write([]byte(chunk))
		require.NoError(t, err)
	}
	assert.Equal(t, []int{1, 2, 3}, seen)
	assert.Equal(t, map[string]Status{"a": Pass, "b": Fail, "c": Pass}, statuses(p.Finish(Exited(1))))
}

func TestBlameEmulatorMarksOnlyKnownFailures(t *testing.T) {
	cases := []CaseResult{
		{Name: "storm", Status: Fail, Reason: "crashed with SIGSEGV"},
		{Name: "storm_alt", Status: Pass},
		{Name: "other", Status: Fail, Reason: "expectations failed"},
	}
	blameEmulator(cases, map[string]string{"storm": "qemu bug", "storm_alt": "qemu bug"}, "arch/toy/port.json")
	assert.Equal(t, KnownFailure, cases[0].Status)
	assert.Equal(t, "known emulator failure (qemu bug): crashed with SIGSEGV", cases[0].Reason)
	assert.Equal(t, Pass, cases[1].Status, "a pass stays a pass")
	assert.Equal(t, "passed although arch/toy/port.json lists it in emulator_bugs; if it no longer fails, remove it from emulator_bugs", cases[1].Note)
	assert.Equal(t, Fail, cases[2].Status)
	assert.Empty(t, cases[2].Note)
}

func TestCheckEmulatorBugs(t *testing.T) {
	p := arch.Port{Name: "toy", Dir: "/repo/arch/toy"}
	cases := []string{"signals_storm", "threads_x", "registers_canaries", "fp_rounding", "alignment_entry", "switch_ping_pong", "stack_x", "c", "d", "e", "f", "g"}
	require.NoError(t, CheckEmulatorBugs(p, map[string]string{"signals_storm": "bug", "threads_x": "bug"}, cases))
	require.NoError(t, CheckEmulatorBugs(p, nil, cases))
	err := CheckEmulatorBugs(p, map[string]string{"signals_strom": "bug", "gone": "bug"}, cases)
	require.EqualError(t, err, `arch/toy/port.json: emulator_bugs names "gone", "signals_strom", which the runner does not have (cases: `+strings.Join(cases, ", ")+`)`)
	err = CheckEmulatorBugs(p, map[string]string{"signals_storm": "bug", "threads_x": "bug", "c": "bug", "d": "bug"}, cases)
	require.EqualError(t, err, "arch/toy/port.json: emulator_bugs lists 4 of the 12 cases; at most a quarter (3) may be excused")

	// A case that checks what the port saves can never be excused: a port
	// that does not switch MXCSR would pass emulated with its canaries listed.
	for _, name := range []string{"registers_canaries", "fp_rounding", "alignment_entry", "switch_ping_pong", "stack_x", "c"} {
		err = CheckEmulatorBugs(p, map[string]string{name: "a QEMU bug, they say"}, cases)
		require.EqualError(t, err, `arch/toy/port.json: emulator_bugs names "`+name+`", which no emulator bug may excuse: such a case checks what the port saves, `+
			"so a port bug fails it natively too; only signals_*, threads_* cases (the emulator's signal delivery and thread-local state) may be listed")
	}
}

func TestRunCountsAndTotals(t *testing.T) {
	ok := Run{Cases: []CaseResult{{Status: Pass}, {Status: KnownFailure}}}
	failed := Run{Cases: []CaseResult{{Status: Pass}, {Status: Fail}}}
	broken := Run{Err: fmt.Errorf("%w amd64 gcc-O2: exit status 1", build.ErrCompile)}
	empty := Run{}
	excused := Run{Cases: []CaseResult{{Status: KnownFailure}, {Status: KnownFailure}}}
	assert.True(t, ok.OK())
	assert.Equal(t, 1, ok.Known())
	assert.False(t, failed.OK())
	assert.False(t, broken.OK())
	assert.False(t, empty.OK(), "a run with no cases proves nothing")
	assert.False(t, excused.OK(), "a run whose every case was excused proves nothing")
	passed, failures := Totals([]Run{ok, failed, broken, empty, excused})
	assert.Equal(t, 2, passed)
	assert.Equal(t, 4, failures)

	// An interrupt: runs cut short or never started are not run, not failed.
	cut := Run{Err: fmt.Errorf("%w (a signal)", ErrInterrupted)}
	interrupted := Outcome{Runs: []Run{ok, cut, {Err: ErrInterrupted}}, Interrupted: true}
	passed, failures = Totals(interrupted.Runs)
	assert.Equal(t, []int{1, 0}, []int{passed, failures})
	assert.Equal(t, 2, NotRun(interrupted.Runs))
	assert.Equal(t, "interrupted: 2 runs not run", interrupted.Summary())
	assert.False(t, interrupted.OK())

	tests := []struct {
		run  Run
		want string
	}{
		{broken, "build error"},
		{Run{Err: fmt.Errorf("%w %q", ErrNoCaseMatches, "x")}, "no case"},
		{empty, "no cases"},
		{Run{Err: errors.New("runner --list crashed with SIGILL")}, "did not run"},
		{excused, "no case passed"},
		{Run{Err: ErrInterrupted}, "interrupted"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.run.Why())
	}
}

// A skipped run is neither a pass nor a failure: its own cell, no count.
func TestSkippedRunIsSetApart(t *testing.T) {
	r := Run{Port: "sh4", Build: "gcc-O2", Skipped: "builds only in toolchain image trixie"}
	assert.Equal(t, CellSkipped, r.Cell().Kind)
	assert.Equal(t, "skipped", r.Why())
	assert.False(t, r.OK())
	passed, failed := Totals([]Run{r})
	assert.Zero(t, passed)
	assert.Zero(t, failed)
}

func TestOutcomeOK(t *testing.T) {
	pass := Run{Cases: []CaseResult{{Status: Pass}}}
	assert.True(t, Outcome{Runs: []Run{pass}}.OK())
	assert.False(t, Outcome{Runs: []Run{pass}, Interrupted: true}.OK(), "an interrupted run is never green")
	assert.False(t, Outcome{}.OK(), "nothing run proves nothing")
	assert.False(t, Outcome{Runs: []Run{{Cases: []CaseResult{{Status: KnownFailure}}}}}.OK())
}

// What a run set apart (declared gaps, unsupported builds) is said in the
// verdict, counted once per register of a port however many builds showed
// it; strict mode fails it.
func TestOutcomeSaysWhatItSetApart(t *testing.T) {
	pass := Run{Port: "theirs", Build: "gcc-O0", Cases: []CaseResult{{Status: Pass}}}
	gapO0, gapO2 := pass, pass
	gapO0.Gaps = []string{"mxcsr: not preserved across a switch (declared in not_claimed: x)", "x87cw: not preserved across a switch (declared in not_claimed: x)"}
	gapO2.Build, gapO2.Gaps = "gcc-O2", gapO0.Gaps[:1]
	unsupported := Run{Port: "theirs", Build: "clang-O2", Unsupported: "crashes", Notes: []string{"declared unsupported"}}
	fail := Run{Port: "ours", Build: "gcc-O0", Cases: []CaseResult{{Status: Fail}}}
	skipO0 := Run{Port: "sh4", Build: "gcc-O0", Skipped: "builds only in toolchain image trixie (x), and no Docker engine answers"}
	skipO2 := skipO0
	skipO2.Build = "gcc-O2"
	tests := []struct {
		name     string
		o        Outcome
		ok       bool
		unjudged string
		summary  string
	}{
		{"plain pass", Outcome{Runs: []Run{pass}}, true, "", ""},
		{"gaps and an unsupported build", Outcome{Runs: []Run{gapO0, gapO2, unsupported}}, true,
			"2 declared gaps and 1 unsupported build", "passed with 2 declared gaps and 1 unsupported build"},
		{"one gap", Outcome{Runs: []Run{gapO2}}, true, "1 declared gap", "passed with 1 declared gap"},
		{"strict", Outcome{Runs: []Run{gapO0, unsupported}, Strict: true}, false,
			"2 declared gaps and 1 unsupported build", "failed (strict): 2 declared gaps and 1 unsupported build, which strict mode counts as failures"},
		{"strict with nothing set apart", Outcome{Runs: []Run{pass}, Strict: true}, true, "", ""},
		{"a failure too", Outcome{Runs: []Run{fail, unsupported}}, false, "1 unsupported build", "failed, and 1 unsupported build besides"},
		{"unsupported alone", Outcome{Runs: []Run{unsupported}}, false, "1 unsupported build", "failed, and 1 unsupported build besides"},
		{"interrupted", Outcome{Runs: []Run{gapO2}, Interrupted: true}, false, "1 declared gap", "interrupted, with 1 declared gap"},
		{"a skipped port, counted once", Outcome{Runs: []Run{pass, skipO0, skipO2}}, true, "1 skipped port", "passed with 1 skipped port"},
		{"a skipped port, strict", Outcome{Runs: []Run{pass, skipO0}, Strict: true}, false, "1 skipped port",
			"failed (strict): 1 skipped port, which strict mode counts as failures"},
		{"skipped alone", Outcome{Runs: []Run{skipO0}}, false, "1 skipped port", "failed, and 1 skipped port besides"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.ok, tt.o.OK())
			assert.Equal(t, tt.unjudged, tt.o.Unjudged())
			assert.Equal(t, tt.summary, tt.o.Summary())
		})
	}
}

// An emulator that hangs on --list is named within seconds, not waited for.
func TestListNamesWhatHung(t *testing.T) {
	root, p := toolchaintest.Port(t, "riscv64")
	testkit.FakeTool(t, "qemu-hang", `[ "$1" = --version ] && exit 1; exec sleep 60`)
	p.QEMU = "qemu-hang"
	out := t.TempDir()
	start := time.Now()
	_, _, err := List(context.Background(), root, p, build.Default()[0], Options{OutDir: out, ListTimeout: 500 * time.Millisecond}, nil)
	require.EqualError(t, err, "qemu-hang -cpu "+p.QEMUCPU+" "+filepath.Join(out, "runner-riscv64-gcc-O0")+" --list did not finish within 500ms")
	assert.Less(t, time.Since(start), 30*time.Second)
}

// A compiler that exits 0 but writes nothing usable fails the build with
// the reason, rather than a runner that "exited with status 1: ".
func TestCompileChecksWhatTheCompilerWrote(t *testing.T) {
	root, p := toolchaintest.Port(t, "riscv64")
	testkit.FakeTool(t, "empty-gcc", `for a; do [ "$prev" = -o ] && : > "$a"; prev=$a; done; exit 0`)
	p.CC = "empty-gcc"
	_, err := Compile(context.Background(), root, p, build.Default()[0], t.TempDir(), "")
	require.ErrorIs(t, err, build.ErrCompile)
	assert.EqualError(t, err, "compiling riscv64 gcc-O0: empty-gcc exited 0, but the link wrote an empty file")
}

func TestRunnerListFailureIsNeverAnEmptyReason(t *testing.T) {
	root, p := toolchaintest.Port(t, "riscv64")
	testkit.FakeTool(t, "qemu-quiet", `[ "$1" = --version ] && exit 1; exit 1`)
	p.QEMU = "qemu-quiet"
	_, _, err := List(context.Background(), root, p, build.Default()[0], Options{OutDir: t.TempDir()}, nil)
	require.EqualError(t, err, "runner --list exited with status 1")
}

// A port whose stack grows up links only with a core built for one: a
// port.json that said otherwise (or a hand-made build without
// -DSL_STACK_GROWS=up) fails at the link, naming the symbol.
func TestUpwardPortLinksOnlyWithAnUpwardCore(t *testing.T) {
	root, p := toolchaintest.Port(t, "hppa")
	require.Equal(t, arch.StackUp, p.Growth())
	p.StackGrows = arch.StackDown
	_, err := Compile(context.Background(), root, p, build.Default()[0], t.TempDir(), "")
	require.ErrorIs(t, err, build.ErrCompile)
	assert.Contains(t, err.Error(), "undefined reference to `sl_core_stack_grows_up'")
}

// A rebuild compiles only what changed: a mutant of switch.S reassembles
// that file and links, everything else comes from the object cache.
func TestCompileReusesObjects(t *testing.T) {
	root, p := toolchaintest.Port(t, "riscv64")
	log := filepath.Join(t.TempDir(), "calls")
	testkit.FakeTool(t, "logging-gcc", `case "$*" in *" -c "*) echo compile >> `+log+`;; *) echo link >> `+log+`;; esac; exec `+p.CC+` "$@"`)
	p.CC = "logging-gcc"
	cache := t.TempDir()
	calls := func() map[string]int {
		data, _ := os.ReadFile(log)
		_ = os.Remove(log)
		counts := map[string]int{}
		for _, l := range strings.Fields(string(data)) {
			counts[l]++
		}
		return counts
	}
	b := build.Default()[0]
	_, err := Compile(context.Background(), root, p, b, t.TempDir(), cache)
	require.NoError(t, err)
	first := calls()
	assert.Greater(t, first["compile"], 2)
	assert.Equal(t, 1, first["link"])

	_, err = Compile(context.Background(), root, p, b, t.TempDir(), cache)
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"link": 1}, calls(), "nothing changed: nothing compiled")

	// The copy lies elsewhere than the tree (under /tmp, the tree perhaps
	// under /root or /work): only its changed switch.S may count.
	mutant := p
	mutant.Dir = t.TempDir()
	require.NoError(t, os.CopyFS(mutant.Dir, os.DirFS(p.Dir)))
	testkit.Edit(t, mutant.Dir, "switch.S", func(s string) string { return s + "\n/* changed */\n" })
	_, err = Compile(context.Background(), root, mutant, b, t.TempDir(), cache)
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"compile": 1, "link": 1}, calls(), "only switch.S")
}
