// Package mutants checks that the conformance suite notices a broken port:
// each mutant of a port's switch.S drops one save (step 1) or one restore
// (step 5) of a callee-saved register or FP control register, and the suite
// must fail on every one of them. A control run of the unmutated port comes
// first: only a case that passed there can kill a mutant.
package mutants

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/internal/text"
)

// Mutant is switch.S with one line dropped.
type Mutant struct {
	Line int    // 1-based line number in switch.S
	Text string // the instruction dropped
	Step string // "save" or "restore"
}

func (m Mutant) String() string {
	return fmt.Sprintf("line %d (%s): %s", m.Line, m.Step, m.Text)
}

// Find lists the mutants of a switch.S: every store in step 1 and every
// load in step 5, found by the numbered step comments all ports share.
func Find(src string) []Mutant {
	var found []Mutant
	step := ""
	for i, raw := range strings.Split(src, "\n") {
		line := strings.TrimSpace(raw)
		switch {
		case strings.HasPrefix(line, "/* 1."):
			step = "save"
			continue
		case strings.HasPrefix(line, "/* 2."), strings.HasPrefix(line, "/* 3."), strings.HasPrefix(line, "/* 4."):
			step = ""
			continue
		case strings.HasPrefix(line, "/* 5."):
			step = "restore"
			continue
		case strings.HasPrefix(line, ".size"):
			step = ""
		}
		if step == "" || line == "" || strings.HasPrefix(line, "/*") || strings.HasPrefix(line, "#") ||
			strings.HasPrefix(line, ".") || strings.HasSuffix(line, ":") {
			continue
		}
		if moves(step, line) {
			found = append(found, Mutant{Line: i + 1, Text: line, Step: step})
		}
	}
	return found
}

// Instructions that touch memory but only make or drop the frame.
var frameOnly = map[string]bool{"stdu": true, "lay": true, "la": true, "lea": true, "leaq": true, "leal": true}

// moves tells whether an instruction stores (save) or loads (restore) a
// register to or from the frame.
func moves(step, line string) bool {
	fields := strings.Fields(line)
	mnemonic := strings.ToLower(fields[0])
	operands := strings.Join(fields[1:], " ")
	if frameOnly[mnemonic] {
		return false
	}
	memory := strings.ContainsAny(operands, "([")
	vectorIndexed := strings.HasPrefix(mnemonic, "stv") || strings.HasPrefix(mnemonic, "lv") ||
		strings.HasPrefix(mnemonic, "stxv") || strings.HasPrefix(mnemonic, "lxv")
	switch step {
	case "save":
		return strings.HasPrefix(mnemonic, "push") || strings.HasPrefix(mnemonic, "stmxcsr") ||
			strings.HasPrefix(mnemonic, "fnstcw") || strings.HasPrefix(mnemonic, "fstcw") ||
			vectorIndexed || (memory && (strings.HasPrefix(mnemonic, "st") || strings.HasPrefix(mnemonic, "fs") ||
			strings.HasPrefix(mnemonic, "s") || strings.HasPrefix(mnemonic, "mov")))
	default:
		return strings.HasPrefix(mnemonic, "pop") || strings.HasPrefix(mnemonic, "ldmxcsr") ||
			strings.HasPrefix(mnemonic, "fldcw") || vectorIndexed ||
			(memory && (strings.HasPrefix(mnemonic, "l") || strings.HasPrefix(mnemonic, "fl") ||
				strings.HasPrefix(mnemonic, "mov")))
	}
}

// Apply returns src with the mutant's line dropped (kept as a comment, so
// line numbers stay).
func Apply(src string, m Mutant) string {
	lines := strings.Split(src, "\n")
	lines[m.Line-1] = "\t/* mutant: dropped " + strings.ReplaceAll(m.Text, "*/", "* /") + " */"
	return strings.Join(lines, "\n")
}

// Outcome is what the suite did with one mutant.
type Outcome struct {
	Mutant Mutant
	Killed bool
	By     string // the build and case that killed it, and why
	// Err is set when the mutant could not be judged (its build or run
	// failed to execute): an error of the check, never a kill.
	Err error
}

// Baseline is the control run: the unmutated port's cases that passed, by
// build. Only such a case failing can kill a mutant.
type Baseline struct {
	Passed map[string]map[string]bool
	// Slowest is the longest a baseline case took, to size mutants' timeouts.
	Slowest time.Duration
}

