/* SLP adapter trampoline: mips64 (MIPS n64). See foreign/adapter/slp.c.
 *
 * Frame of sl_arch_switch, from $sp after step 1:
 *
 *   offset  content
 *   0*8     $gp (the caller's)
 *   1*8     $ra (the return address)
 *
 * $gp is the one callee-saved register kept here: the calls need this
 * function's own $gp (computed from $t9) to reach the GOT, and no header
 * can forget $gp, since n64 makes slp_switch's compiled prologue and
 * epilogue keep it. Every other callee-saved register is left to
 * slp_switch, or the register canaries name the one it forgets. */
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.ent	sl_arch_switch
	.set	noreorder
	.balign	8
sl_arch_switch:
	/* 1. keep the return address and the caller's $gp; save nothing else */
	daddiu	$sp, $sp, -2*8
	sd	$ra, 1*8($sp)
	sd	$gp, 0*8($sp)
	lui	$gp, %hi(%neg(%gp_rel(sl_arch_switch)))
	daddu	$gp, $gp, $t9
	daddiu	$gp, $gp, %lo(%neg(%gp_rel(sl_arch_switch)))
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	ld	$t9, %got_disp(sl_slp_switch)($gp)
	jalr	$t9
	nop	/* delay slot */
	/* 3. sl_slp_result(what slp_switch returned, in $v0): the core's result */
	ld	$t9, %got_disp(sl_slp_result)($gp)
	jalr	$t9
	move	$a0, $v0	/* delay slot */
	/* 4. return it */
	ld	$gp, 0*8($sp)
	ld	$ra, 1*8($sp)
	jr	$ra
	daddiu	$sp, $sp, 2*8	/* delay slot */
	.set	reorder
	.end	sl_arch_switch
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",%progbits
