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
 *   5*8 .. 67*8     the caller's registers, laid out as the canary slots
 *   FRAME+2*8       return address (LR), in the caller's LR save word */
#define GPRS	r14, r15, r16, r17, r18, r19, r20, r21, r22, r23, r24, r25, r26, r27, r28, r29, r30, r31
#define FPRS	f14, f15, f16, f17, f18, f19, f20, f21, f22, f23, f24, f25, f26, f27, f28, f29, f30, f31
/* v20 .. v31 by number: vector register n is VSX register 32+n */
#define VRS	20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
#define SEEN	4*8
#define SLOTS	5*8
#define FRAME	68*8

	.abiversion 2
	.section .rodata
	.globl	sl_probe_count, sl_probe_names, sl_probe_fixed, sl_probe_mask, sl_probe_stack_align
sl_probe_names:
	.irp	reg, GPRS, FPRS
	.asciz	"\reg"
	.endr
	.irp	vr, VRS
	.asciz	"v\vr\().hi", "v\vr\().lo"
	.endr
	.asciz	"cr", "fpscr", "vscr"
	.balign	8
	/* VRS twice in the tables: a vector register fills two slots */
sl_probe_fixed:
	.irp	reg, GPRS, FPRS, VRS, VRS, cr, fpscr, vscr
	.quad	0
	.endr
sl_probe_mask:
	.irp	reg, GPRS, FPRS, VRS, VRS
	.quad	-1
	.endr
	.quad	0x00fff000, 0x700000007, 0x00010000
sl_probe_count:
	.long	(sl_probe_mask - sl_probe_fixed) / 8	/* fixed's length */
sl_probe_stack_align:
	.long	16

	/* One walk of the lists for every slot sequence, slot*8 past off(base):
	 * loading the canaries, saving and restoring the caller's registers (the
	 * frame mirrors the slots) and filling seen[]. Scratch: r12 (index, CR,
	 * VSCR), f0 and v0, none a canary, a base or one of r4-r6. VSCR moves
	 * only through a vector register, as word 3: xxswapd brings it within
	 * reach of mfvsrd/mtvsrd (POWER8), which move doubleword 0. */
	.macro	each op, off, base, regs:vararg
	.irp	reg, \regs
	\op	%\reg, \off+slot*8(\base)
	.set	slot, slot+1
	.endr
	.endm

	.macro	each_vr op, off, base
	.irp	vr, VRS
	li	%r12, \off+slot*8
	\op	32+\vr, \base, %r12
	.set	slot, slot+2
	.endr
	.endm

	.macro	store_slots off, base
	.set	slot, 0
	each	std, \off, \base, GPRS
	each	stfd, \off, \base, FPRS
	each_vr	stxvd2x, \off, \base
	mfcr	%r12
	std	%r12, \off+slot*8(\base)
	mffs	%f0
	stfd	%f0, \off+(slot+1)*8(\base)
	mfvscr	%v0
	xxswapd	%vs32, %vs32
	mfvsrd	%r12, %vs32
	std	%r12, \off+(slot+2)*8(\base)
	.endm

	.macro	load_slots off, base
	.set	slot, 0
	each	ld, \off, \base, GPRS
	each	lfd, \off, \base, FPRS
	each_vr	lxvd2x, \off, \base
	ld	%r12, \off+slot*8(\base)
	mtcrf	0x38, %r12
	lfd	%f0, \off+(slot+1)*8(\base)
	mtfsf	0xff, %f0, 1, 0
	ld	%r12, \off+(slot+2)*8(\base)
	mtvsrd	%vs32, %r12
	xxswapd	%vs32, %vs32
	mtvscr	%v0
	.endm

	/* Both probes share one body; r6 says what it calls with the canaries
	 * loaded: 0 sl_switch, else switch_direct. A flag and two direct calls
	 * rather than a function address in a register: an indirect call would
	 * need r12/ctr and r2 saved and restored around it. */
	.macro	probe name, direct
	.globl	\name
	.type	\name, @function
	.p2align 4
\name:
	addis	%r2, %r12, .TOC.-\name\()@ha
	addi	%r2, %r2, .TOC.-\name\()@l
	.localentry \name, .-\name
	li	%r6, \direct
	b	probe_via
	.size	\name, .-\name
	.endm

	.text
	probe	sl_probe_switch, 0
	probe	sl_probe_switch_direct, 1

	/* switch_direct(to), as core/probe.h describes it. Reached only by bl
	 * from probe_via, so r2 is already this module's TOC: no global entry
	 * point. LR goes to probe_via's LR save word (the ABI lets a callee
	 * write it); the minimum 32-byte frame keeps r1 16-byte aligned and
	 * gives sl_debug_arm_switch a header to write. cmpwi tests the low word:
	 * the result is an int. After b (not bl), sl_arch_switch writes
	 * probe_via's callee header and returns straight to probe_via, as if
	 * probe_via had called it. */
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
	cmpwi	%r3, 0
	bnelr
	b	sl_arch_switch
	.size	switch_direct, .-switch_direct

	.type	probe_via, @function
	.p2align 4
probe_via:
	/* 1. save the caller's callee-saved registers and FP control state */
	mflr	%r0
	std	%r0, 2*8(%r1)
	stdu	%r1, -FRAME(%r1)
	std	%r4, SEEN(%r1)
	store_slots SLOTS, %r1
	/* 2. load the canaries */
	load_slots 0, %r3
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
	ld	%r11, SEEN(%r1)
	store_slots 0, %r11
	/* 5. restore the caller's state; r3 holds the result of sl_switch,
	 * sl_debug_arm_switch or sl_arch_switch */
	load_slots SLOTS, %r1
	addi	%r1, %r1, FRAME
	ld	%r0, 2*8(%r1)
	mtlr	%r0
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
