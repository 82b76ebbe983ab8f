package mutants

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/conformance"
)

// CoreName is the name `test:mutants` takes for the core's planted bugs.
const CoreName = "core"

// CoreData is the data file of the core's planted bugs, and CoreSource the
// file they are planted in, both under the repository root.
const (
	CoreData   = "mutants/core.mutants"
	CoreSource = "core/slice.c"
)

// CoreMutant is one planted bug of the core: Find, which occurs exactly
// once in core/slice.c, replaced by Replace.
type CoreMutant struct {
	Name, Why     string
	Line          int // of its header in the data file
	Find, Replace string
}

func (m CoreMutant) String() string { return fmt.Sprintf("%s (%s)", m.Name, m.Why) }

// ParseCore reads the data file's mutants (the format is described at its
// top). Anything it cannot read is an error naming the line.
func ParseCore(data string) ([]CoreMutant, error) {
	var out []CoreMutant
	var find, replace []string
	flush := func() error {
		if len(out) == 0 {
			return nil
		}
		m := &out[len(out)-1]
		if len(find) == 0 {
			return fmt.Errorf("%s:%d: mutant %s replaces nothing (no \"-\" line)", CoreData, m.Line, m.Name)
		}
		m.Find = strings.Join(find, "\n") + "\n"
		if len(replace) > 0 {
			m.Replace = strings.Join(replace, "\n") + "\n"
		}
		find, replace = nil, nil
		return nil
	}
	seen := map[string]bool{}
	for i, line := range strings.Split(data, "\n") {
		n := i + 1
		switch {
		case strings.HasPrefix(line, "@@ "):
			if err := flush(); err != nil {
				return nil, err
			}
			name, why, ok := strings.Cut(strings.TrimPrefix(line, "@@ "), ": ")
			name, why = strings.TrimSpace(name), strings.TrimSpace(why)
			if !ok || name == "" || why == "" || strings.ContainsAny(name, " \t") {
				return nil, fmt.Errorf("%s:%d: a header is \"@@ <name>: <what the bug does>\", got %q", CoreData, n, line)
			}
			if seen[name] {
				return nil, fmt.Errorf("%s:%d: mutant %s is named twice", CoreData, n, name)
			}
			seen[name] = true
			out = append(out, CoreMutant{Name: name, Why: why, Line: n})
		case strings.HasPrefix(line, "-") || strings.HasPrefix(line, "+"):
			if len(out) == 0 {
				return nil, fmt.Errorf("%s:%d: a %q line before the first \"@@\" header", CoreData, n, line[:1])
			}
			if line[0] == '-' {
				if len(replace) > 0 {
					return nil, fmt.Errorf("%s:%d: a \"-\" line after the \"+\" lines of mutant %s", CoreData, n, out[len(out)-1].Name)
				}
				find = append(find, line[1:])
			} else {
				replace = append(replace, line[1:])
			}
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
		default:
			return nil, fmt.Errorf("%s:%d: neither a header, a \"-\" or \"+\" line nor a comment: %q", CoreData, n, line)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no mutant", CoreData)
	}
	return out, nil
}

// Apply returns src with the mutant planted, or an error when its text
// does not occur exactly once.
func (m CoreMutant) Apply(src string) (string, error) {
	if n := strings.Count(src, m.Find); n != 1 {
		return "", fmt.Errorf("%s:%d: the text mutant %s replaces occurs %d times in %s, not once", CoreData, m.Line, m.Name, n, CoreSource)
	}
	return strings.Replace(src, m.Find, m.Replace, 1), nil
}

// LoadCore reads core/slice.c and the core's mutants under root, and checks
// that each one applies.
func LoadCore(root string) (src string, ms []CoreMutant, err error) {
	data, err := os.ReadFile(filepath.Join(root, CoreData))
	if err != nil {
		return "", nil, err
	}
	if ms, err = ParseCore(string(data)); err != nil {
		return "", nil, err
	}
	source, err := os.ReadFile(filepath.Join(root, CoreSource))
	if err != nil {
		return "", nil, err
	}
	for _, m := range ms {
		if _, err := m.Apply(string(source)); err != nil {
			return "", nil, err
		}
	}
	return string(source), ms, nil
}

// CoreOutcome is what the suite did with one core mutant.
type CoreOutcome struct {
	Mutant CoreMutant
	Killed bool
	By     string
	Err    error // the mutant could not be judged: an error of the check
}

// coreStages are the cases tried on a core mutant, in turn: those about
// the API's semantics, which kill most planted bugs in seconds, then the
// model cases (their budget is spent whole on a bug they miss), then all.
var coreStages = []*regexp.Regexp{
	regexp.MustCompile(`^(switch_|throw_|parents_|memory_failed|memory_return|memory_enomem|threads_)`),
	regexp.MustCompile(`^model_`),
	nil,
}

// coreTree holds what the runner is built from: the core and the
// conformance runner and cases. A mutant's copy of it gets the mutated
// core/slice.c.
var coreTree = []string{"core", "conformance/runner", "conformance/cases"}

// CoreTarget is a port the core's mutants are judged on: its builds, the
// control run of the unmutated core there, and the options of its runs
// (their case timeout from that control run).
type CoreTarget struct {
	Port   arch.Port
	Builds []build.Build
	Base   Baseline
	Opts   conformance.Options
}

// RunCore judges every core mutant on the targets, in turn, until one
// kills it: it builds the suite from a copy of the core with the bug
// planted, in each build, until a case that passed at baseline fails. A
// kill on a target after the first names its port. Outcomes come in mutant
// order, each reported to done (when set) as it ends.
func RunCore(ctx context.Context, root string, targets []CoreTarget, outDir string, parallelism int, done func(CoreOutcome)) ([]CoreOutcome, error) {
	src, all, err := LoadCore(root)
	if err != nil {
		return nil, err
	}
	return judgeEach(ctx, len(all), parallelism, func(i int) CoreOutcome {
		return judgeCore(ctx, root, targets, outDir, i, all[i], src)
	}, done)
}

func judgeCore(ctx context.Context, root string, targets []CoreTarget, outDir string, i int, m CoreMutant, src string) CoreOutcome {
	out := CoreOutcome{Mutant: m}
	dir := filepath.Join(outDir, fmt.Sprintf("mutant-core-%03d", i))
	defer os.RemoveAll(dir)
	mutated, err := m.Apply(src)
	if err == nil {
		err = os.RemoveAll(dir)
	}
	for _, sub := range coreTree {
		if err == nil {
			err = os.CopyFS(filepath.Join(dir, sub), os.DirFS(filepath.Join(root, sub)))
		}
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, CoreSource), []byte(mutated), 0o644)
	}
	if err != nil {
		out.Err = err
		return out
	}
	for n, t := range targets {
		out.Killed, out.By, out.Err = firstKill(ctx, dir, t.Port, t.Builds, t.Base, t.Opts, dir, coreStages...)
		if out.Killed && n > 0 {
			out.By = t.Port.Name + " " + out.By
		}
		if out.Killed || out.Err != nil {
			break
		}
	}
	return out
}

// CoreCaseTimeout bounds each case of a core mutant run. The slowest
// baseline cases are the model cases, which stop at a time budget rather
// than slow down with the machine, so twice the slowest leaves room; a
// planted bug that loops (a cycle of parents walked forever) is then a
// kill within a minute instead of ten times the budget.
func CoreCaseTimeout(base Baseline) time.Duration {
	return max(30*time.Second, 2*base.Slowest)
}

// ScoreCore counts killed core mutants and those that could not be judged.
func ScoreCore(outcomes []CoreOutcome) (killed, errs, total int) {
	for _, o := range outcomes {
		switch {
		case o.Err != nil:
			errs++
		case o.Killed:
			killed++
		}
	}
	return killed, errs, len(outcomes)
}
