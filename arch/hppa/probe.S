/* stackslice probes: hppa (PA-RISC 1.1, 32-bit Linux ELF ABI). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[] (a 32-bit register uses the slot's low
 * word, at LOW; seen[] is zeroed by the caller, so its high word stays 0):
 *
 *   slot           register                  fixed    mask
 *   0*8 .. 15*8    r3 .. r18                 0        0xffffffff
 *   16*8 .. 25*8   fr12 .. fr21              0        all
 *   26*8           fr0 (status, exception 1) 0        RM (status bits 9-10)
 *
 * fr0 holds the FP status in its high word (big-endian: the slot's first
 * four bytes), whose enables (bits 0-4) and T bit stay 0, so no canary
 * traps; the exception register in its low word stays 0. Never loaded: sp,
 * rp, dp (r27, the global data pointer), r19 (the PIC register), r1 and
 * r20-r26, r28-r31 (the caller's).
 *
 * The stack grows up. Frame of sl_probe_switch, from its base (the entry
 * %sp); %sp = base + FRAME:
 *
 *   offset         content
 *   0*8 .. 26*8    the caller's registers, laid out as the canary slots
 *   27*8           seen
 *   27*8+4         rp (the return address)
 *   FRAME-12*4 ..  frame marker and argument area of the call to via */
#define GPRS	r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15, r16, r17, r18
#define FPRS	fr12, fr13, fr14, fr15, fr16, fr17, fr18, fr19, fr20, fr21
#define LOW	4	/* the low word of a 64-bit slot: big-endian */
#define FRAME	320	/* 28*8 + 12*4, rounded up to the stack's 64-byte alignment */
#define BASE	-FRAME
#define SEEN	BASE+27*8
#define RP	BASE+27*8+4
/* sl_probe_direct's frame: the frame marker and argument area alone */
#define DIRECT	64

#include "probe.inc"

	.macro	slots
	.irp	reg, GPRS
	slot	\reg, 0, 0xffffffff
	.endr
	sl_slots FPRS
	slot	fr0, 0, 0x0000060000000000
	.endm
	sl_probe_tables 64

	/* Every slot, slot*8 past off(base): stw and ldw reach the GPR slots
	 * directly, the FP ones through %r1 (FP displacements reach 15 bytes
	 * in PA 1.1), which moves on a slot per register. */
	.macro	store_slots off, base
	slot = 0
	.irp	reg, GPRS
	stw	%\reg, \off+slot*8+LOW(\base)
	slot = slot+1
	.endr
	ldo	\off+slot*8(\base), %r1
	.irp	reg, FPRS, fr0
	fstd,ma	%\reg, 8(%r1)
	.endr
	.endm

	.macro	load_slots off, base
	slot = 0
	.irp	reg, GPRS
	ldw	\off+slot*8+LOW(\base), %\reg
	slot = slot+1
	.endr
	ldo	\off+slot*8(\base), %r1
	.irp	reg, FPRS, fr0
	fldd,ma	8(%r1), %\reg
	.endr
	.endm

	/* sl_probe_direct (core/probe.h): rp waits in its slot of the caller's
	 * frame marker, sl_debug_arm_switch and sl_debug_leaving_area get a
	 * frame marker of their own; on success the leaving area goes to %r26
	 * and a plain branch follows, so sl_arch_switch returns straight to
	 * sl_probe_switch. */
	sl_func	sl_probe_direct, 2
	stw	%rp, -20(%sp)
	bl	sl_debug_arm_switch, %rp
	ldo	DIRECT(%sp), %sp
	comib,<>	0, %ret0, 1f
	nop
	bl	sl_debug_leaving_area, %rp
	nop
	copy	%ret0, %r26
	ldo	-DIRECT(%sp), %sp
	ldw	-20(%sp), %rp
	b,n	sl_arch_switch
1:	ldo	-DIRECT(%sp), %sp
	ldw	-20(%sp), %rp
	bv,n	%r0(%rp)
	sl_end	sl_probe_direct
	sl_func	sl_probe_switch, 2
	/* 1. save the caller's callee-saved registers and FP control state */
	ldo	FRAME(%sp), %sp
	stw	%rp, RP(%sp)
	stw	%r25, SEEN(%sp)
	store_slots BASE, %sp
	/* 2. load the canaries */
	load_slots 0, %r26
	/* 3. via(to, NULL, NULL): sl_switch or sl_probe_direct, a function
	 * pointer, called through $$dyncall as gcc does (it may be a plabel) */
	copy	%r23, %r22
	copy	%r24, %r26
	ldi	0, %r25
	ldi	0, %r24
	bl	$$dyncall, %r31
	copy	%r31, %rp
	/* 4. store what the registers hold now */
	ldw	SEEN(%sp), %r20
	store_slots 0, %r20
	/* 5. restore the caller's state; %ret0 holds via's result */
	load_slots BASE, %sp
	ldw	RP(%sp), %rp
	bv	%r0(%rp)
	ldo	-FRAME(%sp), %sp
	sl_end	sl_probe_switch
	sl_func	sl_probe_call_sp, 2
	/* bl pushes nothing: the call site's %sp is %sp at entry */
	bv	%r0(%rp)
	copy	%sp, %ret0
	sl_end	sl_probe_call_sp
