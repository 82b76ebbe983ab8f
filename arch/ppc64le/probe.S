/* stackslice probes: ppc64le (64-bit ELF V2 ABI Specification, OpenPOWER, §2.2). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[]:
 *
 *   slot            register                 fixed    mask
 *   0*8 .. 17*8     r14 .. r31               0        all
 *   18*8 .. 35*8    f14 .. f31               0        all
 *   36*8 .. 59*8    v20 .. v31: .hi, .lo     0        all
 *   60*8            CR (32 bits)             0        CR2, CR3, CR4 (0x00fff000)
 *   61*8            FPSCR (64 bits)          0        DRN, NI, RN (0x700000007)
 *   62*8            VSCR (32 bits)           0        NJ (0x00010000)
 *
 * The FPSCR mask leaves out every status bit and the exception enables
 * VE, OE, UE, ZE, XE, which stay 0; VSCR leaves out the sticky SAT bit.
 * A vector's .hi slot is doubleword element 0 (lxvd2x/stxvd2x).
 *
 * Frame of probe_via, the body of sl_probe_switch and sl_probe_switch_direct,
 * from r1 after its stdu:
 *
 *   offset          content
 *   0*8             back chain
 *   1*8 .. 3*8      frame header of the callee (CR save, LR save, TOC save)
 *   4*8             seen
 *   5*8             caller's FPSCR
 *   6*8 .. 7*8      caller's VSCR (bytes 0-3)
 *   8*8 .. 9*8      VSCR canary on its way in and out (bytes 0-3)
 *   10*8 .. 27*8    r14 .. r31
 *   28*8 .. 45*8    f14 .. f31
 *   46*8 .. 69*8    v20 .. v31, 2*8 each
 *   FRAME+1*8       caller's CR        (in the caller's frame header)
 *   FRAME+2*8       return address (LR) */
#define FRAME	70*8

	.abiversion 2
	.section .rodata
	.globl	sl_probe_count, sl_probe_names, sl_probe_fixed, sl_probe_mask, sl_probe_stack_align
	.balign	8
sl_probe_count:
	.long	63
sl_probe_stack_align:
	.long	16
sl_probe_names:
	.asciz	"r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31"
	.asciz	"f14", "f15", "f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23", "f24", "f25", "f26", "f27", "f28", "f29", "f30", "f31"
	.asciz	"v20.hi", "v20.lo", "v21.hi", "v21.lo", "v22.hi", "v22.lo", "v23.hi", "v23.lo", "v24.hi", "v24.lo", "v25.hi", "v25.lo"
	.asciz	"v26.hi", "v26.lo", "v27.hi", "v27.lo", "v28.hi", "v28.lo", "v29.hi", "v29.lo", "v30.hi", "v30.lo", "v31.hi", "v31.lo"
	.asciz	"cr", "fpscr", "vscr"
	.balign	8
sl_probe_fixed:
	.quad	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
	.quad	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
	.quad	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
	.quad	0, 0, 0
sl_probe_mask:
	.quad	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
	.quad	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
	.quad	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
	.quad	0x00fff000, 0x700000007, 0x00010000

	.text
	/* Both probes share one body; r6 says what it calls with the canaries
	 * loaded: 0 sl_switch, else switch_direct. A flag and two direct calls
	 * rather than a function address in a register: an indirect call would
	 * need r12/ctr and r2 saved and restored around it. */
	.globl	sl_probe_switch
	.type	sl_probe_switch, @function
	.p2align 4
sl_probe_switch:
	addis	%r2, %r12, .TOC.-sl_probe_switch@ha
	addi	%r2, %r2, .TOC.-sl_probe_switch@l
	.localentry sl_probe_switch, .-sl_probe_switch
	li	%r6, 0
	b	probe_via
	.size	sl_probe_switch, .-sl_probe_switch

	.globl	sl_probe_switch_direct
	.type	sl_probe_switch_direct, @function
	.p2align 4
sl_probe_switch_direct:
	addis	%r2, %r12, .TOC.-sl_probe_switch_direct@ha
	addi	%r2, %r2, .TOC.-sl_probe_switch_direct@l
	.localentry sl_probe_switch_direct, .-sl_probe_switch_direct
	li	%r6, 1
	b	probe_via
	.size	sl_probe_switch_direct, .-sl_probe_switch_direct

	/* switch_direct(to): arm the core, then enter the port as if called from
	 * probe_via. Reached only by bl from probe_via, so r2 is already this
	 * module's TOC and no global entry point is needed. Its LR save goes into
	 * probe_via's frame header (the caller's LR save word, as the ABI allows);
	 * the 32-byte frame is the minimum one, keeps r1 16-byte aligned and gives
	 * sl_debug_arm_switch a header of its own to write. Once LR is restored,
	 * b (not bl) leaves it pointing back into probe_via, so sl_arch_switch
	 * returns straight there; r1 is probe_via's again, so the header
	 * sl_arch_switch writes is probe_via's callee header, as with a bl. If
	 * arming fails, nothing is armed: return its error instead of switching. */
	.type	switch_direct, @function
	.p2align 4
