// Package proc starts host commands in a process group of their own, so that
// a timeout or Ctrl-C takes down everything they started (QEMU and its
// target, gcc and its cc1/as/ld) rather than only the first process.
package proc

import (
	"context"
	"os/exec"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// StopGrace is how long a cancelled command's process group has between
// SIGTERM and SIGKILL: long enough for the conformance runner to kill what
// its cases left behind, short enough that Ctrl-C still stops everything
// within moments.
const StopGrace = time.Second

// Command is exec.CommandContext for argv run in dir (when not empty), in a
// process group of its own that is stopped as a whole when ctx ends: SIGTERM
// first, SIGKILL after StopGrace. The command gets SIGTERM too when the
// harness dies, even by SIGKILL, so nothing it started outlives it.
func Command(ctx context.Context, dir string, argv []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.SysProcAttr = groupAttr()
	cmd.Cancel = func() error {
		pgid := cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		time.AfterFunc(StopGrace, func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })
		return nil
	}
	// Covers the grace, and output pipes that a grandchild holds open.
	cmd.WaitDelay = StopGrace + 2*time.Second
	return cmd
}

// KillGroup kills whatever is left of a started command's process group.
func KillGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

// NoCoreDumps stops this process, and every process it starts from now on,
// from writing core files: a crashing port under `ulimit -c unlimited` would
// otherwise leave megabytes of them wherever it ran.
func NoCoreDumps() error {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_CORE, &lim); err != nil {
		return err
	}
	lim.Cur = 0
	return unix.Setrlimit(unix.RLIMIT_CORE, &lim)
}
