/* SLP adapter trampoline: arm64 (AAPCS64). See foreign/adapter/slp.c.
 *
 * Frame of sl_arch_switch, from sp after step 1:
 *
 *   offset  content
 *   0*8     x30 (link register: the return address)
 *   1*8     padding: sp stays 16-byte aligned
 *
 * No callee-saved register is saved here, x29 included: slp_switch saves
 * them, or the register canaries name the one it forgets. */
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.balign	4
sl_arch_switch:
	/* 1. keep the return address; save nothing else */
	str	x30, [sp, #-2*8]!
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	bl	sl_slp_switch
	/* 3. sl_slp_result(what slp_switch returned, in w0): the core's result */
	bl	sl_slp_result
	/* 4. return it */
	ldr	x30, [sp], #2*8
	ret
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",%progbits
