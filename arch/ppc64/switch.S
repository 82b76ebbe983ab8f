/* stackslice port: ppc64 (64-bit PowerPC ELF Application Binary Interface
 * Supplement 1.9, "ELFv1": §3.2 "Function Calling Sequence"), big-endian.
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from r1 after its
 * stdu (16-byte aligned); the core gets p = r1 + 14*8:
 *
 *   offset              content
 *   0*8                 back chain
 *   1*8 .. 5*8          frame header of the callees (CR, LR, two reserved
 *                       words, TOC save)
 *   6*8 .. 13*8         parameter save area of the callees
 *   ---- p ----
 *   14*8 .. 31*8        r14 .. r31
 *   32*8 .. 49*8        f14 .. f31
 *   50*8                FPSCR (all 64 bits)
 *   51*8                padding, keeps the vector slots 16-byte aligned
 *   52*8 .. 75*8        v20 .. v31, 2*8 each
 *   76*8 .. 77*8        VSCR (in bytes 12-15, the vector's last word)
 *   FRAME+0*8           caller's back chain  (the caller's frame header:
 *   FRAME+1*8           CR (CR2-CR4 kept)     written into the save words
 *   FRAME+2*8           return address (LR)   the ABI gives a callee there)
 *
 * ELFv1 gives every callee the caller's 48-byte header and its 64-byte
 * parameter save area (gcc -O0 spills register arguments there), so p lies
 * 112 bytes up: that area is scratch for sl_core_save and sl_core_restore,
 * never part of a slice. After the switch the back chain below the target's
 * p is stale, so it is written again. r2 (TOC) is not saved: both sides of a
 * switch are sl_arch_switch called from the core, in one module, so r2 is
 * this module's TOC on either side; r13 is the thread pointer. v20-v31 and
 * VSCR are kept because the ABI is -mabi=altivec: code built with -maltivec
 * keeps values there. The port needs POWER6 or later (ISA 2.05: AltiVec, and
 * the mtfsf that writes all 64 bits of FPSCR, DRN included). VRSAVE is not
 * used by Linux code and is left alone.
 *
 * sl_arch_switch is a function descriptor in .opd; its code is at
 * .L.sl_arch_switch, and calls to C are bl + nop for the linker's TOC
 * restore.
 *
 * sl:not-a-save li: sets the index register of the vector slot that follows */
#define FRAME	78*8

	.machine power6
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.section ".opd", "aw"
	.p2align 3
sl_arch_switch:
	.quad	.L.sl_arch_switch, .TOC.@tocbase, 0
	.text
	.type	sl_arch_switch, @function
	.p2align 4
