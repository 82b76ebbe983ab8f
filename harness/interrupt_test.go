package harness

import (
	"bytes"
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
	"github.com/stackslice/stackslice/proc"
	"github.com/stackslice/stackslice/report"
	"github.com/stackslice/stackslice/report/jsonreport"
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
		Cases: "selftest_(daemon|hang)", OutDir: out, Out: os.Stdout})
	fmt.Println("harness returned:", err)
	os.Exit(3)
}

// Ctrl-C or a SIGTERM in the middle of a run must end the harness within
// seconds and leave no compiler, QEMU or target process behind: they run in
// process groups of their own, which the terminal's signal does not reach,
// and a daemon a case left behind has even left its group. The child hangs
// in a case natively and under QEMU, each runner with a forked case process
// that would outlive a runner killed on its own. The reports it leaves say
// the run was interrupted.
func TestSignalStopsEverythingPromptly(t *testing.T) {
	testkit.Integration(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(unix.SignalName(sig), func(t *testing.T) {
			out := t.TempDir()
			child, stdout, exited := startChild(t, "TestInterruptChild", interruptChildEnv+"="+out)
			waitFor(t, exited, stdout, func() bool {
				return len(processesUnder(out, "qemu-")) >= 2 && len(processesUnder(out, "runner-")) >= 2
			})
			signalledAt := time.Now()
			require.NoError(t, child.Process.Signal(sig))
			select {
			case err := <-exited:
				t.Logf("stopped %s after the signal: %v", time.Since(signalledAt).Round(time.Millisecond), err)
			case <-time.After(5 * time.Second):
				_ = child.Process.Kill()
				t.Fatalf("still running 5 s after %s:\n%s", sig, stdout.String())
			}
			assert.Contains(t, stdout.String(), "harness returned: interrupted (")
			assert.Empty(t, processesUnder(out, ""), "processes left behind")
			assertInterruptedReports(t, out)
		})
	}
}

func assertInterruptedReports(t *testing.T, out string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, report.JSONFile))
	require.NoError(t, err, "an interrupted run writes its reports")
	rep, err := jsonreport.Read(bytes.NewReader(data))
	require.NoError(t, err)
	assert.True(t, rep.Interrupted)
	assert.False(t, rep.OK)
}

// waitFor waits until ready, failing at once, with the child's output, when
// the child exits first: a run that cannot start must not cost minutes.
// startChild runs this test binary again, running test alone with env
// added: the process a test signals. Its output goes to the buffer, how it
// ended to the channel.
func startChild(t *testing.T, test string, env ...string) (*exec.Cmd, *testkit.Buffer, chan error) {
	child := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.v")
	child.Env = append(os.Environ(), env...)
	stdout := &testkit.Buffer{}
	child.Stdout, child.Stderr = stdout, stdout
	require.NoError(t, child.Start())
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	return child, stdout, exited
}

