/* stackslice probes: 386 (i386 System V psABI 1.1, §2.2). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[] (32-bit registers use the low half;
 * seen[] is zeroed by the caller, so the high half stays 0):
 *
 *   slot  register              fixed    mask
 *   0*8   ebx                   0        0xffffffff
 *   1*8   ebp                   0        0xffffffff
 *   2*8   esi                   0        0xffffffff
 *   3*8   edi                   0        0xffffffff
 *   4*8   MXCSR (32 bits)       0x1f80   RC, FZ, DAZ
 *   5*8   x87 control (16 bits) 0x037f   RC
 *
 * Frame of sl_probe_switch, from esp after its prologue (16-byte aligned):
 *
 *   offset  content
 *   0*4     argument: to
 *   1*4     argument: NULL
 *   2*4     argument: NULL
 *   3*4     caller's MXCSR
 *   4*4     caller's x87 control word (bytes 0-1)
 *   5*4     padding, keeps esp 16-byte aligned at the call
 *   6*4     padding
 *   7*4     edi
 *   8*4     esi
 *   9*4     ebx
 *   10*4    ebp
 *   11*4    return address
 *   12*4    load (own argument)
 *   13*4    seen (own argument)
 *   14*4    to (own argument) */
	.section .rodata
	.globl	sl_probe_count, sl_probe_names, sl_probe_fixed, sl_probe_mask, sl_probe_stack_align
	.balign	8
sl_probe_count:
	.long	6
sl_probe_stack_align:
	.long	16
sl_probe_names:
	.asciz	"ebx", "ebp", "esi", "edi", "mxcsr", "x87cw"
	.balign	8
sl_probe_fixed:
	.quad	0, 0, 0, 0, 0x1f80, 0x037f
sl_probe_mask:
	.quad	0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xe040, 0x0c00

	.text
	.globl	sl_probe_switch
	.type	sl_probe_switch, @function
sl_probe_switch:
	/* 1. save the caller's callee-saved registers and FP control state */
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	subl	$7*4, %esp
	stmxcsr	3*4(%esp)
	fnstcw	4*4(%esp)
	/* 2. load the canaries */
	movl	12*4(%esp), %eax
	movl	0*8(%eax), %ebx
	movl	1*8(%eax), %ebp
	movl	2*8(%eax), %esi
	movl	3*8(%eax), %edi
	ldmxcsr	4*8(%eax)
	fldcw	5*8(%eax)
	/* 3. sl_switch(to, NULL, NULL) */
	movl	14*4(%esp), %eax
	movl	%eax, 0*4(%esp)
	movl	$0, 1*4(%esp)
	movl	$0, 2*4(%esp)
	call	sl_switch
	/* 4. store what the registers hold now */
	movl	13*4(%esp), %ecx
	movl	%ebx, 0*8(%ecx)
	movl	%ebp, 1*8(%ecx)
	movl	%esi, 2*8(%ecx)
	movl	%edi, 3*8(%ecx)
	stmxcsr	4*8(%ecx)
	fnstcw	5*8(%ecx)
	/* 5. restore the caller's state; eax holds sl_switch's result */
	ldmxcsr	3*4(%esp)
	fldcw	4*4(%esp)
	addl	$7*4, %esp
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
	.size	sl_probe_switch, .-sl_probe_switch

	.globl	sl_probe_call_sp
	.type	sl_probe_call_sp, @function
sl_probe_call_sp:
	/* the call pushed the return address: the call site's esp is one slot up */
	leal	1*4(%esp), %eax
	ret
	.size	sl_probe_call_sp, .-sl_probe_call_sp

	.section .note.GNU-stack,"",@progbits
