package arch

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Asm is what the mutation check (package mutants) must know of a port's
// assembly language to read steps 1 and 5 of its switch.S: how registers
// and immediates are written, which instructions save and restore, and how
// control registers reach the frame. It is the "asm" object of port.json;
// the check itself knows only the generic forms (Forms).
type Asm struct {
	// RegisterPrefix is stripped from a register operand: "%" (AT&T, s390x),
	// "$" (MIPS), or "".
	RegisterPrefix string `json:"register_prefix,omitempty"`
	// ImmediatePrefix starts an immediate operand, which is never a
	// register: "$" (AT&T), "#" (arm64), or "" where immediates are bare.
	ImmediatePrefix string `json:"immediate_prefix,omitempty"`
	// LineComments start a comment that runs to the end of the line, at
	// the line's start or after a blank: "@" on 32-bit arm, "#" on MIPS.
	// /* */ comments are always read.
	LineComments []string `json:"line_comments,omitempty"`
	// Registers are the register names, each set a regular expression (Go
	// syntax, matched against the whole lowercase name without the prefix),
	// in the order tried: the first that matches gives the class, and the
	// size of a register of a pair whose move says no width.
	Registers []RegisterSet `json:"registers"`
	// Canonical spells one register one way, so that a clobber-list entry
	// and a probe slot compare: the first rule whose Names matches the whole
	// name rewrites it to As ($1 is the first group).
	Canonical []Rewrite `json:"canonical,omitempty"`
	// Saves (step 1) and Restores (step 5) are the instructions the check
	// mutates, by lowercase mnemonic.
	Saves    map[string]Move `json:"saves"`
	Restores map[string]Move `json:"restores"`
	// Transfers move a control register to or from a scratch register
	// (mrs x9, fpcr; mffs f0): the save or restore of the scratch register
	// next to one counts as that of the control register.
	Transfers map[string]Transfer `json:"transfers,omitempty"`
	// Returns are the mnemonics that end step 5.
	Returns []string `json:"returns"`
}

// RegisterSet is a set of register names of one class.
type RegisterSet struct {
	Class string `json:"class"` // one of Classes
	Names string `json:"names"` // a regular expression
	Bytes int    `json:"bytes,omitempty"`
}

// Rewrite is a rule of Asm.Canonical.
type Rewrite struct {
	Names string `json:"names"`
	As    string `json:"as"`
}

// Move says how an instruction moves registers between the frame and the CPU.
type Move struct {
	// Form is one of Forms.
	Form string `json:"form"`
	// Width is the bytes per register of a pair, span or list (a pair
	// without one takes its registers' bytes).
	Width int `json:"width,omitempty"`
	// Single is the one-register instruction of a pair or span form, which
	// a mutant that drops one register writes for the other.
	Single string `json:"single,omitempty"`
	// Last is the implied last register of a span form that names only its
	// first: powerpc's stmw %r14, 4*4(%r1) stores r14 to r31.
	Last string `json:"last,omitempty"`
	// Register is what the implicit form moves: a control register
	// (stmxcsr: mxcsr), or of the class of the asm.registers set that names
	// it (sparc64's flushw: "windows", the callers' register windows).
	Register string `json:"register,omitempty"`
	// RegisterLast marks a single or list form whose register (list) is
	// the last operand, the frame slot first (AT&T loads: movq 8(%rsp),
	// %rbx; m68k: movem.l 8(%sp), %d2-%d7/%a2-%a6).
	RegisterLast bool `json:"register_last,omitempty"`
	// StackAdjust marks a single form whose one operand is the register
	// and whose frame slot is the stack pointer's move (push, pop): a
	// mutant replaces it with this instruction, the same move without the
	// register.
	StackAdjust string `json:"stack_adjust,omitempty"`
	// StackSlot is the memory operand of a push or pop that names its
	// register and the stack pointer it moves (SH's mov.l r8, @-r15 and
	// mov.l @r15+, r8): with it, a stack_adjust form takes a register and
	// exactly this operand, and no other address.
	StackSlot string `json:"stack_slot,omitempty"`
	// BareNumbers names the register a bare number written as the moved
	// register means in this instruction: "f" where powerpc's stfd 14,
	// -144(1) stores f14 and s390x's std 8, 128(15) stores f8, "v" for
	// stvx 20, 12, 1. Without it a bare number is what asm.registers and
	// asm.canonical make of it (a GPR on powerpc). Base and index
	// registers of the address are never renamed.
	BareNumbers string `json:"bare_numbers,omitempty"`
	// Covers are the registers an implicit form's register stands for, a
	// regular expression matched against the whole canonical name (a
	// probe slot): sparc64's flushw saves "windows", every caller's
	// %l0-%l7 and %i0-%i7 ("[li][0-7]"), so a switch source that flushes
	// the windows claims them.
	Covers string `json:"covers,omitempty"`
	// Operand is the one operand of an implicit form that is no frame
	// slot but says what the instruction does: sparc's "ta 3", the
	// software trap that flushes the register windows (ST_FLUSH_WINDOWS).
	Operand string `json:"operand,omitempty"`
	// Stack marks a list form without a frame slot operand: it stores the
	// list below the stack pointer and moves it (arm's push {r4-r11},
	// vpush {d8-d15}), or loads it from there (pop). A foreign switch
	// claims its registers by it; a mutant cannot drop one and keep the
	// others' slots, so our own switch.S allocates the frame first.
	Stack bool `json:"stack,omitempty"`
}

