package conformance

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Status is a case's outcome.
type Status string

const (
	Pass Status = "pass"
	Fail Status = "fail"
	// KnownFailure is a failure the port's data file blames on the emulator
	// (a documented QEMU bug): shown and reported with its reason, counted
	// neither as a pass nor against the port.
	KnownFailure Status = "known-failure"
)

// CaseResult is one case's outcome, with the output it printed.
type CaseResult struct {
	Name      string
	Iteration int // 1-based; above 1 only when the suite is repeated
	Status    Status
	Reason    string // why it failed
	Duration  time.Duration
	Output    string
}

// Label names the case in reports: its name, with "#N" for repetitions after the first.
func (c CaseResult) Label() string {
	if c.Iteration > 1 {
		return fmt.Sprintf("%s#%d", c.Name, c.Iteration)
	}
	return c.Name
}

// OutputTail is the last n lines of the case's output.
func (c CaseResult) OutputTail(n int) string { return Tail(c.Output, n) }

// FirstLine is s up to its first newline.
func FirstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Tail keeps the last n lines of s, without a trailing newline.
func Tail(s string, n int) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

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
			return nil, fmt.Errorf("runner --list printed an unexpected line: %q", line)
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

// ParseResults reads a runner's output and returns one result for every
// expected case, in the expected order. A case the output does not finish
// with a well-formed SL-END line fails, with ended (how the runner process
// ended) as its reason: the suite has to prove that every case ran.
func ParseResults(out string, expected []string, ended string) []CaseResult {
	byName := map[string]*CaseResult{}
	results := make([]CaseResult, len(expected))
	for i, name := range expected {
		results[i] = CaseResult{Name: name, Status: Fail, Reason: "did not report: the runner " + ended}
		byName[name] = &results[i]
	}
	var current *CaseResult
	var output strings.Builder
	var garbage []string
	doneCount := -1
	scanner := bufio.NewScanner(strings.NewReader(out))
	scanner.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for scanner.Scan() {
		line := scanner.Text()
		switch {
		case strings.HasPrefix(line, "SL-BEGIN "):
			name := strings.TrimPrefix(line, "SL-BEGIN ")
			current = byName[name]
			output.Reset()
			if current == nil {
				garbage = append(garbage, line)
			}
		case strings.HasPrefix(line, "SL-END "):
			r, ok := parseEnd(line)
			target := byName[r.Name]
			if !ok || target == nil || target != current {
				garbage = append(garbage, line)
				continue
			}
			r.Output = output.String()
			*target = r
			current = nil
		case strings.HasPrefix(line, "SL-DONE "):
			n, err := strconv.Atoi(strings.TrimPrefix(line, "SL-DONE "))
			if err != nil {
				garbage = append(garbage, line)
			}
			doneCount = n
		default:
			if current != nil {
				output.WriteString(line)
				output.WriteByte('\n')
			} else if strings.TrimSpace(line) != "" {
				garbage = append(garbage, line)
			}
		}
	}
	if current != nil && current.Status == Fail {
		current.Output = output.String()
	}
	if doneCount >= 0 && doneCount != len(expected) {
		failAll(results, fmt.Sprintf("the runner reported %d cases run, want %d", doneCount, len(expected)))
	}
	if len(garbage) > 0 {
		failAll(results, fmt.Sprintf("the runner printed %d unexpected line(s), first: %q", len(garbage), garbage[0]))
	}
	return results
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
			r.Reason = fields[3]
		}
		return r, r.Reason != ""
	default:
		return CaseResult{}, false
	}
}
