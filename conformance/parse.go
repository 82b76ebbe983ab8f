package conformance

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stackslice/stackslice/internal/text"
)

// Status is a case's outcome.
type Status string

const (
	Pass Status = "pass"
	Fail Status = "fail"
	// KnownFailure is a failure under emulation that the port's data file
	// blames on the emulator (a documented QEMU bug): shown and reported with
	// its reason, counted neither as a pass nor against the port.
	KnownFailure Status = "known-failure"
)

// CaseResult is one case's outcome, with the end of the output it printed.
type CaseResult struct {
	Name      string
	Iteration int // 1-based; above 1 only when the suite is repeated
	Status    Status
	Reason    string // why it failed
	Duration  time.Duration
	// Output is the last OutputLines lines the case printed, each cut at
	// MaxLineBytes, cleaned of control characters; a first line says how
	// many earlier lines were dropped.
	Output string
	// Note is something to act on that is not a failure, e.g. an emulator
	// bug the port lists that did not show.
	Note string
}

// Label names the case in reports: its name, with "#N" for repetitions after the first.
func (c CaseResult) Label() string {
	if c.Iteration > 1 {
		return fmt.Sprintf("%s#%d", c.Name, c.Iteration)
	}
	return c.Name
}

// OutputTail is the last n lines of the case's output.
func (c CaseResult) OutputTail(n int) string { return text.Tail(c.Output, n) }

// Bounds on what is kept of a case's output, so the harness's memory stays
// bounded whatever a case prints: the end of the output says why it failed.
const (
	OutputLines  = 100
	MaxLineBytes = 2048
)

// ParseList reads the case names printed by `runner --list`.
func ParseList(out string) ([]string, error) {
	var names []string
	seen := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, ok := strings.CutPrefix(line, "SL-CASE ")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("runner --list printed an unexpected line: %q", cut(text.Printable(line), 200))
		}
		if seen[name] {
			return nil, fmt.Errorf("runner --list names case %q twice", name)
		}
		seen[name] = true
		names = append(names, name)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("runner --list printed no cases")
	}
	return names, nil
}

// ParseResults reads a whole runner output at once; see Parser.
func ParseResults(out string, expected []string, ended Ending) []CaseResult {
	p := NewParser(expected, nil)
	p.Write([]byte(out))
	return p.Finish(ended)
}

// Ending is how the runner process ended, which must agree with what it
// printed: the runner exits 0 only after SL-DONE with every case passed, and
// 1 only after SL-DONE with a case failed.
type Ending struct {
	ExitCode int    // -1 when a signal or a timeout ended it
	How      string // in words, for reasons: "crashed with SIGKILL"
}

// Exited is the Ending of a runner that exited with code.
func Exited(code int) Ending {
	return Ending{ExitCode: code, How: fmt.Sprintf("exited with status %d", code)}
}

// Parser reads a runner's output as it streams (it is an io.Writer) and, at
// Finish, returns one result for every expected case, in the expected order.
// A case the output does not finish with a well-formed SL-END line fails,
// with how the runner ended as its reason: the suite has to prove that every
// case ran. A case's process shares the runner's output and can print the
// markers itself, so only an output the runner's own exit confirms is
// trusted (see Finish). Its memory is bounded whatever the runner prints.
//
// The runner writes "\nSL-END", so that the marker starts a line even when
// the case's output does not end with a newline; the parser takes that
// newline back out of the case's output.
type Parser struct {
	results []CaseResult
	byName  map[string]int
	current int // index of the case between SL-BEGIN and SL-END, or -1
	tail    lineRing
	onEnd   func(ended int)
	ended   int

	line      []byte // the line being assembled, up to MaxLineBytes
	lineBytes int64  // its full length

	garbage      int
	firstGarbage string
	doneCount    int // -1 until SL-DONE
	reported     []bool
}

// NewParser expects the named cases; onEnd, when set, hears the number of
// cases reported so far after each one.
func NewParser(expected []string, onEnd func(ended int)) *Parser {
	p := &Parser{results: make([]CaseResult, len(expected)), byName: map[string]int{}, current: -1, onEnd: onEnd, doneCount: -1,
		reported: make([]bool, len(expected))}
	for i, name := range expected {
		p.results[i] = CaseResult{Name: name, Status: Fail}
		p.byName[name] = i
	}
	return p
}

// Write takes the next piece of output.
func (p *Parser) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		chunk := b
		if i >= 0 {
			chunk = b[:i]
		}
		if room := MaxLineBytes - len(p.line); room > 0 {
			p.line = append(p.line, chunk[:min(room, len(chunk))]...)
		}
		p.lineBytes += int64(len(chunk))
		if i < 0 {
			break
		}
		p.endLine()
		b = b[i+1:]
	}
	return n, nil
}

