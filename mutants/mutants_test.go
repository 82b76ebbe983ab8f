package mutants

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/qemu"
	"github.com/stackslice/stackslice/toolchain/toolchaintest"
)

func names(sites []Site) []string {
	var out []string
	for _, s := range sites {
		for _, r := range s.Regs {
			out = append(out, fmt.Sprintf("%s %s %s", s.Step, r.Name, r.Class))
		}
	}
	return out
}

// armISA is a 32-bit arm asm object as its port.json would have it: s16 is
// an FP register there, and @ starts a comment.
var armISA = func() *isa {
	in, err := newISA(&arch.Asm{
		ImmediatePrefix: "#",
		LineComments:    []string{"@"},
		Registers: []arch.RegisterSet{
			{Class: "GPR", Names: "r[0-9]+|sp|lr|fp|ip", Bytes: 4},
			{Class: "FP", Names: "d[0-9]+", Bytes: 8},
			{Class: "FP", Names: "s[0-9]+", Bytes: 4},
		},
		Saves:    map[string]arch.Move{"vstr": {Form: "single"}},
		Restores: map[string]arch.Move{"vldr": {Form: "single"}},
		Returns:  []string{"bx"},
	})
	if err != nil {
		panic(err)
	}
	return in
}()

// mipsISA is a MIPS asm object: registers are written $16 or $s0, so $
// starts a register there, never an immediate, and # starts a comment.
var mipsISA = func() *isa {
	in, err := newISA(&arch.Asm{
		RegisterPrefix: "$",
		LineComments:   []string{"#"},
		Registers: []arch.RegisterSet{
			{Class: "GPR", Names: "[0-9]|[12][0-9]|3[01]|s[0-8]|gp|sp|fp|ra|t[0-9]|a[0-7]|v[01]|zero|at|k[01]", Bytes: 8},
			{Class: "FP", Names: "f[0-9]+", Bytes: 8},
			{Class: "control", Names: "fcsr"},
		},
		Saves:     map[string]arch.Move{"sd": {Form: "single"}, "sdc1": {Form: "single"}},
		Restores:  map[string]arch.Move{"ld": {Form: "single"}, "ldc1": {Form: "single"}},
		Transfers: map[string]arch.Transfer{"cfc1": {Register: "fcsr", Scratch: new(int)}, "ctc1": {Register: "fcsr", Scratch: new(int)}},
		Returns:   []string{"jr"},
	})
	if err != nil {
		panic(err)
	}
	return in
}()

