//go:build linux

package proc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// A target run is contained by a process of its own between the harness and
// the target: this program again, started as initArg0. Where the kernel
// allows it (root, outside a container that forbids it), that process is
// the first of a new PID namespace with its own /proc, so that when it
// exits the kernel kills every process left in the namespace, whatever it
// did to its environment, session or process group. Elsewhere it is a child
// subreaper, so every orphan of the run becomes its child, and it kills
// its descendants before it exits. Either way it names what it killed.
const initArg0 = "stackslice-init"

// Containment modes: the first argument of initArg0.
const (
	modeNamespace = "pid-namespace"
	modeReaper    = "subreaper"
)

// reportFD is the descriptor on which the init writes how the command
// ended and what it left behind, one line each: "exit 3", "signal
// SIGSEGV", "left 42 (sleep)"; or why it could not start the command, in
// a form the harness turns back into the error os/exec gives, so callers
// still see the errno (exec format error): "errno 8 fork/exec /path",
// "notfound name", or "error <why>".
const reportFD = 3

// maxReport bounds what is read of a report: leftovers are killed in
// rounds and named once, so a fork bomb cannot make it grow without end.
const maxReport = 64 << 10

func init() {
	if len(os.Args) > 3 && os.Args[0] == initArg0 && os.Args[2] == "--" {
		os.Exit(runInit(os.Args[1], os.Args[3:]))
	}
}

// namespacesRefused is set once the kernel refused a PID namespace: every
// later run uses the subreaper.
var namespacesRefused atomic.Bool

// RunContained runs argv in dir with env until it ends or ctx does (then
// everything is stopped as Command does), contained so that nothing it
// starts outlives it (see initArg0). The error says the command could not
// start, or is ctx's.
func RunContained(ctx context.Context, dir string, argv, env []string, stdout, stderr io.Writer) (Ended, error) {
	if !namespacesRefused.Load() {
		e, err := runContained(ctx, modeNamespace, dir, argv, env, stdout, stderr)
		if !errors.Is(err, errNoNamespace) {
			return e, err
		}
		namespacesRefused.Store(true)
	}
	return runContained(ctx, modeReaper, dir, argv, env, stdout, stderr)
}

// errNoNamespace is a namespace the kernel refused; the command did not
// start, so it can start again in another mode.
var errNoNamespace = errors.New("no PID namespace")

func runContained(ctx context.Context, mode, dir string, argv, env []string, stdout, stderr io.Writer) (Ended, error) {
	e := Ended{Contained: mode}
	cmd := Command(ctx, dir, append([]string{"/proc/self/exe", mode, "--"}, argv...))
	cmd.Args[0] = initArg0
	cmd.Env, cmd.Stdout, cmd.Stderr = env, stdout, stderr
	if mode == modeNamespace {
		cmd.SysProcAttr.Cloneflags = syscall.CLONE_NEWPID | syscall.CLONE_NEWNS
	}
	report, reportW, err := os.Pipe()
	if err != nil {
		return e, err
	}
	defer report.Close()
	cmd.ExtraFiles = []*os.File{reportW}
	err = cmd.Start()
	reportW.Close()
	if err != nil {
		if mode == modeNamespace && (errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) ||
			errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EUSERS)) {
			return e, errNoNamespace
		}
		return e, fmt.Errorf("running %s: %w", strings.Join(argv, " "), err)
	}
	lines := make(chan []string, 1)
	go func() {
		var got []string
		sc := bufio.NewScanner(io.LimitReader(report, maxReport))
		for sc.Scan() {
			got = append(got, sc.Text())
		}
		lines <- got
	}()
	waitErr := cmd.Wait()
	KillGroup(cmd)
	var got []string
	select {
	case got = <-lines:
	case <-time.After(StopGrace):
		// Something else holds the report open: only a process of the run
		// can, and the group kill has reached it.
	}
	e.OutputLeftOpen = errors.Is(waitErr, exec.ErrWaitDelay)
	ended := false
	for _, line := range got {
		word, rest, _ := strings.Cut(line, " ")
		switch word {
		case "left":
			e.LeftBehind = append(e.LeftBehind, rest)
		case "exit":
			e.ExitCode, err = strconv.Atoi(rest)
			ended = err == nil
		case "signal":
			e.ExitCode, e.Signal, ended = -1, rest, true
		case "error":
			if mode == modeNamespace && strings.HasPrefix(rest, "namespace:") {
				return e, errNoNamespace
			}
			return e, fmt.Errorf("running %s: %s", strings.Join(argv, " "), rest)
		case "errno":
			var errno int
			var op, path string
			if _, err := fmt.Sscanf(rest, "%d %s", &errno, &op); err == nil {
				path = strings.SplitN(rest, " ", 3)[2]
			}
			return e, fmt.Errorf("running %s: %w", strings.Join(argv, " "), &os.PathError{Op: op, Path: path, Err: syscall.Errno(errno)})
		case "notfound":
			return e, fmt.Errorf("running %s: %w", strings.Join(argv, " "), &exec.Error{Name: rest, Err: exec.ErrNotFound})
		}
	}
	if ctx.Err() != nil {
		return e, ctx.Err()
	}
	if !ended {
		// The init itself was killed: say how.
		state := cmd.ProcessState
		if state == nil {
			return e, fmt.Errorf("running %s: %w", strings.Join(argv, " "), waitErr)
		}
		status := state.Sys().(syscall.WaitStatus)
		if status.Signaled() {
			e.ExitCode, e.Signal = -1, unix.SignalName(status.Signal())
		} else {
			e.ExitCode = status.ExitStatus()
		}
	}
	return e, nil
}

