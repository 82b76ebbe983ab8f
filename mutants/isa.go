package mutants

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/stackslice/stackslice/arch"
)

// Class is a kind of register a save or restore moves.
type Class string

const (
	GPR     Class = "GPR"
	FP      Class = "FP"
	Vector  Class = "vector"
	Control Class = "control"
)

// Classes in the order scores list them.
var Classes = []Class{GPR, FP, Vector, Control}

// form says how an instruction moves registers between the frame and the
// CPU (arch.Forms).
type form string

const (
	single   form = "single"
	pair     form = "pair"
	span     form = "span"
	implicit form = "implicit"
	indexed  form = "indexed"
	based    form = "based"
	list     form = "list"
)

// move is what the check knows of a save or restore instruction.
type move struct {
	form         form
	width        int            // bytes per register of a pair, span or list (0: the register's)
	single       string         // the one-register instruction of a pair or span
	last         string         // the implied last register of a span that names only its first (stmw)
	register     string         // the control register of an implicit form
	registerLast bool           // the register (list) is the last operand (AT&T loads, m68k's movem loads)
	stackAdjust  string         // a push or pop: what moves the stack without the register
	stackSlot    string         // a push or pop's memory operand, where it names one (@-r15)
	bareNumbers  string         // what a bare number names as the moved register: "f" (stfd 14: f14)
	covers       *regexp.Regexp // the registers an implicit form's register stands for (windows: l0-l7, i0-i7)
	operand      string         // an implicit form's operand that is no frame slot (ta 3)
	stack        bool           // a list form whose slots are below the stack pointer, which it moves (push)
}

// transfer is an instruction that moves a special register to or from a
// scratch register, for a save or restore on the next lines: the check
// follows the scratch register so that the store of x9 after `mrs x9, fpcr`
// counts as a save of fpcr. reg and special are operand indexes, or -1
// where the special register is implied by the mnemonic (name) or the
// scratch register is the last operand.
type transfer struct {
	name         string
	reg, special int
}

// registerSet is a class of register names.
type registerSet struct {
	class Class
	names *regexp.Regexp
	bytes int
}

type rewrite struct {
	names *regexp.Regexp
	as    string
}

// isa is a port's assembly language as the check reads it: arch.Asm of its
// port.json, compiled.
type isa struct {
	registerPrefix, immediatePrefix string
	lineComments                    []string
	registers                       []registerSet
	rewrites                        []rewrite
	saves, restores                 map[string]move
	transfers                       map[string]transfer
	returns                         []string
}

// whole anchors a regular expression of port.json to the whole name.
func whole(expr string) (*regexp.Regexp, error) { return regexp.Compile(`^(?:` + expr + `)$`) }

// newISA compiles a port's asm data.
func newISA(a *arch.Asm) (*isa, error) {
	if a == nil {
		return nil, fmt.Errorf("the port's port.json has no \"asm\" object")
	}
	i := &isa{registerPrefix: a.RegisterPrefix, immediatePrefix: a.ImmediatePrefix, lineComments: a.LineComments,
		saves: map[string]move{}, restores: map[string]move{}, transfers: map[string]transfer{}, returns: a.Returns}
	for _, r := range a.Registers {
		re, err := whole(r.Names)
		if err != nil {
			return nil, fmt.Errorf("asm.registers: %w", err)
		}
		i.registers = append(i.registers, registerSet{class: Class(r.Class), names: re, bytes: r.Bytes})
	}
	for _, r := range a.Canonical {
		re, err := whole(r.Names)
		if err != nil {
			return nil, fmt.Errorf("asm.canonical: %w", err)
		}
		i.rewrites = append(i.rewrites, rewrite{names: re, as: r.As})
	}
	for from, to := range map[*map[string]arch.Move]map[string]move{&a.Saves: i.saves, &a.Restores: i.restores} {
		for m, mv := range *from {
			to[m] = move{form: form(mv.Form), width: mv.Width, single: mv.Single, last: mv.Last, register: mv.Register,
				registerLast: mv.RegisterLast, stackAdjust: mv.StackAdjust, stackSlot: mv.StackSlot, bareNumbers: mv.BareNumbers,
				operand: mv.Operand, stack: mv.Stack}
			if mv.Covers != "" {
				re, err := whole(mv.Covers)
				if err != nil {
					return nil, fmt.Errorf("asm %s covers: %w", m, err)
				}
				mv := to[m]
				mv.covers = re
				to[m] = mv
			}
		}
	}
	for m, t := range a.Transfers {
		tr := transfer{name: t.Register, reg: -1, special: -1}
		if t.Scratch != nil {
			tr.reg = *t.Scratch
		}
		if t.Special != nil {
			tr.special = *t.Special
		}
		i.transfers[m] = tr
	}
	return i, nil
}