func TestFindReadsEveryForm(t *testing.T) {
	tests := []struct {
		name, cpu, src string
		want           []string
	}{
		{"x86 pushes, control words and frame", "amd64", `
	/* 1. save */
	pushq	%rbp
	subq	$1*8, %rsp	/* sl:not-a-save: room for the control words */
	stmxcsr	0*8(%rsp)
	fnstcw	0*8+4(%rsp)
	movq	%rbx, 8(%rsp)
	/* 2. next */
	movq	%rsp, %rdi
	/* 5. restore */
	movq	8(%rsp), %rbx
	fldcw	0*8+4(%rsp)
	popq	%rbp
	ret
	popq	%rbx`, []string{"save rbp GPR", "save mxcsr control", "save x87cw control", "save rbx GPR",
			"restore rbx GPR", "restore x87cw control", "restore rbp GPR"}},
		{"arm64 pairs and FPCR through a scratch register", "arm64", `
	/* 1. save */
	sub	sp, sp, #4*8	// sl:not-a-save: the frame
	stp	x19, x20, [sp, #2*8]
	str	d8, [sp, #1*8]
	mrs	x9, fpcr	/* sl:not-a-save: fpcr reaches the frame through x9 */
	str	x9, [sp]
	/* 5. restore */
	ldr	x9, [sp]
	msr	fpcr, x9	/* sl:not-a-save: fpcr comes back through x9 */
	ldp	x19, x20, [sp, #2*8]
	ldr	d8, [sp, #1*8]
	ret`, []string{"save x19 GPR", "save x20 GPR", "save d8 FP", "save fpcr (x9) control",
			"restore fpcr (x9) control", "restore x19 GPR", "restore x20 GPR", "restore d8 FP"}},
		{"s390x ranges and FPC", "s390x", `
	/* 1. save */
	stmg	%r6, %r8, 160+8(%r15)
	stfpc	160(%r15)
	std	%f8, 160+32(%r15)
	/* 5. restore */
	lmg	%r6, %r8, 160+8(%r15)
	lfpc	160(%r15)
	ld	%f8, 160+32(%r15)
	br	%r14`, []string{"save r6 GPR", "save r7 GPR", "save r8 GPR", "save fpc control", "save f8 FP",
			"restore r6 GPR", "restore r7 GPR", "restore r8 GPR", "restore fpc control", "restore f8 FP"}},
		{"ppc64le vectors, CR, LR and a declared mnemonic", "ppc64le", `
	/* sl:not-a-save li: sets the index register of the vector slot that follows */
	/* 1. save */
	mflr	%r0	/* sl:not-a-save: LR reaches the frame through r0 */
	mfcr	%r12	/* sl:not-a-save: CR reaches the frame through r12 */
	std	%r0, 2*8(%r1)
	stw	%r12, 1*8(%r1)
	li	%r12, 42*8
	stvx	%v20, %r1, %r12
	mffs	%f0	/* sl:not-a-save: FPSCR through f0 */
	stfd	%f0, 40*8(%r1)
	/* 5. restore */
	lfd	%f0, 40*8(%r1)
	mtfsf	0xff, %f0, 1, 0	/* sl:not-a-save: FPSCR from f0 */
	li	%r12, 42*8
	lvx	%v20, %r1, %r12
	ld	%r0, 2*8(%r1)
	mtlr	%r0	/* sl:not-a-save: LR from r0 */
	blr`, []string{"save lr (r0) GPR", "save cr (r12) control", "save v20 vector", "save fpscr (f0) control",
			"restore fpscr (f0) control", "restore v20 vector", "restore lr (r0) GPR"}},
		{"riscv64: s0 is a GPR, fcsr through t0", "riscv64", `
	/* 1. save */
	sd	s0, 8(sp)
	fsd	fs0, 16(sp)
	frcsr	t0	/* sl:not-a-save: fcsr through t0 */
	sd	t0, 0(sp)
	/* 5. restore */
	ld	t0, 0(sp)
	fscsr	t0	/* sl:not-a-save: fcsr from t0 */
	ld	s0, 8(sp)
	fld	fs0, 16(sp)
	ret`, []string{"save s0 GPR", "save fs0 FP", "save fcsr (t0) control", "restore fcsr (t0) control", "restore s0 GPR", "restore fs0 FP"}},
		// LoongArch writes the frame slot as two operands, base and offset;
		// $r23 is s0, and fcsr0 comes through a scratch register.
		{"loong64: base and offset operands, fcsr0 through t0", "loong64", `
	/* 1. save */
	addi.d	$sp, $sp, -FRAME	/* sl:not-a-save: the frame */
	st.d	$ra, $sp, 3*8
	st.d	$r23, $sp, 2*8
	fst.d	$fs0, $sp, 1*8
	movfcsr2gr	$t0, $fcsr0	/* sl:not-a-save: fcsr0 through t0 */
	st.d	$t0, $sp, 0*8
	/* 5. restore */
	ld.d	$t0, $sp, 0*8
	movgr2fcsr	$fcsr0, $t0	/* sl:not-a-save: fcsr0 from t0 */
	fld.d	$fs0, $sp, 1*8
	ld.d	$r23, $sp, 2*8
	ld.d	$ra, $sp, 3*8
	jr	$ra`, []string{"save ra GPR", "save r23 GPR", "save fs0 FP", "save fcsr0 (t0) control",
			"restore fcsr0 (t0) control", "restore fs0 FP", "restore r23 GPR", "restore ra GPR"}},
		{"mips o32: $-registers, FCSR through t0, the delay slot after jr", "mipsel", `
	/* 1. save */
	addiu	$sp, $sp, -8*4	/* sl:not-a-save: the frame */
	sw	$ra, 7*4($sp)
	sw	$s0, 6*4($sp)
	sdc1	$f20, 4*4($sp)
	cfc1	$t0, $31	/* sl:not-a-save: FCSR through t0 */
	sw	$t0, 0*4($sp)
	/* 5. restore */
	lw	$t0, 0*4($sp)
	ctc1	$t0, $31	/* sl:not-a-save: FCSR from t0 */
	ldc1	$f20, 4*4($sp)
	lw	$s0, 6*4($sp)
	lw	$ra, 7*4($sp)
	jr	$ra
	addiu	$sp, $sp, 8*4`, []string{"save ra GPR", "save s0 GPR", "save f20 FP", "save fcsr (t0) control",
			"restore fcsr (t0) control", "restore f20 FP", "restore s0 GPR", "restore ra GPR"}},
		{"32-bit arm: s16 is FP, @ comments", "arm", `
	/* 1. save */
	vstr	d8, [sp, #8]
	vstr	s16, [sp, #16]
	sub	sp, sp, #8	@ sl:not-a-save: the frame
	/* 5. restore */
	vldr	d8, [sp, #8]
	bx	lr`, []string{"save d8 FP", "save s16 FP", "restore d8 FP"}},
		{"mips64: $ starts a register, # a comment, fcsr through a scratch register", "mips", `
	/* 1. save */
	daddiu	$sp, $sp, -FRAME	# sl:not-a-save: the frame
	sd	$s0, 8($sp)
	sd	$16, 16($sp)	# the same register by number
	sdc1	$f24, 24($sp)
	cfc1	$t0, $31	# sl:not-a-save: fcsr reaches the frame through t0
	sd	$t0, 0($sp)
	/* 5. restore */
	ld	$t0, 0($sp)
	ctc1	$t0, $31	# sl:not-a-save: fcsr comes back through t0
	ld	$s0, 8($sp)
	ldc1	$f24, 24($sp)
	jr	$ra`, []string{"save s0 GPR", "save 16 GPR", "save f24 FP", "save fcsr (t0) control",
			"restore fcsr (t0) control", "restore s0 GPR", "restore f24 FP"}},
		// A register list saves each register of its ranges: movem.l and
		// fmovem.x (96-bit slots) on m68k, where | starts a comment and
		// %fp is a6, never an FP register.
		{"m68k register lists, FPCR by name", "m68k", `
	/* 1. save */
	lea	-FRAME(%sp), %sp	| sl:not-a-save: the frame
	fmove.l	%fpcr, 1*4(%sp)
	movem.l	%d2-%d4/%a2/%fp, 2*4(%sp)
	fmovem.x	%fp2-%fp3, 13*4(%sp)
	/* 5. restore */
	fmove.l	1*4(%sp), %fpcr
	movem.l	2*4(%sp), %d2-%d4/%a2/%fp
	fmovem.x	13*4(%sp), %fp2-%fp3
	rts`, []string{"save fpcr control", "save d2 GPR", "save d3 GPR", "save d4 GPR", "save a2 GPR", "save fp GPR",
			"save fp2 FP", "save fp3 FP", "restore fpcr control", "restore d2 GPR", "restore d3 GPR", "restore d4 GPR",
			"restore a2 GPR", "restore fp GPR", "restore fp2 FP", "restore fp3 FP"}},
		{"sparc64: windows flushed and filled by instructions without operands, loads register last", "sparc64", `
	/* 1. save */
	save	%sp, -FRAME, %sp	/* sl:not-a-save: a window and the frame */
	flushw
	stx	%fsr, [%sp+2047+176+0*8]
	stx	%fp, [%sp+2047+176+1*8]
	/* 5. restore */
	ldx	[%sp+2047+176+0*8], %fsr
	ldx	[%sp+2047+176+1*8], %fp
	restore
	retl
	nop`, []string{"save windows GPR", "save fsr control", "save fp GPR", "restore fsr control", "restore fp GPR", "restore windows GPR"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := map[string]*isa{"arm": armISA, "mips": mipsISA}[tt.cpu]
			if in == nil {
				in = isaOf(t, tt.cpu)
			}
			sites, err := Find(tt.src, in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, names(sites))
		})
	}
}

