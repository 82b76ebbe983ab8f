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
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/internal/inputfile"
	"github.com/stackslice/stackslice/internal/parallel"
	"github.com/stackslice/stackslice/internal/text"
)

// Apply returns src with m in place of its site's line. The replacement is
// one line, so the line numbers of everything else stay: a dropped save
// becomes a comment; a pair or range loses one register and keeps the others
// at their slots.
func Apply(src string, m Mutant) (string, error) {
	if m.Site.c != nil {
		return applyC(src, m)
	}
	replacement, err := m.replacement()
	if err != nil {
		return "", err
	}
	lines := strings.Split(src, "\n")
	note := "/* mutant: " + strings.ReplaceAll(m.String(), "*/", "* /") + " */"
	if replacement != "" {
		note = replacement + " " + note
	}
	lines[m.Site.Line-1] = "\t" + note
	return strings.Join(lines, "\n"), nil
}

func (m Mutant) replacement() (string, error) {
	s := m.Site
	if adjust, ok := stackAdjustment(s); ok {
		return adjust, nil
	}
	switch s.move.form {
	case pair:
		keep := 1 - m.Drop
		if s.writeback {
			// The base moves as before; only the dropped register's value
			// is not kept: the first of a pair alone is the one-register
			// move at the same address (str x18, [sp, -160]!; ldr x18,
			// [sp], 160), and a store of the second alone stores it in both
			// slots. A load of the second alone has no such form (ldp x19,
			// x19 is unpredictable).
			mem := strings.Join(s.ops[2:], ", ")
			switch {
			case keep == 0:
				return fmt.Sprintf("%s\t%s, %s", s.move.single, s.ops[0], mem), nil
			case s.Step == Save:
				return fmt.Sprintf("%s\t%s, %s, %s", s.mnemonic, s.ops[1], s.ops[1], mem), nil
			}
			return "", fmt.Errorf("%s: a load pair with writeback cannot drop its first register and keep the frame in one instruction", s.Text)
		}
		width := s.move.width
		if width == 0 {
			width = s.isa.regWidth(s.ops[keep])
		}
		return fmt.Sprintf("%s\t%s, %s", s.move.single, s.ops[keep], displace(s.ops[2], keep*width)), nil
	case span:
		regs, mem, err := s.spanOperands()
		if err != nil {
			return "", err
		}
		var parts []string
		one := func(i int) {
			parts = append(parts, fmt.Sprintf("%s\t%s, %s", s.move.single, regs[i], displace(s.ops[mem], i*s.move.width)))
		}
		// emit moves regs[from..to] as the span instruction where it can
		// name that range: one with an implied last register only a range
		// that ends there.
		emit := func(from, to int) {
			switch {
			case from > to:
			case from == to:
				one(from)
			case s.move.last != "" && to != len(regs)-1:
				for i := from; i <= to; i++ {
					one(i)
				}
			case s.move.last != "":
				parts = append(parts, fmt.Sprintf("%s\t%s, %s", s.mnemonic, regs[from], displace(s.ops[mem], from*s.move.width)))
			default:
				parts = append(parts, fmt.Sprintf("%s\t%s, %s, %s", s.mnemonic, regs[from], regs[to], displace(s.ops[mem], from*s.move.width)))
			}
		}
		emit(0, m.Drop-1)
		emit(m.Drop+1, len(regs)-1)
		return strings.Join(parts, "; "), nil
	case list:
		if s.move.stack {
			return "", fmt.Errorf("%s: a push or pop of a list cannot drop one register and keep the others' slots", s.Text)
		}
		regs, at, mem, err := s.listOperands()
		if err != nil {
			return "", err
		}
		var parts []string
		// emit moves regs[from..to] as one list instruction at their slots.
		emit := func(from, to int) {
			if from > to {
				return
			}
			ops := make([]string, 2)
			ops[at] = s.isa.writeList(s.ops[at], regs[from:to+1])
			ops[mem] = displace(s.ops[mem], from*s.move.width)
			parts = append(parts, fmt.Sprintf("%s\t%s, %s", s.mnemonic, ops[0], ops[1]))
		}
		emit(0, m.Drop-1)
		emit(m.Drop+1, len(regs)-1)
		return strings.Join(parts, "; "), nil
	}
	return "", nil
}

// stackAdjustment is what replaces a dropped push or pop: the same move of
// the stack pointer without the register, so that every other slot stays
// where the port put it and the register probes, not a stack shifted under
// the return address, judge the mutant.
func stackAdjustment(s Site) (string, bool) {
	return s.move.stackAdjust, s.move.stackAdjust != ""
}

