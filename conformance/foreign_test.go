package conformance

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/toolchain/toolchaintest"
)

func foreignPort(notClaimed, unsupported map[string]string) arch.Port {
	return arch.Port{Name: "theirs", FPRounding: []string{"fpcr"}, Foreign: &arch.Foreign{Base: "arm64", Data: "/x/theirs/port.json", SwitchFile: "/x/switch.h",
		SHA256: "abc", NotClaimed: notClaimed, UnsupportedBuilds: unsupported,
		Provenance: provenance, CFlags: []string{"-I", "inc"}, InputsSHA256: "def"}}
}

var provenance = []arch.InputFile{{Path: "/x/switch.h", Role: arch.RoleSwitch, SHA256: "abc"}, {Path: "/x/inc/up.h", Role: arch.RoleInclude, SHA256: "123"}}

const rounding = "/src/conformance/cases/fpcontrol.c:40: coroutine 1, round 3: rounding mode 4194304, want 8388608\n" +
	"/src/conformance/cases/fpcontrol.c:71: main after new coroutine 2: rounding mode 0, want 12582912"

func TestDeclaredGaps(t *testing.T) {
	p := foreignPort(map[string]string{"fpcr": "not kept", "v20": "not kept either", "d8": "stale"}, nil)
	run := Run{Port: "theirs", Build: "gcc-O2", Cases: []CaseResult{
		{Name: "registers_canaries", Status: Pass, Output: "sl-gap: d8 preserved\nsl-gap: fpcr changed\nsl-gap: v20.hi preserved\nsl-gap: v20.lo preserved"},
		{Name: "registers_canaries_direct", Status: Fail, Reason: "expectations failed", Output: "register x19 changed\nsl-gap: d8 preserved\nsl-gap: fpcr preserved\nsl-gap: v20.hi changed\nsl-gap: v20.lo preserved"},
		{Name: "fp_rounding_per_coroutine", Status: Fail, Reason: "expectations failed", Output: rounding},
		{Name: "switch_ping_pong", Status: Fail, Reason: "crashed with SIGSEGV"},
	}}
	judgeForeign(&run, p)
	assert.Equal(t, "/x/switch.h", run.Switch)
	assert.Equal(t, "abc", run.SwitchSHA256)
	assert.Equal(t, provenance, run.Inputs, "every file its build read")
	assert.Equal(t, []string{"-I", "inc"}, run.CFlags)
	assert.Equal(t, "def", run.InputsSHA256)
	// Changed anywhere is a gap; preserved everywhere is a declaration that can go.
	assert.Equal(t, []string{
		"fpcr: not preserved across a switch (declared in not_claimed: not kept)",
		"v20: not preserved across a switch (declared in not_claimed: not kept either)",
	}, run.Gaps)
	assert.Equal(t, []string{"d8 is declared in not_claimed of /x/theirs/port.json, but the register canaries saw it preserved in every round: the declaration can go"}, run.Notes)
	// The fp_* failure is explained by the declared rounding register; nothing else is excused.
	assert.Equal(t, KnownFailure, run.Cases[2].Status)
	assert.Contains(t, run.Cases[2].Reason, "declared gap fpcr (not kept)")
	assert.Equal(t, Fail, run.Cases[1].Status)
	assert.Equal(t, Fail, run.Cases[3].Status)
	assert.False(t, run.OK())

	// Without a rounding register declared, the fp_* failure stays a failure.
	run = Run{Build: "gcc-O2", Cases: []CaseResult{{Name: "fp_new_inherits_starter", Status: Fail}, {Name: "switch_ping_pong", Status: Pass}}}
	judgeForeign(&run, foreignPort(map[string]string{"d8": "x"}, nil))
	assert.Equal(t, Fail, run.Cases[0].Status)
	assert.Empty(t, run.Gaps)
	assert.Empty(t, run.Notes, "no canary case ran: nothing is said about d8")
}

