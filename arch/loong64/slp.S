/* SLP adapter trampoline: loong64 (LoongArch ELF psABI, LP64D). See foreign/adapter/slp.c.
 *
 * Frame of sl_arch_switch, from $sp after step 1:
 *
 *   offset  content
 *   0*8     padding: $sp stays 16-byte aligned
 *   1*8     ra (the return address)
 *
 * No callee-saved register is saved here, fp included: slp_switch saves
 * them, or the register canaries name the one it forgets. */
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.balign	4
sl_arch_switch:
	/* 1. keep the return address; save nothing else */
	addi.d	$sp, $sp, -2*8
	st.d	$ra, $sp, 1*8
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	bl	sl_slp_switch
	/* 3. sl_slp_result(what slp_switch returned, in $a0): the core's result */
	bl	sl_slp_result
	/* 4. return it */
	ld.d	$ra, $sp, 1*8
	addi.d	$sp, $sp, 2*8
	jr	$ra
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",%progbits