.L.sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
	mflr	%r0	/* sl:not-a-save: LR reaches the frame through r0 */
	mfcr	%r12	/* sl:not-a-save: CR reaches the frame through r12 */
	std	%r0, 2*8(%r1)
	stw	%r12, 1*8(%r1)
	stdu	%r1, -FRAME(%r1)	/* sl:not-a-save: the frame, with its back chain */
	std	%r14, 14*8(%r1)
	std	%r15, 15*8(%r1)
	std	%r16, 16*8(%r1)
	std	%r17, 17*8(%r1)
	std	%r18, 18*8(%r1)
	std	%r19, 19*8(%r1)
	std	%r20, 20*8(%r1)
	std	%r21, 21*8(%r1)
	std	%r22, 22*8(%r1)
	std	%r23, 23*8(%r1)
	std	%r24, 24*8(%r1)
	std	%r25, 25*8(%r1)
	std	%r26, 26*8(%r1)
	std	%r27, 27*8(%r1)
	std	%r28, 28*8(%r1)
	std	%r29, 29*8(%r1)
	std	%r30, 30*8(%r1)
	std	%r31, 31*8(%r1)
	stfd	%f14, 32*8(%r1)
	stfd	%f15, 33*8(%r1)
	stfd	%f16, 34*8(%r1)
	stfd	%f17, 35*8(%r1)
	stfd	%f18, 36*8(%r1)
	stfd	%f19, 37*8(%r1)
	stfd	%f20, 38*8(%r1)
	stfd	%f21, 39*8(%r1)
	stfd	%f22, 40*8(%r1)
	stfd	%f23, 41*8(%r1)
	stfd	%f24, 42*8(%r1)
	stfd	%f25, 43*8(%r1)
	stfd	%f26, 44*8(%r1)
	stfd	%f27, 45*8(%r1)
	stfd	%f28, 46*8(%r1)
	stfd	%f29, 47*8(%r1)
	stfd	%f30, 48*8(%r1)
	stfd	%f31, 49*8(%r1)
	mffs	%f0	/* sl:not-a-save: FPSCR reaches the frame through f0 */
	stfd	%f0, 50*8(%r1)
	li	%r12, 52*8
	stvx	%v20, %r1, %r12
	li	%r12, 54*8
	stvx	%v21, %r1, %r12
	li	%r12, 56*8
	stvx	%v22, %r1, %r12
	li	%r12, 58*8
	stvx	%v23, %r1, %r12
	li	%r12, 60*8
	stvx	%v24, %r1, %r12
	li	%r12, 62*8
	stvx	%v25, %r1, %r12
	li	%r12, 64*8
	stvx	%v26, %r1, %r12
	li	%r12, 66*8
	stvx	%v27, %r1, %r12
	li	%r12, 68*8
	stvx	%v28, %r1, %r12
	li	%r12, 70*8
	stvx	%v29, %r1, %r12
	li	%r12, 72*8
	stvx	%v30, %r1, %r12
	li	%r12, 74*8
	stvx	%v31, %r1, %r12
	mfvscr	%v0	/* sl:not-a-save: VSCR reaches the frame through v0 */
	li	%r12, 76*8
	stvx	%v0, %r1, %r12
	/* 2. p = r1 + 14*8, above the callee-writable area; call sl_core_save(p) */
	addi	%r3, %r1, 14*8
	bl	sl_core_save
	nop
	/* 3. r1 = returned slice start - 14*8; the back chain there is stale, write it */
	addi	%r1, %r3, -14*8
	addi	%r12, %r1, FRAME
	std	%r12, 0*8(%r1)
	/* 4. call sl_core_restore() */
	bl	sl_core_restore
	nop
	/* 5. restore the target's registers; r3 holds the result */
	li	%r12, 76*8
	lvx	%v0, %r1, %r12
	mtvscr	%v0	/* sl:not-a-save: VSCR comes back through v0 */
	li	%r12, 52*8
	lvx	%v20, %r1, %r12
	li	%r12, 54*8
	lvx	%v21, %r1, %r12
	li	%r12, 56*8
	lvx	%v22, %r1, %r12
	li	%r12, 58*8
	lvx	%v23, %r1, %r12
	li	%r12, 60*8
	lvx	%v24, %r1, %r12
	li	%r12, 62*8
	lvx	%v25, %r1, %r12
	li	%r12, 64*8
	lvx	%v26, %r1, %r12
	li	%r12, 66*8
	lvx	%v27, %r1, %r12
	li	%r12, 68*8
	lvx	%v28, %r1, %r12
	li	%r12, 70*8
	lvx	%v29, %r1, %r12
	li	%r12, 72*8
	lvx	%v30, %r1, %r12
	li	%r12, 74*8
	lvx	%v31, %r1, %r12
	lfd	%f0, 50*8(%r1)
	mtfsf	0xff, %f0, 1, 0	/* sl:not-a-save: FPSCR comes back through f0 */
	lfd	%f14, 32*8(%r1)
	lfd	%f15, 33*8(%r1)
	lfd	%f16, 34*8(%r1)
	lfd	%f17, 35*8(%r1)
	lfd	%f18, 36*8(%r1)
	lfd	%f19, 37*8(%r1)
	lfd	%f20, 38*8(%r1)
	lfd	%f21, 39*8(%r1)
	lfd	%f22, 40*8(%r1)
	lfd	%f23, 41*8(%r1)
	lfd	%f24, 42*8(%r1)
	lfd	%f25, 43*8(%r1)
	lfd	%f26, 44*8(%r1)
	lfd	%f27, 45*8(%r1)
	lfd	%f28, 46*8(%r1)
	lfd	%f29, 47*8(%r1)
	lfd	%f30, 48*8(%r1)
	lfd	%f31, 49*8(%r1)
	ld	%r14, 14*8(%r1)
	ld	%r15, 15*8(%r1)
	ld	%r16, 16*8(%r1)
	ld	%r17, 17*8(%r1)
	ld	%r18, 18*8(%r1)
	ld	%r19, 19*8(%r1)
	ld	%r20, 20*8(%r1)
	ld	%r21, 21*8(%r1)
	ld	%r22, 22*8(%r1)
	ld	%r23, 23*8(%r1)
	ld	%r24, 24*8(%r1)
	ld	%r25, 25*8(%r1)
	ld	%r26, 26*8(%r1)
	ld	%r27, 27*8(%r1)
	ld	%r28, 28*8(%r1)
	ld	%r29, 29*8(%r1)
	ld	%r30, 30*8(%r1)
	ld	%r31, 31*8(%r1)
	addi	%r1, %r1, FRAME	/* sl:not-a-save: drops the frame */
	ld	%r0, 2*8(%r1)
	lwz	%r12, 1*8(%r1)
	mtlr	%r0	/* sl:not-a-save: LR comes back through r0 */
	mtcrf	0x38, %r12	/* sl:not-a-save: CR2-CR4 come back through r12 */
	blr
	.size	sl_arch_switch, .-.L.sl_arch_switch

	.section .note.GNU-stack,"",@progbits