// displace moves a memory operand by bytes: [sp, #16] → [sp, #16+8],
// 160+8(%r15) → 160+8+16(%r15).
func displace(mem string, bytes int) string {
	if bytes == 0 {
		return mem
	}
	by := strconv.Itoa(bytes)
	if strings.HasPrefix(mem, "[") {
		// The closing bracket is the last: [%[saved]] in a C template.
		end := strings.LastIndex(mem, "]")
		if strings.Contains(mem, "#") {
			return mem[:end] + "+" + by + mem[end:]
		}
		return mem[:end] + ", #" + by + mem[end:]
	}
	// D(B): the base is the parenthesized group at the end.
	depth := 0
	for i := len(mem) - 1; i >= 0; i-- {
		switch mem[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				if i == 0 {
					return by + mem
				}
				return mem[:i] + "+" + by + mem[i:]
			}
		}
	}
	return mem + "+" + by
}

// Counts is how many registers the sites save and restore, by class.
type Counts map[Step]map[Class]int

// Count counts the registers of sites by step and class.
func Count(sites []Site) Counts {
	c := Counts{Clobber: {}, Save: {}, Restore: {}}
	for _, s := range sites {
		for _, r := range s.Regs {
			c[s.Step][r.Class]++
		}
	}
	return c
}

