package executor

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHostRunsWhereTheContextSays(t *testing.T) {
	assert.Equal(t, Host{}, From(context.Background()), "the host unless told otherwise")
	ctx := With(context.Background(), fake{})
	assert.Equal(t, fake{}, From(ctx))

	expected := Expect(context.Background())
	assert.Equal(t, Missing{}, From(expected), "where an executor is expected, the host is no default")
	st, err := From(expected).Run(expected, Spec{Argv: []string{"true"}})
	assert.ErrorIs(t, err, ErrMissing)
	assert.Equal(t, Status{}, st)
	assert.ErrorIs(t, From(expected).LookPath(expected, "sh"), ErrMissing)
	_, err = Output(expected, "", []string{"true"})
	assert.ErrorIs(t, err, ErrMissing)
	assert.Equal(t, fake{}, From(With(expected, fake{})), "With chooses under Expect")
}

type fake struct{ Host }

func (fake) Toolchain() string { return "fake" }

func TestHostRunTellsHowACommandEnded(t *testing.T) {
	tests := []struct {
		name   string
		script string
		want   Status
		err    string
	}{
		{"exit 0", "exit 0", Status{}, ""},
		{"exit 3", "exit 3", Status{ExitCode: 3}, "exit status 3"},
		{"signal", "kill -SEGV $$", Status{ExitCode: -1, Signal: "SIGSEGV"}, "signal: SIGSEGV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Host{}.Run(context.Background(), Spec{Argv: []string{"sh", "-c", tt.script}})
			require.NoError(t, err)
			assert.Equal(t, tt.want, st)
			if tt.err == "" {
				assert.NoError(t, st.Err())
			} else {
				assert.EqualError(t, st.Err(), tt.err)
			}
		})
	}
}

func TestHostRunPassesEnvironmentAndTagAndKillsStrays(t *testing.T) {
	var out bytes.Buffer
	st, err := Host{}.Run(context.Background(), Spec{Argv: []string{"sh", "-c", `echo "$X $STACKSLICE_TARGET"; setsid sleep 30 >/dev/null 2>&1 & sleep 0.3`},
		Env: []string{"X=1"}, Tag: "t-1", Stdout: &out})
	require.NoError(t, err)
	assert.Equal(t, "1 t-1\n", out.String())
	require.Len(t, st.LeftBehind, 1, "the sleep that escaped the group carries the tag")
	assert.Contains(t, st.LeftBehind[0], "(sleep)")

	out.Reset()
	text, err := Output(context.Background(), "/", []string{"sh", "-c", "pwd; echo oops >&2; exit 2"})
	assert.EqualError(t, err, "exit status 2")
	assert.Equal(t, "/\noops\n", text)
}

func TestHostRunStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Host{}.Run(ctx, Spec{Argv: []string{"sleep", "30"}})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 10*time.Second)

	_, err = Host{}.Run(context.Background(), Spec{Argv: []string{"/no/such/program"}})
	assert.ErrorContains(t, err, "running /no/such/program")
}
