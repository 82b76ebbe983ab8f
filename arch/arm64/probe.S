/* stackslice probes: arm64 (AAPCS64, §6.1 "Machine Registers"). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[]:
 *
 *   slot  register              fixed    mask
 *   0*8   x19                   0        all
 *   1*8   x20                   0        all
 *   2*8   x21                   0        all
 *   3*8   x22                   0        all
 *   4*8   x23                   0        all
 *   5*8   x24                   0        all
 *   6*8   x25                   0        all
 *   7*8   x26                   0        all
 *   8*8   x27                   0        all
 *   9*8   x28                   0        all
 *   10*8  x29 (frame pointer)   0        all
 *   11*8  d8                    0        all
 *   12*8  d9                    0        all
 *   13*8  d10                   0        all
 *   14*8  d11                   0        all
 *   15*8  d12                   0        all
 *   16*8  d13                   0        all
 *   17*8  d14                   0        all
 *   18*8  d15                   0        all
 *   19*8  FPCR (32 bits)        0        AHP, DN, FZ, RMode (0x07c00000)
 *
 * Never loaded: sp, x30 (link register), x18 (platform register). The FPCR
 * exception trap enables (IOE, DZE, OFE, UFE, IXE, IDE) stay 0; FZ16 is left
 * out because it reads as 0 on cores without FEAT_FP16.
 *
 * Frame of probe_via, the body of sl_probe_switch and sl_probe_switch_direct,
 * from sp after its prologue:
 *
 *   offset  content
 *   0*8     seen
 *   1*8     caller's FPCR
 *   2*8     d8
 *   3*8     d9
 *   4*8     d10
 *   5*8     d11
 *   6*8     d12
 *   7*8     d13
 *   8*8     d14
 *   9*8     d15
 *   10*8    x19
 *   11*8    x20
 *   12*8    x21
 *   13*8    x22
 *   14*8    x23
 *   15*8    x24
 *   16*8    x25
 *   17*8    x26
 *   18*8    x27
 *   19*8    x28
 *   20*8    x29 (frame pointer)
 *   21*8    x30 (link register: the return address) */
	.section .rodata
	.globl	sl_probe_count, sl_probe_names, sl_probe_fixed, sl_probe_mask, sl_probe_stack_align
	.balign	8
sl_probe_count:
	.long	20
sl_probe_stack_align:
	.long	16
sl_probe_names:
	.asciz	"x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29"
	.asciz	"d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15", "fpcr"
	.balign	8
sl_probe_fixed:
	.quad	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
	.quad	0, 0, 0, 0, 0, 0, 0, 0, 0
sl_probe_mask:
	.quad	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
	.quad	-1, -1, -1, -1, -1, -1, -1, -1, 0x07c00000

	.text
	/* Both probes share one body; x12 holds what it calls with the canaries
	 * loaded. x12 is caller-saved and no canary slot, and unlike x16/x17 no
	 * linker veneer may clobber it. */
	.globl	sl_probe_switch
	.type	sl_probe_switch, @function
	.balign	4
sl_probe_switch:
	adrp	x12, sl_switch
	add	x12, x12, :lo12:sl_switch
	b	probe_via
	.size	sl_probe_switch, .-sl_probe_switch

	.globl	sl_probe_switch_direct
	.type	sl_probe_switch_direct, @function
	.balign	4
sl_probe_switch_direct:
	adrp	x12, switch_direct
	add	x12, x12, :lo12:switch_direct
	b	probe_via
	.size	sl_probe_switch_direct, .-sl_probe_switch_direct

	/* switch_direct(to): arm the core, then enter the port as if called from
	 * probe_via. bl overwrites x30, so probe_via's return address is kept on
	 * the stack (16 bytes: sp stays 16-byte aligned) across the call and put
	 * back before the tail branch; sl_arch_switch then saves that x30 and
	 * returns straight into probe_via. x29 is left alone: it holds a canary. */
	.type	switch_direct, @function
	.balign	4
