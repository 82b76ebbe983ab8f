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
 * Frame of sl_probe_switch, from esp after its prologue (16-byte aligned):
 *
 *   offset         content
 *   0*4 .. 2*4     arguments: to, NULL, NULL (the NULLs for sl_switch only)
 *   3*4            caller's MXCSR
 *   4*4            caller's x87 control word (bytes 0-1)
 *   5*4 .. 8*4     caller's ebx, ebp, esi, edi, in slot order
 *   9*4 .. 10*4    padding, keeps esp 16-byte aligned at the call
 *   11*4           return address
 *   12*4 .. 15*4   own arguments: load, seen, to, via
 *
 * sl_probe_direct's frame (DIRECT) holds the argument of sl_debug_arm_switch
 * and padding to 16 bytes, below the return address into sl_probe_switch. */
#define GPRS	ebx, ebp, esi, edi
#define FRAME	11*4
#define SAVED	5*4
#define DIRECT	3*4

	/* dir=to stores each of GPRS into its slot at base+off, dir=from loads it:
	 * AT&T syntax orders a store's operands opposite to a load's. A slot is
	 * 8 bytes in load[] and seen[], 4 in sl_probe_switch's frame. */
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

#include "probe.inc"

	.macro	slots
	.irp	reg, GPRS
	slot	\reg, 0, 0xffffffff
	.endr
	slot	mxcsr, 0x1f80, 0xe040, , 0x8040
	slot	x87cw, 0x037f, 0x0c00, , 0x0100
	.endm
	sl_probe_tables 16

	/* sl_probe_direct (core/probe.h): no C code writes above its argument
	 * slots, so with its frame gone the jump leaves the stack as
	 * sl_probe_switch's call did, for sl_arch_switch to return there; its
	 * own argument slot (to, a callee's to write) becomes sl_arch_switch's,
	 * the leaving area. */
	sl_func	sl_probe_direct
	subl	$DIRECT, %esp
	movl	DIRECT+1*4(%esp), %eax
	movl	%eax, 0*4(%esp)
	call	sl_debug_arm_switch
	testl	%eax, %eax
	jnz	1f
	call	sl_debug_leaving_area
	movl	%eax, DIRECT+1*4(%esp)
	addl	$DIRECT, %esp
	jmp	sl_arch_switch
1:	addl	$DIRECT, %esp
	ret
	sl_end	sl_probe_direct
	sl_func	sl_probe_switch
	/* 1. save the caller's callee-saved registers and FP control state */
	subl	$FRAME, %esp
	gprs	to, %esp, SAVED, 4
	stmxcsr	3*4(%esp)
	fnstcw	4*4(%esp)
	/* 2. load the canaries */
	movl	FRAME+1*4(%esp), %eax
	gprs	from, %eax
	ldmxcsr	slot*8(%eax)
	fldcw	(slot+1)*8(%eax)
	/* 3. via(to, NULL, NULL): sl_switch or sl_probe_direct */
	movl	FRAME+3*4(%esp), %eax
	movl	%eax, 0*4(%esp)
	movl	$0, 1*4(%esp)
	movl	$0, 2*4(%esp)
	call	*FRAME+4*4(%esp)
	/* 4. store what the registers hold now */
	movl	FRAME+2*4(%esp), %ecx
	gprs	to, %ecx
	stmxcsr	slot*8(%ecx)
	fnstcw	(slot+1)*8(%ecx)
	/* 5. restore the caller's state; eax holds via's result */
	ldmxcsr	3*4(%esp)
	fldcw	4*4(%esp)
	gprs	from, %esp, SAVED, 4
	addl	$FRAME, %esp
	ret
	sl_end	sl_probe_switch
	sl_func	sl_probe_call_sp
	leal	1*4(%esp), %eax
	ret
	sl_end	sl_probe_call_sp
