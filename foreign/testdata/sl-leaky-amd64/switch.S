/* A broken sl-style switch for amd64, for stackslice's tests: our amd64
 * port's switch.S without r15 (not pushed, not popped; a padding word keeps
 * rsp 16-byte aligned at the calls). The suite must name r15.
 *
 *   offset  content
 *   0*8     MXCSR (bytes 0-3), x87 control word (bytes 4-5)
 *   1*8     padding
 *   2*8     r14
 *   3*8     r13
 *   4*8     r12
 *   5*8     rbx
 *   6*8     rbp
 *   7*8     return address */
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	subq	$2*8, %rsp	/* sl:not-a-save: the slot of the control words, and padding */
	stmxcsr	0*8(%rsp)
	fnstcw	0*8+4(%rsp)
	/* 2. p = rsp; call sl_core_save(p) */
	movq	%rsp, %rdi
	call	sl_core_save
	/* 3. rsp = returned slice start */
	movq	%rax, %rsp
	/* 4. call sl_core_restore() */
	call	sl_core_restore
	/* 5. restore the target's registers; eax holds the result */
	ldmxcsr	0*8(%rsp)
	fldcw	0*8+4(%rsp)
	addq	$2*8, %rsp	/* sl:not-a-save: drops the slot of the control words, and padding */
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	popq	%rcx	/* sl:not-a-save: the return address, into a scratch register */
	jmp	*%rcx	/* sl:not-a-save: returns; see the note at the top */
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
