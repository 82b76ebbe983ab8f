// Package executor is the one way the harness runs a compiler, a QEMU or a
// target binary: on the host (Host, os/exec in a process group of its own)
// or elsewhere, such as inside a toolchain container (package docker). The
// executor of a run travels in its context (With, From), so that every
// compile and run of that run goes to the same place. Where the caller
// chose the executors (the harness, which may have asked for toolchain
// images), the context says so (Expect): a step given none there fails
// with ErrMissing instead of running on the host without a word.
package executor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/stackslice/stackslice/proc"
)

// Spec is one command to run.
type Spec struct {
	Argv []string
	Dir  string   // working directory; the executor's default when empty
	Env  []string // added to the executor's environment
	// Tag, when set, makes the command a target run: every process of it
	// carries the tag (proc.TagEnv), and whatever of it outlives the
	// command is killed (Status.LeftBehind): on the host it is contained
	// (proc.RunContained), in a container found by the tag.
	Tag            string
	Stdout, Stderr io.Writer // discarded when nil
}

// Status is how a command ended.
type Status struct {
	ExitCode int    // -1 when a signal ended it
	Signal   string // "SIGSEGV" when a signal ended it
	// OutputLeftOpen tells that a process the command left behind kept its
	// output open after it exited.
	OutputLeftOpen bool
	// LeftBehind are the processes carrying Spec.Tag that outlived the
	// command, killed after it: "pid (name)".
	LeftBehind []string
}

// Executor runs commands somewhere.
type Executor interface {
	// Toolchain names where commands run, for reports: "" for the host,
	// else the toolchain image's name ("trixie").
	Toolchain() string
	// ID identifies what the commands run on, exactly enough to key caches
	// of their results (the image's tag).
	ID() string
	// Platform is the GOOS and GOARCH of the machine commands run on.
	Platform() (goos, goarch string)
	// LookPath tells whether a program is on the executor's PATH.
	LookPath(ctx context.Context, program string) error
	// TempDir is a folder of the host that commands see at the same path.
	TempDir() string
	// Run runs the command until it ends or ctx does; then everything it
	// started is stopped (SIGTERM, SIGKILL after proc.StopGrace). The error
	// says the command could not start, or is ctx's when ctx ended.
	Run(ctx context.Context, s Spec) (Status, error)
}

type key struct{}

// With is ctx with commands going to e.
func With(ctx context.Context, e Executor) context.Context {
	return context.WithValue(ctx, key{}, e)
}

// Expect is ctx in which every step must be given its executor with With:
// the caller chose where commands run (the host, or a toolchain image), so
// the host is no default there.
func Expect(ctx context.Context) context.Context {
	return context.WithValue(ctx, key{}, Missing{})
}

// From is the executor of ctx: the one With chose; Missing under Expect
// when none was; else Host, for callers that never chose (a library user,
// a test of one package).
func From(ctx context.Context) Executor {
	if e, ok := ctx.Value(key{}).(Executor); ok {
		return e
	}
	return Host{}
}

// ErrMissing is the error of every command of a step that was given no
// executor where one was expected (Expect).
var ErrMissing = errors.New("no executor chosen for this step (a toolchain image may have been asked for): it would have run on the host")

// Missing is the executor of a step that was given none under Expect: it
// runs nothing, and says so.
type Missing struct{}

func (Missing) Toolchain() string { return "(no executor)" }

func (Missing) ID() string { return "missing" }

func (Missing) Platform() (string, string) { return "none", "none" }

func (Missing) LookPath(context.Context, string) error { return ErrMissing }

func (Missing) TempDir() string { return os.TempDir() }

func (Missing) Run(context.Context, Spec) (Status, error) { return Status{}, ErrMissing }

// Output runs argv in dir with the executor of ctx and returns its stdout
// and stderr together; the error tells how it ended when that was not
// exit status 0.
func Output(ctx context.Context, dir string, argv []string, env ...string) (string, error) {
	var out bytes.Buffer
	st, err := From(ctx).Run(ctx, Spec{Argv: argv, Dir: dir, Env: env, Stdout: &out, Stderr: &out})
	if err != nil {
		return out.String(), err
	}
	return out.String(), st.Err()
}

// Err is nil for exit status 0, else an error saying how the command ended.
func (s Status) Err() error {
	switch {
	case s.Signal != "":
		return fmt.Errorf("signal: %s", s.Signal)
	case s.ExitCode != 0:
		return fmt.Errorf("exit status %d", s.ExitCode)
	}
	return nil
}

// Host runs commands on this machine, each in a process group of its own.
type Host struct{}

func (Host) Toolchain() string { return "" }

func (Host) ID() string { return "host" }

func (Host) Platform() (string, string) { return runtime.GOOS, runtime.GOARCH }

func (Host) LookPath(_ context.Context, program string) error {
	_, err := exec.LookPath(program)
	return err
}

func (Host) TempDir() string { return os.TempDir() }

func (Host) Run(ctx context.Context, s Spec) (Status, error) {
	env := append(os.Environ(), s.Env...)
	if s.Tag != "" {
		// A target run: contained, so that nothing it starts outlives it.
		e, err := proc.RunContained(ctx, s.Dir, s.Argv, append(proc.TagEnviron(s.Tag), s.Env...), s.Stdout, s.Stderr)
		return Status{ExitCode: e.ExitCode, Signal: e.Signal, OutputLeftOpen: e.OutputLeftOpen, LeftBehind: e.LeftBehind}, err
	}
	cmd := proc.Command(ctx, s.Dir, s.Argv)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = s.Stdout, s.Stderr
	err := cmd.Run()
	proc.KillGroup(cmd)
	var st Status
	if ctx.Err() != nil {
		return st, ctx.Err()
	}
	state := cmd.ProcessState
	if state == nil {
		return st, fmt.Errorf("running %s: %w", strings.Join(s.Argv, " "), err)
	}
	// The command counts by how the process ended, even when something it
	// left behind held its output open past the wait.
	st.OutputLeftOpen = errors.Is(err, exec.ErrWaitDelay)
	status := state.Sys().(syscall.WaitStatus)
	if status.Signaled() {
		st.ExitCode, st.Signal = -1, unix.SignalName(status.Signal())
	} else {
		st.ExitCode = status.ExitStatus()
	}
	return st, nil
}
