/* stackslice port: ppc64 (64-bit PowerPC ELF Application Binary Interface
 * Supplement 1.9, "ELFv1": §3.2 "Function Calling Sequence"), big-endian.
 *
 * Register area of the leaving coroutine (r3, the argument) and of the
 * entering one (r31 from step 3), SL_AREA_BYTES bytes, 16-byte aligned:
 *
 *   offset              content
 *   0*8                 the core's: the stack pointer p the coroutine resumes at
 *   1*8                 return address (LR)
 *   2*8                 CR (CR2-CR4 kept; bytes 0-3)
 *   3*8                 FPSCR (all 64 bits)
 *   4*8 .. 21*8         r14 .. r31
 *   22*8 .. 39*8        f14 .. f31
 *   40*8 .. 63*8        v20 .. v31, 2*8 each
 *   64*8 .. 65*8        VSCR (in bytes 12-15, the vector's last word)
 *
 * p is the caller's r1. ELFv1 gives every callee the caller's 48-byte header
 * (back chain, CR, LR, two reserved words, TOC save) and its 64-byte
 * parameter save area (gcc -O0 spills register arguments there), so the
 * calls in steps 2 and 4 get a 112-byte frame below p: stack_area, scratch
 * for sl_core_leave and sl_core_restore, never part of a slice. The caller's
 * own header lies at p and up, in the slice, so its back chain travels with
 * it; the back chain of the frame below the target's p is stale after the
 * switch, so step 3 writes it again (stdu). r1 stays 16-byte aligned at both
 * calls. r2 (TOC) is not saved: both sides of a switch are sl_arch_switch
 * called from the core, in one module, so r2 is this module's TOC on either
 * side; r13 is the thread pointer. v20-v31 and VSCR are kept because the ABI
 * is -mabi=altivec: code built with -maltivec keeps values there. The port
 * needs POWER6 or later (ISA 2.05: AltiVec, and the mtfsf that writes all 64
 * bits of FPSCR, DRN included). VRSAVE is not used by Linux code and is left
 * alone. Each vector register needs its offset in an index register (li r12,
 * then stvx/lvx).
 *
 * sl_arch_switch is a function descriptor in .opd; its code is at
 * .L.sl_arch_switch, and calls to C are bl + nop for the linker's TOC
 * restore.
 *
 * sl:not-a-save li: sets the index register of the vector slot that follows */
#include "port.h"

#define AREA	66*8	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif
#define HEADER	14*8	/* the callees' header and parameter save area: port.json's stack_area */

	.machine power6
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.section ".opd", "aw"
	.p2align 3
sl_arch_switch:
	.quad	.L.sl_arch_switch, .TOC.@tocbase, 0
	.text
	.type	sl_arch_switch, @function
	.p2align 4
