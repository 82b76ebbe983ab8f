// Package console is the harness at the terminal: a live line per arch and
// build while the suite runs, then the final matrix and the failures.
package console

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"golang.org/x/sys/unix"

	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/internal/text"
)

// IsLive tells whether f should get updating lines: a terminal, outside CI.
func IsLive(f *os.File) bool {
	if os.Getenv("CI") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), getTermios)
	return err == nil
}

// Row names one arch and build with one toolchain ("" for the host).
type Row struct{ Port, Build, Toolchain string }

// label is the row's arch, with its toolchain when that is not the host.
func (r Row) label() string {
	return conformance.Run{Port: r.Port, Toolchain: r.Toolchain}.Label()
}

// Progress shows the runs of a suite as they go. Live, it keeps one line per
// row that it redraws in place; otherwise it appends a line when a run
// starts its cases and when it ends, so logs stay readable.
type Progress struct {
	out   io.Writer
	live  bool
	start time.Time
	rows  []Row

	// maxLines is how many lines fit on the screen; with more rows than
	// that, only the runs in flight are shown under a count of the others.
	maxLines int

	mu     sync.Mutex
	state  map[Row]conformance.Progress
	since  map[Row]time.Time
	done   map[Row]string
	drawn  int
	stop   chan struct{}
	wg     sync.WaitGroup
	closed bool
}

// redrawEvery paces the live display: fast enough to look alive, slow
// enough to cost nothing next to the suite.
const redrawEvery = 150 * time.Millisecond

// NewProgress starts showing rows on out.
func NewProgress(out io.Writer, live bool, rows []Row) *Progress {
	p := &Progress{out: out, live: live, start: time.Now(), rows: rows,
		state: map[Row]conformance.Progress{}, since: map[Row]time.Time{}, done: map[Row]string{},
		stop: make(chan struct{}), maxLines: screenLines(out)}
	if live {
		p.redraw()
		p.wg.Add(1)
		go p.tick()
	}
	return p
}

func (p *Progress) tick() {
	defer p.wg.Done()
	t := time.NewTicker(redrawEvery)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.redraw()
			p.mu.Unlock()
		}
	}
}

// Update records where a run is.
func (p *Progress) Update(ev conformance.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	row := Row{ev.Port, ev.Build, ev.Toolchain}
	if _, ok := p.since[row]; !ok {
		p.since[row] = time.Now()
	}
	p.state[row] = ev
	if !p.live && ev.Stage == conformance.Running && ev.Done == 0 {
		fmt.Fprintf(p.out, "RUN  %-8s %-20s %d cases\n", row.label(), ev.Build, ev.Total)
	}
}

// Finish records a run's outcome.
func (p *Progress) Finish(r conformance.Run) {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := RunLine(r)
	p.done[Row{r.Port, r.Build, r.Toolchain}] = line
	if !p.live {
		fmt.Fprintln(p.out, line)
	}
}

// Close stops the display; live, it erases its lines so the final matrix
// replaces them.
func (p *Progress) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.mu.Unlock()
	close(p.stop)
	p.wg.Wait()
	if p.live && p.drawn > 0 {
		fmt.Fprintf(p.out, "\x1b[%dA\x1b[J", p.drawn)
	}
}

// screenLines is the terminal's height, or no limit when out is no terminal.
func screenLines(out io.Writer) int {
	if f, ok := out.(*os.File); ok {
		if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil && ws.Row > 0 {
			return int(ws.Row) - 1
		}
	}
	return int(^uint(0) >> 1)
}

func (p *Progress) redraw() {
	lines := p.lines()
	var b strings.Builder
	if p.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", p.drawn)
	}
	for _, line := range lines {
		b.WriteString("\r\x1b[2K")
		b.WriteString(line)
		b.WriteByte('\n')
	}
	b.WriteString("\x1b[J")
	p.drawn = len(lines)
	io.WriteString(p.out, b.String())
}

// lines are what the live display shows: a line per row, or when those do
// not fit, a count of the finished and waiting rows and a line per run in
// flight.
func (p *Progress) lines() []string {
	var all, inFlight []string
	finished, failed := 0, 0
	for _, row := range p.rows {
		line := p.rowLine(row)
		all = append(all, line)
		switch {
		case p.done[row] != "":
			finished++
			if strings.HasPrefix(line, "FAIL") {
				failed++
				inFlight = append(inFlight, line)
			}
		case p.state[row].Stage != "":
			inFlight = append(inFlight, line)
		}
	}
	if len(all) <= p.maxLines {
		return all
	}
	head := fmt.Sprintf("%d of %d runs done (%d failed), %d waiting, %.0fs", finished, len(p.rows), failed,
		len(p.rows)-finished-len(inFlight)+failed, time.Since(p.start).Seconds())
	lines := append([]string{head}, inFlight...)
	if len(lines) > p.maxLines {
		lines = lines[:p.maxLines]
	}
	return lines
}

