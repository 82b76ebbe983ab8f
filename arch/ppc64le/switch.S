/* stackslice port: ppc64le (64-bit ELF V2 ABI Specification, OpenPOWER, §2.2 "Function Calling Sequence").
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from r1 after its
 * stdu (16-byte aligned); the core gets p = r1 + 4*8:
 *
 *   offset              content
 *   0*8                 back chain
 *   1*8 .. 3*8          frame header of the callees (CR save, LR save, TOC save)
 *   ---- p ----
 *   4*8 .. 21*8         r14 .. r31
 *   22*8 .. 39*8        f14 .. f31
 *   40*8                FPSCR (all 64 bits)
 *   41*8                padding, keeps the vector slots 16-byte aligned
 *   42*8 .. 65*8        v20 .. v31, 2*8 each
 *   66*8 .. 67*8        VSCR (in bytes 0-3, the vector's low word)
 *   FRAME+0*8           caller's back chain  (the caller's frame header:
 *   FRAME+1*8           CR (CR2-CR4 kept)     written into the save words
 *   FRAME+2*8           return address (LR)   the ABI gives a callee there)
 *
 * A callee may write the 32-byte frame header of its caller's frame, so p
 * lies just above that header: the header is scratch for sl_core_save and
 * sl_core_restore, never part of a slice. After the switch the header below
 * the target's p holds stale bytes, so the back chain is written again.
 * r2 (TOC) is not saved: both sides of a switch are sl_arch_switch called
 * from the core, in one module, so r2 is this module's TOC on either side.
 * Vector registers use stvx/lvx (ISA 2.03), so POWER8 suffices; each needs
 * its offset in an index register (li r12, then stvx/lvx).
 *
 * sl:not-a-save li: sets the index register of the vector slot that follows */
