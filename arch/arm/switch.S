/* stackslice port: arm (AAPCS, Procedure Call Standard for the Arm Architecture, IHI 0042,
 * §6.1.1 "Core registers" and §6.1.2 "Floating-point Registers"; the VFP variant: sp is
 * 8-byte aligned at every public interface).
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from the stack
 * pointer p it hands to the core (sp, 8-byte aligned):
 *
 *   offset  content
 *   0*4     FPSCR
 *   1*4     padding, keeps d8-d15 8-byte aligned
 *   2*4     d8
 *   4*4     d9
 *   6*4     d10
 *   8*4     d11
 *   10*4    d12
 *   12*4    d13
 *   14*4    d14
 *   16*4    d15
 *   18*4    r4
 *   19*4    r5
 *   20*4    r6
 *   21*4    r7 (Thumb frame pointer)
 *   22*4    r8
 *   23*4    r9 (a callee-saved variable register on GNU/Linux)
 *   24*4    r10
 *   25*4    r11 (ARM frame pointer)
 *   26*4    lr (the return address, bit 0 set for a Thumb caller)
 *   27*4    padding, keeps sp 8-byte aligned
 *
 * The function is A32 code, which every arm CPU with this ABI runs, and is
 * typed %function, so the linker turns a Thumb caller's bl into blx (or a
 * tail call's b into a veneer) and our bl to the Thumb C core into blx.
 * Step 5 returns with bx lr: lr is the target coroutine's return address,
 * whose caller may be Thumb or A32 whatever this one's caller was.
 * No callee writes above its caller's sp on arm, so p is sp itself. */
#define FRAME	28*4

	.syntax	unified
	.arm
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, %function
	.balign	4
sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
	sub	sp, sp, #FRAME	/* sl:not-a-save: the frame */
	str	lr, [sp, #26*4]
	strd	r10, r11, [sp, #24*4]
	strd	r8, r9, [sp, #22*4]
	strd	r6, r7, [sp, #20*4]
	strd	r4, r5, [sp, #18*4]
	vstr	d15, [sp, #16*4]
	vstr	d14, [sp, #14*4]
	vstr	d13, [sp, #12*4]
	vstr	d12, [sp, #10*4]
	vstr	d11, [sp, #8*4]
	vstr	d10, [sp, #6*4]
	vstr	d9, [sp, #4*4]
	vstr	d8, [sp, #2*4]
	vmrs	r12, fpscr	/* sl:not-a-save: fpscr reaches the frame through r12 */
	str	r12, [sp, #0*4]
	/* 2. p = sp; call sl_core_save(p) */
	mov	r0, sp
	bl	sl_core_save
	/* 3. sp = returned slice start */
	mov	sp, r0
	/* 4. call sl_core_restore() */
	bl	sl_core_restore
	/* 5. restore the target's registers; r0 holds the result */
	ldr	r12, [sp, #0*4]
	vmsr	fpscr, r12	/* sl:not-a-save: fpscr comes back through r12 */
	vldr	d8, [sp, #2*4]
	vldr	d9, [sp, #4*4]
	vldr	d10, [sp, #6*4]
	vldr	d11, [sp, #8*4]
	vldr	d12, [sp, #10*4]
	vldr	d13, [sp, #12*4]
	vldr	d14, [sp, #14*4]
	vldr	d15, [sp, #16*4]
	ldrd	r4, r5, [sp, #18*4]
	ldrd	r6, r7, [sp, #20*4]
	ldrd	r8, r9, [sp, #22*4]
	ldrd	r10, r11, [sp, #24*4]
	ldr	lr, [sp, #26*4]
	add	sp, sp, #FRAME	/* sl:not-a-save: drops the frame */
	bx	lr
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",%progbits
