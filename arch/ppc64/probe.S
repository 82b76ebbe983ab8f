/* stackslice probes: ppc64 (64-bit PowerPC ELF ABI Supplement 1.9, ELFv1),
 * big-endian. Contract: core/probe.h.
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
 * A vector's .hi slot is its first doubleword in memory (stvx/lvx,
 * big-endian). Never loaded: r1, LR, r2 (TOC), r13 (thread pointer).
 *
 * Frame of sl_probe_switch, from r1 after its stdu:
 *
 *   offset          content
 *   0*8             back chain
 *   1*8 .. 5*8      frame header of the callee (CR, LR, reserved, TOC save:
 *                   r2 across the call of via)
 *   6*8 .. 13*8     parameter save area of the callee
 *   14*8            seen
 *   15*8            padding: the slots' vectors stay 16-byte aligned
 *   16*8 .. 78*8    the caller's registers, laid out as the canary slots
 *   79*8            padding
 *   80*8 .. 81*8    VSCR's way through memory
 *   FRAME+2*8       return address (LR), in the caller's LR save word
 *
 * Every function here is a function descriptor in .opd, as the ABI wants
 * of anything called through a pointer (sl_probe_direct is). */
#define GPRS	r14, r15, r16, r17, r18, r19, r20, r21, r22, r23, r24, r25, r26, r27, r28, r29, r30, r31
#define FPRS	f14, f15, f16, f17, f18, f19, f20, f21, f22, f23, f24, f25, f26, f27, f28, f29, f30, f31
#define VRS	v20, v21, v22, v23, v24, v25, v26, v27, v28, v29, v30, v31
#define TOC_SAVE	5*8
#define SEEN	14*8
#define SLOTS	16*8
#define VSCR_WAY	80*8
#define FRAME	82*8

	.machine power6
#include "probe.inc"

	.macro	slots
	sl_slots GPRS, FPRS
	.irp	vr, VRS
	slot	\vr, 0, -1, .hi
	slot	\vr, 0, -1, .lo
	.endr
	slot	cr, 0, 0x00fff000
	slot	fpscr, 0, 0x700000007, , 0x4
	slot	vscr, 0, 0x00010000, , 0x00010000
	.endm
	sl_probe_tables 16

	/* An ELFv1 function: the descriptor in .opd, the code at .L.<name>. */
	.macro	func name
	.globl	\name
	.section ".opd", "aw"
	.p2align 3
\name:
	.quad	.L.\name, .TOC.@tocbase, 0
	.text
	.type	\name, @function
	.p2align 4
.L.\name:
	.endm

	.macro	endfunc name
	.size	\name, .-.L.\name
	.endm

	/* Every slot sequence, slot*8 past off(base): the frame mirrors the
	 * slots. Scratch: r12 (index, CR, VSCR), f0 and v0, none a canary, a
	 * base or one of r4-r6. A vector's slots are 16 bytes in slot order,
	 * so stvx and lvx move both; VSCR goes through the frame's VSCR_WAY,
	 * as the last word of v0. load[] and seen[] come from C, 8-byte
	 * aligned only: a vector slot there goes through r12 as two
	 * doublewords, by way of VSCR_WAY too. */
	.macro	store_slots off, base
	.set	slot, 0
	sl_each	std, \off, \base, GPRS
	sl_each	stfd, \off, \base, FPRS
	.irp	vr, VRS
	li	%r12, VSCR_WAY
	stvx	%\vr, %r1, %r12
	ld	%r12, VSCR_WAY+0*8(%r1)
	std	%r12, \off+slot*8(\base)
	ld	%r12, VSCR_WAY+1*8(%r1)
	std	%r12, \off+(slot+1)*8(\base)
	.set	slot, slot+2
	.endr
	mfcr	%r12
	std	%r12, \off+slot*8(\base)
	mffs	%f0
	stfd	%f0, \off+(slot+1)*8(\base)
	mfvscr	%v0
	li	%r12, VSCR_WAY
	stvx	%v0, %r1, %r12
	lwz	%r12, VSCR_WAY+12(%r1)
	std	%r12, \off+(slot+2)*8(\base)
	.endm

	.macro	load_slots off, base
	.set	slot, 0
	sl_each	ld, \off, \base, GPRS
	sl_each	lfd, \off, \base, FPRS
	.irp	vr, VRS
	ld	%r12, \off+slot*8(\base)
	std	%r12, VSCR_WAY+0*8(%r1)
	ld	%r12, \off+(slot+1)*8(\base)
	std	%r12, VSCR_WAY+1*8(%r1)
	li	%r12, VSCR_WAY
	lvx	%\vr, %r1, %r12
	.set	slot, slot+2
	.endr
	ld	%r12, \off+slot*8(\base)
	mtcrf	0x38, %r12
	lfd	%f0, \off+(slot+1)*8(\base)
	mtfsf	0xff, %f0, 1, 0
	ld	%r12, \off+(slot+2)*8(\base)
	stw	%r12, VSCR_WAY+12(%r1)
	li	%r12, VSCR_WAY
	lvx	%v0, %r1, %r12
	mtvscr	%v0
	.endm

	/* sl_probe_direct (core/probe.h), called through a pointer: the caller
	 * set r2 from the descriptor. LR goes to the caller's LR save word;
	 * the minimum frame gives the callees a header and parameter save area
	 * to write. cmpwi tests the low word, as the result is an int; armed,
	 * sl_debug_leaving_area's result is already sl_arch_switch's argument
	 * in r3. */
	func	sl_probe_direct
	mflr	%r0
	std	%r0, 2*8(%r1)
	stdu	%r1, -14*8(%r1)
	bl	sl_debug_arm_switch
	nop
	cmpwi	%r3, 0
	bne	1f
	bl	sl_debug_leaving_area
	nop
	addi	%r1, %r1, 14*8
	ld	%r0, 2*8(%r1)
	mtlr	%r0
	b	sl_arch_switch
1:	addi	%r1, %r1, 14*8
	ld	%r0, 2*8(%r1)
	mtlr	%r0
	blr
	endfunc	sl_probe_direct
	func	sl_probe_switch
	/* 1. save the caller's callee-saved registers and FP control state */
	mflr	%r0
	std	%r0, 2*8(%r1)
	stdu	%r1, -FRAME(%r1)
	std	%r4, SEEN(%r1)
	store_slots SLOTS, %r1
	/* 2. load the canaries */
	load_slots 0, %r3
	/* 3. via(to, NULL, NULL): sl_switch or sl_probe_direct, called as the
	 * ELFv1 ABI calls through a pointer: entry and TOC from the
	 * descriptor, r2 kept in the TOC save word. r6 is untouched since
	 * entry. */
	mr	%r3, %r5
	li	%r4, 0
	li	%r5, 0
	ld	%r12, 0*8(%r6)
	std	%r2, TOC_SAVE(%r1)
	ld	%r2, 1*8(%r6)
	mtctr	%r12
	bctrl
	ld	%r2, TOC_SAVE(%r1)
	/* 4. store what the registers hold now */
	ld	%r11, SEEN(%r1)
	store_slots 0, %r11
	/* 5. restore the caller's state; r3 holds via's result */
	load_slots SLOTS, %r1
	addi	%r1, %r1, FRAME
	ld	%r0, 2*8(%r1)
	mtlr	%r0
	blr
	endfunc	sl_probe_switch
	func	sl_probe_call_sp
	/* bl pushes nothing: r1 at entry is the call site's r1 */
	mr	%r3, %r1
	blr
	endfunc	sl_probe_call_sp
