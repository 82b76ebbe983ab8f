package mutants

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
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
// CPU.
type form int

const (
	single   form = iota // one register, e.g. str x19, [sp, #10*8]; push %rbx
	pair                 // two registers to adjacent slots: stp x19, x20, [sp, #10*8]
	span                 // a register range to adjacent slots: stmg %r6, %r14, 8(%r15)
	implicit             // a control register named by the instruction: stmxcsr 0(%rsp)
	indexed              // one register, address in two registers: stvx %v20, %r1, %r12
)

// move is what the check knows of a save or restore instruction.
type move struct {
	form     form
	width    int    // bytes per register of a pair or span (0: from the name)
	register string // the control register of an implicit form
	// destLast marks AT&T loads (movq 8(%rsp), %rbx): the register is the
	// last operand, not the first.
	destLast bool
}

// saves and restores are the instructions the check mutates in steps 1 and
// 5, by mnemonic. A mnemonic means the same on every port that has it.
var (
	saves = map[string]move{
		// x86 (AT&T)
		"push": {form: single}, "pushq": {form: single}, "pushl": {form: single},
		"mov": {form: single}, "movq": {form: single}, "movl": {form: single},
		"movsd": {form: single}, "movaps": {form: single}, "movups": {form: single}, "movdqa": {form: single}, "movdqu": {form: single},
		"stmxcsr": {form: implicit, register: "mxcsr"}, "vstmxcsr": {form: implicit, register: "mxcsr"},
		"fnstcw": {form: implicit, register: "x87cw"}, "fstcw": {form: implicit, register: "x87cw"},
		// arm64 and arm
		"str": {form: single}, "stur": {form: single}, "vstr": {form: single},
		"stp": {form: pair}, "strd": {form: pair, width: 4},
		// ppc64le
		"std": {form: single}, "stw": {form: single}, "stfd": {form: single}, "stxsd": {form: single}, "stxv": {form: single},
		"stvx": {form: indexed}, "stxvd2x": {form: indexed}, "stxvw4x": {form: indexed},
		// riscv64 (and mips)
		"sd": {form: single}, "sw": {form: single}, "fsd": {form: single}, "fsw": {form: single}, "sdc1": {form: single},
		// s390x
		"stg": {form: single}, "st": {form: single}, "ste": {form: single},
		"stmg": {form: span, width: 8}, "stm": {form: span, width: 4},
		"stfpc": {form: implicit, register: "fpc"},
	}
	restores = map[string]move{
		"pop": {form: single}, "popq": {form: single}, "popl": {form: single},
		"mov": {form: single, destLast: true}, "movq": {form: single, destLast: true}, "movl": {form: single, destLast: true},
		"movsd": {form: single, destLast: true}, "movaps": {form: single, destLast: true}, "movups": {form: single, destLast: true},
		"movdqa": {form: single, destLast: true}, "movdqu": {form: single, destLast: true},
		"ldmxcsr": {form: implicit, register: "mxcsr"}, "vldmxcsr": {form: implicit, register: "mxcsr"},
		"fldcw": {form: implicit, register: "x87cw"},
		"ldr":   {form: single}, "ldur": {form: single}, "vldr": {form: single},
		"ldp": {form: pair}, "ldrd": {form: pair, width: 4},
		"ld": {form: single}, "lwz": {form: single}, "lfd": {form: single}, "lxsd": {form: single}, "lxv": {form: single},
		"lvx": {form: indexed}, "lxvd2x": {form: indexed}, "lxvw4x": {form: indexed},
		"lw": {form: single}, "fld": {form: single}, "flw": {form: single}, "ldc1": {form: single},
		"lg": {form: single}, "l": {form: single}, "le": {form: single},
		"lmg": {form: span, width: 8}, "lm": {form: span, width: 4},
		"lfpc": {form: implicit, register: "fpc"},
	}
)

