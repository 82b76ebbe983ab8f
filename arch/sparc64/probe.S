/* stackslice probes: sparc64 (SPARC Compliance Definition 2.4.1, the 64-bit SPARC V9 ABI). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[]:
 *
 *   slot            register                 fixed    mask
 *   0*8 .. 7*8      %l0 .. %l7               0        all
 *   8*8 .. 13*8     %i0 .. %i5               0        all
 *   14*8            %fsr                     0        RD, the rounding direction (bits 30-31)
 *
 * The canaries live in sl_probe_switch's own register window, which a
 * switch must carry across: flushed to its frame's register save area,
 * copied with the slice, and filled back from the copy. %fsr's trap enables
 * (TEM) stay 0, so no FP instruction of the C code traps; its condition
 * codes and exception fields are status, loaded as 0 and not compared.
 * Never loaded: %i6 (%fp) and %i7 (the return address) of the window, the
 * %o and %g registers (call-clobbered; %g7 is the thread pointer).
 *
 * Frame of sl_probe_switch, from %sp + BIAS after its `save`: the 176 bytes
 * a callee may write (register save area and argument home area), then at
 * SLOTS + offset:
 *
 *   offset          content
 *   0*8             the caller's %fsr
 *   1*8             seen */
#define LOCALS	l0, l1, l2, l3, l4, l5, l6, l7
#define INS	i0, i1, i2, i3, i4, i5
#define BIAS	2047
#define AREA	176
#define SLOTS	(BIAS+AREA)
#define FRAME	(AREA+2*8)

#include "probe.inc"

	.macro	slots
	sl_slots LOCALS, INS
	slot	fsr, 0, 0xc0000000
	.endm
	sl_probe_tables 16

	/* One walk of the lists for every slot sequence (the slots mirror the
	 * window: locals, then ins). */
	.macro	store_slots base
	.set	slot, 0
	.irp	reg, LOCALS, INS, fsr
	stx	%\reg, [\base+slot*8]
	.set	slot, slot+1
	.endr
	.endm

	.macro	load_slots base
	.set	slot, 0
	.irp	reg, LOCALS, INS, fsr
	ldx	[\base+slot*8], %\reg
	.set	slot, slot+1
	.endr
	.endm

	/* sl_probe_direct (core/probe.h): a window of its own for the calls to
	 * sl_debug_arm_switch and sl_debug_leaving_area, so sl_probe_switch's
	 * canaries stay untouched; then back in sl_probe_switch's window (the
	 * `restore` hands it the leaving area as %o0), whose %o7 returns into
	 * it, a tail call: %o7 waits in %g1 while `call` overwrites it. */
	sl_func	sl_probe_direct, 2
	save	%sp, -AREA, %sp
	call	sl_debug_arm_switch
	mov	%i0, %o0	/* delay slot: to */
	cmp	%o0, 0
	bne,pn	%icc, 1f
	nop	/* delay slot */
	call	sl_debug_leaving_area
	nop	/* delay slot */
	restore	%o0, %g0, %o0
	mov	%o7, %g1
	call	sl_arch_switch
	mov	%g1, %o7	/* delay slot: sl_arch_switch returns into sl_probe_switch */
1:	ret
	restore	%o0, %g0, %o0	/* delay slot */
	sl_end	sl_probe_direct
	sl_func	sl_probe_switch, 2
	/* 1. save the caller's FP control state (its windows are out of reach) */
	save	%sp, -FRAME, %sp
	stx	%fsr, [%sp+SLOTS+0*8]
	stx	%i1, [%sp+SLOTS+1*8]
	/* 2. load the canaries; to and via wait in %o registers */
	mov	%i2, %o0
	mov	%i3, %o3
	mov	%i0, %o4
	load_slots %o4
	/* 3. via(to, NULL, NULL): sl_switch or sl_probe_direct */
	mov	0, %o1
	call	%o3
	mov	0, %o2	/* delay slot */
	/* 4. store what the registers hold now */
	ldx	[%sp+SLOTS+1*8], %o4
	store_slots %o4
	/* 5. restore the caller's state; %o0 holds via's result */
	ldx	[%sp+SLOTS+0*8], %fsr
	ret
	restore	%o0, %g0, %o0	/* delay slot */
	sl_end	sl_probe_switch
	sl_func	sl_probe_call_sp, 2
	/* call pushes nothing: the call site's stack pointer is %sp + BIAS */
	retl
	add	%sp, BIAS, %o0	/* delay slot */
	sl_end	sl_probe_call_sp
