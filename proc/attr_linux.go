package proc

import "syscall"

// groupAttr puts a command in a process group of its own, and has the
// kernel send it SIGTERM when the harness dies, even by SIGKILL.
func groupAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
