/* stackslice probes: arm (AAPCS, IHI 0042, §6.1 "Machine Registers", the VFP variant).
 * Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[] (32-bit registers use the low half;
 * seen[] is zeroed by the caller, so the high half stays 0):
 *
 *   slot          register                  fixed    mask
 *   0*8 .. 7*8    r4 .. r11                 0        0xffffffff
 *   8*8 .. 15*8   d8 .. d15                 0        all
 *   16*8          FPSCR (32 bits)           0        AHP, DN, FZ, RMode (0x07c00000)
 *
 * Never loaded: sp, lr, pc, r12 (ip, scratch). The FPSCR trap enables and
 * the short-vector Len and Stride fields stay 0; the status flags are
 * loaded as 0 and not compared.
 *
 * Frame of sl_probe_switch, from sp after its prologue (8-byte aligned):
 *
 *   offset          content
 *   0*8 .. 16*8     the caller's registers, laid out as the canary slots
 *   17*8            seen
 *   17*8+4          lr (the return address)
 *
 * A32 code. Every function is %function, so a Thumb caller reaches it by
 * blx, and via (sl_switch, Thumb in a default build, or sl_probe_direct) is
 * reached by blx, which follows bit 0 of its address. */
#define GPRS	r4, r5, r6, r7, r8, r9, r10, r11
#define FPRS	d8, d9, d10, d11, d12, d13, d14, d15
#define SEEN	17*8
#define LR_AT	17*8+4
#define FRAME	18*8
/* sl_probe_direct's frame: lr alone, padded to keep sp 8-byte aligned */
#define DIRECT	2*4

	.syntax	unified
	.arm

#include "probe.inc"

	.macro	slots
	.irp	reg, GPRS
	slot	\reg, 0, 0xffffffff
	.endr
	sl_slots FPRS
	slot	fpscr, 0, 0x07c00000, , 0x07000000
	.endm
	sl_probe_tables 8

	/* One walk of the lists for every slot sequence (the frame mirrors the
	 * slots); op is ldr or str, v<op> its VFP form. r1 carries FPSCR: no
	 * canary, no base, and free at each use. */
	.macro	each op, base
	.set	slot, 0
	.irp	reg, GPRS
	\op	\reg, [\base, #slot*8]
	.set	slot, slot+1
	.endr
	.irp	reg, FPRS
	v\op	\reg, [\base, #slot*8]
	.set	slot, slot+1
	.endr
	.endm

	.macro	store_slots base
	each	str, \base
	vmrs	r1, fpscr
	str	r1, [\base, #slot*8]
	.endm

	.macro	load_slots base
	each	ldr, \base
	ldr	r1, [\base, #slot*8]
	vmsr	fpscr, r1
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
	/* 1. save the caller's callee-saved registers and FP control state */
	sub	sp, sp, #FRAME
	str	lr, [sp, #LR_AT]
	str	r1, [sp, #SEEN]
	store_slots sp
	/* 2. load the canaries */
	load_slots r0
	/* 3. via(to, NULL, NULL): sl_switch or sl_probe_direct */
	mov	r0, r2
	mov	r1, #0
	mov	r2, #0
	blx	r3
	/* 4. store what the registers hold now */
	ldr	r12, [sp, #SEEN]
	store_slots r12
	/* 5. restore the caller's state; r0 holds via's result */
	load_slots sp
	ldr	lr, [sp, #LR_AT]
	add	sp, sp, #FRAME
	bx	lr
	sl_end	sl_probe_switch
	sl_func	sl_probe_call_sp, 2
	/* bl pushes nothing: the call site's sp is sp at entry */
	mov	r0, sp
	bx	lr
	sl_end	sl_probe_call_sp