// A line of step 1 or 5 the check cannot read is an error naming it, never
// a line skipped in silence (vstr once hid 16 saves of a port that way).
func TestFindRefusesWhatItCannotRead(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown save", "/* 1. save */\n\tstnp\tx19, x20, [sp]\n/* 2. */",
			`switch.S:2: stnp x19, x20, [sp]: the check does not know "stnp" as a save instruction (asm.saves); if it saves or restores a register, describe the instruction or the register in the "asm" object of port.json (docs/adding-a-port.md, "port.json"); if it saves or restores none, say so on the line: /* sl:not-a-save: <reason> */`},
		{"frame adjustment without a note", "/* 5. restore */\n\tadd\tsp, sp, #16\n\tret",
			`switch.S:2: add sp, sp, #16: the check does not know "add" as a restore instruction (asm.restores)`},
		{"an x86 immediate is no register", "/* 1. save */\n\tstr\t#1, [sp]\n/* 2. */", `expected a register, not "#1"`},
		{"note without a reason", "/* 1. save */\n\tsub\tsp, sp, #16 /* sl:not-a-save */\n/* 2. */",
			"switch.S:2: sl:not-a-save needs a reason"},
		{"a save declared no save", "/* sl:not-a-save str: scratch */\n/* 1. save */\n/* 2. */",
			"switch.S:1: sl:not-a-save str: str is a save instruction; annotate each line that is none instead"},
		{"pair with writeback", "/* 1. save */\n\tstp\tx29, x30, [sp, #-16]!\n/* 2. */",
			"a pair or range with writeback cannot lose one register and keep the frame; allocate the frame first"},
		{"store without a slot", "/* 1. save */\n\tstr\tx19, x20\n/* 2. */", "expected a frame slot"},
		{"a based store without an offset", "/* 1. save */\n\tst.d\t$s0, $sp\n/* 2. */", "expected a register, a base register and an offset"},
		{"a based store indexed by a register", "/* 1. save */\n\tst.d\t$s0, $sp, $t0\n/* 2. */", "expected a register, a base register and an offset"},
		// A list that moves its base cannot lose a register and keep the
		// others' slots either.
		{"list with predecrement", "/* 1. save */\n\tmovem.l\t%d2-%d7/%a2-%a6, -(%sp)\n/* 2. */",
			"a pair or range with writeback cannot lose one register and keep the frame; allocate the frame first"},
		{"list with postincrement", "/* 5. restore */\n\tmovem.l\t(%sp)+, %d2-%d7\n\trts",
			"a pair or range with writeback cannot lose one register and keep the frame; allocate the frame first"},
		{"list naming no register", "/* 1. save */\n\tmovem.l\t%d2-%q7, 8(%sp)\n/* 2. */",
			`expected a register list, not "%d2-%q7"`},
		{"list naming a register twice", "/* 1. save */\n\tmovem.l\t%d2-%d4/%d3, 8(%sp)\n/* 2. */",
			"the register list %d2-%d4/%d3 names d3 twice"},
		{"list range across register kinds", "/* 1. save */\n\tmovem.l\t%d6-%a2, 8(%sp)\n/* 2. */",
			"cannot read the register range %d6 to %a2"},
		{"control word without a slot", "/* 1. save */\n\tstmxcsr\t%rsp, %rbx\n/* 2. */", "expected a frame slot, or no operand"},
		{"control word in a register", "/* 1. save */\n\tstmxcsr\t%rbx\n/* 2. */", "expected a frame slot (a memory operand)"},
		// What the check would skip it could not mutate: data directives
		// (annotated or not), preprocessor lines, two instructions on a line,
		// any other directive without a note.
		{"a save written as data", "/* 1. save */\n\t.inst\t0xa9bf53f3\n/* 2. */",
			"switch.S:2: .inst 0xa9bf53f3: a data directive in step 1 or 5 emits bytes the check cannot read"},
		{"data with a note", "/* 5. restore */\n\t.byte 0x41,0x5f /* sl:not-a-save: padding */\n\tret",
			"switch.S:2: .byte 0x41,0x5f: a data directive"},
		{"an include", "/* 1. save */\n#include \"saves.h\"\n/* 2. */", "switch.S:2: #include \"saves.h\": a preprocessor line in step 1 or 5"},
		{"an include where # starts a comment", "/* 1. save */\n  # include \"saves.h\"\n/* 2. */", "switch.S:2: # include \"saves.h\": a preprocessor line in step 1 or 5"},
		{"two on a line", "/* 1. save */\n\tsub\tsp, sp, #16 ; str\tx19, [sp]\n/* 2. */", "switch.S:2: sub sp, sp, #16 ; str x19, [sp]: one instruction per line"},
		{"another directive", "/* 1. save */\n\t.p2align 4\n/* 2. */", `switch.S:2: .p2align 4: the check does not know ".p2align" as a save instruction`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := isaOf(t, "arm64")
			if strings.Contains(tt.name, "# starts a comment") {
				in = mipsISA
			}
			if strings.HasPrefix(tt.name, "list") {
				in = isaOf(t, "m68k")
			}
			if strings.HasPrefix(tt.name, "control word") {
				in = isaOf(t, "amd64")
			}
			if strings.HasPrefix(tt.name, "a based store") {
				in = isaOf(t, "loong64")
			}
			_, err := Find(tt.src, in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// The x86 save of the issue, push r15 as bytes, among saves the check reads:
// refused, not scored without it. Unwind directives emit nothing and pass.
func TestFindRefusesASaveWrittenAsBytes(t *testing.T) {
	src := "/* 1. save */\n\tpushq\t%r14\n\t.cfi_adjust_cfa_offset 8\n\t.byte\t0x41,0x57\n/* 2. */\n/* 5. restore */\n\tpopq\t%r15\n\tpopq\t%r14\n\tret\n"
	_, err := Find(src, isaOf(t, "amd64"))
	require.Error(t, err)
	assert.Equal(t, "switch.S:4: .byte 0x41,0x57: a data directive in step 1 or 5 emits bytes the check cannot read (a save written as .byte is no site); write the instruction", err.Error())
	sites, err := Find(strings.Replace(src, ".byte\t0x41,0x57", "pushq\t%r15", 1), isaOf(t, "amd64"))
	require.NoError(t, err)
	assert.Len(t, sites, 4)
}

func TestApplyKeepsTheOtherRegistersInTheirSlots(t *testing.T) {
	tests := []struct {
		port, src string
		want      []string
	}{
		{"arm64", "x\n\t/* 1. save */\n\tstp\tx19, x20, [sp, #10*8]\n\tstr\td8, [sp]\n\t/* 2. */\ny", []string{
			"str\tx20, [sp, #10*8+8]",
			"str\tx19, [sp, #10*8]",
			"",
		}},
		{"s390x", "x\n\t/* 1. save */\n\tstmg\t%r6, %r9, 160+8(%r15)\n\t/* 2. */\ny", []string{
			"stmg\t%r7, %r9, 160+8+8(%r15)",
			"stg\t%r6, 160+8(%r15); stmg\t%r8, %r9, 160+8+16(%r15)",
			"stmg\t%r6, %r7, 160+8(%r15); stg\t%r9, 160+8+24(%r15)",
			"stmg\t%r6, %r8, 160+8(%r15)",
		}},
		// stmw names only its first register: a range that does not end at
		// r31 is written one register at a time.
		{"powerpc", "x\n\t/* 1. save */\n\tstmw\t%r28, 4*4(%r1)\n\t/* 2. */\ny", []string{
			"stmw\t%r29, 4*4+4(%r1)",
			"stw\t%r28, 4*4(%r1); stmw\t%r30, 4*4+8(%r1)",
			"stw\t%r28, 4*4(%r1); stw\t%r29, 4*4+4(%r1); stw\t%r31, 4*4+12(%r1)",
			"stw\t%r28, 4*4(%r1); stw\t%r29, 4*4+4(%r1); stw\t%r30, 4*4+8(%r1)",
		}},
		// A list loses one register: what is left of it moves as one or two
		// lists, each from its own first slot, whatever the operands' order.
		{"m68k", "x\n\t/* 1. save */\n\tmovem.l\t%d6-%d7/%a2-%a4, 2*4(%sp)\n\tfmovem.x\t%fp2-%fp4, 13*4(%sp)\n\t/* 5. restore */\n\tmovem.l\t2*4(%sp), %d6-%d7/%a2\n\trts\ny", []string{
			"movem.l\t%d7/%a2-%a4, 2*4+4(%sp)",
			"movem.l\t%d6, 2*4(%sp); movem.l\t%a2-%a4, 2*4+8(%sp)",
			"movem.l\t%d6-%d7, 2*4(%sp); movem.l\t%a3-%a4, 2*4+12(%sp)",
			"movem.l\t%d6-%d7/%a2, 2*4(%sp); movem.l\t%a4, 2*4+16(%sp)",
			"movem.l\t%d6-%d7/%a2-%a3, 2*4(%sp)",
			"fmovem.x\t%fp3-%fp4, 13*4+12(%sp)",
			"fmovem.x\t%fp2, 13*4(%sp); fmovem.x\t%fp4, 13*4+24(%sp)",
			"fmovem.x\t%fp2-%fp3, 13*4(%sp)",
			"movem.l\t2*4+4(%sp), %d7/%a2",
			"movem.l\t2*4(%sp), %d6; movem.l\t2*4+8(%sp), %a2",
			"movem.l\t2*4(%sp), %d6-%d7",
		}},
	}
	for _, tt := range tests {
		sites, err := Find(tt.src, isaOf(t, tt.port))
		require.NoError(t, err)
		var got []string
		for _, m := range Mutants(sites) {
			out, err := Apply(tt.src, m)
			require.NoError(t, err)
			lines := strings.Split(out, "\n")
			require.Len(t, lines, strings.Count(tt.src, "\n")+1, "one line in, one line out")
			instruction, _, _ := strings.Cut(lines[m.Site.Line-1], "/* mutant")
			got = append(got, strings.TrimSpace(instruction))
		}
		assert.Equal(t, tt.want, got, tt.port)
	}
	src := tests[0].src
	sites, err := Find(src, isaOf(t, "arm64"))
	require.NoError(t, err)
	out, err := Apply(src, Mutants(sites)[2])
	require.NoError(t, err)
	assert.Contains(t, out, "\n\t/* mutant: line 4 (save d8): str d8, [sp] */\n")
}

// countsRestoredByCPU are the saves of sites as restores: what a port's step 5
// restores. A save that names no memory and whose register no instruction of
// step 5 restores comes back without one: sparc64's flushw writes the callers'
// register windows to their own frames in the slice, and each caller's own
// `restore` fills its caller's window back from the copy (a trap), so a port
// that makes no `save` of its own has no `restore` in its switch.
func countsRestoredByCPU(sites []Site) map[Class]int {
	restored := map[string]bool{}
	for _, s := range sites {
		if s.Step == Restore {
			for _, r := range s.Regs {
				restored[r.Name] = true
			}
		}
	}
	c := map[Class]int{}
	for _, s := range sites {
		if s.Step != Save {
			continue
		}
		for _, r := range s.Regs {
			if s.move.form == implicit && len(s.ops) == 0 && !restored[r.Name] {
				continue
			}
			c[r.Class]++
		}
	}
	return c
}

// Every port's switch.S reads whole, restores what it saves, class by class
// (but what the CPU restores: countsRestoredByCPU), and saves FP control
// state where the port has it (its fp_rounding slots; a soft-float port,
// armel, has none).
func TestEveryPortReadsWhole(t *testing.T) {
	for _, p := range toolchaintest.Ports(t, testkit.Root(t)) {
		t.Run(p.Name, func(t *testing.T) {
			_, sites, scratch, err := Load(p)
			require.NoError(t, err)
			assert.Empty(t, scratch, "an assembly switch has no clobber lists")
			counts := Count(sites)
			assert.Positive(t, counts[Save][GPR])
			assert.Equal(t, countsRestoredByCPU(sites), counts[Restore])
			if len(p.FPRounding) > 0 {
				assert.Positive(t, counts[Save][Control], "FP control state is saved")
			} else {
				assert.Zero(t, counts[Save][Control], "no FP control state: no fp_rounding in port.json")
			}
		})
	}
}

// Every mutant of every port assembles: the rewritten pairs and ranges are
// instructions the port's assembler takes (the host's: a port that builds only in
// a toolchain image has its mutation check there).
func TestEveryMutantAssembles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the ports' assemblers")
	}
	root := testkit.Root(t)
	all := toolchaintest.HostPorts(t, root)
	toolchaintest.NeedToolchains(t, all...)
	for _, p := range all {
		t.Run(p.Name, func(t *testing.T) {
			src, sites, _, err := Load(p)
			require.NoError(t, err)
			dir := t.TempDir()
			// As the build assembles it: core/port.h on the include path,
			// with the port's SL_AREA_BYTES.
			args := []string{"-I", filepath.Join(root, "core")}
			for _, d := range p.CoreDefines() {
				args = append(args, "-D"+d)
			}
			for _, m := range Mutants(sites) {
				mutated, err := Apply(src, m)
				require.NoError(t, err)
				file := filepath.Join(dir, "switch.S")
				require.NoError(t, os.WriteFile(file, []byte(mutated), 0o644))
				out, err := exec.Command(p.CC, append(args, "-c", file, "-o", filepath.Join(dir, "switch.o"))...).CombinedOutput()
				require.NoError(t, err, "%s: %s", m, out)
			}
		})
	}
}

