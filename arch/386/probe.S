/* stackslice probes: 386 (i386 System V psABI 1.1, §2.2). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[] (32-bit registers use the low half;
 * seen[] is zeroed by the caller, so the high half stays 0):
 *
 *   slot         register                fixed    mask
 *   0*8 .. 3*8   ebx, ebp, esi, edi      0        0xffffffff
 *   4*8          MXCSR (32 bits)         0x1f80   RC, FZ, DAZ
 *   5*8          x87 control (16 bits)   0x037f   RC
 *
 * Frame of probe_via, the body of sl_probe_switch and sl_probe_switch_direct,
 * from esp after its prologue (16-byte aligned):
 *
 *   offset         content
 *   0*4 .. 2*4     arguments: to, NULL, NULL (the NULLs for sl_switch only)
 *   3*4            caller's MXCSR
 *   4*4            caller's x87 control word (bytes 0-1)
 *   5*4 .. 8*4     caller's ebx, ebp, esi, edi, in slot order
 *   9*4 .. 10*4    padding, keeps esp 16-byte aligned at the call
 *   11*4           return address
 *   12*4 .. 14*4   own arguments: load, seen, to
 *
 * Frame of switch_direct, from esp after its prologue (16-byte aligned, as
 * the call of sl_debug_arm_switch needs; probe_via's call left esp 4 mod 16):
 *
 *   offset         content
 *   0*4            argument of sl_debug_arm_switch: to
 *   1*4 .. 2*4     padding
 *   3*4            return address into probe_via
 *   4*4            own argument: to (probe_via's 0*4) */
#define GPRS	ebx, ebp, esi, edi
#define FRAME	11*4
#define SAVED	5*4
#define DIRECT	3*4

	/* dir=to stores each of GPRS into its slot at base+off, dir=from loads it:
	 * AT&T syntax orders a store's operands opposite to a load's. A slot is
	 * 8 bytes in load[] and seen[], 4 in probe_via's frame. */
	.macro	gprs dir, base, off=0, size=8
	.set	slot, 0
	.irp	reg, GPRS
	.ifc	\dir, to
	movl	%\reg, \off+slot*\size(\base)
	.else
	movl	\off+slot*\size(\base), %\reg
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
	.rept	NGPRS
	.quad	0xffffffff
	.endr
	.quad	0xe040, 0x0c00
sl_probe_count:
	.long	(sl_probe_mask - sl_probe_fixed) / 8
sl_probe_stack_align:
	.long	16

	.text
	.globl	sl_probe_switch, sl_probe_switch_direct, sl_probe_call_sp
	/* Both probes share one body; edx holds what it calls with the canaries
	 * loaded. 386 has no eip-relative addressing: call/pop finds the address
	 * without an absolute relocation, so the code stays position-independent. */
	.macro	probe name, callee
	.type	\name, @function
\name:
	call	1f
1:	popl	%edx
	addl	$\callee-1b, %edx
	jmp	probe_via
	.size	\name, .-\name
	.endm
	probe	sl_probe_switch, sl_switch
	probe	sl_probe_switch_direct, switch_direct

	/* switch_direct(to): arm the core, then enter the port as if called from
	 * probe_via. The return address into probe_via stays at 3*4 (no C code
	 * writes above its own argument slots), so with its own frame gone the
	 * jump leaves the stack exactly as probe_via's call did and
	 * sl_arch_switch returns straight to probe_via. A refused switch armed
	 * nothing: its error goes back without entering the port. */
	.type	switch_direct, @function
switch_direct:
	subl	$DIRECT, %esp
	movl	DIRECT+1*4(%esp), %eax
	movl	%eax, 0*4(%esp)
	call	sl_debug_arm_switch
	addl	$DIRECT, %esp
	testl	%eax, %eax
	jnz	1f
	jmp	sl_arch_switch
1:	ret
	.size	switch_direct, .-switch_direct

	.type	probe_via, @function
probe_via:
	/* 1. save the caller's callee-saved registers and FP control state */
	subl	$FRAME, %esp
	gprs	to, %esp, SAVED, 4
	stmxcsr	3*4(%esp)
	fnstcw	4*4(%esp)
	/* 2. load the canaries */
	movl	FRAME+1*4(%esp), %eax
	gprs	from, %eax
	ldmxcsr	NGPRS*8(%eax)
	fldcw	NGPRS*8+1*8(%eax)
	/* 3. sl_switch(to, NULL, NULL) or switch_direct(to) */
	movl	FRAME+3*4(%esp), %eax
	movl	%eax, 0*4(%esp)
	movl	$0, 1*4(%esp)
	movl	$0, 2*4(%esp)
	call	*%edx
	/* 4. store what the registers hold now */
	movl	FRAME+2*4(%esp), %ecx
	gprs	to, %ecx
	stmxcsr	NGPRS*8(%ecx)
	fnstcw	NGPRS*8+1*8(%ecx)
	/* 5. restore the caller's state; eax holds the result to return */
	ldmxcsr	3*4(%esp)
	fldcw	4*4(%esp)
	gprs	from, %esp, SAVED, 4
	addl	$FRAME, %esp
	ret
	.size	probe_via, .-probe_via

	.type	sl_probe_call_sp, @function
sl_probe_call_sp:
	/* the call pushed the return address: the call site's esp is one slot up */
	leal	1*4(%esp), %eax
	ret
	.size	sl_probe_call_sp, .-sl_probe_call_sp

	.section .note.GNU-stack,"",@progbits