// runInit is the containing process: it starts argv, passes on the
// signals that stop a run, and once argv ended kills what is left, naming
// it on reportFD, then says how argv ended.
func runInit(mode string, argv []string) int {
	report := os.NewFile(reportFD, "report")
	fail := func(format string, args ...any) int {
		fmt.Fprintf(report, "error "+format+"\n", args...)
		return 125
	}
	// The report and the init's own notion of children are not the
	// command's business.
	syscall.CloseOnExec(reportFD)
	switch mode {
	case modeNamespace:
		if os.Getpid() != 1 {
			return fail("namespace: not the first process of a PID namespace")
		}
		// A /proc of this namespace, in a mount namespace of its own (made
		// private first, so the mount does not reach the host's), so that
		// the run sees its own PIDs, as the runner's leftover search needs.
		if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
			return fail("namespace: making mounts private: %v", err)
		}
		if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
			return fail("namespace: mounting /proc: %v", err)
		}
	case modeReaper:
		if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
			return fail("becoming a child subreaper: %v", err)
		}
	default:
		return fail("unknown containment %q", mode)
	}
	stop := make(chan os.Signal, 4)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	startFailed := func(err error) int {
		var pe *os.PathError
		var ee *exec.Error
		var errno syscall.Errno
		switch {
		case errors.As(err, &pe) && errors.As(pe.Err, &errno):
			fmt.Fprintf(report, "errno %d %s %s\n", int(errno), pe.Op, pe.Path)
		case errors.As(err, &ee) && errors.Is(ee.Err, exec.ErrNotFound):
			fmt.Fprintf(report, "notfound %s\n", ee.Name)
		default:
			return fail("%v", err)
		}
		return 125
	}
	path := argv[0]
	if !strings.Contains(path, "/") {
		var err error
		if path, err = exec.LookPath(path); err != nil {
			return startFailed(err)
		}
	}
	// Outside a namespace the command must not outlive a killed init.
	p, err := os.StartProcess(path, argv, &os.ProcAttr{Env: os.Environ(), Files: []*os.File{os.Stdin, os.Stdout, os.Stderr},
		Sys: &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}})
	if err != nil {
		return startFailed(err)
	}
	ended := make(chan unix.WaitStatus, 1)
	go reap(p.Pid, ended)
	var status unix.WaitStatus
	var graceOver <-chan time.Time
wait:
	for {
		select {
		case status = <-ended:
			break wait
		case sig := <-stop:
			// The harness stops the run (or died: the death signal): the
			// command hears it, and has StopGrace before everything goes.
			_ = p.Signal(sig)
			if graceOver == nil {
				// Half the harness's grace, so the init still names and
				// kills the leftovers before the harness kills it.
				graceOver = time.After(StopGrace / 2)
			}
		case <-graceOver:
			_ = p.Kill()
		}
	}
	for _, left := range killLeftovers(mode) {
		fmt.Fprintf(report, "left %s\n", left)
	}
	if status.Signaled() {
		fmt.Fprintf(report, "signal %s\n", unix.SignalName(status.Signal()))
	} else {
		fmt.Fprintf(report, "exit %d\n", status.ExitStatus())
	}
	return 0
}

// reap waits for every child the init gets, the orphans it adopts too, and
// sends the command's status on ended.
func reap(command int, ended chan<- unix.WaitStatus) {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, 0, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return // no children left
		}
		if pid == command {
			ended <- ws
		}
	}
}

// killLeftovers kills, in rounds until none is left, the processes of the
// run other than the init: in a namespace every process its /proc lists,
// else the init's descendants. It names each once, as "pid (name)".
func killLeftovers(mode string) []string {
	self := os.Getpid()
	named := map[int]bool{}
	var left []string
	for round := 0; round < 1000; round++ {
		found := 0
		for _, p := range runProcesses(mode, self) {
			found++
			_ = unix.Kill(p.PID, unix.SIGKILL)
			if !named[p.PID] {
				named[p.PID] = true
				left = append(left, fmt.Sprintf("%d (%s)", p.PID, p.Comm))
			}
		}
		if found == 0 {
			break
		}
		time.Sleep(time.Millisecond) // the reaper collects them
	}
	return left
}

// runProcesses lists the live processes of the run other than the init.
func runProcesses(mode string, self int) []Process {
	entries, _ := os.ReadDir("/proc")
	parents := map[int]int{}
	var all []Process
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		p, ppid, err := Stat(pid)
		if err != nil {
			continue // exited, or a zombie the reaper will collect
		}
		parents[pid] = ppid
		all = append(all, p)
	}
	if mode == modeNamespace {
		return all
	}
	var mine []Process
	for _, p := range all {
		for pid, hops := p.PID, 0; pid > 1 && hops < 4096; hops++ {
			ppid, known := parents[pid]
			if ppid == self {
				mine = append(mine, p)
				break
			}
			if !known {
				break
			}
			pid = ppid
		}
	}
	return mine
}
