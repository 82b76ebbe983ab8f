package conformance

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/stackslice/stackslice/arch"
)

func foreignPort(notClaimed, unsupported map[string]string) arch.Port {
	return arch.Port{Name: "theirs", Foreign: &arch.Foreign{Base: "arm64", Data: "/x/theirs/port.json", SwitchFile: "/x/switch.h",
		SHA256: "abc", NotClaimed: notClaimed, UnsupportedBuilds: unsupported}}
}

func TestDeclaredGaps(t *testing.T) {
	p := foreignPort(map[string]string{"fpcr": "not kept", "v20": "not kept either", "d8": "stale"}, nil)
	run := Run{Port: "theirs", Build: "gcc-O2", Cases: []CaseResult{
		{Name: "registers_canaries", Status: Pass, Output: "sl-gap: d8 preserved\nsl-gap: fpcr changed\nsl-gap: v20.hi preserved\nsl-gap: v20.lo preserved"},
		{Name: "registers_canaries_direct", Status: Fail, Reason: "expectations failed", Output: "register x19 changed\nsl-gap: d8 preserved\nsl-gap: fpcr preserved\nsl-gap: v20.hi changed\nsl-gap: v20.lo preserved"},
		{Name: "fp_rounding_per_coroutine", Status: Fail, Reason: "expectations failed"},
		{Name: "switch_ping_pong", Status: Fail, Reason: "crashed with SIGSEGV"},
	}}
	judgeForeign(&run, p)
	assert.Equal(t, "/x/switch.h", run.Switch)
	assert.Equal(t, "abc", run.SwitchSHA256)
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

func TestUnsupportedBuildIsNeverAPass(t *testing.T) {
	p := foreignPort(nil, map[string]string{"gcc-O0": "r31 is in the clobber list", "clang-O2": "TOC reloaded after the shift"})
	failing := Run{Build: "gcc-O0", Err: errors.Join(ErrCompile, errors.New("error: 31 cannot be used in asm here"))}
	crashing := Run{Build: "clang-O2", Cases: []CaseResult{{Name: "switch_ping_pong", Status: Fail, Reason: "crashed with SIGSEGV"}, {Name: "alignment_entry_and_resume", Status: Pass}}}
	passing := Run{Build: "clang-O2", Cases: []CaseResult{{Name: "switch_ping_pong", Status: Pass}}}
	for _, run := range []*Run{&failing, &crashing, &passing} {
		judgeForeign(run, p)
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
