/* stackslice port: powerpc (Power Architecture 32-bit ELF ABI Supplement,
 * SysV, hard-float: "Function Calling Sequence", registers and stack frame).
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from r1 after its
 * stwu (16-byte aligned); the core gets p = r1 + 2*4:
 *
 *   offset          content
 *   0*4             back chain
 *   1*4             LR save word of the callees
 *   ---- p ----
 *   2*4             CR (CR2-CR4 kept)
 *   3*4             padding
 *   4*4 .. 21*4     r14 .. r31 (stmw)
 *   11*8 .. 28*8    f14 .. f31
 *   29*8            FPSCR (in the doubleword's low word)
 *   FRAME+0*4       caller's back chain  (the caller's frame header: the
 *   FRAME+1*4       return address (LR)   ABI gives a callee this word)
 *
 * A callee may write the LR save word of its caller's frame, so p lies just
 * above the 8-byte header: the header is scratch for sl_core_save and
 * sl_core_restore, never part of a slice. After the switch the header below
 * the target's p holds stale bytes, so the back chain is written again.
 * r2 (thread pointer) and r13 (small data area) are the same on both sides
 * of a switch and are never touched. The ABI is -mabi=no-altivec: no vector
 * register is callee-saved. */
#define FRAME	30*8

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.p2align 2
sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
	mflr	%r0	/* sl:not-a-save: LR reaches the frame through r0 */
	stw	%r0, 1*4(%r1)
	stwu	%r1, -FRAME(%r1)	/* sl:not-a-save: the frame, with its back chain */
	mfcr	%r12	/* sl:not-a-save: CR reaches the frame through r12 */
	stw	%r12, 2*4(%r1)
	stmw	%r14, 4*4(%r1)
	stfd	%f14, 11*8(%r1)
	stfd	%f15, 12*8(%r1)
	stfd	%f16, 13*8(%r1)
	stfd	%f17, 14*8(%r1)
	stfd	%f18, 15*8(%r1)
	stfd	%f19, 16*8(%r1)
	stfd	%f20, 17*8(%r1)
	stfd	%f21, 18*8(%r1)
	stfd	%f22, 19*8(%r1)
	stfd	%f23, 20*8(%r1)
	stfd	%f24, 21*8(%r1)
	stfd	%f25, 22*8(%r1)
	stfd	%f26, 23*8(%r1)
	stfd	%f27, 24*8(%r1)
	stfd	%f28, 25*8(%r1)
	stfd	%f29, 26*8(%r1)
	stfd	%f30, 27*8(%r1)
	stfd	%f31, 28*8(%r1)
	mffs	%f0	/* sl:not-a-save: FPSCR reaches the frame through f0 */
	stfd	%f0, 29*8(%r1)
	/* 2. p = r1 + 2*4, above the callee-writable header; call sl_core_save(p) */
	addi	%r3, %r1, 2*4
	bl	sl_core_save
	/* 3. r1 = returned slice start - 2*4; the back chain there is stale, write it */
	addi	%r1, %r3, -2*4
	addi	%r12, %r1, FRAME
	stw	%r12, 0*4(%r1)
	/* 4. call sl_core_restore() */
	bl	sl_core_restore
	/* 5. restore the target's registers; r3 holds the result */
	lfd	%f0, 29*8(%r1)
	mtfsf	0xff, %f0	/* sl:not-a-save: FPSCR comes back through f0 */
	lfd	%f14, 11*8(%r1)
	lfd	%f15, 12*8(%r1)
	lfd	%f16, 13*8(%r1)
	lfd	%f17, 14*8(%r1)
	lfd	%f18, 15*8(%r1)
	lfd	%f19, 16*8(%r1)
	lfd	%f20, 17*8(%r1)
	lfd	%f21, 18*8(%r1)
	lfd	%f22, 19*8(%r1)
	lfd	%f23, 20*8(%r1)
	lfd	%f24, 21*8(%r1)
	lfd	%f25, 22*8(%r1)
	lfd	%f26, 23*8(%r1)
	lfd	%f27, 24*8(%r1)
	lfd	%f28, 25*8(%r1)
	lfd	%f29, 26*8(%r1)
	lfd	%f30, 27*8(%r1)
	lfd	%f31, 28*8(%r1)
	lmw	%r14, 4*4(%r1)
	lwz	%r12, 2*4(%r1)
	mtcrf	0x38, %r12	/* sl:not-a-save: CR2-CR4 come back through r12 */
	addi	%r1, %r1, FRAME	/* sl:not-a-save: drops the frame */
	lwz	%r0, 1*4(%r1)
	mtlr	%r0	/* sl:not-a-save: LR comes back through r0 */
	blr
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