// hostPort is a copy of the tree's port for the host's arch, which runs
// natively and so is quick to mutate, after edit changes its switch.S.
func hostPort(t *testing.T, edit func(string) string) (root string, p arch.Port) {
	if testing.Short() {
		t.Skip("builds and runs target binaries")
	}
	root = testkit.Copy(t)
	if edit != nil {
		testkit.Edit(t, root, filepath.Join("arch", runtime.GOARCH, "switch.S"), edit)
	}
	ports, err := arch.Load(filepath.Join(root, "arch"))
	require.NoError(t, err)
	selected, err := arch.Select(ports, []string{runtime.GOARCH})
	require.NoError(t, err)
	toolchaintest.NeedToolchains(t, selected[0])
	return root, selected[0]
}

func options(t *testing.T) conformance.Options {
	return conformance.Options{OutDir: t.TempDir(), ObjectCache: t.TempDir(), CaseTimeout: 10 * time.Second, QEMU: qemu.Options{Timeout: 5 * time.Minute}}
}

var gccO0 = []build.Build{build.Default()[0]}

// isaOf is the assembly language of the port named goarch, from its port.json.
func isaOf(t *testing.T, goarch string) *isa {
	t.Helper()
	for _, p := range toolchaintest.Ports(t, testkit.Root(t)) {
		if p.Name == goarch {
			in, err := portISA(p)
			require.NoError(t, err)
			return in
		}
	}
	t.Fatalf("no port %s", goarch)
	return nil
}

