/* stackslice port: sparc64 (SPARC Compliance Definition 2.4.1, the 64-bit
 * SPARC V9 ABI: ch. 3 "Low-Level System Information", registers, the stack
 * frame and the stack bias).
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from the stack
 * pointer p it hands to the core (%sp + BIAS + AREA, 16-byte aligned):
 *
 *   offset  content
 *   0*8     %fsr (rounding direction, trap enables, condition codes)
 *   1*8     %i6 (%fp: the caller's stack pointer)
 *   2*8     %i7 (the return address - 8)
 *   3*8     padding: the frame stays a multiple of 16 bytes
 *
 * Register windows: the caller's %l0-%l7 and %i0-%i7 are not in registers
 * this function can store; they sit in the caller's window, which a `save`
 * hides. flushw writes every window but the current one to the register
 * save area of its own frame (the 16 doublewords at its %sp + BIAS), so
 * that the callers' registers are stack memory when the core copies a
 * slice, and the CPU holds no window of theirs (CANRESTORE is 0). After
 * the switch, the `restore` of step 5 finds no window to return to, and
 * the fill trap loads the caller's window from the save area at %fp + BIAS
 * of the frame the core has just copied back: the target's. So this
 * function keeps only what is in its own window: %i6 and %i7 (the caller's
 * %sp and %o7), and %fsr. No FP register is callee-saved in the 64-bit ABI.
 * %g2-%g4 are call-clobbered (gcc allocates them), %g5 is reserved, %g6 and
 * %g7 belong to the system: %g7 is the thread pointer, the same for every
 * coroutine of a thread, and is never switched.
 *
 * flushw and restore are the saves and restores of those windows
 * (asm "windows" in port.json). After restore, the caller's %o7 (the %i7
 * just loaded) is the return address: retl.
 *
 * %sp and %fp are biased: the frame is at %sp + BIAS (2047). Every callee
 * may write the AREA (176) bytes at the bottom of its caller's frame: the
 * 16-doubleword register save area (a spill of this function's window) and
 * the 6-doubleword home area of the register arguments. So p = %sp + BIAS
 * + AREA, the frame's own slots lie above that area, and step 3 sets %sp =
 * slice start - AREA - BIAS. Delay slots are written out: each holds the
 * instruction it is named for. */
#define BIAS	2047
#define AREA	176
#define SLOTS	(BIAS+AREA)
#define FRAME	(AREA+4*8)

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, #function
	.align	4
sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
	save	%sp, -FRAME, %sp	/* sl:not-a-save: a window and the frame */
	flushw
	stx	%fsr, [%sp+SLOTS+0*8]
	stx	%fp, [%sp+SLOTS+1*8]
	stx	%i7, [%sp+SLOTS+2*8]
	/* 2. p = %sp + BIAS + AREA; call sl_core_save(p) */
	call	sl_core_save
	add	%sp, SLOTS, %o0		/* delay slot: p */
	/* 3. %sp = returned slice start - AREA - BIAS */
	add	%o0, -SLOTS, %sp
	/* 4. call sl_core_restore() */
	call	sl_core_restore
	nop				/* delay slot */
	/* 5. restore the target's registers; %o0 holds the result */
	ldx	[%sp+SLOTS+0*8], %fsr
	ldx	[%sp+SLOTS+1*8], %fp
	ldx	[%sp+SLOTS+2*8], %i7
	mov	%o0, %i0		/* sl:not-a-save: the result, the caller's %o0 once restored */
	restore
	retl
	nop				/* delay slot */
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
