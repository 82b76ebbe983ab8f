// Package qemu runs target binaries for a port: natively where the host
// executes them, under QEMU user-mode emulation otherwise. Backends share
// one interface so others (a container, remote hardware) can join.
package qemu

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/proc"
)

// Result is what one run of a target binary produced.
type Result struct {
	Stdout   string
	Stderr   string
	ExitCode int    // -1 when it ended by a signal or a timeout
	Signal   string // e.g. "SIGSEGV" when a signal ended it
	TimedOut bool
	Duration time.Duration
}

// Failed tells whether the run did not end with exit status 0.
func (r Result) Failed() bool { return r.ExitCode != 0 }

// Describe says in a few words how the run ended.
func (r Result) Describe() string {
	switch {
	case r.TimedOut:
		return fmt.Sprintf("killed after timing out (%s)", r.Duration.Round(time.Millisecond))
	case r.Signal != "":
		return "crashed with " + r.Signal
	default:
		return fmt.Sprintf("exited with status %d", r.ExitCode)
	}
}

// Backend runs a target binary somewhere.
type Backend interface {
	// Name says how binaries run, e.g. "native" or "qemu-aarch64 7.2.22".
	Name() string
	// Command is the command line that runs bin with args.
	Command(bin string, args ...string) []string
	// Emulated tells whether the binary runs under an emulator.
	Emulated() bool
}

// Options choose and limit how binaries run.
type Options struct {
	ForceQEMU bool          // emulate even where the host runs the port natively
	Timeout   time.Duration // per run; 0 means no limit beyond the context
}

// Native runs binaries directly on the host.
type Native struct{}

func (Native) Name() string { return "native" }

func (Native) Emulated() bool { return false }

func (Native) Command(bin string, args ...string) []string {
	return append([]string{bin}, args...)
}

// User runs binaries under QEMU user mode.
type User struct {
	Binary  string // e.g. qemu-aarch64
	CPU     string
	Version string
}

func (u User) Name() string {
	if u.Version == "" {
		return u.Binary
	}
	return u.Binary + " " + u.Version
}

func (User) Emulated() bool { return true }

func (u User) Command(bin string, args ...string) []string {
	cmd := []string{u.Binary}
	if u.CPU != "" {
		cmd = append(cmd, "-cpu", u.CPU)
	}
	return append(append(cmd, bin), args...)
}

// For picks the backend for a port on this host.
func For(p arch.Port, opts Options) Backend {
	if !opts.ForceQEMU && runtime.GOOS == "linux" && p.RunsNativelyOn(runtime.GOARCH) {
		return Native{}
	}
	return User{Binary: p.QEMU, CPU: p.QEMUCPU, Version: Version(p.QEMU)}
}

// Version reports a QEMU binary's version, or "" when it cannot be run.
func Version(binary string) string {
	out, err := exec.Command(binary, "--version").Output()
	if err != nil {
		return ""
	}
	// "qemu-aarch64 version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)"
	fields := strings.Fields(string(out))
	for i, f := range fields {
		if f == "version" && i+1 < len(fields) {
			return fields[i+1]
		}
	}
	return ""
}

// Run runs bin with args through the backend. The binary and everything it
// starts run in a process group of their own, killed as a whole when the
// timeout or the context ends them. A crash, a hang or a non-zero exit is a
// Result; an error means the binary could not be started at all.
func Run(ctx context.Context, b Backend, bin string, args []string, timeout time.Duration) (Result, error) {
	return RunWatched(ctx, b, bin, args, timeout, nil)
}

// RunWatched is Run that also copies the binary's stdout to watch as it
// comes, for live progress; watch may be nil.
func RunWatched(ctx context.Context, b Backend, bin string, args []string, timeout time.Duration, watch io.Writer) (Result, error) {
	runCtx, cancel := ctx, context.CancelFunc(func() {})
	if timeout > 0 {
		runCtx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	argv := b.Command(bin, args...)
	cmd := proc.Command(runCtx, argv)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Writer(&stdout), &stderr
	if watch != nil {
		cmd.Stdout = io.MultiWriter(&stdout, watch)
	}
	start := time.Now()
	err := cmd.Run()
	res := Result{Stdout: stdout.String(), Stderr: stderr.String(), Duration: time.Since(start)}
	// Whatever the target left behind in its group goes too.
	proc.KillGroup(cmd)
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return res, nil
	case runCtx.Err() != nil && ctx.Err() == nil:
		res.ExitCode, res.TimedOut = -1, true
		return res, nil
	case ctx.Err() != nil:
		return res, ctx.Err()
	case errors.As(err, &exitErr):
		status := exitErr.Sys().(syscall.WaitStatus)
		if status.Signaled() {
			res.ExitCode, res.Signal = -1, unix.SignalName(status.Signal())
		} else {
			res.ExitCode = status.ExitStatus()
		}
		return res, nil
	default:
		return res, fmt.Errorf("running %s: %w", strings.Join(argv, " "), err)
	}
}
