package bench

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"debug/elf"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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
	Count(ctx context.Context, bin string, args []string) (tally, string, error)
}

// glibcCopy matches the symbols of glibc's memcpy family, every variant
// (__memmove_avx_unaligned_erms, __memcpy_power7, the generic memcpy and
// its _wordcopy_ helpers): which variant runs depends on the CPU, so the
// counts the baseline holds leave them out.
var glibcCopy = regexp.MustCompile(`^((__)?mem(p?cpy|move)|_wordcopy_)`)

// tally is what one counted run executed: every instruction, and those of
// glibc's memcpy family by function.
type tally struct {
	total  int64
	copies map[string]int64
}

// copied is the instructions in glibc's memcpy family.
func (t tally) copied() int64 {
	var n int64
	for _, v := range t.copies {
		n += v
	}
	return n
}

// own is every instruction but glibc's memcpy family's.
func (t tally) own() int64 { return t.total - t.copied() }

// variant names the memcpy functions that ran more in t than in before
// (the switches', not the start-up's: an ifunc resolver, printf's
// mempcpy), most instructions first.
func (t tally) variant(before tally) string {
	more := map[string]int64{}
	for fn, n := range t.copies {
		if d := n - before.copies[fn]; d > 0 {
			more[fn] = d
		}
	}
	names := slices.Collect(maps.Keys(more))
	slices.SortFunc(names, func(a, b string) int {
		if c := cmp.Compare(more[b], more[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return strings.Join(names, ", ")
}

// addCopy counts n instructions of fn when it is in glibc's memcpy family.
func (t *tally) addCopy(fn string, n int64) {
	if !glibcCopy.MatchString(fn) {
		return
	}
	if t.copies == nil {
		t.copies = map[string]int64{}
	}
	t.copies[fn] += n
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
// line of its output file is the instructions executed, and its functions'
// own costs give glibc's memcpy's share.
type callgrind struct{ dir string }

func (callgrind) Name() string { return "callgrind (valgrind), instructions executed" }

func (c callgrind) Count(ctx context.Context, bin string, args []string) (tally, string, error) {
	out, err := tempPath(c.dir, "callgrind-*.out")
	if err != nil {
		return tally{}, "", err
	}
	defer os.Remove(out)
	w := wrapped{argv: []string{Valgrind.Binary, "--tool=callgrind", "--callgrind-out-file=" + out}}
	res, err := qemu.Run(ctx, w, bin, args, 10*time.Minute)
	if err != nil {
		return tally{}, "", err
	}
	if res.Failed() {
		return tally{}, "", fmt.Errorf("valgrind %s %s: %s", filepath.Base(bin), res.Describe(), text.Tail(res.Stderr, 5))
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return tally{}, "", fmt.Errorf("callgrind wrote no output: %w", err)
	}
	t, err := parseCallgrind(string(data))
	if err != nil {
		return tally{}, "", fmt.Errorf("callgrind's output %s: %v", out, err)
	}
	return t, res.Stdout, nil
}

// parseCallgrind reads a callgrind output file with the one event Ir: the
// total from its "summary:" (or "totals:") line, and each function's own
// cost from the cost lines under its "fn=" line, the line after a
// "calls=" line being the callee's inclusive cost, not the caller's.
// Names are compressed: "fn=(7) memcpy" names 7, a later "fn=(7)" or
// "cfn=(7)" refers to it.
func parseCallgrind(data string) (tally, error) {
	var t tally
	names := map[string]string{}
	name := func(v string) string {
		id, rest, ok := strings.Cut(v, " ")
		if !strings.HasPrefix(id, "(") {
			return v
		}
		if ok {
			names[id] = rest
			return rest
		}
		return names[id]
	}
	fn, summary, callCost := "", false, false
	for _, line := range strings.Split(data, "\n") {
		switch {
		case line == "":
		case strings.HasPrefix(line, "summary: ") || strings.HasPrefix(line, "totals: "):
			_, v, _ := strings.Cut(line, ": ")
			n, err := strconv.ParseInt(strings.Fields(v + " x")[0], 10, 64)
			if err != nil {
				return tally{}, fmt.Errorf("%q: %v", line, err)
			}
			t.total, summary = n, true
		case strings.HasPrefix(line, "fn="):
			fn = name(strings.TrimPrefix(line, "fn="))
		case strings.HasPrefix(line, "cfn="):
			name(strings.TrimPrefix(line, "cfn="))
		case strings.HasPrefix(line, "calls="):
			callCost = true
		case strings.ContainsAny(line[:1], "0123456789+-*"):
			if callCost {
				callCost = false
				continue
			}
			f := strings.Fields(line)
			if len(f) < 2 {
				continue // a position with no cost
			}
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return tally{}, fmt.Errorf("cost line %q: %v", line, err)
			}
			t.addCopy(fn, n)
		}
	}
	if !summary {
		return tally{}, fmt.Errorf("no summary line")
	}
	return t, nil
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

func (q qemuTrace) Count(ctx context.Context, bin string, args []string) (tally, string, error) {
	log, err := tempPath(q.dir, "qemu-trace-*.log")
	if err != nil {
		return tally{}, "", err
	}
	defer os.Remove(log)
	argv := []string{q.user.Binary}
	if q.user.CPU != "" {
		argv = append(argv, "-cpu", q.user.CPU)
	}
	w := wrapped{argv: append(argv, "-singlestep", "-d", "nochain,exec", "-D", log), emulated: true}
	res, err := qemu.Run(ctx, w, bin, args, 10*time.Minute)
	if err != nil {
		return tally{}, "", err
	}
	if res.Failed() {
		return tally{}, "", fmt.Errorf("%s %s: %s", q.user.Binary, res.Describe(), text.Tail(res.Stderr, 5))
	}
	f, err := os.Open(log)
	if err != nil {
		return tally{}, "", fmt.Errorf("QEMU wrote no trace: %w", err)
	}
	defer f.Close()
	copies, err := copyRanges(bin)
	if err != nil {
		return tally{}, "", err
	}
	t, err := parseTrace(f, copies)
	if err != nil {
		return tally{}, "", fmt.Errorf("QEMU's trace %s: %v", log, err)
	}
	return t, res.Stdout, nil
}

// parseTrace reads a QEMU "-d exec" log of single-stepped blocks: each
// "Trace" line is one guest instruction, its pc the second field in its
// brackets ("Trace 0: 0x7f92480000c0 [00000000/08049930/104000b3/00000201]
// memcpy"). The pc, not the symbol QEMU names, finds the function among
// copies: QEMU names none on 64-bit PowerPC ELFv1, whose symbols are
// descriptors.
func parseTrace(r io.Reader, copies []codeRange) (tally, error) {
	var t tally
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		line, err := br.ReadSlice('\n')
		if bytes.HasPrefix(line, []byte("Trace ")) {
			t.total++
			if fn := tracedCopy(line, copies); fn != "" {
				t.addCopy(fn, 1)
			}
		}
		if err == bufio.ErrBufferFull {
			// A line longer than the buffer: skip its rest.
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
		}
		if err != nil {
			break
		}
	}
	if t.total == 0 {
		return tally{}, fmt.Errorf("no Trace line")
	}
	return t, nil
}

// tracedCopy is the function of copies a Trace line's pc lies in, or "".
func tracedCopy(line []byte, copies []codeRange) string {
	open, close := bytes.IndexByte(line, '['), bytes.IndexByte(line, ']')
	if open < 0 || close < open {
		return ""
	}
	fields := bytes.Split(line[open+1:close], []byte("/"))
	if len(fields) < 2 {
		return ""
	}
	pc, err := strconv.ParseUint(string(fields[1]), 16, 64)
	if err != nil {
		return ""
	}
	for _, c := range copies {
		if pc >= c.lo && pc < c.hi {
			return c.name
		}
	}
	return ""
}

// codeRange is where one function's code lies.
type codeRange struct {
	lo, hi uint64
	name   string
}

// copyRanges finds glibc's memcpy family in an ELF binary's symbols. On
// 64-bit PowerPC ELFv1 a function's symbol is its descriptor in .opd,
// whose first word is the code's address (the size is the code's).
func copyRanges(bin string) ([]codeRange, error) {
	f, err := elf.Open(bin)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Base(bin), err)
	}
	var opd *elf.Section
	var opdData []byte
	var opdIndex elf.SectionIndex
	for i, sec := range f.Sections {
		if sec.Name == ".opd" && f.Machine == elf.EM_PPC64 {
			if opdData, err = sec.Data(); err != nil {
				return nil, fmt.Errorf("%s: .opd: %v", filepath.Base(bin), err)
			}
			opd, opdIndex = sec, elf.SectionIndex(i)
		}
	}
	var ranges []codeRange
	for _, sym := range syms {
		if elf.ST_TYPE(sym.Info) != elf.STT_FUNC || sym.Size == 0 || !glibcCopy.MatchString(sym.Name) {
			continue
		}
		lo := sym.Value
		if opd != nil && sym.Section == opdIndex {
			off := sym.Value - opd.Addr
			if off+8 > uint64(len(opdData)) {
				return nil, fmt.Errorf("%s: %s's descriptor lies outside .opd", filepath.Base(bin), sym.Name)
			}
			lo = f.ByteOrder.Uint64(opdData[off:])
		}
		ranges = append(ranges, codeRange{lo: lo, hi: lo + sym.Size, name: sym.Name})
	}
	return ranges, nil
}

func tempPath(dir, pattern string) (string, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	f.Close()
	return f.Name(), nil
}

// figureLine reads the "<name> <n>" line of a counting run.
func figureLine(out, name string) (int64, error) {
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s line in %q", name, text.Tail(out, 3))
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
		var tallies [2]tally
		var allocs [2]int64
		var saved int64
		for i, n := range []int{n1, n2} {
			args := []string{"count", want.contender, strconv.Itoa(want.bytes), strconv.Itoa(n)}
			got, out, err := c.Count(ctx, bin, args)
			if err != nil {
				return nil, fmt.Errorf("counting %s at %d bytes: %v", want.contender, want.bytes, err)
			}
			if allocs[i], err = figureLine(out, "allocs"); err == nil {
				saved, err = figureLine(out, "saved")
			}
			if err != nil {
				return nil, fmt.Errorf("counting %s at %d bytes: %v", want.contender, want.bytes, err)
			}
			tallies[i] = got
		}
		if want.contender == Stackslice && want.bytes > 0 && tallies[1].copied() <= tallies[0].copied() {
			// Else the own count would hold the copies, and with them the
			// CPU's memcpy variant: a baseline that fails on another CPU.
			return nil, fmt.Errorf("counting %s at %d bytes: no instruction in glibc's memcpy (no function matched %s): the counts cannot leave it out", want.contender, want.bytes, glibcCopy)
		}
		// Per switch: two per round trip; memcpy is per copy.
		per := float64(2 * (n2 - n1))
		if want.contender == Memcpy {
			per = float64(n2 - n1)
		}
		counts = append(counts, Count{Contender: want.contender, Bytes: want.bytes,
			Instructions:    float64(tallies[1].total-tallies[0].total) / per,
			OwnInstructions: float64(tallies[1].own()-tallies[0].own()) / per,
			MemcpyVariant:   tallies[1].variant(tallies[0]),
			AllocsPerSwitch: float64(allocs[1]-allocs[0]) / per})
		if strings.HasPrefix(want.contender, Stackslice) {
			counts[len(counts)-1].SavedBytes = saved
		}
	}
	return counts, nil
}
