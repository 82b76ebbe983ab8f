//go:build !linux

package proc

import "syscall"

// groupAttr puts a command in a process group of its own. Outside Linux
// there is no death signal: there, the harness builds and runs inside a
// toolchain container (SL_TOOLCHAIN), and what it starts on the host
// itself is the container's engine client alone.
func groupAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
