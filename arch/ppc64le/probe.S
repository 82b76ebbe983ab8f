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
 * Frame of sl_probe_switch, from r1 after its stdu:
 *
 *   offset          content
 *   0*8             back chain
 *   1*8 .. 3*8      frame header of the callee (CR save, LR save, TOC save:
 *                   r2 across the call of via)
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
#include "probe.inc"

	.macro	slots
	sl_slots GPRS, FPRS
	.irp	vr, VRS
	slot	v\vr, 0, -1, .hi
	slot	v\vr, 0, -1, .lo
	.endr
	slot	cr, 0, 0x00fff000
	slot	fpscr, 0, 0x700000007, , 0x4
	slot	vscr, 0, 0x00010000, , 0x00010000
	.endm
	sl_probe_tables 16

	/* Every slot sequence, slot*8 past off(base): the frame mirrors the
	 * slots. Scratch: r12 (index, CR, VSCR), f0 and v0, none a canary, a
	 * base or one of r4-r6. VSCR moves only through a vector register, as
	 * word 3: xxswapd brings it within reach of mfvsrd/mtvsrd (POWER8),
	 * which move doubleword 0. */
	.macro	each_vr op, off, base
	.irp	vr, VRS
	li	%r12, \off+slot*8
	\op	32+\vr, \base, %r12
	.set	slot, slot+2
	.endr
	.endm

	.macro	store_slots off, base
	.set	slot, 0
	sl_each	std, \off, \base, GPRS
	sl_each	stfd, \off, \base, FPRS
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
	sl_each	ld, \off, \base, GPRS
	sl_each	lfd, \off, \base, FPRS
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

	/* sl_probe_direct (core/probe.h), called through a pointer: the global
	 * entry sets r2 from r12. LR goes to the caller's LR save word; the
	 * minimum frame gives the callees a header to write. cmpwi tests the low
	 * word, as the result is an int; armed, sl_debug_leaving_area's result
	 * is already sl_arch_switch's argument in r3. */
	sl_func	sl_probe_direct, 4
	addis	%r2, %r12, .TOC.-sl_probe_direct@ha
	addi	%r2, %r2, .TOC.-sl_probe_direct@l
	.localentry sl_probe_direct, .-sl_probe_direct
	mflr	%r0
	std	%r0, 2*8(%r1)
	stdu	%r1, -4*8(%r1)
	bl	sl_debug_arm_switch
	nop
	cmpwi	%r3, 0
	bne	1f
	bl	sl_debug_leaving_area
	nop
	addi	%r1, %r1, 4*8
	ld	%r0, 2*8(%r1)
	mtlr	%r0
	b	sl_arch_switch
1:	addi	%r1, %r1, 4*8
	ld	%r0, 2*8(%r1)
	mtlr	%r0
	blr
	sl_end	sl_probe_direct
	sl_func	sl_probe_switch, 4
	addis	%r2, %r12, .TOC.-sl_probe_switch@ha
	addi	%r2, %r2, .TOC.-sl_probe_switch@l
	.localentry sl_probe_switch, .-sl_probe_switch
	/* 1. save the caller's callee-saved registers and FP control state */
	mflr	%r0
	std	%r0, 2*8(%r1)
	stdu	%r1, -FRAME(%r1)
	std	%r4, SEEN(%r1)
	store_slots SLOTS, %r1
	/* 2. load the canaries */
	load_slots 0, %r3
	/* 3. via(to, NULL, NULL): sl_switch or sl_probe_direct, called as the
	 * ELFv2 ABI calls through a pointer: the callee's address in r12 and
	 * ctr, r2 kept in the TOC save word. r6 is untouched since entry. */
	mr	%r3, %r5
	li	%r4, 0
	li	%r5, 0
	mr	%r12, %r6
	mtctr	%r12
	std	%r2, 3*8(%r1)
	bctrl
	ld	%r2, 3*8(%r1)
	/* 4. store what the registers hold now */
	ld	%r11, SEEN(%r1)
	store_slots 0, %r11
	/* 5. restore the caller's state; r3 holds via's result */
	load_slots SLOTS, %r1
	addi	%r1, %r1, FRAME
	ld	%r0, 2*8(%r1)
	mtlr	%r0
	blr
	sl_end	sl_probe_switch
	sl_func	sl_probe_call_sp, 4
	/* bl pushes nothing: r1 at entry is the call site's r1 */
	mr	%r3, %r1
	blr
	sl_end	sl_probe_call_sp
