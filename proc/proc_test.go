package proc

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/stackslice/stackslice/internal/testkit"
)

// A shell waiting for a sleep stands in for `go run` waiting for mage.
func startShellWithChild(t *testing.T) (shell *exec.Cmd, childPID int) {
	t.Helper()
	shell = exec.Command("sh", "-c", "sleep 30 & echo $!; wait")
	out, err := shell.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, shell.Start())
	t.Cleanup(func() { _ = shell.Process.Kill(); _ = shell.Wait() })
	buf := make([]byte, 32)
	n, err := out.Read(buf)
	require.NoError(t, err)
	childPID, err = strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	require.NoError(t, err)
	t.Cleanup(func() { _ = syscall.Kill(childPID, syscall.SIGKILL) })
	return shell, childPID
}

func TestLauncherChainStopsAtTheFirstNonLauncher(t *testing.T) {
	shell, child := startShellWithChild(t)
	chain := LauncherChain(child, func(comm string) bool { return comm == "sh" })
	require.Len(t, chain, 1)
	assert.Equal(t, shell.Process.Pid, chain[0].PID)
	assert.Equal(t, "sh", chain[0].Comm)
	assert.Empty(t, LauncherChain(child, func(string) bool { return false }))
}

func TestWatchEndsWhenALauncherDiesHoweverItDies(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(unix.SignalName(sig), func(t *testing.T) {
			shell, child := startShellWithChild(t)
			chain := LauncherChain(child, func(comm string) bool { return comm == "sh" })
			ctx, cancel := Watch(context.Background(), chain, 10*time.Millisecond)
			defer cancel()
			time.Sleep(50 * time.Millisecond)
			require.NoError(t, ctx.Err(), "the launcher is alive")
			require.NoError(t, shell.Process.Signal(sig))
			select {
			case <-ctx.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("the watch did not notice the launcher exit")
			}
			assert.ErrorContains(t, context.Cause(ctx), "sh (pid "+strconv.Itoa(shell.Process.Pid)+"), which started this run, exited")
		})
	}
}

func TestWatchWithoutLaunchersEndsOnlyWithItsParent(t *testing.T) {
	parent, cancelParent := context.WithCancel(context.Background())
	ctx, cancel := Watch(parent, nil, time.Millisecond)
	defer cancel()
	time.Sleep(20 * time.Millisecond)
	require.NoError(t, ctx.Err())
	cancelParent()
	<-ctx.Done()
}

func TestCommandStopsTheWholeGroupGracefully(t *testing.T) {
	// The leader traps SIGTERM to report it; its background child must die too.
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := Command(ctx, dir, []string{"sh", "-c", "trap 'echo got TERM; exit 7' TERM; sleep 30 & pwd; wait"})
	var out testkit.Buffer
	cmd.Stdout = &out
	require.NoError(t, cmd.Start())
	// pwd runs after the trap is set: a fixed pause lost that race on a
	// loaded machine, and the shell died of a SIGTERM it did not yet trap.
	require.Eventually(t, func() bool { return out.String() != "" }, 30*time.Second, 10*time.Millisecond)
	start := time.Now()
	cancel()
	_ = cmd.Wait()
	KillGroup(cmd)
	assert.Less(t, time.Since(start), StopGrace+3*time.Second)
	assert.Equal(t, dir+"\ngot TERM\n", out.String(), "runs in dir, and hears SIGTERM before any SIGKILL")
	assert.Eventually(t, func() bool { return syscall.Kill(-cmd.Process.Pid, 0) == syscall.ESRCH },
		2*time.Second, 10*time.Millisecond, "nothing of the group is left")
}

func TestNoCoreDumpsReachesChildren(t *testing.T) {
	var saved unix.Rlimit
	require.NoError(t, unix.Getrlimit(unix.RLIMIT_CORE, &saved))
	t.Cleanup(func() { _ = unix.Setrlimit(unix.RLIMIT_CORE, &saved) })
	require.NoError(t, NoCoreDumps())
	out, err := exec.Command("sh", "-c", "ulimit -c").Output()
	require.NoError(t, err)
	assert.Equal(t, "0\n", string(out))
}

// copyShell installs sh at path, so that a process running it is named (and
// its /proc exe link points) like the program it stands in for.
func copyShell(t *testing.T, path string) {
	t.Helper()
	sh, err := exec.LookPath("sh")
	require.NoError(t, err)
	data, err := os.ReadFile(sh)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, data, 0o755))
}

// A launcher that died before the harness looked leaves no process to watch;
// the program it started still tells, by where it lives, who should be its
// parent: `go run` builds mage into its work folder or the build cache, and
// mage compiles the magefile into its own cache.
func TestOrphanedLauncherSeesALauncherThatDiedBeforeTheRun(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("MAGEFILE_CACHE", filepath.Join(dir, "magecache"))
	goRunMage := filepath.Join(dir, "go-build123", "b001", "exe", "mage")
	cachedMage := filepath.Join(dir, "gocache", "8a", strings.Repeat("0123abcd", 8)+"-d", "mage")
	magefile := filepath.Join(dir, "magecache", "3b486dd013cd47cb")
	goCmd := filepath.Join(dir, "bin", "go")
	mageCmd := filepath.Join(dir, "bin", "mage")
	for _, p := range []string{goRunMage, cachedMage, magefile, goCmd, mageCmd} {
		copyShell(t, p)
	}
	for _, tc := range []struct {
		name           string
		parent, child  string
		killParent     bool
		wantOrphanedBy string
	}{
		{name: "go run's mage under go", parent: goCmd, child: goRunMage},
		{name: "go run's mage after go died", parent: goCmd, child: goRunMage, killParent: true, wantOrphanedBy: "go"},
		{name: "cached go run mage after go died", parent: goCmd, child: cachedMage, killParent: true, wantOrphanedBy: "go"},
		{name: "the magefile under mage", parent: mageCmd, child: magefile},
		{name: "the magefile after mage died", parent: mageCmd, child: magefile, killParent: true, wantOrphanedBy: "mage"},
		{name: "the magefile under something else", parent: goCmd, child: magefile, wantOrphanedBy: "mage"},
		{name: "an installed mage outliving its shell", parent: goCmd, child: mageCmd, killParent: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The child reports its pid and waits; `; true` keeps the parent
			// shell from exec'ing the child in its own place.
			parent := exec.Command(tc.parent, "-c", tc.child+` -c 'echo $$; sleep 30'; true`)
			out, err := parent.StdoutPipe()
			require.NoError(t, err)
			require.NoError(t, parent.Start())
			t.Cleanup(func() { _ = parent.Process.Kill(); _ = parent.Wait() })
			buf := make([]byte, 32)
			n, err := out.Read(buf)
			require.NoError(t, err)
			child, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
			require.NoError(t, err)
			t.Cleanup(func() { _ = syscall.Kill(child, syscall.SIGKILL) })
			if tc.killParent {
				require.NoError(t, parent.Process.Kill())
				_ = parent.Wait()
			}
			err = OrphanedLauncher(child)
			if tc.wantOrphanedBy == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, fmt.Sprintf("%s, which started %s (pid %d), exited before this run began",
				tc.wantOrphanedBy, filepath.Base(tc.child)[:min(15, len(filepath.Base(tc.child)))], child))
		})
	}
}
