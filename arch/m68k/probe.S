/* stackslice probes: m68k (System V ABI, Motorola 68000 Processor Family
 * Supplement). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[] (big-endian; a 32-bit register uses
 * the slot's low word, at LOW; seen[] is zeroed by the caller, so its high
 * word stays 0):
 *
 *   slot            register                     fixed    mask
 *   0*8 .. 5*8      d2 .. d7                     0        0xffffffff
 *   6*8 .. 10*8     a2 .. a6 (a6: %fp)           0        0xffffffff
 *   11*8, 12*8      fp2: sign and exponent, then 0        0xffff0000, all
 *                   the 64-bit mantissa
 *   ..              fp3 .. fp7 alike, to 22*8
 *   23*8            FPCR (32 bits)               0        PREC bit 7, RND (0xb0)
 *
 * An FP register is 80 bits, which no 64-bit slot holds: its two slots are
 * laid out so that the 12 bytes from the first one's low word are the
 * register in fmovem.x's memory format (sign and exponent, 16 zero bits,
 * mantissa), and fmovem.x moves it raw, with no conversion or exception
 * whatever the bits. FPCR: the exception enables (bits 8-15) stay 0, so no
 * canary traps, and the rounding precision is extended or double, never
 * the undefined 11: the FP mode beyond rounding (core/probe.h) is PREC's
 * bit 7, each coroutine's own, bit 6 staying 0. Never loaded: %sp (a7), and the scratch d0, d1, a0, a1.
 *
 * Frame of sl_probe_switch, from %sp after its prologue:
 *
 *   offset          content
 *   0*4 .. 2*4      arguments of via: to, NULL, NULL
 *   3*4             the caller's FPCR
 *   4*4 .. 14*4     the caller's d2-d7, a2-a6
 *   15*4 .. 32*4    the caller's fp2-fp7, 12 bytes each
 *   33*4            2 bytes of padding
 *   FRAME           return address
 *   FRAME+1*4 ..    own arguments: load, seen, to, via
 *
 * The padding leaves %sp 2 bytes off a multiple of 4 at the call of via:
 * the m68k ABI aligns the stack to 2 bytes only, and gcc keeps it aligned
 * to 4 in its own frames, so every switch of the canary cases (through
 * sl_switch, or straight into the port) is the one place where the core
 * and the port meet a stack pointer aligned to 2 only. */
#define GPRS	d2, d3, d4, d5, d6, d7, a2, a3, a4, a5, a6
#define FPRS	fp2, fp3, fp4, fp5, fp6, fp7
#define LOW	4	/* the low word of a 64-bit slot: big-endian */
#define FPCR	3*4
#define SAVED	4*4
#define SAVED_FP	15*4
#define FRAME	33*4+2
#define LOAD	FRAME+1*4
#define SEEN	FRAME+2*4
#define TO	FRAME+3*4
#define VIA	FRAME+4*4

#include "probe.inc"

	.macro	slots
	.irp	reg, GPRS
	slot	\reg, 0, 0xffffffff
	.endr
	.irp	reg, FPRS
	slot	\reg, 0, 0xffff0000, .exp
	slot	\reg
	.endr
	slot	fpcr, 0, 0xb0, , 0x80, 0x40
	.endm
	sl_probe_tables 2

	/* dir=to stores every slot's register into its slot at base, dir=from
	 * loads it: move.l and fmovem.x name the memory last in a store. */
	.macro	each_slot dir, base
	.set	slot, 0
	.irp	reg, GPRS
	.ifc	\dir, to
	move.l	%\reg, slot*8+LOW(\base)
	.else
	move.l	slot*8+LOW(\base), %\reg
	.endif
	.set	slot, slot+1
	.endr
	.irp	reg, FPRS
	.ifc	\dir, to
	fmovem.x	%\reg, slot*8+LOW(\base)
	.else
	fmovem.x	slot*8+LOW(\base), %\reg
	.endif
	.set	slot, slot+2
	.endr
	.ifc	\dir, to
	fmove.l	%fpcr, slot*8+LOW(\base)
	.else
	fmove.l	slot*8+LOW(\base), %fpcr
	.endif
	.endm

	/* sl_probe_direct (core/probe.h): its own frame is the argument of
	 * sl_debug_arm_switch alone; with it dropped, the leaving area goes to
	 * its own first argument slot (a callee's to write), and the branch
	 * leaves the stack as sl_probe_switch's call did, for sl_arch_switch to
	 * take it as its argument and return there. */
	sl_func	sl_probe_direct
	move.l	1*4(%sp), -(%sp)
	bsr.l	sl_debug_arm_switch
	addq.l	#4, %sp
	tst.l	%d0
	bne.s	1f
	bsr.l	sl_debug_leaving_area
	move.l	%a0, 1*4(%sp)
	bra.l	sl_arch_switch
1:	rts
	sl_end	sl_probe_direct
	sl_func	sl_probe_switch
	/* 1. save the caller's callee-saved registers and FP control state */
	suba.w	#FRAME, %sp
	fmove.l	%fpcr, FPCR(%sp)
	movem.l	%d2-%d7/%a2-%a6, SAVED(%sp)
	fmovem.x	%fp2-%fp7, SAVED_FP(%sp)
	/* 2. load the canaries */
	move.l	LOAD(%sp), %a0
	each_slot from, %a0
	/* 3. via(to, NULL, NULL): sl_switch or sl_probe_direct */
	move.l	TO(%sp), 0*4(%sp)
	clr.l	1*4(%sp)
	clr.l	2*4(%sp)
	move.l	VIA(%sp), %a0
	jsr	(%a0)
	/* 4. store what the registers hold now */
	move.l	SEEN(%sp), %a0
	each_slot to, %a0
	/* 5. restore the caller's state; %d0 holds via's result */
	fmove.l	FPCR(%sp), %fpcr
	movem.l	SAVED(%sp), %d2-%d7/%a2-%a6
	fmovem.x	SAVED_FP(%sp), %fp2-%fp7
	lea	FRAME(%sp), %sp
	rts
	sl_end	sl_probe_switch
	sl_func	sl_probe_call_sp
	/* jsr pushed the return address: the call site's %sp is 4 above */
	lea	1*4(%sp), %a0
	move.l	%a0, %d0
	rts
	sl_end	sl_probe_call_sp
