// Package qemu runs target binaries for a port: natively where the host
// executes them, under QEMU user-mode emulation otherwise. Where a backend
// runs, on the host or in a toolchain container, is the executor's choice
// (package executor): a container is no backend.
package qemu

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/executor"
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
	// Truncated tells that the target printed more than was captured.
	Truncated bool
	// OutputLeftOpen tells that a process the target left behind kept its
	// output open after it exited.
	OutputLeftOpen bool
	// LeftBehind are the processes the target started that outlived it and
	// its process group, killed after the run: "pid (name)".
	LeftBehind []string
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

// For picks the backend for a port where the executor of ctx runs binaries:
// natively for the host's own arch, and for an arch the port's native_on
// names only once Probe proved that this host really runs it (a kernel
// without IA32 emulation runs no 386 binary, an arm64 one without AArch32
// no arm binary); under the port's QEMU otherwise, or when opts force it.
// This is the one place that decides how a port's binaries run.
func For(ctx context.Context, p arch.Port, opts Options) Backend {
	if native, needsProof := nativeCandidate(ctx, p, opts); native {
		pr, probed := proofs.Load(proofKey(ctx, p))
		if probed && pr.(proof).native || !probed && !needsProof {
			return Native{}
		}
	}
	return User{Binary: p.QEMU, CPU: p.QEMUCPU, Version: Version(ctx, p.QEMU)}
}

// nativeCandidate tells whether the host of ctx might run p's binaries
// natively, and whether that needs a probe (an arch other than the host's
// own, which its port.json only claims).
func nativeCandidate(ctx context.Context, p arch.Port, opts Options) (candidate, needsProof bool) {
	goos, goarch := executor.From(ctx).Platform()
	if opts.ForceQEMU || goos != "linux" || !p.RunsNativelyOn(goarch) {
		return false, false
	}
	return true, p.Arch() != goarch
}

// proof is what Probe found for an arch on one executor.
type proof struct {
	native bool
	// note says why native execution was given up, for the run's log.
	note string
}

// proofs holds Probe's findings by executor and arch, for the process: a
// host that cannot start a binary keeps not starting it.
var proofs sync.Map

func proofKey(ctx context.Context, p arch.Port) string {
	return executor.From(ctx).ID() + "\x00" + p.Arch()
}

// ProbeTimeout bounds a probe's native run.
const ProbeTimeout = 30 * time.Second

// Probe proves, once per executor and arch, whether the host runs p's
// binaries natively, by starting bin (a static binary of p that exits by
// itself, such as the toolchain doctor's) natively. When it cannot even
// start (exec format error, or any other failure to start), For uses the
// port's QEMU from then on, and Probe returns a note that says so; for a
// port the host can only emulate, or when opts force QEMU, it does nothing.
// How the binary ended, once started, proves nothing about the host: that is
// the caller's to judge under the backend For then picks.
func Probe(ctx context.Context, p arch.Port, opts Options, bin string) (note string) {
	native, _ := nativeCandidate(ctx, p, opts)
	if !native {
		return ""
	}
	if pr, ok := proofs.Load(proofKey(ctx, p)); ok {
		return pr.(proof).note
	}
	res, err := Run(ctx, Native{}, bin, nil, ProbeTimeout)
	if ctx.Err() != nil {
		return ""
	}
	found := proof{native: true}
	if why := startFailure(res, err); why != "" {
		_, goarch := executor.From(ctx).Platform()
		found = proof{note: fmt.Sprintf("%s: this %s host cannot run %s binaries natively (%s); using %s",
			p.Arch(), goarch, p.Arch(), why, For(ctx, p, Options{ForceQEMU: true}).Name())}
	}
	pr, _ := proofs.LoadOrStore(proofKey(ctx, p), found)
	return pr.(proof).note
}

// Fallback is the note of a probe that gave up native execution of p's
// binaries on the executor of ctx, or "".
func Fallback(ctx context.Context, p arch.Port, opts Options) string {
	if native, _ := nativeCandidate(ctx, p, opts); !native {
		return ""
	}
	if pr, ok := proofs.Load(proofKey(ctx, p)); ok {
		return pr.(proof).note
	}
	return ""
}