// transfer is an instruction that moves a special register to or from a
// scratch register, for a save or restore on the next lines: the check
// follows the scratch register so that the store of x9 after `mrs x9, fpcr`
// counts as a save of fpcr. reg and special are operand indexes, or -1
// where the special register is implied by the mnemonic (name).
type transfer struct {
	name         string
	reg, special int
}

var transfers = map[string]transfer{
	// to a scratch register, before a save
	"mrs": {reg: 0, special: 1}, "vmrs": {reg: 0, special: 1}, "csrr": {reg: 0, special: 1},
	"frcsr": {name: "fcsr", reg: 0, special: -1}, "frrm": {name: "frm", reg: 0, special: -1},
	"mffs": {name: "fpscr", reg: 0, special: -1}, "mfvscr": {name: "vscr", reg: 0, special: -1},
	"mfcr": {name: "cr", reg: 0, special: -1}, "mflr": {name: "lr", reg: 0, special: -1},
	"efpc": {name: "fpc", reg: 0, special: -1},
	// from a scratch register, after a restore
	"msr": {reg: 1, special: 0}, "vmsr": {reg: 1, special: 0}, "csrw": {reg: 1, special: 0},
	"fscsr": {name: "fcsr", reg: -1, special: -1}, "fsrm": {name: "frm", reg: -1, special: -1},
	"mtfsf": {name: "fpscr", reg: 1, special: -1}, "mtvscr": {name: "vscr", reg: 0, special: -1},
	"mtcrf": {name: "cr", reg: 1, special: -1}, "mtcr": {name: "cr", reg: 0, special: -1},
	"mtlr": {name: "lr", reg: 0, special: -1}, "sfpc": {name: "fpc", reg: 0, special: -1},
}

// scratchOf is the scratch register a transfer reads or writes. A reg of -1
// means the last operand (fscsr t0 and fscsr t1, t0 both read the last).
func (t transfer) scratchOf(ops []string) (string, bool) {
	i := t.reg
	if i < 0 {
		i = len(ops) - 1
	}
	if i < 0 || i >= len(ops) {
		return "", false
	}
	return regName(ops[i]), true
}

// specialOf is the special register a transfer moves.
func (t transfer) specialOf(ops []string) string {
	if t.special < 0 {
		return t.name
	}
	if t.special < len(ops) {
		return strings.ToLower(regName(ops[t.special]))
	}
	return ""
}

// controlRegisters are FP and vector control state a coroutine keeps.
var controlRegisters = map[string]bool{
	"mxcsr": true, "x87cw": true, "fpcr": true, "fpsr": true, "fpscr": true, "fcsr": true,
	"frm": true, "fflags": true, "fpc": true, "vscr": true, "cr": true,
}

var (
	numbered = regexp.MustCompile(`^([a-z]+?)(\d+)$`)
	x86Reg   = regexp.MustCompile(`^(r[0-9]+[dwb]?|[re]?[abcd]x|[re]?[sd]il?|[re]?[sb]pl?|[abcd][lh])$`)
)

// regName strips an operand to the register it names: "%r6" → "r6",
// "$f20" → "f20".
func regName(op string) string {
	return strings.TrimLeft(strings.TrimSpace(op), "%$")
}

// isRegister tells whether an operand names a register rather than memory
// or an immediate.
func isRegister(op string) bool {
	op = strings.TrimSpace(op)
	if op == "" || strings.ContainsAny(op, "([#{") || strings.HasPrefix(op, "$") && !strings.HasPrefix(op, "$f") {
		return false
	}
	name := strings.ToLower(regName(op))
	if controlRegisters[name] || x86Reg.MatchString(name) {
		return true
	}
	switch name {
	case "ra", "sp", "fp", "lr", "gp", "tp", "xzr", "wzr":
		return true
	}
	return numbered.MatchString(name)
}