// portISA is the isa of p's port.json (for a foreign port, its base's).
func portISA(p arch.Port) (*isa, error) {
	i, err := newISA(p.Asm)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.DataPath(), err)
	}
	return i, nil
}

// scratchOf is the scratch register a transfer reads or writes. A reg of -1
// means the last operand (fscsr t0 and fscsr t1, t0 both read the last).
func (t transfer) scratchOf(ops []string, in *isa) (string, bool) {
	i := t.reg
	if i < 0 {
		i = len(ops) - 1
	}
	if i < 0 || i >= len(ops) {
		return "", false
	}
	return in.regName(ops[i]), true
}

// specialOf is the special register a transfer moves.
func (t transfer) specialOf(ops []string, in *isa) string {
	if t.special < 0 {
		return t.name
	}
	if t.special < len(ops) {
		return strings.ToLower(in.regName(ops[t.special]))
	}
	return ""
}

// regName strips an operand to the register it names: "%r6" → "r6",
// "$f20" → "f20" where registers are written with that prefix.
func (in *isa) regName(op string) string {
	op = strings.TrimSpace(op)
	if in.registerPrefix != "" {
		op = strings.TrimLeft(op, in.registerPrefix) // %%rbx in a C template with operands
	}
	return op
}

// set is the register set name belongs to, or nil.
func (in *isa) set(name string) *registerSet {
	name = strings.ToLower(in.regName(name))
	for k := range in.registers {
		if in.registers[k].names.MatchString(name) {
			return &in.registers[k]
		}
	}
	return nil
}

// isRegister tells whether an operand names a register rather than memory
// or an immediate.
func (in *isa) isRegister(op string) bool {
	op = strings.TrimSpace(op)
	if op == "" || strings.ContainsAny(op, "([{") || in.immediatePrefix != "" && strings.HasPrefix(op, in.immediatePrefix) {
		return false
	}
	return in.set(op) != nil
}

// classify says what kind of register name is (a name no set matches
// counts as a GPR).
func (in *isa) classify(name string) Class {
	if s := in.set(name); s != nil {
		return s.class
	}
	return GPR
}

// regWidth is the size in bytes of a register by its name, for pairs.
func (in *isa) regWidth(name string) int {
	if s := in.set(name); s != nil && s.bytes > 0 {
		return s.bytes
	}
	return 8
}

// numbered splits a register name into its prefix and number; a bare
// number (powerpc's 14, s390x's 6) has none.
var numbered = regexp.MustCompile(`^([a-z]*?)(\d+)$`)

// named is the register op names as the register an instruction moves: a
// bare number is the move's bareNumbers register of that number (stfd 14:
// f14), any other operand itself.
func (mv move) named(op string) string {
	trimmed := strings.TrimSpace(op)
	if mv.bareNumbers == "" || trimmed == "" || strings.Trim(trimmed, "0123456789") != "" {
		return op
	}
	return mv.bareNumbers + trimmed
}

