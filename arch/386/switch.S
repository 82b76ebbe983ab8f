/* stackslice port: 386 (i386 System V psABI 1.1, §2.2 "Function Calling Sequence").
 *
 * Register area of the leaving coroutine (eax, loaded from the argument
 * slot 1*4(%esp) at entry) and of the entering one (ebx from step 3),
 * SL_AREA_BYTES bytes, 16-byte aligned:
 *
 *   offset  content
 *   0*4     the core's: the stack pointer p the coroutine resumes at
 *   1*4     MXCSR
 *   2*4     x87 control word (bytes 0-1)
 *   3*4     ebx
 *   4*4     esi
 *   5*4     edi
 *   6*4     ebp
 *   7*4     return address
 *
 * The return address is popped into the area, so esp is the caller's esp
 * from before its call, 16-byte aligned as the calls in steps 2 and 4 need,
 * and points at our own argument slot. A callee owns its incoming argument
 * slots and may write them (gcc reuses them as scratch): that slot becomes
 * the argument slot of sl_core_leave, and p = esp + 1*4 lies above it;
 * p itself is 4 mod 16, esp = p - 1*4 is 16-byte aligned. The slice holds
 * nothing of this function.
 *
 * Step 5 returns by an indirect jump, as amd64's does: the return address
 * is in the area, not on the stack, and a `ret` after a stack change is
 * predicted to go back to the other coroutine's caller. */
#include "port.h"

#define AREA	8*4	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
sl_arch_switch:
	/* 1. save callee-saved registers, FP control state and the return address in the area */
	movl	1*4(%esp), %eax	/* sl:not-a-save: the area, from the argument slot */
	stmxcsr	1*4(%eax)
	fnstcw	2*4(%eax)
	movl	%ebx, 3*4(%eax)
	movl	%esi, 4*4(%eax)
	movl	%edi, 5*4(%eax)
	movl	%ebp, 6*4(%eax)
	popl	%ecx	/* sl:not-a-save: the return address, into a scratch register */
	movl	%ecx, 7*4(%eax)	/* sl:not-a-save: the return address; every case fails without it */
	/* 2. p = esp + 1*4, above the argument slot; call sl_core_leave(p) */
	leal	1*4(%esp), %ecx
	movl	%ecx, 0*4(%esp)
	call	sl_core_leave
	/* 3. ebx = the entered area; esp = its stack pointer - 1*4 */
	movl	%eax, %ebx
	movl	0*4(%eax), %esp
	subl	$1*4, %esp
	/* 4. call sl_core_restore() */
	call	sl_core_restore
	/* 5. restore the target's registers from its area, ebx last; eax holds the result */
	ldmxcsr	1*4(%ebx)
	fldcw	2*4(%ebx)
	movl	4*4(%ebx), %esi
	movl	5*4(%ebx), %edi
	movl	6*4(%ebx), %ebp
	movl	7*4(%ebx), %ecx	/* sl:not-a-save: the return address, into a scratch register */
	movl	3*4(%ebx), %ebx
	jmp	*%ecx	/* sl:not-a-save: returns; see the note at the top */
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
