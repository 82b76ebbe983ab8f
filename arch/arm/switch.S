/* stackslice port: arm (AAPCS, Procedure Call Standard for the Arm Architecture, IHI 0042,
 * §6.1.1 "Core registers" and §6.1.2 "Floating-point Registers"; the VFP variant: sp is
 * 8-byte aligned at every public interface).
 *
 * Register area of the leaving coroutine (r0, the argument) and of the
 * entering one (r4 from step 3), SL_AREA_BYTES bytes, 16-byte aligned:
 *
 *   offset  content
 *   0*4     the core's: the stack pointer p the coroutine resumes at
 *   1*4     FPSCR
 *   2*4     d8
 *   4*4     d9
 *   6*4     d10
 *   8*4     d11
 *   10*4    d12
 *   12*4    d13
 *   14*4    d14
 *   16*4    d15
 *   18*4    r4
 *   19*4    r5
 *   20*4    r6
 *   21*4    r7 (Thumb frame pointer)
 *   22*4    r8
 *   23*4    r9 (a callee-saved variable register on GNU/Linux)
 *   24*4    r10
 *   25*4    r11 (ARM frame pointer)
 *   26*4    lr (the return address, bit 0 set for a Thumb caller)
 *
 * The pairs (strd, ldrd) start at 8-byte offsets. They, not stm/ldm and
 * vstm/vldm, move the registers: stm and vstm take a bare base register,
 * so the mutation check could drop one register from them only by moving
 * the slots of the others.
 *
 * The function is A32 code, which every arm CPU with this ABI runs, and is
 * typed %function, so the linker turns a Thumb caller's bl into blx (or a
 * tail call's b into a veneer) and our bl to the Thumb C core into blx.
 * Step 5 returns with bx lr: lr is the target coroutine's return address,
 * whose caller may be Thumb or A32 whatever this one's caller was.
 * No callee writes above its caller's sp on arm, so p is sp itself, 8-byte
 * aligned as the calls need, and the slice holds nothing of this function. */
#include "port.h"

#define AREA	27*4	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif

	.syntax	unified
	.arm
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, %function
	.balign	4
sl_arch_switch:
	/* 1. save callee-saved registers, FP control state and the return address in the area */
	vmrs	r12, fpscr	/* sl:not-a-save: fpscr reaches the area through r12 */
	str	r12, [r0, #1*4]
	vstr	d8, [r0, #2*4]
	vstr	d9, [r0, #4*4]
	vstr	d10, [r0, #6*4]
	vstr	d11, [r0, #8*4]
	vstr	d12, [r0, #10*4]
	vstr	d13, [r0, #12*4]
	vstr	d14, [r0, #14*4]
	vstr	d15, [r0, #16*4]
	strd	r4, r5, [r0, #18*4]
	strd	r6, r7, [r0, #20*4]
	strd	r8, r9, [r0, #22*4]
	strd	r10, r11, [r0, #24*4]
	str	lr, [r0, #26*4]
	/* 2. p = sp; call sl_core_leave(p) */
	mov	r0, sp
	bl	sl_core_leave
	/* 3. r4 = the entered area; sp = its stack pointer */
	mov	r4, r0
	ldr	sp, [r0, #0*4]
	/* 4. call sl_core_restore() */
	bl	sl_core_restore
	/* 5. restore the target's registers from its area, r4 last; r0 holds the result */
	ldr	r12, [r4, #1*4]
	vmsr	fpscr, r12	/* sl:not-a-save: fpscr comes back through r12 */
	vldr	d8, [r4, #2*4]
	vldr	d9, [r4, #4*4]
	vldr	d10, [r4, #6*4]
	vldr	d11, [r4, #8*4]
	vldr	d12, [r4, #10*4]
	vldr	d13, [r4, #12*4]
	vldr	d14, [r4, #14*4]
	vldr	d15, [r4, #16*4]
	ldrd	r6, r7, [r4, #20*4]
	ldrd	r8, r9, [r4, #22*4]
	ldrd	r10, r11, [r4, #24*4]
	ldr	lr, [r4, #26*4]
	ldrd	r4, r5, [r4, #18*4]
	bx	lr
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",%progbits
