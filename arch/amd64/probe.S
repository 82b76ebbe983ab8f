/* stackslice probes: amd64 (x86-64 System V psABI 1.0, §3.2). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[]:
 *
 *   slot         register                fixed    mask
 *   0*8 .. 5*8   rbx, rbp, r12 .. r15    0        all
 *   6*8          MXCSR (32 bits)         0x1f80   RC, FZ, DAZ
 *   7*8          x87 control (16 bits)   0x037f   RC
 *
 * Frame of probe_via, the body of sl_probe_switch and sl_probe_switch_direct,
 * from rsp after its prologue:
 *
 *   offset       content
 *   0*8          seen
 *   1*8          caller's MXCSR (bytes 0-3) and x87 control word (bytes 4-5)
 *   2*8 .. 7*8   caller's rbx, rbp, r12 .. r15, in slot order
 *   8*8          padding, keeps rsp 16-byte aligned at the call
 *   9*8          return address */
#define GPRS	rbx, rbp, r12, r13, r14, r15
#define FRAME	9*8
#define SAVED	2*8
/* switch_direct's frame: padding, as probe_via's call left rsp 8 mod 16 */
#define DIRECT	1*8

	/* dir=to stores each of GPRS into its slot at base+off, dir=from loads it:
	 * AT&T syntax orders a store's operands opposite to a load's. */
	.macro	gprs dir, base, off=0
	.set	slot, 0
	.irp	reg, GPRS
	.ifc	\dir, to
	movq	%\reg, \off+slot*8(\base)
	.else
	movq	\off+slot*8(\base), %\reg
	.endif
	.set	slot, slot+1
	.endr
	.endm

	.section .rodata
	.globl	sl_probe_count, sl_probe_names, sl_probe_fixed, sl_probe_mask, sl_probe_stack_align
sl_probe_names:
	.set	NGPRS, 0
	.irp	reg, GPRS
	.asciz	"\reg"
	.set	NGPRS, NGPRS+1
	.endr
	.asciz	"mxcsr", "x87cw"
	.balign	8
sl_probe_fixed:
	.space	NGPRS*8
	.quad	0x1f80, 0x037f
sl_probe_mask:
	.space	NGPRS*8, 0xff
	.quad	0xe040, 0x0c00
sl_probe_count:
	.long	(sl_probe_mask - sl_probe_fixed) / 8
sl_probe_stack_align:
	.long	16

	.text
	.globl	sl_probe_switch, sl_probe_switch_direct, sl_probe_call_sp
	/* Both probes share one body; rax holds what it calls with the canaries loaded. */
	.macro	probe name, callee
	.type	\name, @function
\name:
	leaq	\callee(%rip), %rax
	jmp	probe_via
	.size	\name, .-\name
	.endm
	probe	sl_probe_switch, sl_switch
	probe	sl_probe_switch_direct, switch_direct

	/* switch_direct(to): arm the core, then enter the port as if called from
	 * probe_via: with its own frame gone, the jump leaves probe_via's return
	 * address on top, so sl_arch_switch returns straight there. A refused
	 * switch armed nothing: its error goes back without entering the port. */
	.type	switch_direct, @function
switch_direct:
	subq	$DIRECT, %rsp
	call	sl_debug_arm_switch
	addq	$DIRECT, %rsp
	testl	%eax, %eax
	jnz	1f
	jmp	sl_arch_switch
1:	ret
	.size	switch_direct, .-switch_direct

	.type	probe_via, @function
probe_via:
	/* 1. save the caller's callee-saved registers and FP control state */
	subq	$FRAME, %rsp
	gprs	to, %rsp, SAVED
	movq	%rsi, 0*8(%rsp)
	stmxcsr	1*8(%rsp)
	fnstcw	1*8+4(%rsp)
	/* 2. load the canaries */
	gprs	from, %rdi
	ldmxcsr	NGPRS*8(%rdi)
	fldcw	NGPRS*8+1*8(%rdi)
	/* 3. sl_switch(to, NULL, NULL) or switch_direct(to) */
	movq	%rdx, %rdi
	xorl	%esi, %esi
	xorl	%edx, %edx
	call	*%rax
	/* 4. store what the registers hold now */
	movq	0*8(%rsp), %rcx
	gprs	to, %rcx
	stmxcsr	NGPRS*8(%rcx)
	fnstcw	NGPRS*8+1*8(%rcx)
	/* 5. restore the caller's state; eax holds the result to return */
	ldmxcsr	1*8(%rsp)
	fldcw	1*8+4(%rsp)
	gprs	from, %rsp, SAVED
	addq	$FRAME, %rsp
	ret
	.size	probe_via, .-probe_via

	.type	sl_probe_call_sp, @function
sl_probe_call_sp:
	/* the call pushed the return address: the call site's rsp is one slot up */
	leaq	1*8(%rsp), %rax
	ret
	.size	sl_probe_call_sp, .-sl_probe_call_sp

	.section .note.GNU-stack,"",@progbits
