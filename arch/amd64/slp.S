/* SLP adapter trampoline: amd64 (x86-64 System V psABI 1.0). See foreign/adapter/slp.c.
 *
 * Frame of sl_arch_switch, from rsp after step 1:
 *
 *   offset  content
 *   0*8     padding: rsp is 16-byte aligned at the call
 *   1*8     return address
 *
 * No callee-saved register is saved here: slp_switch saves them, or the
 * register canaries name the one it forgets. */
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
sl_arch_switch:
	/* 1. align the stack for the call; save nothing */
	subq	$1*8, %rsp
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	call	sl_slp_switch
	/* 3. sl_slp_result(what slp_switch returned): the core's result */
	movl	%eax, %edi
	call	sl_slp_result
	/* 4. return it */
	addq	$1*8, %rsp
	ret
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