func waitFor(t *testing.T, exited chan error, output fmt.Stringer, ready func() bool) {

	t.Helper()
	deadline := time.After(3 * time.Minute)
	for !ready() {
		select {
		case err := <-exited:
			t.Fatalf("the run ended before it got going (%v):\n%s", err, output.String())
		case <-deadline:
			t.Fatalf("the run did not get going within 3 minutes:\n%s", output.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// The documented entry point is `go run github.com/magefile/mage`: go runs
// mage, which runs the compiled magefile, which runs the harness. go passes
// no SIGTERM on and ignores a SIGINT sent to it alone, so Ctrl-C (a SIGINT to
// the terminal's process group), a SIGTERM to go, or go's death must each stop
// everything below it within 5 s.
func TestGoRunEntryPointStops(t *testing.T) {
	testkit.Integration(t)
	tests := []struct {
		name  string
		group bool
		sig   syscall.Signal
	}{
		{"Ctrl-C", true, syscall.SIGINT},
		{"SIGTERM to go", false, syscall.SIGTERM},
		{"go killed", false, syscall.SIGKILL},
	}
	root := testkit.Root(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mark := fmt.Sprintf("SL_TEST_MARK=%d-%d", os.Getpid(), time.Now().UnixNano())
			out := t.TempDir()
			goRun := exec.Command("go", "run", "github.com/magefile/mage", "test:arch", "riscv64")
			goRun.Dir = root
			goRun.Env = append(os.Environ(), mark, "SL_OUT="+out, "SL_CASES=^stack_", "SL_REPEAT=1000", "SL_BUILDS=gcc-O0", "CI=true")
			goRun.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			// Orphans holding the output pipe must not keep the test waiting.
			goRun.WaitDelay = 2 * time.Second
			var output testkit.Buffer
			goRun.Stdout, goRun.Stderr = &output, &output
			require.NoError(t, goRun.Start())
			t.Cleanup(func() { killMarked(mark) })
			exited := make(chan error, 1)
			go func() { exited <- goRun.Wait() }()

			waitFor(t, exited, &output, func() bool { return len(processesUnder(out, "qemu-")) > 0 })
			target := goRun.Process.Pid
			if tt.group {
				target = -target
			}
			require.NoError(t, syscall.Kill(target, tt.sig))
			deadline := time.Now().Add(5 * time.Second)
			for len(marked(mark)) > 0 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			assert.Empty(t, marked(mark), "still running 5 s after the signal:\n%s", output.String())
			killMarked(mark)
			<-exited
			assertInterruptedReports(t, out)
		})
	}
}

// closedPipeChildEnv makes the test binary write to its stdout under
// stopContext until the run stops: the process whose reader goes away.
const closedPipeChildEnv = "SL_CLOSED_PIPE_CHILD"

func TestClosedPipeChild(t *testing.T) {
	if os.Getenv(closedPipeChildEnv) == "" {
		t.Skip("runs only as the child of TestAClosedOutputIsAnInterrupt")
	}
	ctx, stop := stopContext(context.Background())
	defer stop()
	for ctx.Err() == nil {
		fmt.Println("progress")
		time.Sleep(time.Millisecond)
	}
	fmt.Fprintf(os.Stderr, "stopped by %s, cleaning up\n", why(ctx))
	os.Exit(0)
}

// `mage test:all | head -1`: once head exits, the next write raises SIGPIPE,
// which by default kills the harness before it removes its containers and
// temporary folders. It must stop the run as an interrupt instead.
func TestAClosedOutputIsAnInterrupt(t *testing.T) {
	child := exec.Command(os.Args[0], "-test.run=^TestClosedPipeChild$")
	child.Env = append(os.Environ(), closedPipeChildEnv+"=1")
	stdout, err := child.StdoutPipe()
	require.NoError(t, err)
	var stderr testkit.Buffer
	child.Stderr = &stderr
	require.NoError(t, child.Start())
	_, err = stdout.Read(make([]byte, 1))
	require.NoError(t, err)
	require.NoError(t, stdout.Close()) // head -1 has its line
	err = child.Wait()
	require.NoError(t, err, "the child ended by itself, not by SIGPIPE: %s", stderr.String())
	assert.Contains(t, stderr.String(), "stopped by a signal, cleaning up")
}

// A SIGTERM to `go run` while mage still compiles the magefile kills go
// alone: mage, now init's child, finishes the compile and starts the
// harness, which must not run. A fresh MAGEFILE_CACHE makes mage compile.
func TestSignalBeforeTheHarnessStartsStopsIt(t *testing.T) {
	testkit.Integration(t)
	out := t.TempDir()
	mark := fmt.Sprintf("SL_TEST_MARK=%d-%d", os.Getpid(), time.Now().UnixNano())
	goRun := exec.Command("go", "run", "github.com/magefile/mage", "test:arch", "amd64")
	goRun.Dir = testkit.Root(t)
	goRun.Env = append(os.Environ(), mark, "MAGEFILE_CACHE="+t.TempDir(), "SL_OUT="+out, "SL_BUILDS=gcc-O0", "CI=true")
	var output testkit.Buffer
	goRun.Stdout, goRun.Stderr = &output, &output
	require.NoError(t, goRun.Start())
	t.Cleanup(func() { killMarked(mark) })
	exited := make(chan error, 1)
	go func() { exited <- goRun.Wait() }()

	waitFor(t, exited, &output, func() bool { return childNamed(goRun.Process.Pid, "mage") })
	require.NoError(t, goRun.Process.Signal(syscall.SIGTERM))
	select {
	case <-exited: // the pipes close when mage and what it started are gone
	case <-time.After(3 * time.Minute):
		t.Fatalf("mage still running 3 minutes after go died:\n%s", output.String())
	}
	assert.Regexp(t, `Error: not started: go, which started mage \(pid [0-9]+\), exited before this run began`, output.String())
	assert.NoFileExists(t, filepath.Join(out, report.JSONFile), "no run happened")
	assert.Empty(t, marked(mark))
}

// childNamed tells whether a child of pid is named comm.
func childNamed(pid int, comm string) bool {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if p, ppid, err := proc.Stat(child); err == nil && ppid == pid && p.Comm == comm {
			return true
		}
	}
	return false
}

// marked lists the live processes whose environment holds mark.
func marked(mark string) []string {
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil || !bytes.Contains(append(env, 0), []byte(mark+"\x00")) || zombie(e.Name()) {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		found = append(found, e.Name()+": "+strings.ReplaceAll(string(cmdline), "\x00", " "))
	}
	return found
}

func killMarked(mark string) {
	for _, p := range marked(mark) {
		var pid int
		if _, err := fmt.Sscanf(p, "%d:", &pid); err == nil {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

func zombie(pid string) bool {
	state, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
	return err != nil || strings.Contains(string(state), ") Z ")
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
		if zombie(e.Name()) {
			continue // a zombie is already gone; only its parent's wait is missing
		}
		found = append(found, e.Name()+": "+strings.Join(args, " "))
	}
	return found
}
