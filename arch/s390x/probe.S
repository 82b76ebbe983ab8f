/* stackslice probes: s390x (ELF Application Binary Interface s390x Supplement). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[] (big-endian: the 32-bit FPC is the low
 * half of its slot, bytes 4-7):
 *
 *   slot            register                 fixed    mask
 *   0*8 .. 7*8      r6 .. r13                0        all
 *   8*8 .. 15*8     f8 .. f15                0        all
 *   16*8            FPC (32 bits)            0        DFP and BFP rounding modes (0x73)
 *
 * r14 (return address) and r15 (stack pointer) get no canaries. FPC: the
 * IEEE exception mask bits (0-4) stay zero, so no exception traps.
 *
 * Frame of sl_probe_switch, from r15 after its prologue: the register save
 * area for its callees, then at SAVE_AREA + offset:
 *
 *   offset          content
 *   0*8 .. 16*8     the caller's registers, laid out as the canary slots
 *   17*8            seen
 *   18*8            r14 (return address)
 *   19*8            the pattern written into the frame's back chain slot
 *
 * The back chain slot, 0 of the frame, lies in the save area a callee may
 * write, but is its frame's own: switch.S keeps it across a switch that
 * leaves the save area out of the slice. sl_probe_switch writes a pattern
 * there (the first canary, new every round) and returns BACK_CHAIN_LOST in
 * place of via's result when the slot no longer holds it after via, which
 * the cases report as an unexpected result of sl_probe_switch. */
#define GPRS	r6, r7, r8, r9, r10, r11, r12, r13
#define FPRS	f8, f9, f10, f11, f12, f13, f14, f15
/* Any callee may write the bottom 160 bytes of its caller's frame. */
#define SAVE_AREA	160
#define SEEN	(SAVE_AREA+17*8)
#define RA	(SAVE_AREA+18*8)
#define CHAIN	(SAVE_AREA+19*8)
#define FRAME	(SAVE_AREA+20*8)
/* -0xbacc: no result of sl_switch or sl_probe_direct (core/slice.h) */
#define BACK_CHAIN_LOST	-47820

#include "probe.inc"

	.macro	slots
	sl_slots GPRS, FPRS
	slot	fpc, 0, 0x73
	.endm
	sl_probe_tables 8

	/* Every slot sequence, slot*8 past off(base): the frame mirrors the slots. */
	.macro	store_slots off, base
	.set	slot, 0
	sl_each	stg, \off, \base, GPRS
	sl_each	std, \off, \base, FPRS
	stfpc	\off+slot*8+4(\base)
	.endm

	.macro	load_slots off, base
	.set	slot, 0
	sl_each	lg, \off, \base, GPRS
	sl_each	ld, \off, \base, FPRS
	lfpc	\off+slot*8+4(\base)
	.endm

	/* sl_probe_direct (core/probe.h): r14 waits in its slot of the caller's
	 * save area (a callee may write it), sl_debug_arm_switch and
	 * sl_debug_leaving_area get a save area of their own; ltr tests the low
	 * word, as the result is an int; the area goes to sl_arch_switch in r2. */
	sl_func	sl_probe_direct
	stg	%r14, 14*8(%r15)
	lay	%r15, -SAVE_AREA(%r15)
	brasl	%r14, sl_debug_arm_switch@PLT
	ltr	%r2, %r2
	jne	1f
	brasl	%r14, sl_debug_leaving_area@PLT
	la	%r15, SAVE_AREA(%r15)
	lg	%r14, 14*8(%r15)
	jg	sl_arch_switch@PLT
1:	la	%r15, SAVE_AREA(%r15)
	lg	%r14, 14*8(%r15)
	br	%r14
	sl_end	sl_probe_direct
	sl_func	sl_probe_switch
	/* 1. save the caller's callee-saved registers and FP control state */
	lay	%r15, -FRAME(%r15)
	stg	%r14, RA(%r15)
	stg	%r3, SEEN(%r15)
	store_slots SAVE_AREA, %r15
	/* 2. load the canaries; the first one is the back chain slot's pattern too */
	load_slots 0, %r2
	stg	%r6, 0(%r15)
	stg	%r6, CHAIN(%r15)
	/* 3. via(to, NULL, NULL): sl_switch or sl_probe_direct */
	lgr	%r2, %r4
	lghi	%r3, 0
	lghi	%r4, 0
	basr	%r14, %r5
	/* 4. store what the registers hold now; a lost back chain fails the probe */
	lg	%r1, SEEN(%r15)
	store_slots 0, %r1
	clc	0(8,%r15), CHAIN(%r15)
	je	1f
	lgfi	%r2, BACK_CHAIN_LOST
1:
	/* 5. restore the caller's state; r2 holds via's result, or BACK_CHAIN_LOST */
	load_slots SAVE_AREA, %r15
	lg	%r14, RA(%r15)
	la	%r15, FRAME(%r15)
	br	%r14
	sl_end	sl_probe_switch
	sl_func	sl_probe_call_sp
	/* brasl pushes nothing: the call site's r15 is r15 itself */
	lgr	%r2, %r15
	br	%r14
	sl_end	sl_probe_call_sp
