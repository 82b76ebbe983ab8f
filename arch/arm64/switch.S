/* stackslice port: arm64 (AAPCS64, Procedure Call Standard for the Arm 64-bit Architecture,
 * §6.1 "Machine Registers"; sp is 16-byte aligned at every public interface).
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from the stack
 * pointer p it hands to the core (sp, 16-byte aligned):
 *
 *   offset  content
 *   0*8     FPCR
 *   1*8     padding, keeps sp 16-byte aligned
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
 *   21*8    x30 (link register: the return address)
 *
 * Only the low 64 bits of v8-v15 are callee-saved, so d8-d15 suffice.
 * No callee writes above its caller's sp on arm64, so p is sp itself.
 * x18 is the platform register: it is neither saved nor touched. */
	.text
	.globl	sl_arch_switch
	.type	sl_arch_switch, @function
	.balign	4
sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
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
	str	x9, [sp, #0*8]
	/* 2. p = sp; call sl_core_save(p) */
	mov	x0, sp
	bl	sl_core_save
	/* 3. sp = returned slice start */
	mov	sp, x0
	/* 4. call sl_core_restore() */
	bl	sl_core_restore
	/* 5. restore the target's registers; w0 holds the result */
	ldr	x9, [sp, #0*8]
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
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