// Forms are the ways a Move can move registers.
var Forms = []string{
	"single",   // one register and a frame slot: str x19, [sp, #10*8]; push %rbx, mov.l r8, @-r15 (with stack_adjust)
	"pair",     // two registers to adjacent slots: stp x19, x20, [sp, #10*8]
	"span",     // a register range to adjacent slots: stmg %r6, %r14, 8(%r15); stmw %r14, 16(%r1) (with last)
	"implicit", // a register named by the instruction: stmxcsr 0(%rsp); without an operand where it finds the memory itself: flushw
	"indexed",  // one register, its address in two registers: stvx %v20, %r1, %r12
	"based",    // one register, its address a base register and an offset written as two operands: st.d $s0, $sp, 9*8 (LoongArch)
	"list",     // a register list, one operand of registers and first-last ranges joined by / or , (in braces or not), to adjacent slots in the order written: movem.l %d2-%d7/%a2-%a6, 2*4(%sp)
}

// Classes are the kinds of register, in the order scores list them.
var Classes = []string{"GPR", "FP", "vector", "control"}

// Transfer is an instruction that moves a control register to or from a
// scratch register.
type Transfer struct {
	// Register is the control register when the mnemonic implies it
	// (mffs: fpscr); else Special is the index of the operand naming it
	// (mrs x9, fpcr: 1).
	Register string `json:"register,omitempty"`
	Special  *int   `json:"special,omitempty"`
	// Scratch is the index of the scratch register's operand; absent, the
	// last operand.
	Scratch *int `json:"scratch,omitempty"`
}

func compiles(expr string) bool {
	_, err := regexp.Compile(expr)
	return err == nil
}

// names tells whether a set of a.Registers names the register.
func (a *Asm) names(register string) bool {
	for _, r := range a.Registers {
		if re, err := regexp.Compile(`^(?:` + r.Names + `)$`); err == nil && re.MatchString(register) {
			return true
		}
	}
	return false
}

