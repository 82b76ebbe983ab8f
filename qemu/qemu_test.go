package qemu

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
)

func TestForPicksNativeOnlyWhereTheHostRunsThePort(t *testing.T) {
	host := arch.Port{Name: runtime.GOARCH, QEMU: "qemu-host", QEMUCPU: "max"}
	foreign := arch.Port{Name: "no-such-arch", QEMU: "qemu-foreign", QEMUCPU: "cpu1"}

	assert.Equal(t, "native", For(context.Background(), host, Options{}).Name())
	assert.Equal(t, "qemu-host", For(context.Background(), host, Options{ForceQEMU: true}).Name())
	assert.Equal(t, User{Binary: "qemu-foreign", CPU: "cpu1"}, For(context.Background(), foreign, Options{}))
}

func TestCommands(t *testing.T) {
	assert.Equal(t, []string{"/bin/x", "--list"}, Native{}.Command("/bin/x", "--list"))
	assert.Equal(t, []string{"qemu-s390x", "-cpu", "max", "/bin/x", "a"},
		User{Binary: "qemu-s390x", CPU: "max"}.Command("/bin/x", "a"))
	assert.Equal(t, "qemu-s390x 7.2", User{Binary: "qemu-s390x", Version: "7.2"}.Name())
}

func TestRunReportsHowTheBinaryEnded(t *testing.T) {
	tests := []struct {
		name     string
		script   string
		timeout  time.Duration
		want     Result
		describe string
	}{
		{"success", "echo out; echo err >&2", 0, Result{Stdout: "out\n", Stderr: "err\n"}, "exited with status 0"},
		{"exit status", "echo partial; exit 3", 0, Result{Stdout: "partial\n", ExitCode: 3}, "exited with status 3"},
		{"crash", "kill -SEGV $$", 0, Result{ExitCode: -1, Signal: "SIGSEGV"}, "crashed with SIGSEGV"},
		{"hang", "echo started; sleep 30", 2 * time.Second, Result{Stdout: "started\n", ExitCode: -1, TimedOut: true}, "killed after timing out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			got, err := Run(context.Background(), Native{}, "/bin/sh", []string{"-c", tt.script}, tt.timeout)
			require.NoError(t, err)
			assert.Less(t, time.Since(start), 10*time.Second)
			assert.Equal(t, tt.want.Stdout, got.Stdout)
			assert.Equal(t, tt.want.Stderr, got.Stderr)
			assert.Equal(t, tt.want.ExitCode, got.ExitCode)
			assert.Equal(t, tt.want.Signal, got.Signal)
			assert.Equal(t, tt.want.TimedOut, got.TimedOut)
			assert.Contains(t, got.Describe(), tt.describe)
		})
	}
}

func TestRunKillsWhatTheTargetStarted(t *testing.T) {
	// A grandchild holding stdout open must not keep Run waiting.
	start := time.Now()
	got, err := Run(context.Background(), Native{}, "/bin/sh", []string{"-c", "sleep 60 & sleep 60"}, 300*time.Millisecond)
	require.NoError(t, err)
	assert.True(t, got.TimedOut)
	assert.Less(t, time.Since(start), 10*time.Second)
}

func TestRunFailsForAMissingBinary(t *testing.T) {
	_, err := Run(context.Background(), Native{}, "/no/such/binary", nil, time.Second)
	assert.ErrorContains(t, err, "running /no/such/binary")
}

func TestRunStopsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := Run(ctx, Native{}, "/bin/sh", []string{"-c", "sleep 60"}, 0)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

// A daemon that left the target's process group and session is still
// found, killed and named; its open output does not lose the run.
func TestRunKillsWhatLeftTheGroup(t *testing.T) {
	start := time.Now()
	got, err := Run(context.Background(), Native{}, "/bin/sh", []string{"-c", "setsid sleep 60 & echo done"}, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, 0, got.ExitCode)
	assert.Equal(t, "done\n", got.Stdout)
	require.Len(t, got.LeftBehind, 1)
	assert.Regexp(t, `^\d+ \((sh|setsid|sleep)\)$`, got.LeftBehind[0], "named as it was when killed: forked, exec'd setsid or sleep")
	assert.False(t, got.OutputLeftOpen, "the run's init killed the daemon, which held the output, before it exited")
	assert.Less(t, time.Since(start), 10*time.Second)
}

func TestRunKeepsABoundedCapture(t *testing.T) {
	got, err := Run(context.Background(), Native{}, "/bin/sh", []string{"-c", "head -c 3000000 /dev/zero; head -c 3000000 /dev/zero >&2"}, time.Minute)
	require.NoError(t, err)
	assert.Len(t, got.Stdout, MaxCaptured)
	assert.Len(t, got.Stderr, MaxCaptured)
	assert.True(t, got.Truncated)
}

func TestRunWorksInTheBinarysFolder(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "where")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\npwd\n"), 0o755))
	got, err := Run(context.Background(), Native{}, script, nil, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, dir+"\n", got.Stdout)
}