#define FRAME	68*8

	.abiversion 2
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.p2align 4
sl_arch_switch:
	addis	%r2, %r12, .TOC.-sl_arch_switch@ha
	addi	%r2, %r2, .TOC.-sl_arch_switch@l
	.localentry sl_arch_switch, .-sl_arch_switch
	/* 1. save callee-saved registers and FP control state */
	mflr	%r0	/* sl:not-a-save: LR reaches the frame through r0 */
	mfcr	%r12	/* sl:not-a-save: CR reaches the frame through r12 */
	std	%r0, 2*8(%r1)
	stw	%r12, 1*8(%r1)
	stdu	%r1, -FRAME(%r1)	/* sl:not-a-save: the frame, with its back chain */
	std	%r14, 4*8(%r1)
	std	%r15, 5*8(%r1)
	std	%r16, 6*8(%r1)
	std	%r17, 7*8(%r1)
	std	%r18, 8*8(%r1)
	std	%r19, 9*8(%r1)
	std	%r20, 10*8(%r1)
	std	%r21, 11*8(%r1)
	std	%r22, 12*8(%r1)
	std	%r23, 13*8(%r1)
	std	%r24, 14*8(%r1)
	std	%r25, 15*8(%r1)
	std	%r26, 16*8(%r1)
	std	%r27, 17*8(%r1)
	std	%r28, 18*8(%r1)
	std	%r29, 19*8(%r1)
	std	%r30, 20*8(%r1)
	std	%r31, 21*8(%r1)
	stfd	%f14, 22*8(%r1)
	stfd	%f15, 23*8(%r1)
	stfd	%f16, 24*8(%r1)
	stfd	%f17, 25*8(%r1)
	stfd	%f18, 26*8(%r1)
	stfd	%f19, 27*8(%r1)
	stfd	%f20, 28*8(%r1)
	stfd	%f21, 29*8(%r1)
	stfd	%f22, 30*8(%r1)
	stfd	%f23, 31*8(%r1)
	stfd	%f24, 32*8(%r1)
	stfd	%f25, 33*8(%r1)
	stfd	%f26, 34*8(%r1)
	stfd	%f27, 35*8(%r1)
	stfd	%f28, 36*8(%r1)
	stfd	%f29, 37*8(%r1)
	stfd	%f30, 38*8(%r1)
	stfd	%f31, 39*8(%r1)
	mffs	%f0	/* sl:not-a-save: FPSCR reaches the frame through f0 */
	stfd	%f0, 40*8(%r1)
	li	%r12, 42*8
	stvx	%v20, %r1, %r12
	li	%r12, 44*8
	stvx	%v21, %r1, %r12
	li	%r12, 46*8
	stvx	%v22, %r1, %r12
	li	%r12, 48*8
	stvx	%v23, %r1, %r12
	li	%r12, 50*8
	stvx	%v24, %r1, %r12
	li	%r12, 52*8
	stvx	%v25, %r1, %r12
	li	%r12, 54*8
	stvx	%v26, %r1, %r12
	li	%r12, 56*8
	stvx	%v27, %r1, %r12
	li	%r12, 58*8
	stvx	%v28, %r1, %r12
	li	%r12, 60*8
	stvx	%v29, %r1, %r12
	li	%r12, 62*8
	stvx	%v30, %r1, %r12
	li	%r12, 64*8
	stvx	%v31, %r1, %r12
	mfvscr	%v0	/* sl:not-a-save: VSCR reaches the frame through v0 */
	li	%r12, 66*8
	stvx	%v0, %r1, %r12
	/* 2. p = r1 + 4*8, above the callee-writable header; call sl_core_save(p) */
	addi	%r3, %r1, 4*8
	bl	sl_core_save
	nop
	/* 3. r1 = returned slice start - 4*8; the back chain there is stale, write it */
	addi	%r1, %r3, -4*8
	addi	%r12, %r1, FRAME
	std	%r12, 0*8(%r1)
	/* 4. call sl_core_restore() */
	bl	sl_core_restore
	nop
	/* 5. restore the target's registers; r3 holds the result */
	li	%r12, 66*8
	lvx	%v0, %r1, %r12
	mtvscr	%v0	/* sl:not-a-save: VSCR comes back through v0 */
	li	%r12, 42*8
	lvx	%v20, %r1, %r12
	li	%r12, 44*8
	lvx	%v21, %r1, %r12
	li	%r12, 46*8
	lvx	%v22, %r1, %r12
	li	%r12, 48*8
	lvx	%v23, %r1, %r12
	li	%r12, 50*8
	lvx	%v24, %r1, %r12
	li	%r12, 52*8
	lvx	%v25, %r1, %r12
	li	%r12, 54*8
	lvx	%v26, %r1, %r12
	li	%r12, 56*8
	lvx	%v27, %r1, %r12
	li	%r12, 58*8
	lvx	%v28, %r1, %r12
	li	%r12, 60*8
	lvx	%v29, %r1, %r12
	li	%r12, 62*8
	lvx	%v30, %r1, %r12
	li	%r12, 64*8
	lvx	%v31, %r1, %r12
	lfd	%f0, 40*8(%r1)
	mtfsf	0xff, %f0, 1, 0	/* sl:not-a-save: FPSCR comes back through f0 */
	lfd	%f14, 22*8(%r1)
	lfd	%f15, 23*8(%r1)
	lfd	%f16, 24*8(%r1)
	lfd	%f17, 25*8(%r1)
	lfd	%f18, 26*8(%r1)
	lfd	%f19, 27*8(%r1)
	lfd	%f20, 28*8(%r1)
	lfd	%f21, 29*8(%r1)
	lfd	%f22, 30*8(%r1)
	lfd	%f23, 31*8(%r1)
	lfd	%f24, 32*8(%r1)
	lfd	%f25, 33*8(%r1)
	lfd	%f26, 34*8(%r1)
	lfd	%f27, 35*8(%r1)
	lfd	%f28, 36*8(%r1)
	lfd	%f29, 37*8(%r1)
	lfd	%f30, 38*8(%r1)
	lfd	%f31, 39*8(%r1)
	ld	%r14, 4*8(%r1)
	ld	%r15, 5*8(%r1)
	ld	%r16, 6*8(%r1)
	ld	%r17, 7*8(%r1)
	ld	%r18, 8*8(%r1)
	ld	%r19, 9*8(%r1)
	ld	%r20, 10*8(%r1)
	ld	%r21, 11*8(%r1)
	ld	%r22, 12*8(%r1)
	ld	%r23, 13*8(%r1)
	ld	%r24, 14*8(%r1)
	ld	%r25, 15*8(%r1)
	ld	%r26, 16*8(%r1)
	ld	%r27, 17*8(%r1)
	ld	%r28, 18*8(%r1)
	ld	%r29, 19*8(%r1)
	ld	%r30, 20*8(%r1)
	ld	%r31, 21*8(%r1)
	addi	%r1, %r1, FRAME	/* sl:not-a-save: drops the frame */
	ld	%r0, 2*8(%r1)
	lwz	%r12, 1*8(%r1)
	mtlr	%r0	/* sl:not-a-save: LR comes back through r0 */
	mtcrf	0x38, %r12	/* sl:not-a-save: CR2-CR4 come back through r12 */
	blr
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
