/* stackslice probes: arm64 (AAPCS64, §6.1 "Machine Registers"). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[]:
 *
 *   slot           register                  fixed    mask
 *   0*8 .. 10*8    x19 .. x29 (x29: frame)   0        all
 *   11*8 .. 18*8   d8 .. d15                 0        all
 *   19*8           FPCR (32 bits)            0        AHP, DN, FZ, RMode (0x07c00000)
 *
 * Never loaded: sp, x30 (link register), x18 (platform register). The FPCR
 * exception trap enables (IOE, DZE, OFE, UFE, IXE, IDE) stay 0; FZ16 is left
 * out because it reads as 0 on cores without FEAT_FP16.
 *
 * Frame of sl_probe_switch, from sp after its prologue:
 *
 *   offset         content
 *   0*8            seen
 *   1*8            caller's FPCR
 *   2*8 .. 20*8    caller's x19 .. x29, d8 .. d15, in slot order
 *   21*8           x30 (link register: the return address) */
#define REGS	x19, x20, x21, x22, x23, x24, x25, x26, x27, x28, x29, d8, d9, d10, d11, d12, d13, d14, d15
#define FRAME	22*8
#define SAVED	2*8
/* sl_probe_direct's frame: x30 alone, padded to keep sp 16-byte aligned */
#define DIRECT	2*8

	/* Applies op (ldr or str) to each of REGS and its slot at base+off. */
	.macro	regs op, base, off=0
	.set	slot, 0
	.irp	reg, REGS
	\op	\reg, [\base, #\off+slot*8]
	.set	slot, slot+1
	.endr
	.endm

#include "probe.inc"

	.macro	slots
	sl_slots REGS
	slot	fpcr, 0, 0x07c00000, , 0x07000000
	.endm
	sl_probe_tables 16

	/* sl_probe_direct (core/probe.h): x30 waits on the stack across the bls;
	 * x29 holds a canary and stays. cbnz skips to the return rather than
	 * branching to sl_arch_switch: it reaches only 1 MiB, and gets no linker
	 * veneer. sl_debug_leaving_area's result is sl_arch_switch's argument. */
	sl_func	sl_probe_direct
	str	x30, [sp, #-DIRECT]!
	bl	sl_debug_arm_switch
	cbnz	w0, 1f
	bl	sl_debug_leaving_area
	ldr	x30, [sp], #DIRECT
	b	sl_arch_switch
1:	ldr	x30, [sp], #DIRECT
	ret
	sl_end	sl_probe_direct
	sl_func	sl_probe_switch
	/* 1. save the caller's callee-saved registers and FP control state */
	sub	sp, sp, #FRAME
	str	x30, [sp, #FRAME-1*8]
	regs	str, sp, SAVED
	mrs	x9, fpcr
	str	x9, [sp, #1*8]
	str	x1, [sp, #0*8]
	/* 2. load the canaries */
	regs	ldr, x0
	ldr	x9, [x0, #slot*8]
	msr	fpcr, x9
	/* 3. via(to, NULL, NULL): sl_switch or sl_probe_direct */
	mov	x0, x2
	mov	x1, xzr
	mov	x2, xzr
	blr	x3
	/* 4. store what the registers hold now */
	ldr	x9, [sp, #0*8]
	regs	str, x9
	mrs	x10, fpcr
	str	x10, [x9, #slot*8]
	/* 5. restore the caller's state; w0 holds via's result */
	ldr	x9, [sp, #1*8]
	msr	fpcr, x9
	regs	ldr, sp, SAVED
	ldr	x30, [sp, #FRAME-1*8]
	add	sp, sp, #FRAME
	ret
	sl_end	sl_probe_switch
	sl_func	sl_probe_call_sp
	/* bl pushes nothing: the call site's sp is sp at entry */
	mov	x0, sp
	ret
	sl_end	sl_probe_call_sp
