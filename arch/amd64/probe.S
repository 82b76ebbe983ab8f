/* stackslice probes: amd64 (x86-64 System V psABI 1.0, §3.2). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[]:
 *
 *   slot         register                fixed    mask
 *   0*8 .. 5*8   rbx, rbp, r12 .. r15    0        all
 *   6*8          MXCSR (32 bits)         0x1f80   RC, FZ, DAZ
 *   7*8          x87 control (16 bits)   0x037f   RC
 *
 * Frame of sl_probe_switch, from rsp after its prologue:
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
/* sl_probe_direct's frame: padding, as sl_probe_switch's call left rsp 8 mod 16 */
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

#include "probe.inc"

	.macro	slots
	sl_slots GPRS
	slot	mxcsr, 0x1f80, 0xe040, , 0x8040
	slot	x87cw, 0x037f, 0x0c00, , 0x0100
	.endm
	sl_probe_tables 16

	/* sl_probe_direct (core/probe.h): with its frame gone, the jump leaves
	 * the return address into sl_probe_switch on top for sl_arch_switch. */
	sl_func	sl_probe_direct
	subq	$DIRECT, %rsp
	call	sl_debug_arm_switch
	testl	%eax, %eax
	jnz	1f
	call	sl_debug_leaving_area
	movq	%rax, %rdi
	addq	$DIRECT, %rsp
	jmp	sl_arch_switch
1:	addq	$DIRECT, %rsp
	ret
	sl_end	sl_probe_direct
	sl_func	sl_probe_switch
	/* 1. save the caller's callee-saved registers and FP control state */
	subq	$FRAME, %rsp
	gprs	to, %rsp, SAVED
	movq	%rsi, 0*8(%rsp)
	stmxcsr	1*8(%rsp)
	fnstcw	1*8+4(%rsp)
	/* 2. load the canaries */
	gprs	from, %rdi
	ldmxcsr	slot*8(%rdi)
	fldcw	(slot+1)*8(%rdi)
	/* 3. via(to, NULL, NULL): sl_switch or sl_probe_direct */
	movq	%rdx, %rdi
	xorl	%esi, %esi
	xorl	%edx, %edx
	call	*%rcx
	/* 4. store what the registers hold now */
	movq	0*8(%rsp), %rcx
	gprs	to, %rcx
	stmxcsr	slot*8(%rcx)
	fnstcw	(slot+1)*8(%rcx)
	/* 5. restore the caller's state; eax holds via's result */
	ldmxcsr	1*8(%rsp)
	fldcw	1*8+4(%rsp)
	gprs	from, %rsp, SAVED
	addq	$FRAME, %rsp
	ret
	sl_end	sl_probe_switch
	sl_func	sl_probe_call_sp
	leaq	1*8(%rsp), %rax
	ret
	sl_end	sl_probe_call_sp
