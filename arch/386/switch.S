/* stackslice port: 386 (i386 System V psABI 1.1, §2.2 "Function Calling Sequence").
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from esp after
 * step 1 (16-byte aligned, as the calls need):
 *
 *   offset  content
 *   0*4     argument slot of sl_core_save (p)
 *   1*4     MXCSR
 *   2*4     x87 control word (bytes 0-1)
 *   3*4     edi
 *   4*4     esi
 *   5*4     ebx
 *   6*4     ebp
 *   7*4     return address
 *
 * A callee owns its incoming argument slots and may write them (gcc reuses
 * them as scratch), so p = esp + 1*4 lies above the argument slot of
 * sl_core_save; p itself is 4 mod 16, esp = p - 1*4 is 16-byte aligned. */
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	subl	$3*4, %esp	/* sl:not-a-save: the argument slot and the control words */
	stmxcsr	1*4(%esp)
	fnstcw	2*4(%esp)
	/* 2. p = esp + 1*4; call sl_core_save(p) */
	leal	1*4(%esp), %eax
	movl	%eax, 0*4(%esp)
	call	sl_core_save
	/* 3. esp = returned slice start - 1*4 */
	leal	-1*4(%eax), %esp
	/* 4. call sl_core_restore() */
	call	sl_core_restore
	/* 5. restore the target's registers; eax holds the result */
	ldmxcsr	1*4(%esp)
	fldcw	2*4(%esp)
	addl	$3*4, %esp	/* sl:not-a-save: drops the argument slot and the control words */
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
