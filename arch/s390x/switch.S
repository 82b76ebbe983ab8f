/* stackslice port: s390x (ELF Application Binary Interface s390x Supplement, "Function Calling Sequence").
 *
 * Register area of the leaving coroutine (r2, the argument) and of the
 * entering one (r6 from step 3), SL_AREA_BYTES bytes, 16-byte aligned:
 *
 *   offset  content
 *   0*8     the core's: the stack pointer p the coroutine resumes at
 *   1*8     FPC (bytes 0-3)
 *   2*8     r6
 *   3*8     r7
 *   4*8     r8
 *   5*8     r9
 *   6*8     r10
 *   7*8     r11
 *   8*8     r12
 *   9*8     r13
 *   10*8    r14 (return address)
 *   11*8    f8
 *   12*8    f9
 *   13*8    f10
 *   14*8    f11
 *   15*8    f12
 *   16*8    f13
 *   17*8    f14
 *   18*8    f15
 *   19*8    the caller's back chain, 0(r15)
 *
 * Every callee may write the 160-byte register save area (SAVE_AREA) at the
 * bottom of its caller's frame, so p = r15 + SAVE_AREA: the slice starts
 * above it and never holds it. sl_arch_switch needs no frame of its own:
 * sl_core_leave is called with its caller's r15, and writes its register
 * saves into that area, outside the slice it saves; sl_core_restore is
 * called with the entered coroutine's p - SAVE_AREA, that coroutine's
 * caller's r15, so its register saves lie below the slice it copies back
 * too. One word of the area is not a callee's: 0(r15), the back chain the
 * caller's prologue writes (-mbackchain), which the slice no longer carries;
 * step 1 keeps it in the register area and step 5 writes it back (mvc,
 * memory to memory: probe.S's sl_probe_switch checks it). r15 is not in the
 * area: the core hands it back in word 0. */
#include "port.h"

#define SAVE_AREA	160
#define AREA	20*8	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
sl_arch_switch:
	/* 1. save callee-saved registers, FP control state, the return address and the caller's back chain in the area */
	stfpc	1*8(%r2)
	stmg	%r6, %r14, 2*8(%r2)
	std	%f8, 11*8(%r2)
	std	%f9, 12*8(%r2)
	std	%f10, 13*8(%r2)
	std	%f11, 14*8(%r2)
	std	%f12, 15*8(%r2)
	std	%f13, 16*8(%r2)
	std	%f14, 17*8(%r2)
	std	%f15, 18*8(%r2)
	mvc	19*8(8,%r2), 0(%r15)	/* sl:not-a-save: the caller's back chain, memory to memory (probe.S checks it) */
	/* 2. p = r15 + SAVE_AREA; call sl_core_leave(p), r15 unchanged */
	la	%r2, SAVE_AREA(%r15)
	brasl	%r14, sl_core_leave@PLT
	/* 3. r6 = the entered area; r15 = its p - SAVE_AREA, its caller's r15 */
	lgr	%r6, %r2
	lg	%r15, 0*8(%r2)
	lay	%r15, -SAVE_AREA(%r15)
	/* 4. call sl_core_restore() */
	brasl	%r14, sl_core_restore@PLT
	/* 5. restore the target's registers and its caller's back chain from its area, r6 last; r2 holds the result */
	mvc	0(8,%r15), 19*8(%r6)	/* sl:not-a-save: the caller's back chain, memory to memory (probe.S checks it) */
	lfpc	1*8(%r6)
	ld	%f8, 11*8(%r6)
	ld	%f9, 12*8(%r6)
	ld	%f10, 13*8(%r6)
	ld	%f11, 14*8(%r6)
	ld	%f12, 15*8(%r6)
	ld	%f13, 16*8(%r6)
	ld	%f14, 17*8(%r6)
	ld	%f15, 18*8(%r6)
	lmg	%r7, %r14, 3*8(%r6)
	lg	%r6, 2*8(%r6)
	br	%r14
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
