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
#define FRAME	22*8

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.balign	4
sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
	sub	sp, sp, #FRAME	/* sl:not-a-save: the frame */
	stp	x29, x30, [sp, #20*8]
	stp	x27, x28, [sp, #18*8]
	stp	x25, x26, [sp, #16*8]
	stp	x23, x24, [sp, #14*8]
	stp	x21, x22, [sp, #12*8]
	stp	x19, x20, [sp, #10*8]
	stp	d14, d15, [sp, #8*8]
	stp	d12, d13, [sp, #6*8]
	stp	d10, d11, [sp, #4*8]
	stp	d8, d9, [sp, #2*8]
	mrs	x9, fpcr	/* sl:not-a-save: fpcr reaches the frame through x9 */
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
	msr	fpcr, x9	/* sl:not-a-save: fpcr comes back through x9 */
	ldp	d8, d9, [sp, #2*8]
	ldp	d10, d11, [sp, #4*8]
	ldp	d12, d13, [sp, #6*8]
	ldp	d14, d15, [sp, #8*8]
	ldp	x19, x20, [sp, #10*8]
	ldp	x21, x22, [sp, #12*8]
	ldp	x23, x24, [sp, #14*8]
	ldp	x25, x26, [sp, #16*8]
	ldp	x27, x28, [sp, #18*8]
	ldp	x29, x30, [sp, #20*8]
	add	sp, sp, #FRAME	/* sl:not-a-save: drops the frame */
	ret
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
