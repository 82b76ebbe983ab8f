// Package proc starts host commands in a process group of their own, so that
// a timeout or Ctrl-C takes down everything they started (QEMU and its
// target, gcc and its cc1/as/ld) rather than only the first process.
package proc

import (
	"context"
	"os/exec"
	"syscall"
	"time"
)

// Command is exec.CommandContext for argv whose whole process group is
// killed when ctx ends.
func Command(ctx context.Context, argv []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	// Output pipes held open by a grandchild must not keep Wait blocked.
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// KillGroup kills whatever is left of a started command's process group.
func KillGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
