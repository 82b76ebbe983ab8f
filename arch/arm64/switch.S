/* stackslice port: arm64 (AAPCS64, Procedure Call Standard for the Arm 64-bit Architecture,
 * §6.1 "Machine Registers"; sp is 16-byte aligned at every public interface).
 *
 * Register area of the leaving coroutine (x0, the argument) and of the
 * entering one (x19 from step 3), SL_AREA_BYTES bytes, 16-byte aligned:
 *
 *   offset  content
 *   0*8     the core's: the stack pointer p the coroutine resumes at
 *   1*8     FPCR
 *   2*8     d8
 *   3*8     d9
 *   4*8     d10
 *   5*8     d11
 *   6*8     d12
 *   7*8     d13
 *   8*8     d14
 *   9*8     d15
 *   10*8    x19
 *   11*8    x20
 *   12*8    x21
 *   13*8    x22
 *   14*8    x23
 *   15*8    x24
 *   16*8    x25
 *   17*8    x26
 *   18*8    x27
 *   19*8    x28
 *   20*8    x29 (frame pointer)
 *   21*8    x30 (link register: the return address)
 *
 * Only the low 64 bits of v8-v15 are callee-saved, so d8-d15 suffice.
 * bl pushes nothing and x30 goes to the area, so p is the caller's sp:
 * 16-byte aligned, as the calls in steps 2 and 4 need, and the slice holds
 * nothing of this function. No callee writes above its caller's sp on
 * arm64, so p is sp itself. x18 is the platform register: it is neither
 * saved nor touched. */
#include "port.h"

#define AREA	22*8	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.balign	4
sl_arch_switch:
	/* 1. save callee-saved registers, FP control state and the return address in the area */
	stp	x29, x30, [x0, #20*8]
	stp	x27, x28, [x0, #18*8]
	stp	x25, x26, [x0, #16*8]
	stp	x23, x24, [x0, #14*8]
	stp	x21, x22, [x0, #12*8]
	stp	x19, x20, [x0, #10*8]
	stp	d14, d15, [x0, #8*8]
	stp	d12, d13, [x0, #6*8]
	stp	d10, d11, [x0, #4*8]
	stp	d8, d9, [x0, #2*8]
	mrs	x9, fpcr	/* sl:not-a-save: fpcr reaches the area through x9 */
	str	x9, [x0, #1*8]
	/* 2. p = sp; call sl_core_leave(p) */
	mov	x0, sp
	bl	sl_core_leave
	/* 3. x19 = the entered area; sp = its stack pointer */
	mov	x19, x0
	ldr	x9, [x0, #0*8]
	mov	sp, x9
	/* 4. call sl_core_restore() */
	bl	sl_core_restore
	/* 5. restore the target's registers from its area, x19 last; w0 holds the result */
	ldr	x9, [x19, #1*8]
	msr	fpcr, x9	/* sl:not-a-save: fpcr comes back through x9 */
	ldp	d8, d9, [x19, #2*8]
	ldp	d10, d11, [x19, #4*8]
	ldp	d12, d13, [x19, #6*8]
	ldp	d14, d15, [x19, #8*8]
	ldp	x21, x22, [x19, #12*8]
	ldp	x23, x24, [x19, #14*8]
	ldp	x25, x26, [x19, #16*8]
	ldp	x27, x28, [x19, #18*8]
	ldp	x29, x30, [x19, #20*8]
	ldp	x19, x20, [x19, #10*8]
	ret
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
