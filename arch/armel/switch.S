/* stackslice port: armel (AAPCS, Procedure Call Standard for the Arm Architecture, IHI 0042,
 * §6.1.1 "Core registers", the base standard: soft-float; sp is 8-byte aligned at every
 * public interface).
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from the stack
 * pointer p it hands to the core (sp, 8-byte aligned):
 *
 *   offset  content
 *   0*4     r4
 *   1*4     r5
 *   2*4     r6
 *   3*4     r7 (Thumb frame pointer)
 *   4*4     r8
 *   5*4     r9 (a callee-saved variable register on GNU/Linux)
 *   6*4     r10
 *   7*4     r11 (ARM frame pointer)
 *   8*4     lr (the return address, bit 0 set for a Thumb caller)
 *   9*4     padding, keeps sp 8-byte aligned
 *
 * Soft-float: FP values live in core registers, and no VFP register or
 * FPSCR is saved, nor touched, since the CPU may have no VFP unit (Debian
 * armel is ARMv5TE with no FPU assumed; the port runs on an arm946 in QEMU,
 * which has none, so a VFP instruction here would be an illegal one).
 * A32 code, ARMv4T's instructions only (no strd, no blx: clang's armel
 * default is ARMv4T), typed %function so the linker handles the calls
 * across instruction sets; step 5 returns with bx lr, which follows bit 0
 * of the target coroutine's return address whatever this caller was.
 * No callee writes above its caller's sp on arm, so p is sp itself. */
#define FRAME	10*4

	.syntax	unified
	.arm
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, %function
	.balign	4
sl_arch_switch:
	/* 1. save callee-saved registers (there is no FP control state) */
	sub	sp, sp, #FRAME	/* sl:not-a-save: the frame */
	str	lr, [sp, #8*4]
	str	r11, [sp, #7*4]
	str	r10, [sp, #6*4]
	str	r9, [sp, #5*4]
	str	r8, [sp, #4*4]
	str	r7, [sp, #3*4]
	str	r6, [sp, #2*4]
	str	r5, [sp, #1*4]
	str	r4, [sp, #0*4]
	/* 2. p = sp; call sl_core_save(p) */
	mov	r0, sp
	bl	sl_core_save
	/* 3. sp = returned slice start */
	mov	sp, r0
	/* 4. call sl_core_restore() */
	bl	sl_core_restore
	/* 5. restore the target's registers; r0 holds the result */
	ldr	r4, [sp, #0*4]
	ldr	r5, [sp, #1*4]
	ldr	r6, [sp, #2*4]
	ldr	r7, [sp, #3*4]
	ldr	r8, [sp, #4*4]
	ldr	r9, [sp, #5*4]
	ldr	r10, [sp, #6*4]
	ldr	r11, [sp, #7*4]
	ldr	lr, [sp, #8*4]
	add	sp, sp, #FRAME	/* sl:not-a-save: drops the frame */
	bx	lr
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",%progbits