// judgeAll runs the control run and then every mutant of p in gcc -O0.
func judgeAll(t *testing.T, root string, p arch.Port) []Outcome {
	ctx := context.Background()
	opts := options(t)
	base, err := RunBaseline(ctx, root, p, gccO0, opts)
	require.NoError(t, err)
	outcomes, err := Run(ctx, root, p, gccO0, base, opts, 2, nil)
	require.NoError(t, err)
	return outcomes
}

// A restore written twice survives the loss of either copy: the check must
// say so, and kill every other mutant.
func TestRunReportsASurvivingMutant(t *testing.T) {
	var duplicated string
	root, p := hostPort(t, func(src string) string {
		sites, err := Find(src, isaOf(t, runtime.GOARCH))
		require.NoError(t, err)
		for _, site := range sites {
			// A restore that can run twice: not a pop, which would move the stack.
			if site.Step == Restore && len(site.Regs) == 1 && !strings.HasPrefix(site.mnemonic, "pop") {
				duplicated = site.Text
				lines := strings.Split(src, "\n")
				lines = append(lines[:site.Line], lines[site.Line-1:]...)
				return strings.Join(lines, "\n")
			}
		}
		t.Fatal("no restore to duplicate")
		return src
	})
	outcomes := judgeAll(t, root, p)
	var survivors []string
	for _, o := range outcomes {
		require.NoError(t, o.Err)
		if !o.Killed {
			survivors = append(survivors, o.Mutant.Site.Text)
		} else {
			assert.Regexp(t, `^gcc-O0 \S+ \(.+\)$`, o.By)
		}
	}
	assert.Equal(t, []string{duplicated, duplicated}, survivors)
	killed, errs, total := Score(outcomes)
	assert.Equal(t, total-2, killed)
	assert.Zero(t, errs)
}

