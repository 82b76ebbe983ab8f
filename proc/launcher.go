package proc

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
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
func WatchLaunchers(ctx context.Context) (context.Context, context.CancelFunc) {
	chain := LauncherChain(os.Getpid(), func(comm string) bool { return slices.Contains(LauncherNames, comm) })
	return Watch(ctx, chain, pollEvery)
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