func (p *Progress) rowLine(row Row) string {
	if line, ok := p.done[row]; ok {
		return line
	}
	ev, ok := p.state[row]
	if !ok {
		return fmt.Sprintf("     %-8s %-20s waiting", row.label(), row.Build)
	}
	elapsed := time.Since(p.since[row]).Seconds()
	if ev.Stage == conformance.Running {
		count := fmt.Sprintf("%d/%d", ev.Done, ev.Total)
		return fmt.Sprintf("RUN  %-8s %-20s %9s cases %25.1fs", row.label(), row.Build, count, elapsed)
	}
	return fmt.Sprintf("RUN  %-8s %-20s %-9s %31.1fs", row.label(), row.Build, ev.Stage, elapsed)
}

// RunLine is the one-line summary of a run.
func RunLine(r conformance.Run) string {
	passed, failed := r.Counts()
	verdict := "FAIL"
	switch r.Cell().Kind {
	case conformance.CellUnsupported:
		verdict = "UNSUP"
	case conformance.CellSkipped:
		verdict = "SKIP"
	case conformance.CellPass:
		verdict = "PASS"
	}
	line := fmt.Sprintf("%s %-8s %-20s %3d passed %3d failed  %-20s %6.1fs",
		verdict, r.Label(), r.Build, passed, failed, r.Backend, r.Duration.Seconds())
	if known := r.Known(); known > 0 {
		line += fmt.Sprintf("  %d known failure(s)", known)
	}
	if len(r.Gaps) > 0 {
		line += fmt.Sprintf("  %d declared gap(s)", len(r.Gaps))
	}
	if r.Skipped != "" {
		line += "  skipped: " + r.Skipped
	} else if r.Unsupported != "" {
		line += "  unsupported: " + r.Unsupported
	} else if r.Err != nil {
		line += "  " + text.FirstLine(r.Err.Error())
	} else if passed == 0 && failed == 0 {
		line += "  no case passed"
	}
	return text.Printable(line)
}