// A port that fails on its own stops the check before any mutant: with no
// control run, every mutant would look killed.
func TestRunBaselineRefusesABrokenPort(t *testing.T) {
	root, p := hostPort(t, nil)
	testkit.BreakSwitch(t, root, p.Name)
	_, err := RunBaseline(context.Background(), root, p, gccO0, options(t))
	require.Error(t, err)
	assert.Regexp(t, `^control run: the unmutated port `+p.Name+` fails in gcc-O0, so no mutant can be judged: \S+: crashed with SIGILL$`, err.Error())
}

// A mutant whose build fails tells nothing about the suite: an error of the
// check, never a kill.
func TestBuildErrorsAreErrorsNeverKills(t *testing.T) {
	root, p := hostPort(t, nil)
	bin := t.TempDir()
	fake := filepath.Join(bin, "flaky-gcc")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\ncase \"$*\" in *mutant-*) echo 'cc1: out of memory' >&2; exit 1;; esac\nexec "+p.CC+" \"$@\"\n"), 0o755))
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	p.CC = "flaky-gcc"
	outcomes := judgeAll(t, root, p)
	killed, errs, total := Score(outcomes)
	assert.Zero(t, killed)
	assert.Equal(t, total, errs)
	assert.Regexp(t, `^gcc-O0: compiling `+p.Name+` gcc-O0: \S+switch\.S: exit status 1$`, outcomes[0].Err.Error())
}