// spanOperands reads a span site's operands: the registers of its range
// and the index of its frame slot operand. A span with an implied last
// register (stmw %r14, 16(%r1)) names only its first.
func (s Site) spanOperands() (regs []string, mem int, err error) {
	ops, in := s.ops, s.isa
	if s.move.last != "" {
		if len(ops) != 2 || !in.isRegister(s.move.named(ops[0])) {
			return nil, 0, fmt.Errorf("expected the first register of a range to %s and a frame slot", s.move.last)
		}
		last := ops[0][:strings.Index(ops[0], in.regName(ops[0]))] + s.move.last
		regs, err = in.spanRegs(ops[0], last)
		return regs, 1, err
	}
	if len(ops) != 3 || !in.isRegister(s.move.named(ops[0])) || !in.isRegister(s.move.named(ops[1])) {
		return nil, 0, errors.New("expected the first and last register of a range and a frame slot")
	}
	regs, err = in.spanRegs(ops[0], ops[1])
	return regs, 2, err
}

// spanRegs lists the registers of a range: %r6, %r9 → %r6 %r7 %r8 %r9.
func (in *isa) spanRegs(first, last string) ([]string, error) {
	fm, lm := numbered.FindStringSubmatch(strings.ToLower(in.regName(first))), numbered.FindStringSubmatch(strings.ToLower(in.regName(last)))
	if fm == nil || lm == nil || fm[1] != lm[1] {
		return nil, fmt.Errorf("cannot read the register range %s to %s", first, last)
	}
	from, _ := strconv.Atoi(fm[2])
	to, _ := strconv.Atoi(lm[2])
	if to < from {
		return nil, fmt.Errorf("the register range %s to %s wraps around; write it as two", first, last)
	}
	prefix := first[:strings.Index(first, in.regName(first))] + fm[1]
	var regs []string
	for n := from; n <= to; n++ {
		regs = append(regs, prefix+strconv.Itoa(n))
	}
	return regs, nil
}

// listOperands reads a list site's operands: the registers of its list,
// ranges expanded, in the order written (the order of their slots), and
// the indexes of the list operand and of its frame slot.
func (s Site) listOperands() (regs []string, list, mem int, err error) {
	list, mem = 0, 1
	if s.move.registerLast {
		list, mem = 1, 0
	}
	if s.move.stack {
		// push {r4-r11}: the list alone; its slots are the stack's.
		if len(s.ops) != 1 {
			return nil, 0, 0, errors.New("expected a register list")
		}
		regs, err = s.isa.listRegs(s.ops[0])
		return regs, 0, -1, err
	}
	if len(s.ops) != 2 {
		return nil, 0, 0, errors.New("expected a register list and a frame slot")
	}
	regs, err = s.isa.listRegs(s.ops[list])
	return regs, list, mem, err
}

// listRegs expands a register list: %d2-%d4/%a2 → %d2 %d3 %d4 %a2, and
// {r4-r6, lr} alike. Every item must be a register or a range of them, each
// register named once.
func (in *isa) listRegs(op string) ([]string, error) {
	inner := strings.TrimSpace(op)
	if strings.HasPrefix(inner, "{") && strings.HasSuffix(inner, "}") {
		inner = inner[1 : len(inner)-1]
	}
	var regs []string
	for _, item := range strings.FieldsFunc(inner, func(r rune) bool { return r == '/' || r == ',' }) {
		item = strings.TrimSpace(item)
		first, last, isRange := strings.Cut(item, "-")
		first, last = strings.TrimSpace(first), strings.TrimSpace(last)
		switch {
		case isRange && in.isRegister(first) && in.isRegister(last):
			span, err := in.spanRegs(first, last)
			if err != nil {
				return nil, err
			}
			regs = append(regs, span...)
		case !isRange && in.isRegister(item):
			regs = append(regs, item)
		default:
			return nil, fmt.Errorf("expected a register list, not %q (%q is no register or range of them that asm.registers names)", op, item)
		}
	}
	if len(regs) == 0 {
		return nil, fmt.Errorf("expected a register list, not %q", op)
	}
	seen := map[string]bool{}
	for _, r := range regs {
		name := in.canonical(r)
		if seen[name] {
			return nil, fmt.Errorf("the register list %s names %s twice", op, in.regName(r))
		}
		seen[name] = true
	}
	return regs, nil
}