.L.sl_arch_switch:
	/* 1. save callee-saved registers, FP control state and the return address in the area */
	mflr	%r0	/* sl:not-a-save: LR reaches the area through r0 */
	mfcr	%r12	/* sl:not-a-save: CR reaches the area through r12 */
	std	%r0, 1*8(%r3)
	stw	%r12, 2*8(%r3)
	std	%r14, 4*8(%r3)
	std	%r15, 5*8(%r3)
	std	%r16, 6*8(%r3)
	std	%r17, 7*8(%r3)
	std	%r18, 8*8(%r3)
	std	%r19, 9*8(%r3)
	std	%r20, 10*8(%r3)
	std	%r21, 11*8(%r3)
	std	%r22, 12*8(%r3)
	std	%r23, 13*8(%r3)
	std	%r24, 14*8(%r3)
	std	%r25, 15*8(%r3)
	std	%r26, 16*8(%r3)
	std	%r27, 17*8(%r3)
	std	%r28, 18*8(%r3)
	std	%r29, 19*8(%r3)
	std	%r30, 20*8(%r3)
	std	%r31, 21*8(%r3)
	stfd	%f14, 22*8(%r3)
	stfd	%f15, 23*8(%r3)
	stfd	%f16, 24*8(%r3)
	stfd	%f17, 25*8(%r3)
	stfd	%f18, 26*8(%r3)
	stfd	%f19, 27*8(%r3)
	stfd	%f20, 28*8(%r3)
	stfd	%f21, 29*8(%r3)
	stfd	%f22, 30*8(%r3)
	stfd	%f23, 31*8(%r3)
	stfd	%f24, 32*8(%r3)
	stfd	%f25, 33*8(%r3)
	stfd	%f26, 34*8(%r3)
	stfd	%f27, 35*8(%r3)
	stfd	%f28, 36*8(%r3)
	stfd	%f29, 37*8(%r3)
	stfd	%f30, 38*8(%r3)
	stfd	%f31, 39*8(%r3)
	mffs	%f0	/* sl:not-a-save: FPSCR reaches the area through f0 */
	stfd	%f0, 3*8(%r3)
	li	%r12, 40*8
	stvx	%v20, %r3, %r12
	li	%r12, 42*8
	stvx	%v21, %r3, %r12
	li	%r12, 44*8
	stvx	%v22, %r3, %r12
	li	%r12, 46*8
	stvx	%v23, %r3, %r12
	li	%r12, 48*8
	stvx	%v24, %r3, %r12
	li	%r12, 50*8
	stvx	%v25, %r3, %r12
	li	%r12, 52*8
	stvx	%v26, %r3, %r12
	li	%r12, 54*8
	stvx	%v27, %r3, %r12
	li	%r12, 56*8
	stvx	%v28, %r3, %r12
	li	%r12, 58*8
	stvx	%v29, %r3, %r12
	li	%r12, 60*8
	stvx	%v30, %r3, %r12
	li	%r12, 62*8
	stvx	%v31, %r3, %r12
	mfvscr	%v0	/* sl:not-a-save: VSCR reaches the area through v0 */
	li	%r12, 64*8
	stvx	%v0, %r3, %r12
	/* 2. p = r1; the callees' header and parameter save area below it; call sl_core_leave(p) */
	mr	%r3, %r1
	stdu	%r1, -HEADER(%r1)	/* sl:not-a-save: the callees' frame, with its back chain */
	bl	sl_core_leave
	nop
	/* 3. r31 = the entered area; r1 = its p - HEADER, the back chain there written again */
	mr	%r31, %r3
	ld	%r1, 0*8(%r3)
	stdu	%r1, -HEADER(%r1)	/* sl:not-a-save: the callees' frame, with its back chain */
	/* 4. call sl_core_restore() */
	bl	sl_core_restore
	nop
	/* 5. restore the target's registers from its area, r31 last; r3 holds the result */
	li	%r12, 64*8
	lvx	%v0, %r31, %r12
	mtvscr	%v0	/* sl:not-a-save: VSCR comes back through v0 */
	li	%r12, 40*8
	lvx	%v20, %r31, %r12
	li	%r12, 42*8
	lvx	%v21, %r31, %r12
	li	%r12, 44*8
	lvx	%v22, %r31, %r12
	li	%r12, 46*8
	lvx	%v23, %r31, %r12
	li	%r12, 48*8
	lvx	%v24, %r31, %r12
	li	%r12, 50*8
	lvx	%v25, %r31, %r12
	li	%r12, 52*8
	lvx	%v26, %r31, %r12
	li	%r12, 54*8
	lvx	%v27, %r31, %r12
	li	%r12, 56*8
	lvx	%v28, %r31, %r12
	li	%r12, 58*8
	lvx	%v29, %r31, %r12
	li	%r12, 60*8
	lvx	%v30, %r31, %r12
	li	%r12, 62*8
	lvx	%v31, %r31, %r12
	lfd	%f0, 3*8(%r31)
	mtfsf	0xff, %f0, 1, 0	/* sl:not-a-save: FPSCR comes back through f0 */
	lfd	%f14, 22*8(%r31)
	lfd	%f15, 23*8(%r31)
	lfd	%f16, 24*8(%r31)
	lfd	%f17, 25*8(%r31)
	lfd	%f18, 26*8(%r31)
	lfd	%f19, 27*8(%r31)
	lfd	%f20, 28*8(%r31)
	lfd	%f21, 29*8(%r31)
	lfd	%f22, 30*8(%r31)
	lfd	%f23, 31*8(%r31)
	lfd	%f24, 32*8(%r31)
	lfd	%f25, 33*8(%r31)
	lfd	%f26, 34*8(%r31)
	lfd	%f27, 35*8(%r31)
	lfd	%f28, 36*8(%r31)
	lfd	%f29, 37*8(%r31)
	lfd	%f30, 38*8(%r31)
	lfd	%f31, 39*8(%r31)
	ld	%r0, 1*8(%r31)
	lwz	%r12, 2*8(%r31)
	mtlr	%r0	/* sl:not-a-save: LR comes back through r0 */
	mtcrf	0x38, %r12	/* sl:not-a-save: CR2-CR4 come back through r12 */
	addi	%r1, %r1, HEADER	/* sl:not-a-save: drops the callees' frame */
	ld	%r14, 4*8(%r31)
	ld	%r15, 5*8(%r31)
	ld	%r16, 6*8(%r31)
	ld	%r17, 7*8(%r31)
	ld	%r18, 8*8(%r31)
	ld	%r19, 9*8(%r31)
	ld	%r20, 10*8(%r31)
	ld	%r21, 11*8(%r31)
	ld	%r22, 12*8(%r31)
	ld	%r23, 13*8(%r31)
	ld	%r24, 14*8(%r31)
	ld	%r25, 15*8(%r31)
	ld	%r26, 16*8(%r31)
	ld	%r27, 17*8(%r31)
	ld	%r28, 18*8(%r31)
	ld	%r29, 19*8(%r31)
	ld	%r30, 20*8(%r31)
	ld	%r31, 21*8(%r31)
	blr
	.size	sl_arch_switch, .-.L.sl_arch_switch

	.section .note.GNU-stack,"",@progbits
