/* stackslice port: riscv64 (RISC-V ELF psABI, "Integer Calling Convention" and
 * "Hardware Floating-point Calling Convention", ABI lp64d).
 *
 * Register area of the leaving coroutine (a0, the argument) and of the
 * entering one (s0 from step 3), SL_AREA_BYTES bytes, 16-byte aligned:
 *
 *   offset  content
 *   0*8     the core's: the stack pointer p the coroutine resumes at
 *   1*8     fcsr (frm bits 5-7, fflags bits 0-4)
 *   2*8     fs0
 *   3*8     fs1
 *   4*8     fs2
 *   5*8     fs3
 *   6*8     fs4
 *   7*8     fs5
 *   8*8     fs6
 *   9*8     fs7
 *   10*8    fs8
 *   11*8    fs9
 *   12*8    fs10
 *   13*8    fs11
 *   14*8    s0
 *   15*8    s1
 *   16*8    s2
 *   17*8    s3
 *   18*8    s4
 *   19*8    s5
 *   20*8    s6
 *   21*8    s7
 *   22*8    s8
 *   23*8    s9
 *   24*8    s10
 *   25*8    s11
 *   26*8    return address (ra)
 *
 * ra goes to the area, so p is the caller's sp: 16-byte aligned, as the
 * calls in steps 2 and 4 need, and the slice holds nothing of this
 * function. No callee writes above its caller's sp on riscv64, so p is sp
 * itself. gp and tp are never touched. */
#include "port.h"

#define AREA	27*8	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
sl_arch_switch:
	/* 1. save callee-saved registers, FP control state and the return address in the area */
	sd	ra, 26*8(a0)
	sd	s11, 25*8(a0)
	sd	s10, 24*8(a0)
	sd	s9, 23*8(a0)
	sd	s8, 22*8(a0)
	sd	s7, 21*8(a0)
	sd	s6, 20*8(a0)
	sd	s5, 19*8(a0)
	sd	s4, 18*8(a0)
	sd	s3, 17*8(a0)
	sd	s2, 16*8(a0)
	sd	s1, 15*8(a0)
	sd	s0, 14*8(a0)
	fsd	fs11, 13*8(a0)
	fsd	fs10, 12*8(a0)
	fsd	fs9, 11*8(a0)
	fsd	fs8, 10*8(a0)
	fsd	fs7, 9*8(a0)
	fsd	fs6, 8*8(a0)
	fsd	fs5, 7*8(a0)
	fsd	fs4, 6*8(a0)
	fsd	fs3, 5*8(a0)
	fsd	fs2, 4*8(a0)
	fsd	fs1, 3*8(a0)
	fsd	fs0, 2*8(a0)
	frcsr	t0	/* sl:not-a-save: fcsr reaches the area through t0 */
	sd	t0, 1*8(a0)
	/* 2. p = sp; call sl_core_leave(p) */
	mv	a0, sp
	call	sl_core_leave
	/* 3. s0 = the entered area; sp = its stack pointer */
	mv	s0, a0
	ld	sp, 0*8(a0)
	/* 4. call sl_core_restore() */
	call	sl_core_restore
	/* 5. restore the target's registers from its area, s0 last; a0 holds the result */
	ld	t0, 1*8(s0)
	fscsr	t0	/* sl:not-a-save: fcsr comes back through t0 */
	fld	fs0, 2*8(s0)
	fld	fs1, 3*8(s0)
	fld	fs2, 4*8(s0)
	fld	fs3, 5*8(s0)
	fld	fs4, 6*8(s0)
	fld	fs5, 7*8(s0)
	fld	fs6, 8*8(s0)
	fld	fs7, 9*8(s0)
	fld	fs8, 10*8(s0)
	fld	fs9, 11*8(s0)
	fld	fs10, 12*8(s0)
	fld	fs11, 13*8(s0)
	ld	s1, 15*8(s0)
	ld	s2, 16*8(s0)
	ld	s3, 17*8(s0)
	ld	s4, 18*8(s0)
	ld	s5, 19*8(s0)
	ld	s6, 20*8(s0)
	ld	s7, 21*8(s0)
	ld	s8, 22*8(s0)
	ld	s9, 23*8(s0)
	ld	s10, 24*8(s0)
	ld	s11, 25*8(s0)
	ld	ra, 26*8(s0)
	ld	s0, 14*8(s0)
	ret
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
