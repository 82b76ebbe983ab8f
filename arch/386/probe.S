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
 * Frame of probe_via, the body of sl_probe_switch and sl_probe_switch_direct,
 * from esp after its prologue (16-byte aligned):
 *
 *   offset  content
 *   0*4     argument: to
 *   1*4     argument: NULL (sl_switch only)
 *   2*4     argument: NULL (sl_switch only)
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
 *   14*4    to (own argument)
 *
 * Frame of switch_direct, from esp after its prologue (16-byte aligned, as
 * the call of sl_debug_arm_switch needs; probe_via's call left esp 4 mod 16):
 *
 *   offset  content
 *   0*4     argument of sl_debug_arm_switch: to
 *   1*4     padding
 *   2*4     padding
 *   3*4     return address into probe_via
 *   4*4     to (own argument, probe_via's 0*4) */
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
	/* Both probes share one body; edx holds what it calls with the canaries
	 * loaded. 386 has no eip-relative addressing: call/pop finds the address
	 * without an absolute relocation, so the code stays position-independent. */
	.globl	sl_probe_switch
	.type	sl_probe_switch, @function
sl_probe_switch:
	call	1f
1:	popl	%edx
	addl	$sl_switch-1b, %edx
	jmp	probe_via
	.size	sl_probe_switch, .-sl_probe_switch

	.globl	sl_probe_switch_direct
	.type	sl_probe_switch_direct, @function
sl_probe_switch_direct:
	call	1f
1:	popl	%edx
	addl	$switch_direct-1b, %edx
	jmp	probe_via
	.size	sl_probe_switch_direct, .-sl_probe_switch_direct

	/* switch_direct(to): arm the core, then enter the port as if called from
	 * probe_via. The return address into probe_via stays at 3*4 (no C code
	 * writes above its own argument slots), so after the epilogue the jump
	 * leaves the stack exactly as probe_via's call did and sl_arch_switch
	 * returns straight to probe_via. sl_debug_arm_switch is C and keeps the
	 * canaries in the callee-saved registers and the FP control state. */
	.type	switch_direct, @function
switch_direct:
	subl	$3*4, %esp
	movl	4*4(%esp), %eax
	movl	%eax, 0*4(%esp)
	call	sl_debug_arm_switch
	addl	$3*4, %esp
	jmp	sl_arch_switch
	.size	switch_direct, .-switch_direct

	.type	probe_via, @function
probe_via:
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
	/* 3. sl_switch(to, NULL, NULL) or switch_direct(to) */
	movl	14*4(%esp), %eax
	movl	%eax, 0*4(%esp)
	movl	$0, 1*4(%esp)
	movl	$0, 2*4(%esp)
	call	*%edx
	/* 4. store what the registers hold now */
	movl	13*4(%esp), %ecx
	movl	%ebx, 0*8(%ecx)
	movl	%ebp, 1*8(%ecx)
	movl	%esi, 2*8(%ecx)
	movl	%edi, 3*8(%ecx)
	stmxcsr	4*8(%ecx)
	fnstcw	5*8(%ecx)
	/* 5. restore the caller's state; eax holds sl_switch's or sl_arch_switch's result */
	ldmxcsr	3*4(%esp)
	fldcw	4*4(%esp)
	addl	$7*4, %esp
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
	.size	probe_via, .-probe_via

	.globl	sl_probe_call_sp
	.type	sl_probe_call_sp, @function
sl_probe_call_sp:
	/* the call pushed the return address: the call site's esp is one slot up */
	leal	1*4(%esp), %eax
	ret
	.size	sl_probe_call_sp, .-sl_probe_call_sp

	.section .note.GNU-stack,"",@progbits
