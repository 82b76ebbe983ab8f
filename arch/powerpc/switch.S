/* stackslice port: powerpc (Power Architecture 32-bit ELF ABI Supplement,
 * SysV, hard-float: "Function Calling Sequence", registers and stack frame).
 *
 * Register area of the leaving coroutine (r3, the argument) and of the
 * entering one (r14 from step 3), SL_AREA_BYTES bytes, 16-byte aligned:
 *
 *   offset          content
 *   0*4             the core's: the stack pointer p the coroutine resumes at
 *   1*4             return address (LR)
 *   2*4             CR (CR2-CR4 kept)
 *   3*4 .. 20*4     r14 .. r31 (stmw)
 *   21*4            padding, keeps the FP slots 8-byte aligned
 *   11*8            FPSCR (in the doubleword's low word)
 *   12*8 .. 29*8    f14 .. f31
 *
 * A callee may write the back chain and LR save word of its caller's frame,
 * so the calls in steps 2 and 4 get a 16-byte frame (the smallest that keeps
 * r1 16-byte aligned) and p lies just above its 8-byte header: stack_area,
 * scratch for sl_core_leave and sl_core_restore, never part of a slice; the
 * frame's other 8 bytes are padding at the slice's start. The caller's own
 * header lies above, in the slice, so its back chain travels with it; the
 * back chain of the frame below the target's p is stale after the switch,
 * so step 3 writes it again (stwu). lmw may not load its own base register,
 * so the entered area is kept in r14, outside the lmw r15 that restores the
 * others. r2 (thread pointer) and r13 (small data area) are the same on both
 * sides of a switch and are never touched. The ABI is -mabi=no-altivec: no
 * vector register is callee-saved. */
#include "port.h"

#define AREA	30*8	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif
#define FRAME	4*4	/* the callees' frame: header, then padding */
#define HEADER	2*4	/* back chain and LR save word: port.json's stack_area */

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.p2align 2
sl_arch_switch:
	/* 1. save callee-saved registers, FP control state and the return address in the area */
	mflr	%r0	/* sl:not-a-save: LR reaches the area through r0 */
	mfcr	%r12	/* sl:not-a-save: CR reaches the area through r12 */
	stw	%r0, 1*4(%r3)
	stw	%r12, 2*4(%r3)
	stmw	%r14, 3*4(%r3)
	stfd	%f14, 12*8(%r3)
	stfd	%f15, 13*8(%r3)
	stfd	%f16, 14*8(%r3)
	stfd	%f17, 15*8(%r3)
	stfd	%f18, 16*8(%r3)
	stfd	%f19, 17*8(%r3)
	stfd	%f20, 18*8(%r3)
	stfd	%f21, 19*8(%r3)
	stfd	%f22, 20*8(%r3)
	stfd	%f23, 21*8(%r3)
	stfd	%f24, 22*8(%r3)
	stfd	%f25, 23*8(%r3)
	stfd	%f26, 24*8(%r3)
	stfd	%f27, 25*8(%r3)
	stfd	%f28, 26*8(%r3)
	stfd	%f29, 27*8(%r3)
	stfd	%f30, 28*8(%r3)
	stfd	%f31, 29*8(%r3)
	mffs	%f0	/* sl:not-a-save: FPSCR reaches the area through f0 */
	stfd	%f0, 11*8(%r3)
	/* 2. p = r1 + HEADER in a frame of its own for the callees; call sl_core_leave(p) */
	stwu	%r1, -FRAME(%r1)	/* sl:not-a-save: the callees' frame, with its back chain */
	addi	%r3, %r1, HEADER
	bl	sl_core_leave
	/* 3. r14 = the entered area; r1 = its p - HEADER, the back chain there written again */
	mr	%r14, %r3
	lwz	%r1, 0*4(%r3)
	addi	%r12, %r1, FRAME-HEADER
	stwu	%r12, -HEADER(%r1)	/* sl:not-a-save: the back chain of the callees' frame */
	/* 4. call sl_core_restore() */
	bl	sl_core_restore
	/* 5. restore the target's registers from its area, r14 last; r3 holds the result */
	lfd	%f0, 11*8(%r14)
	mtfsf	0xff, %f0	/* sl:not-a-save: FPSCR comes back through f0 */
	lfd	%f14, 12*8(%r14)
	lfd	%f15, 13*8(%r14)
	lfd	%f16, 14*8(%r14)
	lfd	%f17, 15*8(%r14)
	lfd	%f18, 16*8(%r14)
	lfd	%f19, 17*8(%r14)
	lfd	%f20, 18*8(%r14)
	lfd	%f21, 19*8(%r14)
	lfd	%f22, 20*8(%r14)
	lfd	%f23, 21*8(%r14)
	lfd	%f24, 22*8(%r14)
	lfd	%f25, 23*8(%r14)
	lfd	%f26, 24*8(%r14)
	lfd	%f27, 25*8(%r14)
	lfd	%f28, 26*8(%r14)
	lfd	%f29, 27*8(%r14)
	lfd	%f30, 28*8(%r14)
	lfd	%f31, 29*8(%r14)
	lwz	%r0, 1*4(%r14)
	lwz	%r12, 2*4(%r14)
	mtlr	%r0	/* sl:not-a-save: LR comes back through r0 */
	mtcrf	0x38, %r12	/* sl:not-a-save: CR2-CR4 come back through r12 */
	addi	%r1, %r1, FRAME	/* sl:not-a-save: drops the callees' frame */
	lmw	%r15, 4*4(%r14)
	lwz	%r14, 3*4(%r14)
	blr
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
