/* stackslice probes: amd64 (x86-64 System V psABI 1.0, §3.2). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[]:
 *
 *   slot  register              fixed    mask
 *   0*8   rbx                   0        all
 *   1*8   rbp                   0        all
 *   2*8   r12                   0        all
 *   3*8   r13                   0        all
 *   4*8   r14                   0        all
 *   5*8   r15                   0        all
 *   6*8   MXCSR (32 bits)       0x1f80   RC, FZ, DAZ
 *   7*8   x87 control (16 bits) 0x037f   RC
 *
 * Frame of probe_via, the body of sl_probe_switch and sl_probe_switch_direct, from rsp after its prologue:
 *
 *   offset  content
 *   0*8     seen
 *   1*8     caller's MXCSR (bytes 0-3) and x87 control word (bytes 4-5)
 *   2*8     padding, keeps rsp 16-byte aligned at the call
 *   3*8     r15
 *   4*8     r14
 *   5*8     r13
 *   6*8     r12
 *   7*8     rbx
 *   8*8     rbp
 *   9*8     return address */
	.section .rodata
	.globl	sl_probe_count, sl_probe_names, sl_probe_fixed, sl_probe_mask, sl_probe_stack_align
	.balign	8
sl_probe_count:
	.long	8
sl_probe_stack_align:
	.long	16
sl_probe_names:
	.asciz	"rbx", "rbp", "r12", "r13", "r14", "r15", "mxcsr", "x87cw"
	.balign	8
sl_probe_fixed:
	.quad	0, 0, 0, 0, 0, 0, 0x1f80, 0x037f
sl_probe_mask:
	.quad	-1, -1, -1, -1, -1, -1, 0xe040, 0x0c00

	.text
	/* Both probes share one body; rax holds what it calls with the canaries loaded. */
	.globl	sl_probe_switch
	.type	sl_probe_switch, @function
sl_probe_switch:
	leaq	sl_switch(%rip), %rax
	jmp	probe_via
	.size	sl_probe_switch, .-sl_probe_switch

	.globl	sl_probe_switch_direct
	.type	sl_probe_switch_direct, @function
sl_probe_switch_direct:
	leaq	switch_direct(%rip), %rax
	jmp	probe_via
	.size	sl_probe_switch_direct, .-sl_probe_switch_direct

	/* switch_direct(to): arm the core, then enter the port as if called from probe_via. */
	.type	switch_direct, @function
switch_direct:
	subq	$1*8, %rsp
	call	sl_debug_arm_switch
	addq	$1*8, %rsp
	jmp	sl_arch_switch
	.size	switch_direct, .-switch_direct

	.type	probe_via, @function
probe_via:
	/* 1. save the caller's callee-saved registers and FP control state */
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$3*8, %rsp
	movq	%rsi, 0*8(%rsp)
	stmxcsr	1*8(%rsp)
	fnstcw	1*8+4(%rsp)
	/* 2. load the canaries */
	movq	0*8(%rdi), %rbx
	movq	1*8(%rdi), %rbp
	movq	2*8(%rdi), %r12
	movq	3*8(%rdi), %r13
	movq	4*8(%rdi), %r14
	movq	5*8(%rdi), %r15
	ldmxcsr	6*8(%rdi)
	fldcw	7*8(%rdi)
	/* 3. sl_switch(to, NULL, NULL) or switch_direct(to) */
	movq	%rdx, %rdi
	xorl	%esi, %esi
	xorl	%edx, %edx
	call	*%rax
	/* 4. store what the registers hold now */
	movq	0*8(%rsp), %rcx
	movq	%rbx, 0*8(%rcx)
	movq	%rbp, 1*8(%rcx)
	movq	%r12, 2*8(%rcx)
	movq	%r13, 3*8(%rcx)
	movq	%r14, 4*8(%rcx)
	movq	%r15, 5*8(%rcx)
	stmxcsr	6*8(%rcx)
	fnstcw	7*8(%rcx)
	/* 5. restore the caller's state; eax holds sl_switch's result */
	ldmxcsr	1*8(%rsp)
	fldcw	1*8+4(%rsp)
	addq	$3*8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	probe_via, .-probe_via

	.globl	sl_probe_call_sp
	.type	sl_probe_call_sp, @function
sl_probe_call_sp:
	/* the call pushed the return address: the call site's rsp is one slot up */
	leaq	1*8(%rsp), %rax
	ret
	.size	sl_probe_call_sp, .-sl_probe_call_sp

	.section .note.GNU-stack,"",@progbits
