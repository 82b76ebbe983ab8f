package proc

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/magefile/mage/mg"
)

// LauncherNames are the programs that start the harness for a user and wait
// for it: `go run` and `go test` (go), and mage. Neither passes a SIGTERM on
// to its child, and `go` ignores a SIGINT sent to it alone, so the harness
// watches them itself.
var LauncherNames = []string{"go", "mage"}

// pollEvery paces the launcher watch: a few /proc reads, well inside the
// 5 s in which everything must stop.
const pollEvery = 100 * time.Millisecond

// Process identifies a live process across PID reuse.
type Process struct {
	PID       int
	Comm      string
	startTime string
}

// Stat reads a process's name, parent and start time from /proc.
func Stat(pid int) (p Process, ppid int, err error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return Process{}, 0, err
	}
	s := string(raw)
	open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || closing < open {
		return Process{}, 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	// Fields after the name: state ppid pgrp session ... starttime (the 20th).
	fields := strings.Fields(s[closing+1:])
	if len(fields) < 20 {
		return Process{}, 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	ppid, err = strconv.Atoi(fields[1])
	if err != nil {
		return Process{}, 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	if fields[0] == "Z" || fields[0] == "X" {
		return Process{}, 0, fmt.Errorf("process %d has exited", pid)
	}
	return Process{PID: pid, Comm: s[open+1 : closing], startTime: fields[19]}, ppid, nil
}

// Alive tells whether p still runs (a zombie does not).
func (p Process) Alive() bool {
	now, _, err := Stat(p.PID)
	return err == nil && now.startTime == p.startTime
}

// LauncherChain is the unbroken run of launchers above pid, parent first:
// for the harness under `go run github.com/magefile/mage`, mage and then go.
func LauncherChain(pid int, isLauncher func(comm string) bool) []Process {
	var chain []Process
	_, ppid, err := Stat(pid)
	for err == nil && ppid > 1 {
		var p Process
		p, ppid, err = Stat(ppid)
		if err != nil || !isLauncher(p.Comm) {
			break
		}
		chain = append(chain, p)
	}
	return chain
}

// WatchLaunchers returns a context that also ends when one of this process's
// launchers (LauncherChain) exits, whatever killed it; context.Cause names it.
// A launcher that had exited already before this process looked (OrphanedLauncher)
// ends the context at once.
func WatchLaunchers(ctx context.Context) (context.Context, context.CancelFunc) {
	chain := LauncherChain(os.Getpid(), func(comm string) bool { return slices.Contains(LauncherNames, comm) })
	if err := OrphanedLauncher(os.Getpid()); err != nil {
		ctx, cancel := context.WithCancelCause(ctx)
		cancel(err)
		return ctx, func() {}
	}
	return Watch(ctx, chain, pollEvery)
}

// goRunWorkExe and goRunCachedExe are where `go run` puts the program it
// built: its work folder (/tmp/go-build123/b001/exe/mage) or, from Go 1.24,
// the build cache (<GOCACHE>/8a/<sha256>-d/mage).
var (
	goRunWorkExe   = regexp.MustCompile(`/go-build[0-9]+/b[0-9]+/exe/[^/]+$`)
	goRunCachedExe = regexp.MustCompile(`/[0-9a-f]{2}/[0-9a-f]{64}-d/[^/]+$`)
)

// launcherOf names the program that starts exe and waits for it: go for a
// program `go run` built, mage for a magefile mage compiled into its cache;
// "" when anything may start it.
func launcherOf(exe string) string {
	switch {
	case goRunWorkExe.MatchString(exe) || goRunCachedExe.MatchString(exe):
		return "go"
	case filepath.Dir(exe) == filepath.Clean(mg.CacheDir()):
		return "mage"
	}
	return ""
}

// OrphanedLauncher tells whether a launcher of pid exited before pid could
// watch it: pid, or a launcher above it, runs a program that only its
// launcher starts (launcherOf) but has another parent now. That is how a
// SIGTERM to `go run github.com/magefile/mage` while mage still compiles the
// magefile shows: go dies at once, mage (now a child of init) goes on and
// starts the harness, whose parent, mage, is alive.
func OrphanedLauncher(pid int) error {
	for {
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if err != nil {
			return nil // another user's process, or gone: nothing to prove
		}
		self, ppid, err := Stat(pid)
		if err != nil {
			return nil
		}
		want := launcherOf(strings.TrimSuffix(exe, " (deleted)"))
		if want == "" {
			return nil
		}
		parent, _, err := Stat(ppid)
		if err != nil || parent.Comm != want {
			return fmt.Errorf("%s, which started %s (pid %d), exited before this run began", want, self.Comm, pid)
		}
		pid = ppid
	}
}

// Watch returns a context that also ends when any of procs exits.
func Watch(ctx context.Context, procs []Process, every time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	if len(procs) > 0 {
		go func() {
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
				for _, p := range procs {
					if !p.Alive() {
						cancel(fmt.Errorf("%s (pid %d), which started this run, exited", p.Comm, p.PID))
						return
					}
				}
			}
		}()
	}
	return ctx, func() { cancel(context.Canceled) }
}

// StartTime is when p started, in clock ticks since boot: with the PID, it
// names one process even after the PID is reused.
func (p Process) StartTime() string { return p.startTime }
