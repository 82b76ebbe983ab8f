/* A broken sl-style switch for arm64, for stackslice's tests: our arm64
 * port's switch.S without x28 (x27 alone at 18*8, the slot at 19*8 left
 * unused). The suite must name x28.
 *
 *   offset  content
 *   0*8     FPCR
 *   2*8     d8, d9 ... 8*8 d14, d15
 *   10*8    x19, x20 ... 18*8 x27 (19*8 unused)
 *   20*8    x29, x30 */
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
	str	x27, [sp, #18*8]
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
	ldr	x27, [sp, #18*8]
	ldp	x29, x30, [sp, #20*8]
	add	sp, sp, #FRAME	/* sl:not-a-save: drops the frame */
	ret
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
