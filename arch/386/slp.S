/* SLP adapter trampoline: 386 (i386 System V psABI 1.1). See foreign/adapter/slp.c.
 *
 * Frame of sl_arch_switch, from esp after step 1:
 *
 *   offset  content
 *   0*4     the argument of sl_slp_result
 *   1*4     padding: esp is 16-byte aligned at the calls
 *   2*4     padding
 *   3*4     return address
 *
 * No callee-saved register is saved here (ebx included): slp_switch saves
 * them, or the register canaries name the one it forgets. */
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
sl_arch_switch:
	/* 1. align the stack for the calls; save nothing */
	subl	$3*4, %esp
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	call	sl_slp_switch
	/* 3. sl_slp_result(what slp_switch returned): the core's result */
	movl	%eax, 0*4(%esp)
	call	sl_slp_result
	/* 4. return it */
	addl	$3*4, %esp
	ret
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
