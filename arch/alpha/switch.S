/* stackslice port: alpha (Alpha Linux ABI: the OSF/1 calling standard,
 * Alpha Architecture Reference Manual / "Calling Standard for Alpha
 * Systems", ch. 3 "Register usage" and the FPCR of ch. 4.7.8).
 *
 * Register area of the leaving coroutine ($16, the argument) and of the
 * entering one ($9 from step 3), SL_AREA_BYTES bytes, 16-byte aligned:
 *
 *   offset  content
 *   0*8     the core's: the stack pointer p the coroutine resumes at
 *   1*8     FPCR (dynamic rounding mode DYN bits 58-59, trap disables, flags)
 *   2*8     $9 (s0)
 *   3*8     $10 (s1)
 *   4*8     $11 (s2)
 *   5*8     $12 (s3)
 *   6*8     $13 (s4)
 *   7*8     $14 (s5)
 *   8*8     $15 (fp, s6)
 *   9*8     $f2
 *   10*8    $f3
 *   11*8    $f4
 *   12*8    $f5
 *   13*8    $f6
 *   14*8    $f7
 *   15*8    $f8
 *   16*8    $f9
 *   17*8    $26 (ra: the return address, which each jsr overwrites)
 *
 * No callee writes above its caller's $30 (the first six arguments travel
 * in $16-$21, and a varargs callee homes them in its own frame), so p is $30
 * itself: the caller's, 16-byte aligned as both calls need, and the slice
 * holds nothing of this function, which builds no frame. $29 (gp) is not
 * callee-saved: each PIC function computes its own, from $27 (pv) at its
 * entry and from $26 after each call (ldgp), and this one does the same, so
 * after the stack shift it still holds the gp of sl_arch_switch's own
 * module, which is its caller's (core/slice.c). FPCR moves through $f0 and
 * is fenced with excb (the architecture's rule for mf_fpcr and mt_fpcr). */
#include "port.h"

#define AREA	18*8	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.ent	sl_arch_switch
	.align	4
sl_arch_switch:
	ldgp	$29, 0($27)
	.prologue 1
	/* 1. save callee-saved registers, FP control state and the return address in the area */
	excb	/* sl:not-a-save: pending FP instructions update FPCR first */
	mf_fpcr	$f0	/* sl:not-a-save: FPCR reaches the area through $f0 */
	stt	$f0, 1*8($16)
	stq	$9, 2*8($16)
	stq	$10, 3*8($16)
	stq	$11, 4*8($16)
	stq	$12, 5*8($16)
	stq	$13, 6*8($16)
	stq	$14, 7*8($16)
	stq	$15, 8*8($16)
	stt	$f2, 9*8($16)
	stt	$f3, 10*8($16)
	stt	$f4, 11*8($16)
	stt	$f5, 12*8($16)
	stt	$f6, 13*8($16)
	stt	$f7, 14*8($16)
	stt	$f8, 15*8($16)
	stt	$f9, 16*8($16)
	stq	$26, 17*8($16)
	/* 2. p = $30; call sl_core_leave(p) */
	mov	$30, $16
	ldq	$27, sl_core_leave($29)	!literal!1
	jsr	$26, ($27), sl_core_leave	!lituse_jsr!1
	ldgp	$29, 0($26)
	/* 3. $9 = the entered area; $30 = its stack pointer */
	mov	$0, $9
	ldq	$30, 0*8($0)
	/* 4. call sl_core_restore() */
	ldq	$27, sl_core_restore($29)	!literal!2
	jsr	$26, ($27), sl_core_restore	!lituse_jsr!2
	ldgp	$29, 0($26)
	/* 5. restore the target's registers from its area, $9 last; $0 holds the result */
	ldt	$f0, 1*8($9)
	mt_fpcr	$f0	/* sl:not-a-save: FPCR comes back through $f0 */
	excb	/* sl:not-a-save: the FP instructions after it see the new FPCR */
	ldq	$10, 3*8($9)
	ldq	$11, 4*8($9)
	ldq	$12, 5*8($9)
	ldq	$13, 6*8($9)
	ldq	$14, 7*8($9)
	ldq	$15, 8*8($9)
	ldt	$f2, 9*8($9)
	ldt	$f3, 10*8($9)
	ldt	$f4, 11*8($9)
	ldt	$f5, 12*8($9)
	ldt	$f6, 13*8($9)
	ldt	$f7, 14*8($9)
	ldt	$f8, 15*8($9)
	ldt	$f9, 16*8($9)
	ldq	$26, 17*8($9)
	ldq	$9, 2*8($9)
	ret	$31, ($26), 1
	.end	sl_arch_switch
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