// A declared rounding register excuses an fp_* failure only when its only
// cause, as the case reports it, is the rounding mode: a crash, a timeout,
// any other expectation, output cut short, or a register of another arch
// (the port's own fp_rounding says which hold the mode) still fail.
func TestOnlyARoundingFailureIsAKnownGap(t *testing.T) {
	tests := []struct {
		name   string
		c      CaseResult
		rounds []string
		want   Status
	}{
		{"rounding mode alone", CaseResult{Status: Fail, Reason: "expectations failed", Output: rounding}, nil, KnownFailure},
		{"a crash", CaseResult{Status: Fail, Reason: "crashed with SIGSEGV", Output: rounding}, nil, Fail},
		{"a timeout", CaseResult{Status: Fail, Reason: "timeout after 120s", Output: rounding}, nil, Fail},
		{"another expectation too", CaseResult{Status: Fail, Reason: "expectations failed",
			Output: rounding + "\n/src/conformance/cases/fpcontrol.c:39: sl_switch(coros[1], 0, NULL) = -1, want 0 = 0"}, nil, Fail},
		{"a sanitizer report", CaseResult{Status: Fail, Reason: "expectations failed", Output: rounding + "\n==1==ERROR: AddressSanitizer: stack-use-after-return"}, nil, Fail},
		{"other failures past the printed ones", CaseResult{Status: Fail, Reason: "expectations failed",
			Output: rounding + "\nsl-check: 3 more failure(s) not printed, not rounding modes"}, nil, Fail},
		{"no output", CaseResult{Status: Fail, Reason: "expectations failed"}, nil, Fail},
		{"output cut short", CaseResult{Status: Fail, Reason: "expectations failed", Output: "[… 12 earlier lines not kept]\n" + rounding}, nil, Fail},
		{"fpcr holds no rounding mode on this port", CaseResult{Status: Fail, Reason: "expectations failed", Output: rounding}, []string{"mxcsr"}, Fail},
	}
	for _, tt := range tests {
		p := foreignPort(map[string]string{"fpcr": "not kept"}, nil)
		if tt.rounds != nil {
			p.FPRounding = tt.rounds
		}
		tt.c.Name = "fp_rounding_per_coroutine"
		run := Run{Build: "gcc-O2", Cases: []CaseResult{tt.c}}
		judgeForeign(&run, p)
		assert.Equal(t, tt.want, run.Cases[0].Status, tt.name)
	}
}

func TestUnsupportedBuildIsNeverAPass(t *testing.T) {
	p := foreignPort(nil, map[string]string{"gcc-O0": "r31 is in the clobber list", "clang-O2": "TOC reloaded after the shift"})
	failing := Run{Build: "gcc-O0", Err: errors.Join(build.ErrCompile, errors.New("error: 31 cannot be used in asm here"))}
	crashing := Run{Build: "clang-O2", Cases: []CaseResult{{Name: "switch_ping_pong", Status: Fail, Reason: "crashed with SIGSEGV"}, {Name: "alignment_entry_and_resume", Status: Pass}}}
	passing := Run{Build: "clang-O2", Cases: []CaseResult{{Name: "switch_ping_pong", Status: Pass}}}
	for _, run := range []*Run{&failing, &crashing, &passing} {
		judgeForeign(run, p)
		judgeUnsupported(run, p)
		assert.NotEmpty(t, run.Unsupported)
		assert.False(t, run.OK())
		assert.Equal(t, "unsupported", run.Why())
		assert.Empty(t, run.Cases)
		assert.NoError(t, run.Err)
	}
	assert.Contains(t, failing.Notes[0], "this run: compiling")
	assert.Contains(t, crashing.Notes[0], "this run: 1 passed, 1 failed (switch_ping_pong: crashed with SIGSEGV)")
	assert.Contains(t, passing.Notes[0], "every case passed: if it works now, remove the build from unsupported_builds")
	// Neither a pass nor a failure in the totals: alone, they make no green.
	passed, failed := Totals([]Run{failing, crashing, passing})
	assert.Zero(t, passed)
	assert.Zero(t, failed)
	assert.False(t, Outcome{Runs: []Run{failing, crashing, passing}}.OK())
	ok := Run{Build: "gcc-O2", Cases: []CaseResult{{Name: "switch_ping_pong", Status: Pass}}}
	assert.True(t, Outcome{Runs: []Run{failing, ok}}.OK())
}

// End to end through the real runner: a case whose printed failures are all
// rounding modes but that failed something else past them says so in its
// output (the sl-check line), and is not taken for a rounding mode only;
// without that line it would be.
func TestHiddenFailureIsSaidByTheRunner(t *testing.T) {
	root, p := toolchaintest.Port(t, "amd64")
	run := RunSuite(context.Background(), root, p, build.Default()[0],
		Options{SelfTest: true, Cases: regexp.MustCompile(`^selftest_hidden_failures$`), OutDir: t.TempDir()})
	require.NoError(t, run.Err)
	require.Len(t, run.Cases, 1)
	c := run.Cases[0]
	assert.Equal(t, Fail, c.Status)
	assert.Equal(t, expectationsFailed, c.Reason)
	lines := strings.Split(strings.TrimSpace(c.Output), "\n")
	require.Len(t, lines, 21, c.Output)
	assert.Equal(t, "sl-check: 3 more failure(s) not printed, not rounding modes", lines[20])
	c.Name = FPCasePrefix + "hidden" // as an fp_* case of a foreign port would be
	assert.False(t, onlyRounding(c), "the hidden failures are no rounding mode")
	c.Output = strings.Join(lines[:20], "\n")
	assert.True(t, onlyRounding(c), "the twenty printed lines alone read as rounding modes")
}

