/* stackslice probes: s390x (ELF Application Binary Interface s390x Supplement). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[] (big-endian: the 32-bit FPC is the low
 * half of its slot, bytes 4-7):
 *
 *   slot            register                 fixed    mask
 *   0*8 .. 7*8      r6 .. r13                0        all
 *   8*8 .. 15*8     f8 .. f15                0        all
 *   16*8            FPC (32 bits)            0        DFP and BFP rounding modes (0x73)
 *
 * r14 (return address) and r15 (stack pointer) get no canaries. FPC: the
 * IEEE exception mask bits (0-4) stay zero, so no exception traps.
 *
 * Frame of probe_via, the body of sl_probe_switch and sl_probe_switch_direct,
 * from r15 after its prologue: the register save area for its callees, then
 * at SAVE_AREA + offset:
 *
 *   offset          content
 *   0*8 .. 16*8     the caller's registers, laid out as the canary slots
 *   17*8            seen
 *   18*8            r14 (return address) */
#define GPRS	r6, r7, r8, r9, r10, r11, r12, r13
#define FPRS	f8, f9, f10, f11, f12, f13, f14, f15
/* Any callee may write the bottom 160 bytes of its caller's frame. */
#define SAVE_AREA	160
#define SEEN	(SAVE_AREA+17*8)
#define RA	(SAVE_AREA+18*8)
#define FRAME	(SAVE_AREA+19*8)

	.section .rodata
	.globl	sl_probe_count, sl_probe_names, sl_probe_fixed, sl_probe_mask, sl_probe_stack_align
sl_probe_names:
	.irp	reg, GPRS, FPRS, fpc
	.asciz	"\reg"
	.endr
	.balign	8
sl_probe_fixed:
	.irp	reg, GPRS, FPRS, fpc
	.quad	0
	.endr
sl_probe_mask:
	.irp	reg, GPRS, FPRS
	.quad	-1
	.endr
	.quad	0x73
sl_probe_count:
	.long	(sl_probe_mask - sl_probe_fixed) / 8	/* fixed's length */
sl_probe_stack_align:
	.long	8

	/* One walk of the lists for every slot sequence, slot*8 past off(base):
	 * loading the canaries, saving and restoring the caller's registers (the
	 * frame mirrors the slots) and filling seen[]. The lists name registers
	 * without their %, as the names table does. */
	.macro	each op, off, base, regs:vararg
	.irp	reg, \regs
	\op	%\reg, \off+slot*8(\base)
	.set	slot, slot+1
	.endr
	.endm

	.macro	store_slots off, base
	.set	slot, 0
	each	stg, \off, \base, GPRS
	each	std, \off, \base, FPRS
	stfpc	\off+slot*8+4(\base)
	.endm

	.macro	load_slots off, base
	.set	slot, 0
	each	lg, \off, \base, GPRS
	each	ld, \off, \base, FPRS
	lfpc	\off+slot*8+4(\base)
	.endm

	.text
	/* Both probes share one body; r1 holds what it calls with the canaries
	 * loaded (scratch, not a canary, and untouched by steps 1 to 3). */
	.globl	sl_probe_switch
	.type	sl_probe_switch, @function
sl_probe_switch:
	/* the suite links statically: a PC-relative address is enough */
	larl	%r1, sl_switch
	j	probe_via
	.size	sl_probe_switch, .-sl_probe_switch

	.globl	sl_probe_switch_direct
	.type	sl_probe_switch_direct, @function
sl_probe_switch_direct:
	larl	%r1, switch_direct
	j	probe_via
	.size	sl_probe_switch_direct, .-sl_probe_switch_direct

	/* switch_direct(to), as core/probe.h describes it. r14 (into probe_via)
	 * waits in its slot of probe_via's register save area, which a callee
	 * may write; sl_debug_arm_switch gets a save area of its own, which
	 * keeps r15 8-byte aligned. ltr tests the low word: the result is an
	 * int. r6-r13, f8-f15 and the FPC rounding modes survive the C call, so
	 * the canaries reach sl_arch_switch as probe_via loaded them. */
	.type	switch_direct, @function
switch_direct:
	stg	%r14, 14*8(%r15)
	lay	%r15, -SAVE_AREA(%r15)
	brasl	%r14, sl_debug_arm_switch@PLT
	la	%r15, SAVE_AREA(%r15)
	lg	%r14, 14*8(%r15)
	ltr	%r2, %r2
	bner	%r14
	jg	sl_arch_switch@PLT
	.size	switch_direct, .-switch_direct

	.type	probe_via, @function
probe_via:
	/* 1. save the caller's callee-saved registers and FP control state */
	lay	%r15, -FRAME(%r15)
	stg	%r14, RA(%r15)
	stg	%r3, SEEN(%r15)
	store_slots SAVE_AREA, %r15
	/* 2. load the canaries */
	load_slots 0, %r2
	/* 3. sl_switch(to, NULL, NULL) or switch_direct(to) */
	lgr	%r2, %r4
	lghi	%r3, 0
	lghi	%r4, 0
	basr	%r14, %r1
	/* 4. store what the registers hold now */
	lg	%r1, SEEN(%r15)
	store_slots 0, %r1
	/* 5. restore the caller's state; r2 holds the result of sl_switch,
	 * sl_debug_arm_switch or sl_arch_switch */
	load_slots SAVE_AREA, %r15
	lg	%r14, RA(%r15)
	la	%r15, FRAME(%r15)
	br	%r14
	.size	probe_via, .-probe_via

	.globl	sl_probe_call_sp
	.type	sl_probe_call_sp, @function
sl_probe_call_sp:
	/* brasl pushes nothing: the call site's r15 is r15 itself */
	lgr	%r2, %r15
	br	%r14
	.size	sl_probe_call_sp, .-sl_probe_call_sp

	.section .note.GNU-stack,"",@progbits