switch_direct:
	mflr	%r0
	std	%r0, 2*8(%r1)
	stdu	%r1, -4*8(%r1)
	bl	sl_debug_arm_switch
	nop
	addi	%r1, %r1, 4*8
	ld	%r0, 2*8(%r1)
	mtlr	%r0
	cmpdi	%r3, 0
	bnelr
	b	sl_arch_switch
	.size	switch_direct, .-switch_direct

	.type	probe_via, @function
	.p2align 4
probe_via:
	/* 1. save the caller's callee-saved registers and FP control state */
	mflr	%r0
	mfcr	%r12
	std	%r0, 2*8(%r1)
	stw	%r12, 1*8(%r1)
	stdu	%r1, -FRAME(%r1)
	std	%r4, 4*8(%r1)
	std	%r14, 10*8(%r1)
	std	%r15, 11*8(%r1)
	std	%r16, 12*8(%r1)
	std	%r17, 13*8(%r1)
	std	%r18, 14*8(%r1)
	std	%r19, 15*8(%r1)
	std	%r20, 16*8(%r1)
	std	%r21, 17*8(%r1)
	std	%r22, 18*8(%r1)
	std	%r23, 19*8(%r1)
	std	%r24, 20*8(%r1)
	std	%r25, 21*8(%r1)
	std	%r26, 22*8(%r1)
	std	%r27, 23*8(%r1)
	std	%r28, 24*8(%r1)
	std	%r29, 25*8(%r1)
	std	%r30, 26*8(%r1)
	std	%r31, 27*8(%r1)
	stfd	%f14, 28*8(%r1)
	stfd	%f15, 29*8(%r1)
	stfd	%f16, 30*8(%r1)
	stfd	%f17, 31*8(%r1)
	stfd	%f18, 32*8(%r1)
	stfd	%f19, 33*8(%r1)
	stfd	%f20, 34*8(%r1)
	stfd	%f21, 35*8(%r1)
	stfd	%f22, 36*8(%r1)
	stfd	%f23, 37*8(%r1)
	stfd	%f24, 38*8(%r1)
	stfd	%f25, 39*8(%r1)
	stfd	%f26, 40*8(%r1)
	stfd	%f27, 41*8(%r1)
	stfd	%f28, 42*8(%r1)
	stfd	%f29, 43*8(%r1)
	stfd	%f30, 44*8(%r1)
	stfd	%f31, 45*8(%r1)
	li	%r12, 46*8
	stvx	%v20, %r1, %r12
	li	%r12, 48*8
	stvx	%v21, %r1, %r12
	li	%r12, 50*8
	stvx	%v22, %r1, %r12
	li	%r12, 52*8
	stvx	%v23, %r1, %r12
	li	%r12, 54*8
	stvx	%v24, %r1, %r12
	li	%r12, 56*8
	stvx	%v25, %r1, %r12
	li	%r12, 58*8
	stvx	%v26, %r1, %r12
	li	%r12, 60*8
	stvx	%v27, %r1, %r12
	li	%r12, 62*8
	stvx	%v28, %r1, %r12
	li	%r12, 64*8
	stvx	%v29, %r1, %r12
	li	%r12, 66*8
	stvx	%v30, %r1, %r12
	li	%r12, 68*8
	stvx	%v31, %r1, %r12
	mffs	%f0
	stfd	%f0, 5*8(%r1)
	mfvscr	%v0
	li	%r12, 6*8
	stvx	%v0, %r1, %r12
	/* 2. load the canaries */
	ld	%r14, 0*8(%r3)
	ld	%r15, 1*8(%r3)
	ld	%r16, 2*8(%r3)
	ld	%r17, 3*8(%r3)
	ld	%r18, 4*8(%r3)
	ld	%r19, 5*8(%r3)
	ld	%r20, 6*8(%r3)
	ld	%r21, 7*8(%r3)
	ld	%r22, 8*8(%r3)
	ld	%r23, 9*8(%r3)
	ld	%r24, 10*8(%r3)
	ld	%r25, 11*8(%r3)
	ld	%r26, 12*8(%r3)
	ld	%r27, 13*8(%r3)
	ld	%r28, 14*8(%r3)
	ld	%r29, 15*8(%r3)
	ld	%r30, 16*8(%r3)
	ld	%r31, 17*8(%r3)
	lfd	%f14, 18*8(%r3)
	lfd	%f15, 19*8(%r3)
	lfd	%f16, 20*8(%r3)
	lfd	%f17, 21*8(%r3)
	lfd	%f18, 22*8(%r3)
	lfd	%f19, 23*8(%r3)
	lfd	%f20, 24*8(%r3)
	lfd	%f21, 25*8(%r3)
	lfd	%f22, 26*8(%r3)
	lfd	%f23, 27*8(%r3)
	lfd	%f24, 28*8(%r3)
	lfd	%f25, 29*8(%r3)
	lfd	%f26, 30*8(%r3)
	lfd	%f27, 31*8(%r3)
	lfd	%f28, 32*8(%r3)
	lfd	%f29, 33*8(%r3)
	lfd	%f30, 34*8(%r3)
	lfd	%f31, 35*8(%r3)
	li	%r12, 36*8
	lxvd2x	%vs52, %r3, %r12
	li	%r12, 38*8
	lxvd2x	%vs53, %r3, %r12
	li	%r12, 40*8
	lxvd2x	%vs54, %r3, %r12
	li	%r12, 42*8
	lxvd2x	%vs55, %r3, %r12
	li	%r12, 44*8
	lxvd2x	%vs56, %r3, %r12
	li	%r12, 46*8
	lxvd2x	%vs57, %r3, %r12
	li	%r12, 48*8
	lxvd2x	%vs58, %r3, %r12
	li	%r12, 50*8
	lxvd2x	%vs59, %r3, %r12
	li	%r12, 52*8
	lxvd2x	%vs60, %r3, %r12
	li	%r12, 54*8
	lxvd2x	%vs61, %r3, %r12
	li	%r12, 56*8
	lxvd2x	%vs62, %r3, %r12
	li	%r12, 58*8
	lxvd2x	%vs63, %r3, %r12
	ld	%r12, 60*8(%r3)
	mtcrf	0x38, %r12
	lfd	%f0, 61*8(%r3)
	mtfsf	0xff, %f0, 1, 0
	ld	%r12, 62*8(%r3)
	std	%r12, 8*8(%r1)
	li	%r12, 8*8
	lvx	%v0, %r1, %r12
	mtvscr	%v0
	/* 3. sl_switch(to, NULL, NULL) or switch_direct(to); cr0 is volatile,
	 * not a canary, and r6 is untouched since entry */
	mr	%r3, %r5
	li	%r4, 0
	li	%r5, 0
	cmpdi	%r6, 0
	bne	1f
	bl	sl_switch
	nop
	b	2f