func (a *Asm) validate() error {
	if a == nil {
		return errors.New(`missing asm (what the mutation check must know of the port's assembly; see docs/adding-a-port.md, "port.json")`)
	}
	var errs []error
	if len(a.Registers) == 0 {
		errs = append(errs, errors.New("asm.registers is empty"))
	}
	for i, r := range a.Registers {
		if !slices.Contains(Classes, r.Class) {
			errs = append(errs, fmt.Errorf("asm.registers[%d]: class %q is none of %s", i, r.Class, strings.Join(Classes, ", ")))
		}
		if _, err := regexp.Compile(r.Names); err != nil || r.Names == "" {
			errs = append(errs, fmt.Errorf("asm.registers[%d]: names %q is no regular expression", i, r.Names))
		}
	}
	for i, r := range a.Canonical {
		if _, err := regexp.Compile(r.Names); err != nil || r.Names == "" {
			errs = append(errs, fmt.Errorf("asm.canonical[%d]: names %q is no regular expression", i, r.Names))
		}
	}
	if len(a.Saves) == 0 || len(a.Restores) == 0 {
		errs = append(errs, errors.New("asm.saves and asm.restores must each name an instruction"))
	}
	for _, table := range []struct {
		name  string
		moves map[string]Move
	}{{"saves", a.Saves}, {"restores", a.Restores}} {
		mnemonics := make([]string, 0, len(table.moves))
		for m := range table.moves {
			mnemonics = append(mnemonics, m)
		}
		sort.Strings(mnemonics)
		for _, m := range mnemonics {
			mv := table.moves[m]
			where := fmt.Sprintf("asm.%s.%s", table.name, m)
			switch {
			case m != strings.ToLower(m):
				errs = append(errs, fmt.Errorf("%s: mnemonics are written in lowercase", where))
			case !slices.Contains(Forms, mv.Form):
				errs = append(errs, fmt.Errorf("%s: form %q is none of %s", where, mv.Form, strings.Join(Forms, ", ")))
			case (mv.Form == "pair" || mv.Form == "span") && mv.Single == "":
				errs = append(errs, fmt.Errorf("%s: a %s form needs \"single\", its one-register instruction", where, mv.Form))
			case (mv.Form == "span" || mv.Form == "list") && mv.Width <= 0:
				errs = append(errs, fmt.Errorf("%s: a %s form needs \"width\", the bytes per register", where, mv.Form))
			case mv.Form == "implicit" && mv.Register == "":
				errs = append(errs, fmt.Errorf("%s: an implicit form needs \"register\", the control register it moves", where))
			case mv.Last != "" && mv.Form != "span":
				errs = append(errs, fmt.Errorf("%s: last goes with the span form only", where))
			case mv.RegisterLast && mv.Form != "single" && mv.Form != "list":
				errs = append(errs, fmt.Errorf("%s: register_last goes with the single and list forms only", where))
			case mv.StackAdjust != "" && mv.Form != "single":
				errs = append(errs, fmt.Errorf("%s: stack_adjust goes with the single form only", where))
			case mv.StackSlot != "" && mv.StackAdjust == "":
				errs = append(errs, fmt.Errorf("%s: stack_slot goes with stack_adjust only (a push or pop)", where))
			case mv.Stack && mv.Form != "list":
				errs = append(errs, fmt.Errorf("%s: stack goes with the list form only", where))
			case (mv.Covers != "" || mv.Operand != "") && mv.Form != "implicit":
				errs = append(errs, fmt.Errorf("%s: covers and operand go with the implicit form only", where))
			case mv.Covers != "" && !compiles(mv.Covers):
				errs = append(errs, fmt.Errorf("%s: covers %q is no regular expression", where, mv.Covers))
			case mv.BareNumbers != "" && !a.names(mv.BareNumbers+"0"):
				errs = append(errs, fmt.Errorf("%s: bare_numbers %q makes names (%s0) no set of asm.registers names", where, mv.BareNumbers, mv.BareNumbers))
			}
		}
	}
	for m, t := range a.Transfers {
		if (t.Register == "") == (t.Special == nil) {
			errs = append(errs, fmt.Errorf("asm.transfers.%s: give either \"register\" (implied by the mnemonic) or \"special\" (its operand)", m))
		}
	}
	if len(a.Returns) == 0 {
		errs = append(errs, errors.New("asm.returns is empty (the mnemonics that end step 5)"))
	}
	return errors.Join(errs...)
}
