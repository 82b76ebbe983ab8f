/* stackslice port: alpha (Alpha Linux ABI: the OSF/1 calling standard,
 * Alpha Architecture Reference Manual / "Calling Standard for Alpha
 * Systems", ch. 3 "Register usage" and the FPCR of ch. 4.7.8).
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from the stack
 * pointer p it hands to the core ($30, 16-byte aligned):
 *
 *   offset  content
 *   0*8     FPCR (dynamic rounding mode DYN bits 58-59, trap disables, flags)
 *   1*8     $f2
 *   2*8     $f3
 *   3*8     $f4
 *   4*8     $f5
 *   5*8     $f6
 *   6*8     $f7
 *   7*8     $f8
 *   8*8     $f9
 *   9*8     $9 (s0)
 *   10*8    $10 (s1)
 *   11*8    $11 (s2)
 *   12*8    $12 (s3)
 *   13*8    $13 (s4)
 *   14*8    $14 (s5)
 *   15*8    $15 (fp, s6)
 *   16*8    $26 (ra: the return address)
 *   17*8    padding, keeps $30 16-byte aligned
 *
 * No callee writes above its caller's $30 (the first six arguments travel
 * in $16-$21, and a varargs callee homes them in its own frame), so p is $30
 * itself. $29 (gp) is not callee-saved: each PIC function computes its own,
 * from $27 (pv) at its entry and from $26 after each call (ldgp), and this
 * one does the same, so after the stack shift it still holds the gp of
 * sl_arch_switch's own module, which is its caller's (core/slice.c).
 * FPCR moves through $f0 and is fenced with excb (the architecture's rule
 * for mf_fpcr and mt_fpcr). */
#define FRAME	18*8

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.ent	sl_arch_switch
	.align	4
sl_arch_switch:
	ldgp	$29, 0($27)
	.prologue 1
	/* 1. save callee-saved registers and FP control state */
	lda	$30, -FRAME($30)	/* sl:not-a-save: the frame */
	stq	$26, 16*8($30)
	stq	$15, 15*8($30)
	stq	$14, 14*8($30)
	stq	$13, 13*8($30)
	stq	$12, 12*8($30)
	stq	$11, 11*8($30)
	stq	$10, 10*8($30)
	stq	$9, 9*8($30)
	stt	$f9, 8*8($30)
	stt	$f8, 7*8($30)
	stt	$f7, 6*8($30)
	stt	$f6, 5*8($30)
	stt	$f5, 4*8($30)
	stt	$f4, 3*8($30)
	stt	$f3, 2*8($30)
	stt	$f2, 1*8($30)
	excb	/* sl:not-a-save: pending FP instructions update FPCR first */
	mf_fpcr	$f0	/* sl:not-a-save: FPCR reaches the frame through $f0 */
	stt	$f0, 0*8($30)
	/* 2. p = $30; call sl_core_save(p) */
	mov	$30, $16
	ldq	$27, sl_core_save($29)	!literal!1
	jsr	$26, ($27), sl_core_save	!lituse_jsr!1
	ldgp	$29, 0($26)
	/* 3. $30 = returned slice start */
	mov	$0, $30
	/* 4. call sl_core_restore() */
	ldq	$27, sl_core_restore($29)	!literal!2
	jsr	$26, ($27), sl_core_restore	!lituse_jsr!2
	ldgp	$29, 0($26)
	/* 5. restore the target's registers; $0 holds the result */
	ldt	$f0, 0*8($30)
	mt_fpcr	$f0	/* sl:not-a-save: FPCR comes back through $f0 */
	excb	/* sl:not-a-save: the FP instructions after it see the new FPCR */
	ldt	$f2, 1*8($30)
	ldt	$f3, 2*8($30)
	ldt	$f4, 3*8($30)
	ldt	$f5, 4*8($30)
	ldt	$f6, 5*8($30)
	ldt	$f7, 6*8($30)
	ldt	$f8, 7*8($30)
	ldt	$f9, 8*8($30)
	ldq	$9, 9*8($30)
	ldq	$10, 10*8($30)
	ldq	$11, 11*8($30)
	ldq	$12, 12*8($30)
	ldq	$13, 13*8($30)
	ldq	$14, 14*8($30)
	ldq	$15, 15*8($30)
	ldq	$26, 16*8($30)
	lda	$30, FRAME($30)	/* sl:not-a-save: drops the frame */
	ret	$31, ($26), 1
	.end	sl_arch_switch
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
