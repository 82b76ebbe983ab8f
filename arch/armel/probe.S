/* stackslice probes: armel (AAPCS, IHI 0042, §6.1.1 "Core registers", soft-float).
 * Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[] (32-bit registers use the low half;
 * seen[] is zeroed by the caller, so the high half stays 0):
 *
 *   slot          register                  fixed    mask
 *   0*8 .. 7*8    r4 .. r11                 0        0xffffffff
 *
 * Soft-float: there is no FP register or FP control state to probe, and no
 * VFP instruction may run (the CPU may have no VFP unit).
 * Never loaded: sp, lr, pc, r12 (ip, scratch).
 *
 * Frame of sl_probe_switch, from sp after its prologue (8-byte aligned):
 *
 *   offset          content
 *   0*8 .. 7*8      the caller's registers, laid out as the canary slots
 *   8*8             seen
 *   8*8+4           lr (the return address)
 *
 * A32 code with ARMv4T's instructions only (see switch.S). Every function
 * is %function, so a Thumb caller reaches it through the linker; via
 * (sl_switch or sl_probe_direct) is called with mov lr, pc and bx, which
 * follows bit 0 of its address. */
#define GPRS	r4, r5, r6, r7, r8, r9, r10, r11
#define SEEN	8*8
#define LR_AT	8*8+4
#define FRAME	9*8
/* sl_probe_direct's frame: lr alone, padded to keep sp 8-byte aligned */
#define DIRECT	2*4

	.syntax	unified
	.arm

#include "probe.inc"

	.macro	slots
	.irp	reg, GPRS
	slot	\reg, 0, 0xffffffff
	.endr
	.endm
	sl_probe_tables 8

	/* op (ldr or str) each of GPRS and its slot at base (the frame
	 * mirrors the slots). */
	.macro	each op, base
	.set	slot, 0
	.irp	reg, GPRS
	\op	\reg, [\base, #slot*8]
	.set	slot, slot+1
	.endr
	.endm

	/* sl_probe_direct (core/probe.h): lr waits on the stack across the
	 * calls; with it back, the branch makes sl_arch_switch return straight
	 * to sl_probe_switch, with the leaving area in r0. */
	sl_func	sl_probe_direct, 2
	str	lr, [sp, #-DIRECT]!
	bl	sl_debug_arm_switch
	cmp	r0, #0
	bne	1f
	bl	sl_debug_leaving_area
	ldr	lr, [sp], #DIRECT
	b	sl_arch_switch
1:	ldr	lr, [sp], #DIRECT
	bx	lr
	sl_end	sl_probe_direct
	sl_func	sl_probe_switch, 2
	/* 1. save the caller's callee-saved registers */
	sub	sp, sp, #FRAME
	str	lr, [sp, #LR_AT]
	str	r1, [sp, #SEEN]
	each	str, sp
	/* 2. load the canaries */
	each	ldr, r0
	/* 3. via(to, NULL, NULL): sl_switch or sl_probe_direct; in A32, pc
	 * reads as this instruction's address + 8: the return lands after the bx */
	mov	r0, r2
	mov	r1, #0
	mov	r2, #0
	mov	lr, pc
	bx	r3
	/* 4. store what the registers hold now */
	ldr	r12, [sp, #SEEN]
	each	str, r12
	/* 5. restore the caller's state; r0 holds via's result */
	each	ldr, sp
	ldr	lr, [sp, #LR_AT]
	add	sp, sp, #FRAME
	bx	lr
	sl_end	sl_probe_switch
	sl_func	sl_probe_call_sp, 2
	/* bl pushes nothing: the call site's sp is sp at entry */
	mov	r0, sp
	bx	lr
	sl_end	sl_probe_call_sp
