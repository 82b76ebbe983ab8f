package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/stackslice/stackslice/internal/text"
	"github.com/stackslice/stackslice/qemu"
)

// counted is what Counts measures: each contender at a few sizes.
var counted = []struct {
	contender string
	bytes     int
}{
	{Stackslice, 0}, {Stackslice, 1024}, {StacksliceBoth, 1024}, {Libaco, 0}, {Libaco, 1024}, {Memcpy, 1024}, {Swapcontext, 0}, {Fcontext, 0},
}

// Round trips of the two counting runs, whose difference is divided.
const (
	nativeTrips1, nativeTrips2    = 1000, 3000
	emulatedTrips1, emulateTrips2 = 10, 60
)

// counter counts the instructions one run of a binary executes.
type counter interface {
	// Name says how, for the reports.
	Name() string
	// Count runs bin with args and returns the instructions it executed and
	// its output.
	Count(ctx context.Context, bin string, args []string) (int64, string, error)
}

// counterFor is callgrind natively, a QEMU single-step trace under
// emulation.
func counterFor(b qemu.Backend, dir string) counter {
	if u, ok := b.(qemu.User); ok {
		return qemuTrace{user: u, dir: dir}
	}
	return callgrind{dir: dir}
}

// wrapped runs a binary under a tool: the tool's argv, then the binary and
// its arguments.
type wrapped struct {
	argv     []string
	emulated bool
}

func (w wrapped) Name() string   { return w.argv[0] }
func (w wrapped) Emulated() bool { return w.emulated }
func (w wrapped) Command(bin string, args ...string) []string {
	return append(append(append([]string{}, w.argv...), bin), args...)
}

// callgrind counts with valgrind's callgrind: the "summary:" (or "totals:")
// line of its output file is the instructions executed.
type callgrind struct{ dir string }

func (callgrind) Name() string { return "callgrind (valgrind), instructions executed" }

func (c callgrind) Count(ctx context.Context, bin string, args []string) (int64, string, error) {
	out, err := tempPath(c.dir, "callgrind-*.out")
	if err != nil {
		return 0, "", err
	}
	defer os.Remove(out)
	w := wrapped{argv: []string{Valgrind.Binary, "--tool=callgrind", "--callgrind-out-file=" + out}}
	res, err := qemu.Run(ctx, w, bin, args, 10*time.Minute)
	if err != nil {
		return 0, "", err
	}
	if res.Failed() {
		return 0, "", fmt.Errorf("valgrind %s %s: %s", filepath.Base(bin), res.Describe(), text.Tail(res.Stderr, 5))
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return 0, "", fmt.Errorf("callgrind wrote no output: %w", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		for _, prefix := range []string{"summary: ", "totals: "} {
			if v, ok := strings.CutPrefix(line, prefix); ok {
				n, err := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
				if err != nil {
					return 0, "", fmt.Errorf("callgrind's %q: %v", line, err)
				}
				return n, res.Stdout, nil
			}
		}
	}
	return 0, "", fmt.Errorf("callgrind's output %s has no summary line", out)
}

// qemuTrace counts with QEMU itself: in single-step mode every translated
// block is one guest instruction, and with chaining off "-d exec" logs every
// block it executes, so the log's "Trace" lines are the instructions
// executed. QEMU 7.2's user mode ships no plugins; this is deterministic.
type qemuTrace struct {
	user qemu.User
	dir  string
}

func (q qemuTrace) Name() string {
	return q.user.Name() + " -singlestep -d nochain,exec, guest instructions executed"
}

func (q qemuTrace) Count(ctx context.Context, bin string, args []string) (int64, string, error) {
	log, err := tempPath(q.dir, "qemu-trace-*.log")
	if err != nil {
		return 0, "", err
	}
	defer os.Remove(log)
	argv := []string{q.user.Binary}
	if q.user.CPU != "" {
		argv = append(argv, "-cpu", q.user.CPU)
	}
	w := wrapped{argv: append(argv, "-singlestep", "-d", "nochain,exec", "-D", log), emulated: true}
	res, err := qemu.Run(ctx, w, bin, args, 10*time.Minute)
	if err != nil {
		return 0, "", err
	}
	if res.Failed() {
		return 0, "", fmt.Errorf("%s %s: %s", q.user.Binary, res.Describe(), text.Tail(res.Stderr, 5))
	}
	f, err := os.Open(log)
	if err != nil {
		return 0, "", fmt.Errorf("QEMU wrote no trace: %w", err)
	}
	defer f.Close()
	var n int64
	r := bufio.NewReaderSize(f, 1<<20)
	for {
		line, err := r.ReadSlice('\n')
		if bytes.HasPrefix(line, []byte("Trace ")) {
			n++
		}
		if err == bufio.ErrBufferFull {
			// A line longer than the buffer: skip its rest.
			for err == bufio.ErrBufferFull {
				_, err = r.ReadSlice('\n')
			}
		}
		if err != nil {
			break
		}
	}
	if n == 0 {
		return 0, "", fmt.Errorf("QEMU's trace %s has no Trace line", log)
	}
	return n, res.Stdout, nil
}

func tempPath(dir, pattern string) (string, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	f.Close()
	return f.Name(), nil
}

// allocsLine reads the "allocs <n>" line of a counting run.
func allocsLine(out string) (int64, error) {
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, "allocs "); ok {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, fmt.Errorf("no allocs line in %q", text.Tail(out, 3))
}

// countArch counts instructions and allocations per switch on one port:
// two runs of different length each, and their difference divided, so the
// start-up of the process and of the contender cancel out.
func countArch(ctx context.Context, bin string, c counter, emulated bool, with builtIn) ([]Count, error) {
	n1, n2 := nativeTrips1, nativeTrips2
	if emulated {
		n1, n2 = emulatedTrips1, emulateTrips2
	}
	var counts []Count
	for _, want := range counted {
		if !with.has(want.contender) {
			continue
		}
		var insns, allocs [2]int64
		for i, n := range []int{n1, n2} {
			args := []string{"count", want.contender, strconv.Itoa(want.bytes), strconv.Itoa(n)}
			got, out, err := c.Count(ctx, bin, args)
			if err != nil {
				return nil, fmt.Errorf("counting %s at %d bytes: %v", want.contender, want.bytes, err)
			}
			if allocs[i], err = allocsLine(out); err != nil {
				return nil, fmt.Errorf("counting %s at %d bytes: %v", want.contender, want.bytes, err)
			}
			insns[i] = got
		}
		// Per switch: two per round trip; memcpy is per copy.
		per := float64(2 * (n2 - n1))
		if want.contender == Memcpy {
			per = float64(n2 - n1)
		}
		counts = append(counts, Count{Contender: want.contender, Bytes: want.bytes,
			Instructions:    float64(insns[1]-insns[0]) / per,
			AllocsPerSwitch: float64(allocs[1]-allocs[0]) / per})
	}
	return counts, nil
}