func TestMutantCaseTimeout(t *testing.T) {
	assert.Equal(t, 10*time.Second, MutantCaseTimeout(Baseline{Slowest: 50 * time.Millisecond}))
	assert.Equal(t, 30*time.Second, MutantCaseTimeout(Baseline{Slowest: 3 * time.Second}))
}

// A push or pop that is dropped keeps its stack move, so every other slot
// stays put and the probes judge the register.
func TestApplyKeepsTheStackMoveOfAPushOrPop(t *testing.T) {
	tests := []struct{ cpu, src, want string }{
		{"amd64", "\t/* 1. save */\n\tpushq\t%rbx\n\t/* 2. */", "subq\t$8, %rsp"},
		{"amd64", "\t/* 5. restore */\n\tpopq\t%rbx\n\tret", "addq\t$8, %rsp"},
		{"386", "\t/* 1. save */\n\tpushl\t%ebx\n\t/* 2. */", "subl\t$4, %esp"},
		{"386", "\t/* 5. restore */\n\tpop\t%ebx\n\tret", "addl\t$4, %esp"},
	}
	for _, tt := range tests {
		sites, err := Find(tt.src, isaOf(t, tt.cpu))
		require.NoError(t, err)
		out, err := Apply(tt.src, Mutants(sites)[0])
		require.NoError(t, err)
		assert.Contains(t, strings.Split(out, "\n")[1], "\t"+tt.want+" /* mutant: ", tt.src)
	}
}

