/* stackslice port: amd64 (x86-64 System V psABI 1.0, §3.2 "Function Calling Sequence").
 *
 * Register area of the leaving coroutine (rdi, the argument) and of the
 * entering one (rbx from step 3), SL_AREA_BYTES bytes, 16-byte aligned:
 *
 *   offset  content
 *   0*8     the core's: the stack pointer p the coroutine resumes at
 *   1*8     MXCSR (bytes 0-3), x87 control word (bytes 4-5)
 *   2*8     rbx
 *   3*8     rbp
 *   4*8     r12
 *   5*8     r13
 *   6*8     r14
 *   7*8     r15
 *   8*8     return address
 *
 * The return address is popped into the area, so p is the caller's rsp
 * from before its call: 16-byte aligned, as the calls in steps 2 and 4
 * need, and the slice holds nothing of this function. No callee writes
 * above its caller's rsp on amd64, so p is rsp itself. The 128-byte red
 * zone lies below p and belongs to nobody during a switch.
 *
 * Step 5 returns by an indirect jump, as boost.context's jump_fcontext does:
 * a `ret` here is predicted to go back to the caller of this thread's last
 * call, which is the other coroutine's caller after a stack change, so it
 * mispredicts on every switch; the jump is predicted from its history.
 * Measured here: a tiny switch from 23.4 to 17.2 ns (fcontext 5.3 ns). */
#include "port.h"

#define AREA	9*8	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
sl_arch_switch:
	/* 1. save callee-saved registers, FP control state and the return address in the area */
	stmxcsr	1*8(%rdi)
	fnstcw	1*8+4(%rdi)
	movq	%rbx, 2*8(%rdi)
	movq	%rbp, 3*8(%rdi)
	movq	%r12, 4*8(%rdi)
	movq	%r13, 5*8(%rdi)
	movq	%r14, 6*8(%rdi)
	movq	%r15, 7*8(%rdi)
	popq	%rcx	/* sl:not-a-save: the return address, into a scratch register */
	movq	%rcx, 8*8(%rdi)	/* sl:not-a-save: the return address; every case fails without it */
	/* 2. p = rsp; call sl_core_leave(p) */
	movq	%rsp, %rdi
	call	sl_core_leave
	/* 3. rbx = the entered area; rsp = its stack pointer */
	movq	%rax, %rbx
	movq	0*8(%rax), %rsp
	/* 4. call sl_core_restore() */
	call	sl_core_restore
	/* 5. restore the target's registers from its area, rbx last; eax holds the result */
	ldmxcsr	1*8(%rbx)
	fldcw	1*8+4(%rbx)
	movq	3*8(%rbx), %rbp
	movq	4*8(%rbx), %r12
	movq	5*8(%rbx), %r13
	movq	6*8(%rbx), %r14
	movq	7*8(%rbx), %r15
	movq	8*8(%rbx), %rcx	/* sl:not-a-save: the return address, into a scratch register */
	movq	2*8(%rbx), %rbx
	jmp	*%rcx	/* sl:not-a-save: returns; see the note at the top */
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
