//go:build linux

package proc

import (
	"context"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runModes runs the test in each containment the host allows: a PID
// namespace (as root) and the subreaper everywhere.
func runModes(t *testing.T, test func(t *testing.T, run func(ctx context.Context, argv ...string) (Ended, error))) {
	for _, mode := range []string{modeNamespace, modeReaper} {
		t.Run(mode, func(t *testing.T) {
			if mode == modeNamespace && os.Geteuid() != 0 {
				t.Skip("a PID namespace needs root")
			}
			test(t, func(ctx context.Context, argv ...string) (Ended, error) {
				var out strings.Builder
				e, err := runContained(ctx, mode, t.TempDir(), argv, os.Environ(), &out, &out)
				t.Logf("output: %q", out.String())
				return e, err
			})
		})
	}
}

// daemonScript starts a daemon in a session of its own, with an empty
// environment: no tag, no group, no parent of the run's to find it by. It
// writes pidFile once started; alive finds it by its unique command line
// (its PID differs inside a namespace).
//
// The script returns once the daemon runs sleep: it writes pidFile before
// its exec, and a run that ended in between named it (sh), not (sleep),
// under load. The pattern is bracketed so that grep does not find its own
// command line.
func daemonScript(t *testing.T) (script, pidFile string) {
	pidFile = t.TempDir() + "/daemon.pid"
	seconds := daemonSeconds(pidFile)
	last := len(seconds) - 1
	return `env -i setsid sh -c 'echo $$ > ` + pidFile + `; exec sleep ` + seconds + `' </dev/null >/dev/null 2>&1 &
		while ! grep -qszx '` + seconds[:last] + "[" + seconds[last:] + `]' /proc/[0-9]*/cmdline; do sleep 0.01; done`, pidFile
}

// daemonSeconds is a sleep no other process has: from the test's folder.
func daemonSeconds(pidFile string) string {
	return strconv.Itoa(100000 + int(crc32.ChecksumIEEE([]byte(pidFile))%100000))
}

func alive(t *testing.T, pidFile string) bool {
	want := "sleep\x00" + daemonSeconds(pidFile) + "\x00"
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	for _, e := range entries {
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || string(cmdline) != want {
			continue
		}
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			if _, _, err := Stat(pid); err == nil {
				return true
			}
		}
	}
	return false
}

func TestContainedRunKillsADaemonWithAnEmptyEnvironment(t *testing.T) {
	runModes(t, func(t *testing.T, run func(context.Context, ...string) (Ended, error)) {
		script, pidFile := daemonScript(t)
		e, err := run(context.Background(), "sh", "-c", script+"; exit 3")
		require.NoError(t, err)
		assert.Equal(t, 3, e.ExitCode)
		require.Len(t, e.LeftBehind, 1, "the daemon is named")
		assert.Contains(t, e.LeftBehind[0], "(sleep)")
		assert.False(t, alive(t, pidFile), "and killed")
	})
}

func TestContainedRunTellsHowTheCommandEnded(t *testing.T) {
	runModes(t, func(t *testing.T, run func(context.Context, ...string) (Ended, error)) {
		e, err := run(context.Background(), "sh", "-c", "kill -SEGV $$")
		require.NoError(t, err)
		assert.Equal(t, Ended{ExitCode: -1, Signal: "SIGSEGV", Contained: e.Contained}, e)
		e, err = run(context.Background(), "sh", "-c", "pwd >/dev/null")
		require.NoError(t, err)
		assert.Equal(t, 0, e.ExitCode)
		assert.Empty(t, e.LeftBehind)
		_, err = run(context.Background(), "/no/such/program")
		assert.EqualError(t, err, "running /no/such/program: fork/exec /no/such/program: no such file or directory")
		assert.ErrorIs(t, err, syscall.ENOENT, "the errno survives the init")
		_, err = run(context.Background(), "no-such-program-on-path")
		assert.ErrorIs(t, err, exec.ErrNotFound)
	})
}

// Stopping a run (a timeout, Ctrl-C) takes its daemons down too.
func TestCancelledContainedRunLeavesNothing(t *testing.T) {
	runModes(t, func(t *testing.T, run func(context.Context, ...string) (Ended, error)) {
		script, pidFile := daemonScript(t)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for {
				if _, err := os.Stat(pidFile); err == nil {
					time.Sleep(50 * time.Millisecond)
					cancel()
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
		start := time.Now()
		_, err := run(ctx, "sh", "-c", script+"; sleep 60")
		assert.ErrorIs(t, err, context.Canceled)
		assert.Less(t, time.Since(start), 10*time.Second)
		assert.Eventually(t, func() bool { return !alive(t, pidFile) }, 3*time.Second, 10*time.Millisecond, "the daemon is gone")
	})
}

// Where the kernel refuses a namespace (here: root without CAP_SYS_ADMIN,
// as in a default container), the run still starts, held by the subreaper,
// and still leaves nothing.
func TestContainedRunFallsBackWithoutNamespaces(t *testing.T) {
	if os.Getenv(fallbackChildEnv) != "" {
		script, pidFile := daemonScript(t)
		e, err := RunContained(context.Background(), t.TempDir(), []string{"sh", "-c", script}, os.Environ(), nil, nil)
		fmt.Printf("contained by %s, left %v, error %v, daemon alive %v, refusal remembered %v\n",
			e.Contained, len(e.LeftBehind), err, alive(t, pidFile), namespacesRefused.Load())
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("dropping a capability from the bounding set needs root")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("setpriv (util-linux) not installed")
	}
	out, err := exec.Command(setpriv, "--bounding-set=-sys_admin", "--inh-caps=-sys_admin", "env", fallbackChildEnv+"=1",
		os.Args[0], "-test.run=^TestContainedRunFallsBackWithoutNamespaces$", "-test.v").CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "contained by subreaper, left 1, error <nil>, daemon alive false, refusal remembered true")
}

const fallbackChildEnv = "SL_CONTAIN_FALLBACK_CHILD"
