package harness

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// interruptChildEnv makes the test binary run the suite in
// TestInterruptChild instead of testing: the process the signal goes to.
const interruptChildEnv = "SL_INTERRUPT_CHILD_OUT"

func TestInterruptChild(t *testing.T) {
	out := os.Getenv(interruptChildEnv)
	if out == "" {
		t.Skip("runs only as the child of TestSignalStopsEverythingPromptly")
	}
	_, err := Test(context.Background(), Options{Ports: []string{"amd64", "s390x"}, Builds: []string{"gcc-O0"}, Parallel: 2, SelfTest: true,
		Cases: "selftest_hang", OutDir: out, Out: os.Stdout})
	fmt.Println("harness returned:", err)
	os.Exit(3)
}

// Ctrl-C or a SIGTERM in the middle of a run must end the harness within
// seconds and leave no compiler, QEMU or target process behind: they run in
// process groups of their own, which the terminal's signal does not reach.
// The child hangs in a case natively and under QEMU, each runner with a
// forked case process that would outlive a runner killed on its own.
func TestSignalStopsEverythingPromptly(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(unix.SignalName(sig), func(t *testing.T) {
			out := t.TempDir()
			child := exec.Command(os.Args[0], "-test.run=^TestInterruptChild$", "-test.v")
			child.Env = append(os.Environ(), interruptChildEnv+"="+out)
			var stdout bytes.Buffer
			child.Stdout, child.Stderr = &stdout, &stdout
			require.NoError(t, child.Start())
			exited := make(chan error, 1)
			go func() { exited <- child.Wait() }()

			require.Eventually(t, func() bool {
				return len(processesUnder(out, "qemu-")) == 2 && len(processesUnder(out, "runner-")) == 2
			}, 2*time.Minute, 50*time.Millisecond, "the hanging cases did not start under %s", out)
			signalledAt := time.Now()
			require.NoError(t, child.Process.Signal(sig))
			select {
			case err := <-exited:
				t.Logf("stopped %s after the signal: %v", time.Since(signalledAt).Round(time.Millisecond), err)
			case <-time.After(4 * time.Second):
				_ = child.Process.Kill()
				t.Fatalf("still running 4 s after %s:\n%s", sig, stdout.String())
			}
			assert.Contains(t, stdout.String(), "harness returned: interrupted")
			assert.Empty(t, processesUnder(out, ""), "processes left behind")
		})
	}
}

// processesUnder lists the live processes whose command line names a file
// under dir (the binaries the harness built there), and whose name starts
// with prefix.
func processesUnder(dir, prefix string) []string {
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || len(raw) == 0 {
			continue
		}
		args := strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00")
		if !strings.HasPrefix(filepath.Base(args[0]), prefix) || !strings.Contains(string(raw), dir) {
			continue
		}
		if state, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil && strings.Contains(string(state), ") Z ") {
			continue // a zombie is already gone; only its parent's wait is missing
		}
		found = append(found, e.Name()+": "+strings.Join(args, " "))
	}
	return found
}