1:	bl	switch_direct
	nop
2:
	/* 4. store what the registers hold now */
	ld	%r11, 4*8(%r1)
	std	%r14, 0*8(%r11)
	std	%r15, 1*8(%r11)
	std	%r16, 2*8(%r11)
	std	%r17, 3*8(%r11)
	std	%r18, 4*8(%r11)
	std	%r19, 5*8(%r11)
	std	%r20, 6*8(%r11)
	std	%r21, 7*8(%r11)
	std	%r22, 8*8(%r11)
	std	%r23, 9*8(%r11)
	std	%r24, 10*8(%r11)
	std	%r25, 11*8(%r11)
	std	%r26, 12*8(%r11)
	std	%r27, 13*8(%r11)
	std	%r28, 14*8(%r11)
	std	%r29, 15*8(%r11)
	std	%r30, 16*8(%r11)
	std	%r31, 17*8(%r11)
	stfd	%f14, 18*8(%r11)
	stfd	%f15, 19*8(%r11)
	stfd	%f16, 20*8(%r11)
	stfd	%f17, 21*8(%r11)
	stfd	%f18, 22*8(%r11)
	stfd	%f19, 23*8(%r11)
	stfd	%f20, 24*8(%r11)
	stfd	%f21, 25*8(%r11)
	stfd	%f22, 26*8(%r11)
	stfd	%f23, 27*8(%r11)
	stfd	%f24, 28*8(%r11)
	stfd	%f25, 29*8(%r11)
	stfd	%f26, 30*8(%r11)
	stfd	%f27, 31*8(%r11)
	stfd	%f28, 32*8(%r11)
	stfd	%f29, 33*8(%r11)
	stfd	%f30, 34*8(%r11)
	stfd	%f31, 35*8(%r11)
	li	%r12, 36*8
	stxvd2x	%vs52, %r11, %r12
	li	%r12, 38*8
	stxvd2x	%vs53, %r11, %r12
	li	%r12, 40*8
	stxvd2x	%vs54, %r11, %r12
	li	%r12, 42*8
	stxvd2x	%vs55, %r11, %r12
	li	%r12, 44*8
	stxvd2x	%vs56, %r11, %r12
	li	%r12, 46*8
	stxvd2x	%vs57, %r11, %r12
	li	%r12, 48*8
	stxvd2x	%vs58, %r11, %r12
	li	%r12, 50*8
	stxvd2x	%vs59, %r11, %r12
	li	%r12, 52*8
	stxvd2x	%vs60, %r11, %r12
	li	%r12, 54*8
	stxvd2x	%vs61, %r11, %r12
	li	%r12, 56*8
	stxvd2x	%vs62, %r11, %r12
	li	%r12, 58*8
	stxvd2x	%vs63, %r11, %r12
	mfcr	%r12
	std	%r12, 60*8(%r11)
	mffs	%f0
	stfd	%f0, 61*8(%r11)
	mfvscr	%v0
	li	%r12, 8*8
	stvx	%v0, %r1, %r12
	lwz	%r12, 8*8(%r1)
	std	%r12, 62*8(%r11)
	/* 5. restore the caller's state; r3 holds sl_switch's result */
	li	%r12, 6*8
	lvx	%v0, %r1, %r12
	mtvscr	%v0
	lfd	%f0, 5*8(%r1)
	mtfsf	0xff, %f0, 1, 0
	li	%r12, 46*8
	lvx	%v20, %r1, %r12
	li	%r12, 48*8
	lvx	%v21, %r1, %r12
	li	%r12, 50*8
	lvx	%v22, %r1, %r12
	li	%r12, 52*8
	lvx	%v23, %r1, %r12
	li	%r12, 54*8
	lvx	%v24, %r1, %r12
	li	%r12, 56*8
	lvx	%v25, %r1, %r12
	li	%r12, 58*8
	lvx	%v26, %r1, %r12
	li	%r12, 60*8
	lvx	%v27, %r1, %r12
	li	%r12, 62*8
	lvx	%v28, %r1, %r12
	li	%r12, 64*8
	lvx	%v29, %r1, %r12
	li	%r12, 66*8
	lvx	%v30, %r1, %r12
	li	%r12, 68*8
	lvx	%v31, %r1, %r12
	lfd	%f14, 28*8(%r1)
	lfd	%f15, 29*8(%r1)
	lfd	%f16, 30*8(%r1)
	lfd	%f17, 31*8(%r1)
	lfd	%f18, 32*8(%r1)
	lfd	%f19, 33*8(%r1)
	lfd	%f20, 34*8(%r1)
	lfd	%f21, 35*8(%r1)
	lfd	%f22, 36*8(%r1)
	lfd	%f23, 37*8(%r1)
	lfd	%f24, 38*8(%r1)
	lfd	%f25, 39*8(%r1)
	lfd	%f26, 40*8(%r1)
	lfd	%f27, 41*8(%r1)
	lfd	%f28, 42*8(%r1)
	lfd	%f29, 43*8(%r1)
	lfd	%f30, 44*8(%r1)
	lfd	%f31, 45*8(%r1)
	ld	%r14, 10*8(%r1)
	ld	%r15, 11*8(%r1)
	ld	%r16, 12*8(%r1)
	ld	%r17, 13*8(%r1)
	ld	%r18, 14*8(%r1)
	ld	%r19, 15*8(%r1)
	ld	%r20, 16*8(%r1)
	ld	%r21, 17*8(%r1)
	ld	%r22, 18*8(%r1)
	ld	%r23, 19*8(%r1)
	ld	%r24, 20*8(%r1)
	ld	%r25, 21*8(%r1)
	ld	%r26, 22*8(%r1)
	ld	%r27, 23*8(%r1)
	ld	%r28, 24*8(%r1)
	ld	%r29, 25*8(%r1)
	ld	%r30, 26*8(%r1)
	ld	%r31, 27*8(%r1)
	addi	%r1, %r1, FRAME
	ld	%r0, 2*8(%r1)
	lwz	%r12, 1*8(%r1)
	mtlr	%r0
	mtcrf	0x38, %r12
	blr
	.size	probe_via, .-probe_via

	.globl	sl_probe_call_sp
	.type	sl_probe_call_sp, @function
	.p2align 4
sl_probe_call_sp:
	/* bl pushes nothing: r1 at entry is the call site's r1 */
	mr	%r3, %r1
	blr
	.size	sl_probe_call_sp, .-sl_probe_call_sp

	.section .note.GNU-stack,"",@progbits
