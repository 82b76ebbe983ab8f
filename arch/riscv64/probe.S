/* stackslice probes: riscv64 (RISC-V ELF psABI, calling convention, lp64d). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[]:
 *
 *   slot            register                 fixed    mask
 *   0*8 .. 11*8     s0 .. s11                0        all
 *   12*8 .. 23*8    fs0 .. fs11              0        all
 *   24*8            fcsr (8 bits)            0        frm bits 5-6 (0x60)
 *
 * frm bit 7 stays 0: frm 5-7 are reserved/dynamic, and any FP instruction
 * using the dynamic rounding mode traps while frm holds one of them. The
 * fflags (bits 0-4) are status and are loaded as 0 but not compared.
 * ra, sp, gp and tp never receive canaries.
 *
 * Frame of probe_via, the body of sl_probe_switch and sl_probe_switch_direct,
 * from sp after its prologue:
 *
 *   offset          content
 *   0*8 .. 24*8     the caller's registers, laid out as the canary slots
 *   25*8            seen
 *   26*8            return address (ra)
 *   27*8            padding, keeps sp 16-byte aligned at the call */
#define GPRS	s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11
#define FPRS	fs0, fs1, fs2, fs3, fs4, fs5, fs6, fs7, fs8, fs9, fs10, fs11
#define SEEN	25*8
#define RA	26*8
#define FRAME	28*8

	.section .rodata
	.globl	sl_probe_count, sl_probe_names, sl_probe_fixed, sl_probe_mask, sl_probe_stack_align
sl_probe_names:
	.irp	reg, GPRS, FPRS, fcsr
	.asciz	"\reg"
	.endr
	.balign	8
sl_probe_fixed:
	.irp	reg, GPRS, FPRS, fcsr
	.quad	0
	.endr
sl_probe_mask:
	.irp	reg, GPRS, FPRS
	.quad	-1
	.endr
	.quad	0x60
sl_probe_count:
	.long	(sl_probe_mask - sl_probe_fixed) / 8	/* fixed's length */
sl_probe_stack_align:
	.long	16

	/* One walk of the lists for every slot sequence: loading the canaries,
	 * saving and restoring the caller's registers (the frame mirrors the
	 * slots) and filling seen[]. t1 carries fcsr: no canary, base or t2. */
	.macro	each op, base, regs:vararg
	.irp	reg, \regs
	\op	\reg, slot*8(\base)
	.set	slot, slot+1
	.endr
	.endm

	.macro	store_slots base
	.set	slot, 0
	each	sd, \base, GPRS
	each	fsd, \base, FPRS
	frcsr	t1
	sd	t1, slot*8(\base)
	.endm

	.macro	load_slots base
	.set	slot, 0
	each	ld, \base, GPRS
	each	fld, \base, FPRS
	ld	t1, slot*8(\base)
	fscsr	t1
	.endm

	.text
	/* Both probes share one body; t2 holds what it calls with the canaries
	 * loaded (t2 is caller-saved and carries no canary, and steps 1 and 2
	 * use only t1). */
	.globl	sl_probe_switch
	.type	sl_probe_switch, @function
sl_probe_switch:
	la	t2, sl_switch
	j	probe_via
	.size	sl_probe_switch, .-sl_probe_switch

	.globl	sl_probe_switch_direct
	.type	sl_probe_switch_direct, @function
sl_probe_switch_direct:
	la	t2, switch_direct
	j	probe_via
	.size	sl_probe_switch_direct, .-sl_probe_switch_direct

	/* switch_direct(to), as core/probe.h describes it. ra (into probe_via)
	 * waits in a 16-byte frame, which keeps sp 16-byte aligned at the call;
	 * with ra back, the tail jump makes sl_arch_switch return straight to
	 * probe_via. Only caller-saved registers change: the canaries reach the
	 * port untouched. */
	.type	switch_direct, @function
switch_direct:
	addi	sp, sp, -16
	sd	ra, 8(sp)
	call	sl_debug_arm_switch
	ld	ra, 8(sp)
	addi	sp, sp, 16
	bnez	a0, 1f
	tail	sl_arch_switch
1:	ret
	.size	switch_direct, .-switch_direct

	.type	probe_via, @function
probe_via:
	/* 1. save the caller's callee-saved registers and FP control state */
	addi	sp, sp, -FRAME
	sd	ra, RA(sp)
	sd	a1, SEEN(sp)
	store_slots sp
	/* 2. load the canaries */
	load_slots a0
	/* 3. sl_switch(to, NULL, NULL) or switch_direct(to) */
	mv	a0, a2
	li	a1, 0
	li	a2, 0
	jalr	ra, 0(t2)
	/* 4. store what the registers hold now */
	ld	t0, SEEN(sp)
	store_slots t0
	/* 5. restore the caller's state; a0 holds the result of sl_switch,
	 * sl_debug_arm_switch or sl_arch_switch */
	load_slots sp
	ld	ra, RA(sp)
	addi	sp, sp, FRAME
	ret
	.size	probe_via, .-probe_via

	.globl	sl_probe_call_sp
	.type	sl_probe_call_sp, @function
sl_probe_call_sp:
	/* a call does not move sp on riscv64: the call site's sp is sp itself */
	mv	a0, sp
	ret
	.size	sl_probe_call_sp, .-sl_probe_call_sp

	.section .note.GNU-stack,"",@progbits
