package conformance

import (
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

func TestEndCounterCountsEndLinesAcrossWrites(t *testing.T) {
	var seen []int
	w := &endCounter{onEnd: func(n int) { seen = append(seen, n) }}
	for _, chunk := range []string{"SL-BEGIN a\nout\nSL-E", "ND a pass 1\nSL-BEGIN b\n", "SL-END b fail 2 x\nSL-END", " c pass 3\n"} {
		_, err := w.Write([]byte(chunk))
		require.NoError(t, err)
	}
	assert.Equal(t, []int{1, 2, 3}, seen)
}

func TestBlameEmulatorMarksOnlyKnownFailures(t *testing.T) {
	cases := []CaseResult{
		{Name: "storm", Status: Fail, Reason: "crashed with SIGSEGV"},
		{Name: "storm_alt", Status: Pass},
		{Name: "other", Status: Fail, Reason: "expectations failed"},
	}
	blameEmulator(cases, map[string]string{"storm": "qemu bug", "storm_alt": "qemu bug"})
	assert.Equal(t, KnownFailure, cases[0].Status)
	assert.Equal(t, "known emulator failure (qemu bug): crashed with SIGSEGV", cases[0].Reason)
	assert.Equal(t, Pass, cases[1].Status, "a pass stays a pass")
	assert.Equal(t, Fail, cases[2].Status)
}

func TestRunCountsAndTotals(t *testing.T) {
	ok := Run{Cases: []CaseResult{{Status: Pass}, {Status: KnownFailure}}}
	failed := Run{Cases: []CaseResult{{Status: Pass}, {Status: Fail}}}
	broken := Run{Err: fmt.Errorf("%w amd64 gcc-O2: exit status 1", ErrCompile)}
	empty := Run{}
	assert.True(t, ok.OK())
	assert.Equal(t, 1, ok.Known())
	assert.False(t, failed.OK())
	assert.False(t, broken.OK())
	assert.False(t, empty.OK(), "a run with no cases proves nothing")
	passed, failures := Totals([]Run{ok, failed, broken, empty})
	assert.Equal(t, 2, passed)
	assert.Equal(t, 3, failures)

	tests := []struct {
		run  Run
		want string
	}{
		{broken, "build error"},
		{Run{Err: fmt.Errorf("%w %q", ErrNoCaseMatches, "x")}, "no case"},
		{empty, "no cases"},
		{Run{Err: errors.New("runner --list crashed with SIGILL")}, "did not run"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.run.Why())
	}
	assert.Equal(t, "compiling amd64 gcc-O2: exit status 1", broken.Err.Error())
}