// classify says what kind of register name is, on a port whose triple
// starts with cpu: s0 is a GPR on riscv64 but a single-precision FP register
// on 32-bit arm.
func classify(name, cpu string) Class {
	name = strings.ToLower(regName(name))
	if controlRegisters[name] {
		return Control
	}
	m := numbered.FindStringSubmatch(name)
	if m == nil {
		return GPR // rbx, ra, fp, lr...
	}
	prefix := m[1]
	switch {
	case prefix == "xmm", prefix == "ymm", prefix == "zmm", prefix == "q":
		return Vector
	case prefix == "v" && strings.HasPrefix(cpu, "powerpc"):
		return Vector
	case prefix == "v":
		return FP // arm64 v8-v15: only the low 64 bits are callee-saved
	case prefix == "cr":
		return Control // a ppc64 condition register field
	case prefix == "d", prefix == "f", prefix == "fr", prefix == "fs", prefix == "ft", prefix == "fa":
		return FP
	case prefix == "s" && strings.HasPrefix(cpu, "arm") && !strings.HasPrefix(cpu, "arm64"):
		return FP
	}
	return GPR
}

// regWidth is the size in bytes of an arm64 register by its name, for pairs.
func regWidth(name string) int {
	switch strings.ToLower(regName(name))[0] {
	case 'w', 's':
		return 4
	case 'q':
		return 16
	}
	return 8
}

// spanRegs lists the registers of a range: %r6, %r9 → %r6 %r7 %r8 %r9.
func spanRegs(first, last string) ([]string, error) {
	fm, lm := numbered.FindStringSubmatch(strings.ToLower(regName(first))), numbered.FindStringSubmatch(strings.ToLower(regName(last)))
	if fm == nil || lm == nil || fm[1] != lm[1] {
		return nil, fmt.Errorf("cannot read the register range %s to %s", first, last)
	}
	from, _ := strconv.Atoi(fm[2])
	to, _ := strconv.Atoi(lm[2])
	if to < from {
		return nil, fmt.Errorf("the register range %s to %s wraps around; write it as two", first, last)
	}
	prefix := first[:strings.Index(first, regName(first))] + fm[1]
	var regs []string
	for n := from; n <= to; n++ {
		regs = append(regs, prefix+strconv.Itoa(n))
	}
	return regs, nil
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

// returns end step 5: what follows the return is not the step's.
var returns = map[string]bool{"ret": true, "retq": true, "retl": true, "blr": true, "br": true, "bx": true, "jr": true}

var (
	arm64Reg = regexp.MustCompile(`^([wxbhsdqv])(\d+)$`)
	x86Sub   = regexp.MustCompile(`^(r\d+)[dwb]$`)
)

// canonical is the register name stands for, spelt one way per port, so
// that a clobber-list entry and a save of switch.S compare: on arm64 w19
// and x19 are x19, d8 and v8 are v8; on x86 ebx is rbx and r12d is r12; on
// ppc64 14 is r14 and the fields cr2-cr4 are cr. "fpcr (x9)" is fpcr.
func canonical(name, cpu string) string {
	name, _, _ = strings.Cut(strings.ToLower(regName(name)), " ")
	switch {
	case strings.HasPrefix(cpu, "aarch64"):
		if m := arm64Reg.FindStringSubmatch(name); m != nil {
			if m[1] == "w" || m[1] == "x" {
				return "x" + m[2]
			}
			return "v" + m[2]
		}
	case cpu == "x86_64" || cpu == "i386" || cpu == "i486" || cpu == "i586" || cpu == "i686":
		if m := x86Sub.FindStringSubmatch(name); m != nil {
			return m[1]
		}
		if len(name) == 3 && name[0] == 'e' && x86Reg.MatchString(name) {
			return "r" + name[1:]
		}
	case strings.HasPrefix(cpu, "powerpc"):
		if _, err := strconv.Atoi(name); err == nil {
			return "r" + name
		}
		if name == "cr2" || name == "cr3" || name == "cr4" {
			return "cr" // the fields of cr a probe slot holds (the callee-saved ones)
		}
	}
	return name
}
