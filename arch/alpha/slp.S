/* SLP adapter trampoline: alpha (Alpha Linux ABI, the OSF/1 calling
 * standard). See foreign/adapter/slp.c.
 *
 * Frame of sl_arch_switch, from $30 after step 1:
 *
 *   offset  content
 *   0*8     $26 (the return address)
 *   1*8     padding: $30 stays 16-byte aligned
 *
 * No callee-saved register is saved here, $15 (fp) included: slp_switch
 * saves them, or the register canaries name the one it forgets. $29 (gp)
 * is no callee-saved register: it comes from $27 at entry and from $26
 * after each call, as in every function. */
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.ent	sl_arch_switch
	.align	4
sl_arch_switch:
	ldgp	$29, 0($27)
	.prologue 1
	/* 1. keep the return address; save nothing else */
	lda	$30, -2*8($30)
	stq	$26, 0*8($30)
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	ldq	$27, sl_slp_switch($29)	!literal!1
	jsr	$26, ($27), sl_slp_switch	!lituse_jsr!1
	ldgp	$29, 0($26)
	/* 3. sl_slp_result(what slp_switch returned, in $0): the core's result */
	mov	$0, $16
	ldq	$27, sl_slp_result($29)	!literal!2
	jsr	$26, ($27), sl_slp_result	!lituse_jsr!2
	ldgp	$29, 0($26)
	/* 4. return it */
	ldq	$26, 0*8($30)
	lda	$30, 2*8($30)
	ret	$31, ($26), 1
	.end	sl_arch_switch
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
