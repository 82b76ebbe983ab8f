// Package mutants checks that the conformance suite notices a broken port:
// each mutant of a port's switch.S drops one save (step 1) or one restore
// (step 5) of a callee-saved register or FP control register, and the suite
// must fail on every one of them.
package mutants

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/conformance"
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
	By     string // the first build and case that failed
}

// Run builds the suite with each mutant of p's switch.S in each build until
// one fails, and returns the outcomes in line order. A mutant that does not
// even compile counts as killed by the compiler.
func Run(ctx context.Context, root string, p arch.Port, builds []conformance.Build, opts conformance.Options, parallel int) ([]Outcome, error) {
	src, err := os.ReadFile(filepath.Join(p.Dir, "switch.S"))
	if err != nil {
		return nil, err
	}
	probe, err := os.ReadFile(filepath.Join(p.Dir, "probe.S"))
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
	errs := make(chan error, len(found))
	for i, m := range found {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			dir := filepath.Join(opts.OutDir, fmt.Sprintf("mutant-%s-%03d", p.Name, m.Line))
			mutant := p
			mutant.Dir = dir
			if err := os.MkdirAll(dir, 0o755); err != nil {
				errs <- err
				return
			}
			if err := os.WriteFile(filepath.Join(dir, "switch.S"), []byte(Apply(string(src), m)), 0o644); err != nil {
				errs <- err
				return
			}
			if err := os.WriteFile(filepath.Join(dir, "probe.S"), probe, 0o644); err != nil {
				errs <- err
				return
			}
			runOpts := opts
			runOpts.OutDir = dir
			outcomes[i] = Outcome{Mutant: m}
			for _, b := range builds {
				run := conformance.RunSuite(ctx, root, mutant, b, runOpts)
				if by := firstFailure(run); by != "" {
					outcomes[i].Killed, outcomes[i].By = true, b.Name+" "+by
					break
				}
			}
			_ = os.RemoveAll(dir)
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return outcomes, nil
}

func firstFailure(r conformance.Run) string {
	if r.Err != nil {
		return "(did not build or run: " + strings.SplitN(r.Err.Error(), "\n", 2)[0] + ")"
	}
	for _, c := range r.Cases {
		if c.Status != conformance.Pass {
			return c.Name + ": " + c.Reason
		}
	}
	return ""
}

// Score counts killed mutants.
func Score(outcomes []Outcome) (killed, total int) {
	for _, o := range outcomes {
		if o.Killed {
			killed++
		}
	}
	return killed, len(outcomes)
}