// RunBaseline runs the unmutated port in every build. Every selected case
// must pass, else the error names the first failure: a port that fails on
// its own would make every mutant look killed.
func RunBaseline(ctx context.Context, root string, p arch.Port, builds []conformance.Build, opts conformance.Options) (Baseline, error) {
	base := Baseline{Passed: map[string]map[string]bool{}}
	for _, b := range builds {
		run := conformance.RunSuite(ctx, root, p, b, opts)
		if ctx.Err() != nil {
			return base, ctx.Err()
		}
		if !run.OK() {
			return base, fmt.Errorf("control run: the unmutated port %s fails in %s, so no mutant can be judged: %s", p.Name, b.Name, firstFailure(run))
		}
		base.Passed[b.Name] = map[string]bool{}
		for _, c := range run.Cases {
			if c.Status == conformance.Pass {
				base.Passed[b.Name][c.Name] = true
				base.Slowest = max(base.Slowest, c.Duration)
			}
		}
	}
	return base, nil
}

// MutantCaseTimeout bounds each case of a mutant run: a dropped restore can
// turn a case into an endless loop, which counts as a kill once it times
// out. Baseline cases take milliseconds, so ten times the slowest, and at
// least 10 s, leaves a wide margin on a loaded machine.
func MutantCaseTimeout(base Baseline) time.Duration {
	return max(10*time.Second, 10*base.Slowest)
}

// Run judges every mutant of p's switch.S against base: it builds the suite
// with the mutant in each build until a case that passed at baseline fails.
// Outcomes come in line order, each reported to done (when set) as it ends.
func Run(ctx context.Context, root string, p arch.Port, builds []conformance.Build, base Baseline, opts conformance.Options, parallel int, done func(Outcome)) ([]Outcome, error) {
	src, err := os.ReadFile(filepath.Join(p.Dir, "switch.S"))
	if err != nil {
		return nil, err
	}
	found := Find(string(src))
	if len(found) == 0 {
		return nil, fmt.Errorf("port %s: no saves or restores found in switch.S (steps 1 and 5)", p.Name)
	}
	outcomes := make([]Outcome, len(found))
	sem := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, m := range found {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				return
			}
			outcomes[i] = judge(ctx, root, p, m, string(src), builds, base, opts)
			if done != nil && ctx.Err() == nil {
				mu.Lock()
				done(outcomes[i])
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return outcomes, nil
}

func judge(ctx context.Context, root string, p arch.Port, m Mutant, src string, builds []conformance.Build, base Baseline, opts conformance.Options) Outcome {
	out := Outcome{Mutant: m}
	dir := filepath.Join(opts.OutDir, fmt.Sprintf("mutant-%s-%03d", p.Name, m.Line))
	defer os.RemoveAll(dir)
	// The whole port folder, so that what switch.S or probe.S include comes
	// along; a folder an interrupted check left behind goes first.
	if err := os.RemoveAll(dir); err != nil {
		out.Err = err
		return out
	}
	if err := os.CopyFS(dir, os.DirFS(p.Dir)); err != nil {
		out.Err = err
		return out
	}
	if err := os.WriteFile(filepath.Join(dir, "switch.S"), []byte(Apply(src, m)), 0o644); err != nil {
		out.Err = err
		return out
	}
	mutant := p
	mutant.Dir = dir
	runOpts := opts
	runOpts.OutDir = dir
	for _, b := range builds {
		run := conformance.RunSuite(ctx, root, mutant, b, runOpts)
		if run.Err != nil {
			out.Err = fmt.Errorf("%s: %s", b.Name, text.FirstLine(run.Err.Error()))
			return out
		}
		for _, c := range run.Cases {
			if c.Status != conformance.Pass && base.Passed[b.Name][c.Name] {
				out.Killed, out.By = true, fmt.Sprintf("%s %s (%s)", b.Name, c.Name, c.Reason)
				return out
			}
		}
	}
	return out
}

func firstFailure(r conformance.Run) string {
	if r.Err != nil {
		return text.FirstLine(r.Err.Error())
	}
	for _, c := range r.Cases {
		if c.Status != conformance.Pass {
			return c.Label() + ": " + c.Reason
		}
	}
	return "no case passed"
}

// Score counts killed mutants and mutants that could not be judged.
func Score(outcomes []Outcome) (killed, errs, total int) {
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