// Every run in which the canaries ran gets the claims check: a failure
// naming each callee-saved register the source does not claim, in every
// build alike, however the compiler hid the loss; a pass otherwise.
func TestClaimsAreJudgedInEveryRun(t *testing.T) {
	canaries := func() []CaseResult {
		return []CaseResult{{Name: "registers_canaries", Status: Pass}, {Name: "registers_canaries_direct", Status: Pass}}
	}
	leaky := foreignPort(nil, nil)
	leaky.ABI = "AAPCS64"
	leaky.Foreign.Unclaimed = []string{"x28"}
	for _, build := range []string{"gcc-O0", "clang-O2"} {
		run := Run{Port: "theirs", Build: build, Cases: canaries()}
		judgeForeign(&run, leaky)
		require.Len(t, run.Cases, 3, build)
		claims := run.Cases[2]
		assert.Equal(t, ClaimsCase, claims.Name)
		assert.Equal(t, Fail, claims.Status)
		assert.Equal(t, "callee-saved register(s) not claimed by the switch source: x28", claims.Reason)
		assert.Equal(t, "register x28 not claimed: a callee-saved register of AAPCS64 that /x/switch.h neither names in a clobber list nor saves; it survives a switch only where the compiler saves it for its own use", claims.Output)
		assert.False(t, run.OK(), build)
	}

	run := Run{Build: "gcc-O2", Cases: canaries()}
	judgeForeign(&run, foreignPort(nil, nil))
	require.Len(t, run.Cases, 3)
	assert.Equal(t, Pass, run.Cases[2].Status)
	assert.True(t, run.OK())

	unread := foreignPort(nil, nil)
	unread.Foreign.ClaimsUnread = "no saves found"
	run = Run{Build: "gcc-O2", Cases: canaries()}
	judgeForeign(&run, unread)
	assert.Equal(t, Fail, run.Cases[2].Status)
	assert.Contains(t, run.Cases[2].Output, "no saves found")

	// Without the canary cases (a case filter left them out), nothing is added.
	run = Run{Build: "gcc-O2", Cases: []CaseResult{{Name: "switch_ping_pong", Status: Pass}}}
	judgeForeign(&run, leaky)
	assert.Len(t, run.Cases, 1)
}

func TestOwnPortUnsupportedBuild(t *testing.T) {
	own := arch.Port{Name: "armel", Dir: "/repo/arch/armel", UnsupportedBuilds: map[string]string{"clang-O2": "no lock-free atomics"}}
	for _, p := range []arch.Port{own, {Name: "theirs", Dir: own.Dir, UnsupportedBuilds: own.UnsupportedBuilds,
		Foreign: &arch.Foreign{Base: "armel", Data: "/x/theirs/port.json"}}} {
		run := Run{Build: "clang-O2", Err: errors.Join(build.ErrCompile, errors.New("error: large atomic operation"))}
		judgeUnsupported(&run, p)
		assert.Equal(t, "no lock-free atomics", run.Unsupported, p.Name)
		assert.Equal(t, "unsupported", run.Why(), p.Name)
		assert.NoError(t, run.Err, p.Name)
		require.Len(t, run.Notes, 1, p.Name)
		assert.Contains(t, run.Notes[0], "declared unsupported in arch/armel/port.json (no lock-free atomics); this run: compiling", p.Name)
		other := Run{Build: "gcc-O2", Cases: []CaseResult{{Name: "switch_ping_pong", Status: Fail}}}
		judgeUnsupported(&other, p)
		assert.Empty(t, other.Unsupported, "a build not declared stays as it ran")
		assert.Equal(t, Fail, other.Cases[0].Status)
	}
	require.NoError(t, CheckBuildNames(own.UnsupportedBuilds))
	assert.EqualError(t, CheckBuildNames(map[string]string{"clang-O3": "x"}),
		`unsupported_builds names "clang-O3", which is no build (builds: gcc-O0, gcc-O2, gcc-O3-lto, gcc-O2-framepointer, clang-O2, gcc-asan-ubsan)`)
	assert.EqualError(t, CheckBuildNames(map[string]string{"clang-O2": " "}), `unsupported_builds: "clang-O2" needs a reason`)
}
