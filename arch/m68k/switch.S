/* stackslice port: m68k (System V ABI, Motorola 68000 Processor Family
 * Supplement, chapter 3, "Function Calling Sequence": d2-d7, a2-a6 and
 * fp2-fp7 are the callee's to preserve, arguments travel on the stack).
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from %sp after
 * step 1 (only 2-byte alignment is promised: nothing here assumes more);
 * the core gets p = %sp + 1*4:
 *
 *   offset  content
 *   0*4     argument slot of sl_core_save (p)
 *   ---- p ----
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
 * A callee owns its incoming argument slots and may write them, so p lies
 * above the argument slot of sl_core_save (port.json stack_area 4). movem
 * and fmovem lay their registers out in ascending order from the address
 * they are given (d before a, fp2 first), so each list is written in that
 * order; the frame is allocated first so that they need no predecrement. */
#define AREA	1*4
#define FRAME	31*4

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
	lea	-FRAME(%sp), %sp	/* sl:not-a-save: the frame */
	fmove.l	%fpcr, 1*4(%sp)
	movem.l	%d2-%d7/%a2-%a6, 2*4(%sp)
	fmovem.x	%fp2-%fp7, 13*4(%sp)
	/* 2. p = %sp + 1*4; call sl_core_save(p) */
	lea	AREA(%sp), %a0
	move.l	%a0, (%sp)
	bsr.l	sl_core_save
	/* 3. %sp = returned slice start (in %a0, as gcc returns pointers) - 1*4 */
	lea	-AREA(%a0), %sp
	/* 4. call sl_core_restore() */
	bsr.l	sl_core_restore
	/* 5. restore the target's registers; %d0 holds the result */
	fmove.l	1*4(%sp), %fpcr
	movem.l	2*4(%sp), %d2-%d7/%a2-%a6
	fmovem.x	13*4(%sp), %fp2-%fp7
	lea	FRAME(%sp), %sp	/* sl:not-a-save: drops the frame */
	rts
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
