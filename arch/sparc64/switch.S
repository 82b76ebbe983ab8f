/* stackslice port: sparc64 (SPARC Compliance Definition 2.4.1, the 64-bit
 * SPARC V9 ABI: ch. 3 "Low-Level System Information", registers, the stack
 * frame and the stack bias).
 *
 * Register area of the leaving coroutine (%o0, the argument) and of the
 * entering one (%l0 from step 3), SL_AREA_BYTES bytes, 16-byte aligned:
 *
 *   offset  content
 *   0*8     the core's: the stack pointer p the coroutine resumes at
 *   1*8     %fsr (rounding direction, trap enables, condition codes)
 *   2*8     %l0
 *   ...       %l0 + i at (2 + i)*8
 *   9*8     %l7
 *   10*8    %i0
 *   ...       %i0 + i at (10 + i)*8
 *   16*8    %i6 (%fp: the caller's caller's stack pointer)
 *   17*8    %i7 (the caller's return address - 8)
 *   18*8    %o7 (this function's return address - 8, which each call
 *             overwrites)
 *
 * Register windows: this function makes no `save`, so it runs in its
 * caller's window, and the callee-saved registers of its caller, %l0-%l7
 * and %i0-%i7, are registers it can store: they go to the area with stx,
 * like every other port's. The windows of the callers further up are not
 * in reach: flushw writes every window but the current one to the register
 * save area of its own frame (the 16 doublewords at its %sp + BIAS, in the
 * frame of the function above the caller, so in the slice), and the CPU
 * then holds no window of theirs (CANRESTORE is 0). The calls of steps 2
 * and 4 each return with as many windows as they found, so CANRESTORE is
 * still 0 after the switch: the caller's `restore` finds no window to
 * return to, and the fill trap loads its caller's window from the save
 * area at %fp + BIAS (the %i6 just loaded) of the frame the core has just
 * copied back: the target's. A save/flushw frame of this function's own,
 * as before, would put the caller's window into the caller's frame's save
 * area, which is then slice: 128 bytes more to copy each way, for nothing
 * the area cannot hold. flushw is the save of those windows (asm "windows"
 * in port.json); their restore is that fill trap, no instruction here.
 * No FP register is callee-saved in the 64-bit ABI. %g2-%g4 are
 * call-clobbered (gcc allocates them), %g5 is reserved, %g6 and %g7 belong
 * to the system: %g7 is the thread pointer, the same for every coroutine
 * of a thread, and is never switched.
 *
 * %sp and %fp are biased: the frame is at %sp + BIAS (2047). Every callee
 * may write the CALLS (176) bytes at the bottom of its caller's frame: the
 * 16-doubleword register save area (a spill of the caller's window, which
 * is the current one here) and the 6-doubleword home area of the register
 * arguments. So p = %sp + BIAS + CALLS, the slice holds nothing of this
 * function, which builds no frame (the caller's %sp is 16-byte aligned, as
 * both calls need), and step 3 sets %sp = the area's first word - CALLS -
 * BIAS. Delay slots are written out: each holds the instruction it is
 * named for. */
#include "port.h"

#define AREA	19*8	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif
#define BIAS	2047
#define CALLS	176	/* what a callee may write: stack_area */
#define SLICE	(BIAS+CALLS)	/* p, from %sp */

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, #function
	.align	4
sl_arch_switch:
	/* 1. save callee-saved registers, FP control state and the return address in the area */
	flushw
	stx	%fsr, [%o0+1*8]
	stx	%l0, [%o0+2*8]
	stx	%l1, [%o0+3*8]
	stx	%l2, [%o0+4*8]
	stx	%l3, [%o0+5*8]
	stx	%l4, [%o0+6*8]
	stx	%l5, [%o0+7*8]
	stx	%l6, [%o0+8*8]
	stx	%l7, [%o0+9*8]
	stx	%i0, [%o0+10*8]
	stx	%i1, [%o0+11*8]
	stx	%i2, [%o0+12*8]
	stx	%i3, [%o0+13*8]
	stx	%i4, [%o0+14*8]
	stx	%i5, [%o0+15*8]
	stx	%i6, [%o0+16*8]
	stx	%i7, [%o0+17*8]
	stx	%o7, [%o0+18*8]	/* sl:not-a-save: the return address; every case fails without it */
	/* 2. p = %sp + BIAS + CALLS; call sl_core_leave(p) */
	call	sl_core_leave
	add	%sp, SLICE, %o0		/* delay slot: p */
	/* 3. %l0 = the entered area; %sp = its stack pointer - CALLS - BIAS */
	mov	%o0, %l0
	ldx	[%l0+0*8], %o1
	add	%o1, -SLICE, %sp
	/* 4. call sl_core_restore() */
	call	sl_core_restore
	nop				/* delay slot */
	/* 5. restore the target's registers from its area, %l0 last; %o0 holds the result */
	ldx	[%l0+1*8], %fsr
	ldx	[%l0+18*8], %o7	/* sl:not-a-save: the return address */
	ldx	[%l0+3*8], %l1
	ldx	[%l0+4*8], %l2
	ldx	[%l0+5*8], %l3
	ldx	[%l0+6*8], %l4
	ldx	[%l0+7*8], %l5
	ldx	[%l0+8*8], %l6
	ldx	[%l0+9*8], %l7
	ldx	[%l0+10*8], %i0
	ldx	[%l0+11*8], %i1
	ldx	[%l0+12*8], %i2
	ldx	[%l0+13*8], %i3
	ldx	[%l0+14*8], %i4
	ldx	[%l0+15*8], %i5
	ldx	[%l0+16*8], %i6
	ldx	[%l0+17*8], %i7
	ldx	[%l0+2*8], %l0
	retl
	nop				/* delay slot */
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