// WriteMatrix prints arch × build: passed/total and time per cell, and the
// runner each arch used. Under toolchain images, each arch has a row per
// toolchain, which names the image and the gcc it ran.
func WriteMatrix(w io.Writer, runs []conformance.Run) {
	type line struct{ port, toolchain string }
	var lines []line
	var builds []string
	cells := map[Row]conformance.Run{}
	runner, compiler := map[line]string{}, map[line]string{}
	images := false
	for _, r := range runs {
		l := line{r.Port, r.Toolchain}
		if _, ok := runner[l]; !ok {
			lines = append(lines, l)
			runner[l] = r.Backend
		}
		if compiler[l] == "" && strings.Contains(r.Compiler, "gcc") {
			compiler[l] = r.Compiler
		}
		images = images || r.Toolchain != ""
		if !slices.Contains(builds, r.Build) {
			builds = append(builds, r.Build)
		}
		cells[Row{r.Port, r.Build, r.Toolchain}] = r
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if images {
		fmt.Fprintf(tw, "arch\ttoolchain\tcompiler\trunner\t%s\n", strings.Join(builds, "\t"))
	} else {
		fmt.Fprintf(tw, "arch\trunner\t%s\n", strings.Join(builds, "\t"))
	}
	for _, l := range lines {
		if images {
			tc := l.toolchain
			if tc == "" {
				tc = "host"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s", l.port, tc, compiler[l], runner[l])
		} else {
			fmt.Fprintf(tw, "%s\t%s", l.port, runner[l])
		}
		for _, build := range builds {
			c := conformance.NoRunCell(build)
			if r, ok := cells[Row{l.port, build, l.toolchain}]; ok {
				c = r.Cell()
			}
			fmt.Fprintf(tw, "\t%s", cell(c))
		}
		fmt.Fprint(tw, "\n")
	}
	tw.Flush()
}

func cell(c conformance.Cell) string {
	switch c.Kind {
	case conformance.CellAbsent:
		return cmp.Or(c.Why, "-")
	case conformance.CellUnsupported:
		return "unsupported"
	case conformance.CellSkipped:
		return "skipped"
	case conformance.CellDidNotRun:
		return fmt.Sprintf("FAIL (%s) %.1fs", c.Why, c.Duration.Seconds())
	}
	verdict := "ok"
	if c.Kind == conformance.CellFail {
		verdict = "FAIL"
	}
	text := fmt.Sprintf("%s %d/%d %.1fs", verdict, c.Passed, c.Total, c.Duration.Seconds())
	if c.Known > 0 {
		text += fmt.Sprintf(" (%d known)", c.Known)
	}
	if c.Gaps > 0 {
		text += fmt.Sprintf(" (%d gaps)", c.Gaps)
	}
	return text
}

// WriteFailures lists every failed case with the tail of its output. What a
// case printed reaches the terminal cleaned of control characters: an escape
// sequence in it could otherwise clear the screen or hide a line.
func WriteFailures(w io.Writer, runs []conformance.Run) {
	var b strings.Builder
	for _, r := range runs {
		if r.Err != nil {
			fmt.Fprintf(&b, "\n%s %s: %v\n", r.Label(), r.Build, r.Err)
		}
		for _, c := range r.Cases {
			if c.Status == conformance.Pass {
				continue
			}
			fmt.Fprintf(&b, "\n%s %s %s: %s\n", r.Label(), r.Build, c.Label(), c.Reason)
			if out := c.OutputTail(15); out != "" {
				fmt.Fprintf(&b, "    %s\n", strings.ReplaceAll(out, "\n", "\n    "))
			}
		}
	}
	io.WriteString(w, text.Printable(b.String()))
}

// WriteNotes lists what to act on that is not a failure: a run's notes, and
// each case's, such as an emulator bug that did not show; a foreign port's
// switch source with its SHA-256, the files its build read (once per port)
// with the digest of them all, and its declared gaps that showed.
func WriteNotes(w io.Writer, runs []conformance.Run) {
	var b strings.Builder
	skipped, listed := map[string]bool{}, map[string]bool{}
	for _, r := range runs {
		if r.Skipped != "" && !skipped[r.Port] {
			skipped[r.Port] = true
			fmt.Fprintf(&b, "skipped: %s: %s\n", r.Port, r.Skipped)
		}
		if r.Switch != "" {
			fmt.Fprintf(&b, "switch: %s %s: %s on %s (sha256 %s; inputs sha256 %s)\n", r.Port, r.Build, r.Switch, r.Base, r.SwitchSHA256, r.InputsSHA256)
		}
		if len(r.Inputs) > 0 && !listed[r.Port] {
			listed[r.Port] = true
			writeInputs(&b, r)
		}
		for _, g := range r.Gaps {
			fmt.Fprintf(&b, "gap: %s %s: %s\n", r.Port, r.Build, g)
		}
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "note: %s %s: %s\n", r.Label(), r.Build, n)
		}
		for _, c := range r.Cases {
			if c.Note != "" {
				fmt.Fprintf(&b, "note: %s %s %s: %s\n", r.Label(), r.Build, c.Label(), c.Note)
			}
		}
	}
	if b.Len() > 0 {
		io.WriteString(w, "\n"+text.Printable(b.String()))
	}
}

// writeInputs lists, once per foreign port, every file its switch's build
// read with its SHA-256 and part, and its cflags: what the inputs digest
// of its switch line covers.
func writeInputs(b *strings.Builder, r conformance.Run) {
	fmt.Fprintf(b, "inputs: %s: sha256 %s of %s", r.Port, r.InputsSHA256, text.Count(len(r.Inputs), "file"))
	if len(r.CFlags) > 0 {
		fmt.Fprintf(b, " and cflags %s", text.CommandLine(r.CFlags))
	}
	b.WriteString("\n")
	for _, in := range r.Inputs {
		fmt.Fprintf(b, "    %s  %s (%s)\n", in.SHA256, in.Path, in.Role)
	}
}

// WriteTotals ends the final screen: the cases passed and failed, the time
// taken and, when the verdict set anything apart, the line that says so
// ("passed with 2 declared gaps and 1 unsupported build").
func WriteTotals(w io.Writer, o conformance.Outcome, elapsed time.Duration) {
	passed, failed := conformance.Totals(o.Runs)
	fmt.Fprintf(w, "\n%d passed, %d failed in %.1fs\n", passed, failed, elapsed.Seconds())
	if summary := o.Summary(); summary != "" {
		fmt.Fprintln(w, summary)
	}
}