switch_direct:
	str	x30, [sp, #-16]!
	bl	sl_debug_arm_switch
	ldr	x30, [sp], #16
	b	sl_arch_switch
	.size	switch_direct, .-switch_direct

	.type	probe_via, @function
	.balign	4
probe_via:
	/* 1. save the caller's callee-saved registers and FP control state */
	sub	sp, sp, #22*8
	str	x30, [sp, #21*8]
	str	x29, [sp, #20*8]
	str	x28, [sp, #19*8]
	str	x27, [sp, #18*8]
	str	x26, [sp, #17*8]
	str	x25, [sp, #16*8]
	str	x24, [sp, #15*8]
	str	x23, [sp, #14*8]
	str	x22, [sp, #13*8]
	str	x21, [sp, #12*8]
	str	x20, [sp, #11*8]
	str	x19, [sp, #10*8]
	str	d15, [sp, #9*8]
	str	d14, [sp, #8*8]
	str	d13, [sp, #7*8]
	str	d12, [sp, #6*8]
	str	d11, [sp, #5*8]
	str	d10, [sp, #4*8]
	str	d9, [sp, #3*8]
	str	d8, [sp, #2*8]
	mrs	x9, fpcr
	str	x9, [sp, #1*8]
	str	x1, [sp, #0*8]
	/* 2. load the canaries */
	ldr	x19, [x0, #0*8]
	ldr	x20, [x0, #1*8]
	ldr	x21, [x0, #2*8]
	ldr	x22, [x0, #3*8]
	ldr	x23, [x0, #4*8]
	ldr	x24, [x0, #5*8]
	ldr	x25, [x0, #6*8]
	ldr	x26, [x0, #7*8]
	ldr	x27, [x0, #8*8]
	ldr	x28, [x0, #9*8]
	ldr	x29, [x0, #10*8]
	ldr	d8, [x0, #11*8]
	ldr	d9, [x0, #12*8]
	ldr	d10, [x0, #13*8]
	ldr	d11, [x0, #14*8]
	ldr	d12, [x0, #15*8]
	ldr	d13, [x0, #16*8]
	ldr	d14, [x0, #17*8]
	ldr	d15, [x0, #18*8]
	ldr	x9, [x0, #19*8]
	msr	fpcr, x9
	/* 3. sl_switch(to, NULL, NULL) or switch_direct(to) */
	mov	x0, x2
	mov	x1, xzr
	mov	x2, xzr
	blr	x12
	/* 4. store what the registers hold now */
	ldr	x9, [sp, #0*8]
	str	x19, [x9, #0*8]
	str	x20, [x9, #1*8]
	str	x21, [x9, #2*8]
	str	x22, [x9, #3*8]
	str	x23, [x9, #4*8]
	str	x24, [x9, #5*8]
	str	x25, [x9, #6*8]
	str	x26, [x9, #7*8]
	str	x27, [x9, #8*8]
	str	x28, [x9, #9*8]
	str	x29, [x9, #10*8]
	str	d8, [x9, #11*8]
	str	d9, [x9, #12*8]
	str	d10, [x9, #13*8]
	str	d11, [x9, #14*8]
	str	d12, [x9, #15*8]
	str	d13, [x9, #16*8]
	str	d14, [x9, #17*8]
	str	d15, [x9, #18*8]
	mrs	x10, fpcr
	str	x10, [x9, #19*8]
	/* 5. restore the caller's state; w0 holds the result of sl_switch or sl_arch_switch */
	ldr	x9, [sp, #1*8]
	msr	fpcr, x9
	ldr	d8, [sp, #2*8]
	ldr	d9, [sp, #3*8]
	ldr	d10, [sp, #4*8]
	ldr	d11, [sp, #5*8]
	ldr	d12, [sp, #6*8]
	ldr	d13, [sp, #7*8]
	ldr	d14, [sp, #8*8]
	ldr	d15, [sp, #9*8]
	ldr	x19, [sp, #10*8]
	ldr	x20, [sp, #11*8]
	ldr	x21, [sp, #12*8]
	ldr	x22, [sp, #13*8]
	ldr	x23, [sp, #14*8]
	ldr	x24, [sp, #15*8]
	ldr	x25, [sp, #16*8]
	ldr	x26, [sp, #17*8]
	ldr	x27, [sp, #18*8]
	ldr	x28, [sp, #19*8]
	ldr	x29, [sp, #20*8]
	ldr	x30, [sp, #21*8]
	add	sp, sp, #22*8
	ret
	.size	probe_via, .-probe_via

	.globl	sl_probe_call_sp
	.type	sl_probe_call_sp, @function
	.balign	4
sl_probe_call_sp:
	/* bl pushes nothing: the call site's sp is sp at entry */
	mov	x0, sp
	ret
	.size	sl_probe_call_sp, .-sl_probe_call_sp

	.section .note.GNU-stack,"",@progbits