// SH pushes and pops name their register and the stack pointer they move
// (mov.l r8, @-r15; lds.l @r15+, pr): a dropped one keeps the stack move,
// and a slot other than the push's is refused, since its mutant would move
// the stack as well as lose the register.
func TestAddressedPushOrPop(t *testing.T) {
	push := arch.Move{Form: "single", StackAdjust: "add\t#-4, r15", StackSlot: "@-r15"}
	pop := arch.Move{Form: "single", RegisterLast: true, StackAdjust: "add\t#4, r15", StackSlot: "@r15+"}
	in, err := newISA(&arch.Asm{
		ImmediatePrefix: "#",
		Registers: []arch.RegisterSet{{Class: "GPR", Names: "r[0-9]|r1[0-5]|pr", Bytes: 4},
			{Class: "FP", Names: "fr[0-9]|fr1[0-5]", Bytes: 4}, {Class: "control", Names: "fpscr"}},
		Saves:    map[string]arch.Move{"mov.l": push, "sts.l": push, "fmov.s": push},
		Restores: map[string]arch.Move{"mov.l": pop, "lds.l": pop, "fmov.s": pop},
		Returns:  []string{"rts"},
	})
	require.NoError(t, err)
	tests := []struct {
		src, reg string
		class    Class
		want     string
	}{
		{"\t/* 1. save */\n\tmov.l\tr8, @-r15\n\t/* 2. */", "r8", GPR, "add\t#-4, r15"},
		{"\t/* 1. save */\n\tsts.l\tpr, @-r15\n\t/* 2. */", "pr", GPR, "add\t#-4, r15"},
		{"\t/* 1. save */\n\tsts.l\tfpscr,@-r15\n\t/* 2. */", "fpscr", Control, "add\t#-4, r15"},
		{"\t/* 5. restore */\n\tfmov.s\t@r15+, fr12\n\trts", "fr12", FP, "add\t#4, r15"},
		{"\t/* 5. restore */\n\tlds.l\t@r15+, pr\n\trts", "pr", GPR, "add\t#4, r15"},
	}
	for _, tt := range tests {
		sites, err := Find(tt.src, in)
		require.NoError(t, err, tt.src)
		require.Len(t, sites, 1, tt.src)
		assert.Equal(t, []Reg{{Name: tt.reg, Class: tt.class}}, sites[0].Regs, tt.src)
		out, err := Apply(tt.src, Mutants(sites)[0])
		require.NoError(t, err)
		assert.Contains(t, strings.Split(out, "\n")[1], "\t"+tt.want+" /* mutant: ", tt.src)
	}
	for src, want := range map[string]string{
		"\t/* 1. save */\n\tmov.l\tr8, @(4,r15)\n\t/* 2. */": `switch.S:2: mov.l\s+r8, @\(4,r15\): expected the stack slot @-r15, not "@\(4,r15\)"`,
		"\t/* 5. restore */\n\tmov.l\t@-r15, r8\n\trts":      `switch.S:2: mov.l\s+@-r15, r8: expected the stack slot @r15\+, not "@-r15"`,
		"\t/* 1. save */\n\tmov.l\tr8\n\t/* 2. */":           `switch.S:2: mov.l\s+r8: expected a register and a frame slot`,
	} {
		_, err := Find(src, in)
		require.Error(t, err, src)
		assert.Regexp(t, want, err.Error())
	}
}