func (p *Parser) endLine() {
	line := string(p.line)
	if p.lineBytes > int64(len(p.line)) {
		line = fmt.Sprintf("%s… [line cut: %d bytes in all]", line, p.lineBytes)
	}
	truncated := p.lineBytes > int64(len(p.line))
	p.line, p.lineBytes = p.line[:0], 0
	switch {
	case p.doneCount >= 0:
		// Nothing follows SL-DONE: the runner exits right after it.
		p.addGarbage(line)
	case !truncated && strings.HasPrefix(line, "SL-BEGIN "):
		i, ok := p.byName[strings.TrimPrefix(line, "SL-BEGIN ")]
		if !ok || p.current >= 0 || p.reported[i] {
			p.addGarbage(line)
			p.current = -1
			return
		}
		p.current = i
		p.tail.reset()
	case !truncated && strings.HasPrefix(line, "SL-END "):
		r, ok := parseEnd(line)
		i, known := p.byName[r.Name]
		if !ok || !known || i != p.current {
			p.addGarbage(line)
			return
		}
		p.tail.dropFramingNewline()
		r.Output = p.tail.String()
		p.results[i] = r
		p.reported[i] = true
		p.current = -1
		p.ended++
		if p.onEnd != nil {
			p.onEnd(p.ended)
		}
	case !truncated && strings.HasPrefix(line, "SL-DONE "):
		n, err := strconv.Atoi(strings.TrimPrefix(line, "SL-DONE "))
		if err != nil || n < 0 || p.current >= 0 {
			p.addGarbage(line)
			return
		}
		p.doneCount = n
	case p.current >= 0:
		p.tail.add(text.Printable(line))
	case strings.TrimSpace(line) != "":
		p.addGarbage(line)
	}
}

func (p *Parser) addGarbage(line string) {
	if p.garbage == 0 {
		p.firstGarbage = cut(text.Printable(line), 200)
	}
	p.garbage++
}

// Finish ends the output and returns the results. ended, how the runner
// process ended, names why the cases that never reported failed, and must
// agree with the output: a runner that died, or stopped without SL-DONE, or
// whose exit status says otherwise than its cases, fails every case, since
// a case that forges the markers and then kills the runner would otherwise
// pass them all.
func (p *Parser) Finish(ended Ending) []CaseResult {
	if len(p.line) > 0 || p.lineBytes > 0 {
		p.endLine()
	}
	failed := false
	for i := range p.results {
		if p.results[i].Status == Fail && p.results[i].Reason == "" {
			p.results[i].Reason = "did not report: the runner " + ended.How
			if i == p.current {
				p.results[i].Output = p.tail.String()
			}
		}
		failed = failed || p.results[i].Status != Pass
	}
	if p.garbage > 0 {
		failAll(p.results, fmt.Sprintf("the runner printed %d unexpected line(s), first: %q", p.garbage, p.firstGarbage))
	}
	switch {
	case p.doneCount < 0:
		failAll(p.results, fmt.Sprintf("the runner %s without finishing (no SL-DONE), so what it printed is not trusted", ended.How))
	case p.doneCount != len(p.results):
		failAll(p.results, fmt.Sprintf("the runner reported %d cases run, want %d", p.doneCount, len(p.results)))
	case ended.ExitCode != 0 && ended.ExitCode != 1, ended.ExitCode == 0 && failed, ended.ExitCode == 1 && !failed:
		failAll(p.results, fmt.Sprintf("the runner %s, which disagrees with its output (it exits 0 only when every case passed, 1 when one failed)", ended.How))
	}
	return p.results
}

// FailForStrays fails r, or adds to why it failed, for the processes it
// left running, which were killed.
func FailForStrays(r *CaseResult, strays []string, when string) {
	reason := fmt.Sprintf("left %d process(es) running %s (killed: %s)", len(strays), when, strings.Join(strays, ", "))
	if r.Status == Fail {
		r.Reason += "; " + reason
		return
	}
	r.Status, r.Reason = Fail, reason
}

// failAll fails the passed results: the output as a whole cannot be trusted.
func failAll(results []CaseResult, reason string) {
	for i := range results {
		if results[i].Status == Pass {
			results[i].Status = Fail
			results[i].Reason = reason
		}
	}
}

func parseEnd(line string) (CaseResult, bool) {
	fields := strings.SplitN(strings.TrimPrefix(line, "SL-END "), " ", 4)
	if len(fields) < 3 {
		return CaseResult{}, false
	}
	us, err := strconv.ParseInt(fields[2], 10, 64)
	if err != nil || us < 0 {
		return CaseResult{}, false
	}
	r := CaseResult{Name: fields[0], Status: Status(fields[1]), Duration: time.Duration(us) * time.Microsecond}
	switch r.Status {
	case Pass:
		return r, len(fields) == 3
	case Fail:
		if len(fields) == 4 {
			r.Reason = text.Printable(fields[3])
		}
		return r, r.Reason != ""
	default:
		return CaseResult{}, false
	}
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// lineRing keeps the last OutputLines lines of a case's output. It holds one
// line more while the case runs, for the framing newline.
type lineRing struct {
	lines   []string
	start   int // index of the oldest line once full
	dropped int
}

func (r *lineRing) reset() { *r = lineRing{lines: r.lines[:0]} }

const ringSize = OutputLines + 1

func (r *lineRing) add(line string) {
	if len(r.lines) < ringSize {
		r.lines = append(r.lines, line)
		return
	}
	r.lines[r.start] = line
	r.start = (r.start + 1) % ringSize
	r.dropped++
}

// ordered is the kept lines, oldest first.
func (r *lineRing) ordered() []string {
	return append(append([]string{}, r.lines[r.start:]...), r.lines[:r.start]...)
}

// dropFramingNewline removes the empty line the runner's "\nSL-END" leaves
// after output that ended with a newline.
func (r *lineRing) dropFramingNewline() {
	lines := r.ordered()
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		r.lines, r.start = lines[:len(lines)-1], 0
	}
}

func (r *lineRing) String() string {
	lines := r.ordered()
	dropped := r.dropped
	if extra := len(lines) - OutputLines; extra > 0 {
		lines, dropped = lines[extra:], dropped+extra
	}
	if len(lines) == 0 && dropped == 0 {
		return ""
	}
	var b strings.Builder
	if dropped > 0 {
		fmt.Fprintf(&b, "[… %d earlier lines not kept]\n", dropped)
	}
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}