// startFailure says why a run could not start the binary at all, or "" when
// it started. A host reports that as the error of the run (fork/exec: exec
// format error); a container's runtime as its own output, with nothing
// from the binary.
func startFailure(res Result, err error) string {
	if err != nil {
		var errno syscall.Errno
		if errors.As(err, &errno) {
			return errno.Error()
		}
		return err.Error()
	}
	if res.Stdout == "" && strings.Contains(res.Stderr, "exec format error") {
		return "exec format error"
	}
	return ""
}

// versions caches Version by executor and binary: every run of a port asks
// for it.
var versions sync.Map

// Version reports a QEMU binary's version where the executor of ctx runs
// it, or "" when it cannot be run or does not answer within seconds.
func Version(ctx context.Context, binary string) string {
	key := executor.From(ctx).ID() + "\x00" + binary
	if v, ok := versions.Load(key); ok {
		return v.(string)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := executor.Output(ctx, "", []string{binary, "--version"})
	version := ""
	// "qemu-aarch64 version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)"
	fields := strings.Fields(out)
	for i, f := range fields {
		if err == nil && f == "version" && i+1 < len(fields) {
			version = fields[i+1]
			break
		}
	}
	if version != "" {
		versions.Store(key, version)
	}
	return version
}

// MaxCaptured bounds what Run keeps of each of a target's stdout and stderr,
// so that a target printing without end cannot exhaust the harness's memory.
const MaxCaptured = 1 << 20

// Run runs bin with args through the backend, in bin's folder, and captures
// its output (up to MaxCaptured of each stream). The binary and everything it
// starts run in a process group of their own, stopped as a whole when the
// timeout or the context ends them, and whatever of it outlives the run is
// killed (Result.LeftBehind). A crash, a hang or a non-zero exit is a Result;
// an error means the binary could not be started at all, or the context
// ended.
func Run(ctx context.Context, b Backend, bin string, args []string, timeout time.Duration) (Result, error) {
	stdout := &Capture{Limit: MaxCaptured}
	res, err := RunWatched(ctx, b, bin, args, timeout, stdout)
	res.Stdout, res.Truncated = stdout.String(), stdout.Dropped > 0
	return res, err
}

// RunWatched is Run with the binary's stdout going to stdout as it comes,
// for a streaming parser; Result.Stdout stays empty. It runs with the
// executor of ctx. Every process of the run carries a tag in its
// environment (proc.TagEnv), by which the runner finds what a case leaves
// behind, and the harness what a runner does.
func RunWatched(ctx context.Context, b Backend, bin string, args []string, timeout time.Duration, stdout io.Writer) (Result, error) {
	runCtx, cancel := ctx, context.CancelFunc(func() {})
	if timeout > 0 {
		runCtx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	stderr := &Capture{Limit: MaxCaptured}
	start := time.Now()
	// Anything the target writes into its working directory, a core file
	// included, stays next to the binary, in the harness's output folder.
	st, err := executor.From(ctx).Run(runCtx, executor.Spec{Argv: b.Command(bin, args...), Dir: filepath.Dir(bin),
		Tag: proc.NewTag(), Stdout: stdout, Stderr: stderr})
	res := Result{Stderr: stderr.String(), Duration: time.Since(start), Truncated: stderr.Dropped > 0,
		ExitCode: st.ExitCode, Signal: st.Signal, OutputLeftOpen: st.OutputLeftOpen, LeftBehind: st.LeftBehind}
	switch {
	case runCtx.Err() != nil && ctx.Err() == nil:
		res.ExitCode, res.Signal, res.TimedOut = -1, "", true
		return res, nil
	case ctx.Err() != nil:
		return res, ctx.Err()
	}
	return res, err
}

// Capture is an io.Writer that keeps the first Limit bytes written to it and
// counts the rest.
type Capture struct {
	Limit   int
	Dropped int64
	buf     bytes.Buffer
}

func (c *Capture) Write(p []byte) (int, error) {
	keep := min(len(p), max(c.Limit-c.buf.Len(), 0))
	c.buf.Write(p[:keep])
	c.Dropped += int64(len(p) - keep)
	return len(p), nil
}

func (c *Capture) String() string { return c.buf.String() }
