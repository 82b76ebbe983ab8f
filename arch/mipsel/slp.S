/* SLP adapter trampoline: mipsel (SYSV MIPS psABI o32). See foreign/adapter/slp.c.
 *
 * Frame of sl_arch_switch, from $sp after step 1 (8-byte aligned):
 *
 *   offset      content
 *   0*4 .. 3*4  argument area of the calls (callee-writable)
 *   4*4         $gp, for the second call: slp_switch may change it
 *   5*4         $ra (the return address)
 *
 * No callee-saved register is saved here: slp_switch saves them, or the
 * register canaries name the one it forgets. The $gp slot is read after
 * slp_switch has moved the stack: it is then the target's, copied back with
 * its slice (the same value: one module). */
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.set	noreorder
	.set	nomacro
sl_arch_switch:
	lui	$gp, %hi(_gp_disp)
	addiu	$gp, $gp, %lo(_gp_disp)
	addu	$gp, $gp, $t9
	/* 1. keep the return address and $gp; save nothing else */
	addiu	$sp, $sp, -6*4
	sw	$ra, 5*4($sp)
	sw	$gp, 4*4($sp)
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	lw	$t9, %call16(sl_slp_switch)($gp)
	jalr	$t9
	nop
	/* 3. sl_slp_result(what slp_switch returned, in $v0): the core's result */
	lw	$gp, 4*4($sp)
	lw	$t9, %call16(sl_slp_result)($gp)
	jalr	$t9
	move	$a0, $v0
	/* 4. return it */
	lw	$ra, 5*4($sp)
	jr	$ra
	addiu	$sp, $sp, 6*4
	.set	macro
	.set	reorder
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
