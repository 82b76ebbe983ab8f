/* stackslice port: m68k (System V ABI, Motorola 68000 Processor Family
 * Supplement, chapter 3, "Function Calling Sequence": d2-d7, a2-a6 and
 * fp2-fp7 are the callee's to preserve, arguments travel on the stack).
 *
 * Register area of the leaving coroutine (%a0, from the argument at 1*4(%sp)
 * on entry) and of the entering one (%a6 from step 3), SL_AREA_BYTES bytes,
 * 16-byte aligned:
 *
 *   offset  content
 *   0*4     the core's: the stack pointer p the coroutine resumes at
 *   1*4     FPCR (rounding precision and mode, exception enables)
 *   2*4     d2
 *   3*4     d3
 *   4*4     d4
 *   5*4     d5
 *   6*4     d6
 *   7*4     d7
 *   8*4     a2
 *   9*4     a3
 *   10*4    a4
 *   11*4    a5
 *   12*4    a6 (%fp, the frame pointer)
 *   13*4    fp2 (96-bit extended: sign and exponent, 16 zero bits, mantissa)
 *   16*4    fp3
 *   19*4    fp4
 *   22*4    fp5
 *   25*4    fp6
 *   28*4    fp7
 *   31*4    return address
 *
 * The return address is popped into the area, so %sp is left at the
 * caller's argument slot (only 2-byte alignment is promised: nothing here
 * assumes more). A callee owns its incoming argument slots and may write
 * them, so that slot becomes the argument slot of sl_core_leave and p lies
 * just above it (port.json stack_area 4): the slice holds nothing of this
 * function. Step 5 pushes the return address back for rts, which leaves
 * %sp where the caller's call left it. movem and fmovem lay their
 * registers out in ascending order from the address they are given (d
 * before a, fp2 first), so each list is written in that order; a6 comes
 * last in its movem, so the entered area is kept in it and its load is the
 * last one. */
#include "port.h"

#define AREA	32*4	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif
#define ARG	1*4	/* sl_core_leave's argument slot, from p: stack_area */

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
sl_arch_switch:
	/* 1. save callee-saved registers, FP control state and the return address in the area */
	move.l	1*4(%sp), %a0	/* sl:not-a-save: the area, the argument */
	fmove.l	%fpcr, 1*4(%a0)
	movem.l	%d2-%d7/%a2-%a6, 2*4(%a0)
	fmovem.x	%fp2-%fp7, 13*4(%a0)
	move.l	(%sp)+, 31*4(%a0)	/* sl:not-a-save: the return address; every case fails without it */
	/* 2. p = %sp + 1*4, above the argument slot; call sl_core_leave(p) */
	lea	ARG(%sp), %a1
	move.l	%a1, (%sp)
	bsr.l	sl_core_leave
	/* 3. %a6 = the entered area (in %a0, as gcc returns pointers); %sp = its stack pointer - 1*4 */
	movea.l	%a0, %a6
	movea.l	0*4(%a6), %a1
	lea	-ARG(%a1), %sp
	/* 4. call sl_core_restore() */
	bsr.l	sl_core_restore
	/* 5. restore the target's registers from its area, a6 last; %d0 holds the result */
	move.l	31*4(%a6), -(%sp)	/* sl:not-a-save: the return address, for rts */
	fmove.l	1*4(%a6), %fpcr
	fmovem.x	13*4(%a6), %fp2-%fp7
	movem.l	2*4(%a6), %d2-%d7/%a2-%a6
	rts
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
