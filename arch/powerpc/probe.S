/* stackslice probes: powerpc (Power Architecture 32-bit ELF ABI Supplement,
 * SysV, hard-float). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[] (a 32-bit register is the slot's low
 * word, at +4 on this big-endian arch; seen[] is zeroed by the caller, so
 * the high word stays 0):
 *
 *   slot            register                 fixed    mask
 *   0*8 .. 17*8     r14 .. r31               0        0xffffffff
 *   18*8 .. 35*8    f14 .. f31               0        all
 *   36*8            CR (32 bits)             0        CR2, CR3, CR4 (0x00fff000)
 *   37*8            FPSCR (32 bits)          0        NI, RN (0x7)
 *
 * The FPSCR mask leaves out every status bit and the exception enables,
 * which stay 0. Never loaded: r1, LR, r2 (thread pointer), r13 (small data).
 *
 * Frame of sl_probe_switch, from r1 after its stwu (16-byte aligned):
 *
 *   offset          content
 *   0*4             back chain
 *   1*4             LR save word of the callee
 *   2*4             seen
 *   3*4             padding
 *   2*8 .. 39*8     the caller's registers, laid out as the canary slots
 *   FRAME+1*4       return address (LR), in the caller's LR save word */
#define GPRS	r14, r15, r16, r17, r18, r19, r20, r21, r22, r23, r24, r25, r26, r27, r28, r29, r30, r31
#define FPRS	f14, f15, f16, f17, f18, f19, f20, f21, f22, f23, f24, f25, f26, f27, f28, f29, f30, f31
#define SEEN	2*4
#define SLOTS	2*8
#define FRAME	40*8

#include "probe.inc"

	.macro	slots
	.irp	reg, GPRS
	slot	\reg, 0, 0xffffffff
	.endr
	sl_slots FPRS
	slot	cr, 0, 0x00fff000
	slot	fpscr, 0, 0x7, , 0x4
	.endm
	sl_probe_tables 16

	/* Every slot sequence, slot*8 past off(base): the frame mirrors the
	 * slots. A word sits in its slot's low word, +4. Scratch: r12 and f0,
	 * neither a canary, a base or one of r4-r6. */
	.macro	store_slots off, base
	.set	slot, 0
	.irp	reg, GPRS
	stw	%\reg, \off+slot*8+4(\base)
	.set	slot, slot+1
	.endr
	sl_each	stfd, \off, \base, FPRS
	mfcr	%r12
	stw	%r12, \off+slot*8+4(\base)
	mffs	%f0
	stfd	%f0, \off+(slot+1)*8(\base)
	.endm

	.macro	load_slots off, base
	.set	slot, 0
	.irp	reg, GPRS
	lwz	%\reg, \off+slot*8+4(\base)
	.set	slot, slot+1
	.endr
	sl_each	lfd, \off, \base, FPRS
	lwz	%r12, \off+slot*8+4(\base)
	mtcrf	0x38, %r12
	lfd	%f0, \off+(slot+1)*8(\base)
	mtfsf	0xff, %f0
	.endm

	/* sl_probe_direct (core/probe.h): LR goes to the caller's LR save word;
	 * the minimum frame gives the callees a header to write. Armed,
	 * sl_debug_leaving_area's result is already sl_arch_switch's argument
	 * in r3. */
	sl_func	sl_probe_direct, 2
	mflr	%r0
	stw	%r0, 1*4(%r1)
	stwu	%r1, -4*4(%r1)
	bl	sl_debug_arm_switch
	cmpwi	%r3, 0
	bne	1f
	bl	sl_debug_leaving_area
	addi	%r1, %r1, 4*4
	lwz	%r0, 1*4(%r1)
	mtlr	%r0
	b	sl_arch_switch
1:	addi	%r1, %r1, 4*4
	lwz	%r0, 1*4(%r1)
	mtlr	%r0
	blr
	sl_end	sl_probe_direct
	sl_func	sl_probe_switch, 2
	/* 1. save the caller's callee-saved registers and FP control state */
	mflr	%r0
	stw	%r0, 1*4(%r1)
	stwu	%r1, -FRAME(%r1)
	stw	%r4, SEEN(%r1)
	store_slots SLOTS, %r1
	/* 2. load the canaries */
	load_slots 0, %r3
	/* 3. via(to, NULL, NULL): sl_switch or sl_probe_direct, through ctr;
	 * r6 is untouched since entry */
	mr	%r3, %r5
	li	%r4, 0
	li	%r5, 0
	mtctr	%r6
	bctrl
	/* 4. store what the registers hold now */
	lwz	%r11, SEEN(%r1)
	store_slots 0, %r11
	/* 5. restore the caller's state; r3 holds via's result */
	load_slots SLOTS, %r1
	addi	%r1, %r1, FRAME
	lwz	%r0, 1*4(%r1)
	mtlr	%r0
	blr
	sl_end	sl_probe_switch
	sl_func	sl_probe_call_sp, 2
	/* bl pushes nothing: r1 at entry is the call site's r1 */
	mr	%r3, %r1
	blr
	sl_end	sl_probe_call_sp
