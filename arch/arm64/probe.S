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
 * Frame of probe_via, the body of sl_probe_switch and sl_probe_switch_direct,
 * from sp after its prologue:
 *
 *   offset         content
 *   0*8            seen
 *   1*8            caller's FPCR
 *   2*8 .. 20*8    caller's x19 .. x29, d8 .. d15, in slot order
 *   21*8           x30 (link register: the return address) */
#define REGS	x19, x20, x21, x22, x23, x24, x25, x26, x27, x28, x29, d8, d9, d10, d11, d12, d13, d14, d15
#define FRAME	22*8
#define SAVED	2*8
/* switch_direct's frame: x30 alone, padded to keep sp 16-byte aligned */
#define DIRECT	2*8

	/* Applies op (ldr or str) to each of REGS and its slot at base+off. */
	.macro	regs op, base, off=0
	.set	slot, 0
	.irp	reg, REGS
	\op	\reg, [\base, #\off+slot*8]
	.set	slot, slot+1
	.endr
	.endm

	.section .rodata
	.globl	sl_probe_count, sl_probe_names, sl_probe_fixed, sl_probe_mask, sl_probe_stack_align
sl_probe_names:
	.set	NREGS, 0
	.irp	reg, REGS
	.asciz	"\reg"
	.set	NREGS, NREGS+1
	.endr
	.asciz	"fpcr"
	.balign	8
sl_probe_fixed:
	.space	NREGS*8
	.quad	0
sl_probe_mask:
	.space	NREGS*8, 0xff
	.quad	0x07c00000
sl_probe_count:
	.long	(sl_probe_mask - sl_probe_fixed) / 8
sl_probe_stack_align:
	.long	16

	.text
	.globl	sl_probe_switch, sl_probe_switch_direct, sl_probe_call_sp
	/* Both probes share one body; x12 holds what it calls with the canaries
	 * loaded. x12 is caller-saved and no canary slot, and unlike x16/x17 no
	 * linker veneer may clobber it. */
	.macro	probe name, callee
	.type	\name, @function
\name:
	adrp	x12, \callee
	add	x12, x12, :lo12:\callee
	b	probe_via
	.size	\name, .-\name
	.endm
	probe	sl_probe_switch, sl_switch
	probe	sl_probe_switch_direct, switch_direct

	/* switch_direct(to): arm the core, then enter the port as if called from
	 * probe_via. bl overwrites x30, so probe_via's return address is kept on
	 * the stack across the call; with it back, sl_arch_switch returns
	 * straight into probe_via. x29 is left alone: it holds a canary. A
	 * refused switch armed nothing: its error goes back without entering the
	 * port. cbnz skips over the b rather than branching to sl_arch_switch: a
	 * conditional branch reaches only 1 MiB, and linkers add no veneer to it. */
	.type	switch_direct, @function
switch_direct:
	str	x30, [sp, #-DIRECT]!
	bl	sl_debug_arm_switch
	ldr	x30, [sp], #DIRECT
	cbnz	w0, 1f
	b	sl_arch_switch
1:	ret
	.size	switch_direct, .-switch_direct

	.type	probe_via, @function
probe_via:
	/* 1. save the caller's callee-saved registers and FP control state */
	sub	sp, sp, #FRAME
	str	x30, [sp, #FRAME-1*8]
	regs	str, sp, SAVED
	mrs	x9, fpcr
	str	x9, [sp, #1*8]
	str	x1, [sp, #0*8]
	/* 2. load the canaries */
	regs	ldr, x0
	ldr	x9, [x0, #NREGS*8]
	msr	fpcr, x9
	/* 3. sl_switch(to, NULL, NULL) or switch_direct(to) */
	mov	x0, x2
	mov	x1, xzr
	mov	x2, xzr
	blr	x12
	/* 4. store what the registers hold now */
	ldr	x9, [sp, #0*8]
	regs	str, x9
	mrs	x10, fpcr
	str	x10, [x9, #NREGS*8]
	/* 5. restore the caller's state; w0 holds the result to return */
	ldr	x9, [sp, #1*8]
	msr	fpcr, x9
	regs	ldr, sp, SAVED
	ldr	x30, [sp, #FRAME-1*8]
	add	sp, sp, #FRAME
	ret
	.size	probe_via, .-probe_via

	.type	sl_probe_call_sp, @function
sl_probe_call_sp:
	/* bl pushes nothing: the call site's sp is sp at entry */
	mov	x0, sp
	ret
	.size	sl_probe_call_sp, .-sl_probe_call_sp

	.section .note.GNU-stack,"",@progbits