// String is "saves: 12 GPR, 8 FP, 1 control; restores: ...", with
// "clobbers: ..." first for a C switch.
func (c Counts) String() string {
	var parts []string
	for _, step := range []Step{Clobber, Save, Restore} {
		if step == Clobber && len(c[step]) == 0 {
			continue
		}
		var classes []string
		for _, class := range Classes {
			if n := c[step][class]; n > 0 {
				classes = append(classes, fmt.Sprintf("%d %s", n, class))
			}
		}
		if len(classes) == 0 {
			classes = []string{"none"}
		}
		parts = append(parts, fmt.Sprintf("%ss: %s", step, strings.Join(classes, ", ")))
	}
	return strings.Join(parts, "; ")
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
func RunBaseline(ctx context.Context, root string, p arch.Port, builds []build.Build, opts conformance.Options) (Baseline, error) {
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

// Load reads p's switch source and finds its sites: Find for a switch.S
// (our ports, and foreign ports in assembly), FindC for a foreign port's C
// switch (an SLP-style header, or a .c with inline assembly).
//
// Of a C switch's clobber-list registers, only those the register canaries
// check (the slots of the base port's probe.S: the ABI's callee-saved
// registers) become mutants: a dropped clobber of any other register (a
// template's own scratch register, the link register the compiler saves
// anyway) is no save the suite could see missing. Those come back as
// scratch, to be reported.
func Load(p arch.Port) (src string, sites, scratch []Site, err error) {
	file := p.SwitchSource()
	data, err := inputfile.Read(file)
	if err != nil {
		return "", nil, nil, err
	}
	return load(p, file, data)
}

// load reads the sites of data, the switch source file of p.
func load(p arch.Port, file string, data []byte) (src string, sites, scratch []Site, err error) {
	in, err := portISA(p)
	if err != nil {
		return "", nil, nil, err
	}
	if isC(file) {
		sites, err = FindC(string(data), in)
		if err != nil {
			return "", nil, nil, fmt.Errorf("%s: the mutation check cannot read it: %w", file, err)
		}
		saved, err := calleeSaved(p, in)
		if err != nil {
			return "", nil, nil, err
		}
		var kept []Site
		for _, s := range sites {
			if s.Step == Clobber && !saved[in.canonical(s.Regs[0].Name)] {
				scratch = append(scratch, s)
				continue
			}
			kept = append(kept, s)
		}
		if len(kept) == 0 {
			return "", nil, nil, fmt.Errorf("%s: no callee-saved register in its clobber lists and no save or restore the check knows", file)
		}
		return string(data), kept, scratch, nil
	}
	sites, err = Find(string(data), in)
	if err != nil {
		return "", nil, nil, fmt.Errorf("%s: the mutation check cannot read every line of steps 1 and 5:\n%w", file, err)
	}
	if len(sites) == 0 {
		return "", nil, nil, fmt.Errorf("%s: no saves or restores found in steps 1 and 5", file)
	}
	return string(data), sites, nil, nil
}

// calleeSaved are the registers (canonical names) the register canaries
// check on p's arch: the slots of the probe.S in p's folder (for a foreign
// port, its base's), the ABI's callee-saved registers and FP control.
func calleeSaved(p arch.Port, in *isa) (map[string]bool, error) {
	slots, err := p.Slots()
	if err != nil {
		return nil, fmt.Errorf("the callee-saved registers come from the canary slots of the base port's probe.S: %w", err)
	}
	saved := map[string]bool{}
	for _, s := range slots {
		saved[in.canonical(s)] = true
	}
	return saved, nil
}

// Names lists the registers of sites, each once, in order.
func Names(sites []Site) []string {
	var names []string
	for _, s := range sites {
		for _, r := range s.Regs {
			if !slices.Contains(names, r.Name) {
				names = append(names, r.Name)
			}
		}
	}
	return names
}

func isC(file string) bool {
	ext := filepath.Ext(file)
	return ext == ".c" || ext == ".h"
}

// Run judges every mutant of p's switch.S against base: it builds the suite
// with the mutant in each build until a case that passed at baseline fails.
// Outcomes come in mutant order, each reported to done (when set) as it ends.
func Run(ctx context.Context, root string, p arch.Port, builds []build.Build, base Baseline, opts conformance.Options, parallelism int, done func(Outcome)) ([]Outcome, error) {
	src, sites, _, err := Load(p)
	if err != nil {
		return nil, err
	}
	all := Mutants(sites)
	return judgeEach(ctx, len(all), parallelism, func(i int) Outcome {
		return judge(ctx, root, p, i, all[i], src, builds, base, opts)
	}, done)
}

// judgeEach judges n mutants, parallelism at a time, and hands each outcome
// to done (when not nil) as it comes, one at a time.
func judgeEach[O any](ctx context.Context, n, parallelism int, judge func(i int) O, done func(O)) ([]O, error) {
	outcomes := make([]O, n)
	var mu sync.Mutex
	parallel.Each(ctx, n, parallelism, func(i int) {
		outcomes[i] = judge(i)
		if done != nil && ctx.Err() == nil {
			mu.Lock()
			done(outcomes[i])
			mu.Unlock()
		}
	})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return outcomes, nil
}

// quickCases are tried first on a mutant: the register canaries kill most
// mutants in a fraction of the suite's time.
var quickCases = regexp.MustCompile(`^registers_`)

func judge(ctx context.Context, root string, p arch.Port, i int, m Mutant, src string, builds []build.Build, base Baseline, opts conformance.Options) Outcome {
	out := Outcome{Mutant: m}
	// By the mutant's index: the clobber mutants of a C switch share a line.
	dir := filepath.Join(opts.OutDir, fmt.Sprintf("mutant-%s-%03d", p.Name, i))
	defer os.RemoveAll(dir)
	mutated, err := Apply(src, m)
	if err != nil {
		out.Err = err
		return out
	}
	// The whole port folder, so that what switch.S or probe.S include comes
	// along (a foreign port's is its base's: the mutated switch source goes
	// beside it); a folder an interrupted check left behind goes first.
	if err := os.RemoveAll(dir); err != nil {
		out.Err = err
		return out
	}
	if err := os.CopyFS(dir, os.DirFS(p.Dir)); err != nil {
		out.Err = err
		return out
	}
	file := filepath.Join(dir, filepath.Base(p.SwitchSource()))
	if p.Foreign != nil {
		file = filepath.Join(dir, "mutant", filepath.Base(p.SwitchSource()))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			out.Err = err
			return out
		}
	}
	if err := os.WriteFile(file, []byte(mutated), 0o644); err != nil {
		out.Err = err
		return out
	}
	out.Killed, out.By, out.Err = firstKill(ctx, root, p.WithSwitch(dir, file), builds, base, opts, dir, quickCases, nil)
	return out
}

// firstKill runs the suite, built from root for p, in each build, one
// stage of cases after the other (nil: all of them), until a case that
// passed at baseline fails, and names the build and case. A run that could
// not execute is an error, never a kill.
func firstKill(ctx context.Context, root string, p arch.Port, builds []build.Build, base Baseline, opts conformance.Options, dir string, stages ...*regexp.Regexp) (killed bool, by string, err error) {
	for _, b := range builds {
		for _, filter := range stages {
			runOpts := opts
			runOpts.OutDir, runOpts.Cases = dir, filter
			if filter != nil && !base.has(b.Name, filter) {
				continue
			}
			run := conformance.RunSuite(ctx, root, p, b, runOpts)
			if run.Err != nil {
				return false, "", fmt.Errorf("%s: %s", b.Name, text.FirstLine(run.Err.Error()))
			}
			for _, c := range run.Cases {
				if c.Status != conformance.Pass && base.Passed[b.Name][c.Name] {
					return true, fmt.Sprintf("%s %s (%s)", b.Name, c.Name, c.Reason), nil
				}
			}
		}
	}
	return false, "", nil
}

// has tells whether a case filter matches passes in the control run of a build.
func (b Baseline) has(build string, filter *regexp.Regexp) bool {
	for name := range b.Passed[build] {
		if filter.MatchString(name) {
			return true
		}
	}
	return false
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

// Survivors names, per register, the mutants that survived: "x9
// (clobber)", "fpcr (x10) (restore)", each register once per step, in
// mutant order.
func Survivors(outcomes []Outcome) []string {
	var out []string
	for _, o := range outcomes {
		if o.Killed || o.Err != nil {
			continue
		}
		name := fmt.Sprintf("%s (%s)", o.Mutant.Site.Regs[o.Mutant.Drop].Name, o.Mutant.Site.Step)
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
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

// Unclaimed are the callee-saved registers of p's arch (the slots of its
// probe.S that are neither declarable control and status state nor kept by
// every frame record, arch.Port.DeclarableSlots and FrameRecord) that p's
// switch source does not save: no clobber list names them and no save the
// check knows stores them. Such a register survives a switch only in the
// builds whose compiler happens to use it, and so saves it, for itself
// (clang keeping an address in x28 across the shift), which no canary can
// tell from a real save: the source must claim it. In slot order.
func Unclaimed(p arch.Port) ([]string, error) {
	file, data, err := claimsSource(p)
	if err != nil {
		return nil, err
	}
	_, sites, _, err := load(p, file, data)
	if err != nil {
		return nil, err
	}
	in, err := portISA(p)
	if err != nil {
		return nil, err
	}
	slots, err := p.Slots()
	if err != nil {
		return nil, err
	}
	claimed := map[string]bool{}
	for _, reg := range append(p.DeclarableSlots(), p.FrameRecord...) {
		claimed[in.canonical(reg)] = true
	}
	for _, s := range sites {
		for _, r := range s.Regs {
			claimed[in.canonical(r.Name)] = true
		}
		if s.move.covers != nil {
			for _, slot := range slots {
				if s.move.covers.MatchString(in.canonical(slot)) {
					claimed[in.canonical(slot)] = true
				}
			}
		}
	}
	var unclaimed []string
	for _, slot := range slots {
		if !claimed[in.canonical(slot)] {
			unclaimed = append(unclaimed, slot)
		}
	}
	return unclaimed, nil
}

// switchDefinition is the definition of a switch function in a C source:
// slp_switch (SLP and stacklet styles) or sl_arch_switch, its parameter
// list, then its body.
var switchDefinition = regexp.MustCompile(`\b(?:slp_switch|sl_arch_switch)\s*\([^;{}]*\)\s*\{`)

// claimsSource is the file p's claims are read from, and its text: the
// switch source, or, where that defines no switch but includes the header
// that does (a glue header around someone's unedited one), that header.
// The files are those the switch's build reads from the port
// (Foreign.Provenance: the switch source, the files its cflags force in
// and what these include); the #defines of the others follow the header's
// text, so that a clobber list the glue defines still names its registers.
// Two included headers that each define a switch are an error: which one
// the build compiles is the preprocessor's choice (slp_platformselect.h),
// and a clobber list of the other would claim registers for it.
func claimsSource(p arch.Port) (string, []byte, error) {
	file := p.SwitchSource()
	data, err := inputfile.Read(file)
	if err != nil || p.Foreign == nil || !isC(file) || switchDefinition.Match(code(data)) {
		return file, data, err
	}
	var defining, others []string
	texts := map[string][]byte{file: data}
	for _, f := range p.Foreign.Provenance {
		if f.Role != arch.RoleInclude && f.Role != arch.RoleForced {
			continue
		}
		text, err := inputfile.Read(f.Path)
		if err != nil {
			return "", nil, err
		}
		texts[f.Path] = text
		if f.Role == arch.RoleInclude && switchDefinition.Match(code(text)) {
			defining = append(defining, f.Path)
		} else {
			others = append(others, f.Path)
		}
	}
	switch len(defining) {
	case 0:
		return file, data, nil
	case 1:
	default:
		return "", nil, fmt.Errorf("%s defines no switch, and the headers it includes each define one (%s): the claims check cannot tell which one the build compiles; name that one as the switch", file, strings.Join(defining, ", "))
	}
	src := append([]byte{}, texts[defining[0]]...)
	for _, f := range append([]string{file}, others...) {
		src = append(src, defines(texts[f])...)
	}
	return defining[0], src, nil
}

// code is src without its comments and preprocessor lines, its tokens
// apart.
func code(src []byte) []byte {
	s := string(src)
	var out []byte
	for _, t := range tokens(s, 0, len(s), func(start, end int) {}) {
		out = append(out, s[t.start:t.end]...)
		out = append(out, ' ')
	}
	return out
}

// defines are the #define lines of src (continuations included), one
// after the other.
func defines(src []byte) []byte {
	s := string(src)
	var out []byte
	tokens(s, 0, len(s), func(start, end int) {
		if defineRE.MatchString(s[start:end]) {
			out = append(append(append(out, '\n'), s[start:end]...), '\n')
		}
	})
	return out
}