// writeList writes regs as a list in the style of op: ranges of numbered
// registers first-last, joined by / (m68k) or, in braces, by commas.
func (in *isa) writeList(op string, regs []string) string {
	var items []string
	for i := 0; i < len(regs); {
		j := i
		for j+1 < len(regs) && consecutive(in, regs[j], regs[j+1]) {
			j++
		}
		if j > i {
			items = append(items, regs[i]+"-"+regs[j])
		} else {
			items = append(items, regs[i])
		}
		i = j + 1
	}
	if strings.HasPrefix(strings.TrimSpace(op), "{") {
		return "{" + strings.Join(items, ", ") + "}"
	}
	return strings.Join(items, "/")
}

// consecutive tells whether b is the register numbered after a: %d3 after %d2.
func consecutive(in *isa, a, b string) bool {
	am, bm := numbered.FindStringSubmatch(strings.ToLower(in.regName(a))), numbered.FindStringSubmatch(strings.ToLower(in.regName(b)))
	if am == nil || bm == nil || am[1] != bm[1] {
		return false
	}
	an, _ := strconv.Atoi(am[2])
	bn, _ := strconv.Atoi(bm[2])
	return bn == an+1
}

// dataDirectives emit bytes the check cannot read: a save written as
// `.byte 0x41,0x57` (push r15) would be no site, and its mutants none. In
// steps 1 and 5 they are refused, annotated or not.
var dataDirectives = map[string]bool{
	".byte": true, ".2byte": true, ".4byte": true, ".8byte": true, ".short": true, ".hword": true, ".word": true,
	".int": true, ".long": true, ".quad": true, ".octa": true, ".inst": true, ".inst.n": true, ".inst.w": true,
	".insn": true, ".dc": true, ".dc.b": true, ".dc.w": true, ".dc.l": true, ".dc.a": true, ".fill": true,
	".skip": true, ".space": true, ".zero": true, ".ascii": true, ".asciz": true, ".string": true, ".incbin": true,
	".rept": true, ".irp": true, ".irpc": true, ".macro": true, ".include": true, ".float": true, ".single": true,
	".double": true, ".sleb128": true, ".uleb128": true, ".value": true,
}

// readsNothing are directives that emit no code: unwind and debug
// information.
func readsNothing(mnemonic string) bool {
	return strings.HasPrefix(mnemonic, ".cfi_") || mnemonic == ".loc"
}

// isReturn tells whether mnemonic ends step 5.
// destinationLast tells whether an instruction writes its last operand
// (AT&T, m68k, sparc, hppa, sh: the ports whose loads name the register
// last) rather than its first.
func (in *isa) destinationLast() bool {
	for _, mv := range in.restores {
		if mv.registerLast {
			return true
		}
	}
	return false
}

func (in *isa) isReturn(mnemonic string) bool { return slices.Contains(in.returns, mnemonic) }

// canonical is the register name stands for, spelt one way per port (the
// port's asm.canonical rules), so that a clobber-list entry and a save of
// switch.S compare: on arm64 w19 and x19 are x19, d8 and v8 are v8; on x86
// ebx is rbx and r12d is r12. "fpcr (x9)" is fpcr.
func (in *isa) canonical(name string) string {
	name, _, _ = strings.Cut(strings.ToLower(in.regName(name)), " ")
	for _, r := range in.rewrites {
		if m := r.names.FindStringSubmatchIndex(name); m != nil {
			return string(r.names.ExpandString(nil, r.as, name, m))
		}
	}
	return name
}
