/* stackslice port: armel (AAPCS, Procedure Call Standard for the Arm Architecture, IHI 0042,
 * §6.1.1 "Core registers", the base standard: soft-float; sp is 8-byte aligned at every
 * public interface).
 *
 * Register area of the leaving coroutine (r0, the argument) and of the
 * entering one (r4 from step 3), SL_AREA_BYTES bytes, 16-byte aligned:
 *
 *   offset  content
 *   0*4     the core's: the stack pointer p the coroutine resumes at
 *   1*4     r4
 *   2*4     r5
 *   3*4     r6
 *   4*4     r7 (Thumb frame pointer)
 *   5*4     r8
 *   6*4     r9 (a callee-saved variable register on GNU/Linux)
 *   7*4     r10
 *   8*4     r11 (ARM frame pointer)
 *   9*4     lr (the return address, bit 0 set for a Thumb caller)
 *
 * Soft-float: FP values live in core registers, and no VFP register or
 * FPSCR is saved, nor touched, since the CPU may have no VFP unit (Debian
 * armel is ARMv5TE with no FPU assumed; the port runs on an arm946 in QEMU,
 * which has none, so a VFP instruction here would be an illegal one).
 * A32 code, ARMv4T's instructions only (no strd, no blx: clang's armel
 * default is ARMv4T), typed %function so the linker handles the calls
 * across instruction sets; step 5 returns with bx lr, which follows bit 0
 * of the target coroutine's return address whatever this caller was.
 * One str or ldr per register, not stm/ldm: stm takes a bare base register,
 * so the mutation check could drop one register from it only by moving the
 * slots of the others.
 * No callee writes above its caller's sp on arm, so p is sp itself, 8-byte
 * aligned as the calls need, and the slice holds nothing of this function. */
#include "port.h"

#define AREA	10*4	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif

	.syntax	unified
	.arm
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, %function
	.balign	4
sl_arch_switch:
	/* 1. save callee-saved registers and the return address in the area (there is no FP control state) */
	str	r4, [r0, #1*4]
	str	r5, [r0, #2*4]
	str	r6, [r0, #3*4]
	str	r7, [r0, #4*4]
	str	r8, [r0, #5*4]
	str	r9, [r0, #6*4]
	str	r10, [r0, #7*4]
	str	r11, [r0, #8*4]
	str	lr, [r0, #9*4]
	/* 2. p = sp; call sl_core_leave(p) */
	mov	r0, sp
	bl	sl_core_leave
	/* 3. r4 = the entered area; sp = its stack pointer */
	mov	r4, r0
	ldr	sp, [r0, #0*4]
	/* 4. call sl_core_restore() */
	bl	sl_core_restore
	/* 5. restore the target's registers from its area, r4 last; r0 holds the result */
	ldr	r5, [r4, #2*4]
	ldr	r6, [r4, #3*4]
	ldr	r7, [r4, #4*4]
	ldr	r8, [r4, #5*4]
	ldr	r9, [r4, #6*4]
	ldr	r10, [r4, #7*4]
	ldr	r11, [r4, #8*4]
	ldr	lr, [r4, #9*4]
	ldr	r4, [r4, #1*4]
	bx	lr
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",%progbits
