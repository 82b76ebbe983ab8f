/* stackslice port: riscv64 (RISC-V ELF psABI, "Integer Calling Convention" and
 * "Hardware Floating-point Calling Convention", ABI lp64d).
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from the stack
 * pointer p it hands to the core (sp, 16-byte aligned):
 *
 *   offset  content
 *   0*8     fcsr (frm bits 5-7, fflags bits 0-4)
 *   1*8     fs0
 *   2*8     fs1
 *   3*8     fs2
 *   4*8     fs3
 *   5*8     fs4
 *   6*8     fs5
 *   7*8     fs6
 *   8*8     fs7
 *   9*8     fs8
 *   10*8    fs9
 *   11*8    fs10
 *   12*8    fs11
 *   13*8    s0
 *   14*8    s1
 *   15*8    s2
 *   16*8    s3
 *   17*8    s4
 *   18*8    s5
 *   19*8    s6
 *   20*8    s7
 *   21*8    s8
 *   22*8    s9
 *   23*8    s10
 *   24*8    s11
 *   25*8    return address (ra)
 *
 * No callee writes above its caller's sp on riscv64, so p is sp itself.
 * gp and tp are never touched. */
#define FRAME	26*8

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
	addi	sp, sp, -FRAME	/* sl:not-a-save: the frame */
	sd	ra, 25*8(sp)
	sd	s11, 24*8(sp)
	sd	s10, 23*8(sp)
	sd	s9, 22*8(sp)
	sd	s8, 21*8(sp)
	sd	s7, 20*8(sp)
	sd	s6, 19*8(sp)
	sd	s5, 18*8(sp)
	sd	s4, 17*8(sp)
	sd	s3, 16*8(sp)
	sd	s2, 15*8(sp)
	sd	s1, 14*8(sp)
	sd	s0, 13*8(sp)
	fsd	fs11, 12*8(sp)
	fsd	fs10, 11*8(sp)
	fsd	fs9, 10*8(sp)
	fsd	fs8, 9*8(sp)
	fsd	fs7, 8*8(sp)
	fsd	fs6, 7*8(sp)
	fsd	fs5, 6*8(sp)
	fsd	fs4, 5*8(sp)
	fsd	fs3, 4*8(sp)
	fsd	fs2, 3*8(sp)
	fsd	fs1, 2*8(sp)
	fsd	fs0, 1*8(sp)
	frcsr	t0	/* sl:not-a-save: fcsr reaches the frame through t0 */
	sd	t0, 0*8(sp)
	/* 2. p = sp; call sl_core_save(p) */
	mv	a0, sp
	call	sl_core_save
	/* 3. sp = returned slice start */
	mv	sp, a0
	/* 4. call sl_core_restore() */
	call	sl_core_restore
	/* 5. restore the target's registers; a0 holds the result */
	ld	t0, 0*8(sp)
	fscsr	t0	/* sl:not-a-save: fcsr comes back through t0 */
	fld	fs0, 1*8(sp)
	fld	fs1, 2*8(sp)
	fld	fs2, 3*8(sp)
	fld	fs3, 4*8(sp)
	fld	fs4, 5*8(sp)
	fld	fs5, 6*8(sp)
	fld	fs6, 7*8(sp)
	fld	fs7, 8*8(sp)
	fld	fs8, 9*8(sp)
	fld	fs9, 10*8(sp)
	fld	fs10, 11*8(sp)
	fld	fs11, 12*8(sp)
	ld	s0, 13*8(sp)
	ld	s1, 14*8(sp)
	ld	s2, 15*8(sp)
	ld	s3, 16*8(sp)
	ld	s4, 17*8(sp)
	ld	s5, 18*8(sp)
	ld	s6, 19*8(sp)
	ld	s7, 20*8(sp)
	ld	s8, 21*8(sp)
	ld	s9, 22*8(sp)
	ld	s10, 23*8(sp)
	ld	s11, 24*8(sp)
	ld	ra, 25*8(sp)
	addi	sp, sp, FRAME	/* sl:not-a-save: drops the frame */
	ret
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
