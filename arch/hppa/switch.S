/* stackslice port: hppa (PA-RISC 1.1, 32-bit Linux ELF ABI: the HP-UX
 * 32-bit runtime architecture's calling convention; gcc's pa32-regs.h).
 *
 * The stack grows up: a function's frame lies above its caller's, and %sp
 * points just past the top of it. The 48 bytes below %sp are the frame
 * marker and argument area of the calls a function makes, which its
 * callees write (rp at -20(%sp), arguments from -36(%sp) down), so the
 * core gets p = %sp - 12*4 (port.json stack_area 48, stack_grows up): the
 * slice lies below p, and the area above it is scratch of the calls.
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from its base
 * (the entry %sp, 64-byte aligned as at every call); %sp = base + FRAME:
 *
 *   offset  content
 *   0*4     fr0: FP status (rounding mode, enables, flags) and exception
 *             register 1, as fenv does it (fstd/fldd)
 *   2*4     fr12
 *   4*4     fr13
 *   ...       fr12 + i at (2 + 2*i)*4
 *   20*4    fr21
 *   22*4    r3
 *   ...       r3 + i at (22 + i)*4
 *   37*4    r18
 *   38*4    rp (r2, the return address)
 *   39*4    padding
 *   FRAME-12*4 .. FRAME: frame marker and argument area of the calls
 *   ---- p = %sp - 12*4 ----
 *
 * An FP store or load reaches 15 bytes from its base in PA 1.1 (5-bit
 * displacements), so the FP slots are reached four at a time through %r1.
 * Not saved: dp (r27), the global data pointer, the same on both sides of
 * a switch (one program); r19, the PIC register, which callers restore
 * after a call themselves: the port keeps its own copy in r3 (saved in
 * step 1, preserved by both calls) for the second call. */
#define AREA	12*4
#define STATE	40*4
#define FRAME	256	/* STATE + AREA rounded up to the stack's 64-byte alignment */
#define BASE	-FRAME	/* the frame's base, from %sp */
#define FPRS	BASE+2*8	/* %r1 for fr0, fr12, fr13, fr14 at -2*8 .. 1*8 */
#define GPRS	BASE+22*4
#define RP	BASE+38*4

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.align	4
sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
	ldo	FRAME(%sp), %sp	/* sl:not-a-save: the frame */
	stw	%rp, RP(%sp)
	stw	%r3, GPRS+0*4(%sp)
	stw	%r4, GPRS+1*4(%sp)
	stw	%r5, GPRS+2*4(%sp)
	stw	%r6, GPRS+3*4(%sp)
	stw	%r7, GPRS+4*4(%sp)
	stw	%r8, GPRS+5*4(%sp)
	stw	%r9, GPRS+6*4(%sp)
	stw	%r10, GPRS+7*4(%sp)
	stw	%r11, GPRS+8*4(%sp)
	stw	%r12, GPRS+9*4(%sp)
	stw	%r13, GPRS+10*4(%sp)
	stw	%r14, GPRS+11*4(%sp)
	stw	%r15, GPRS+12*4(%sp)
	stw	%r16, GPRS+13*4(%sp)
	stw	%r17, GPRS+14*4(%sp)
	stw	%r18, GPRS+15*4(%sp)
	ldo	FPRS(%sp), %r1	/* sl:not-a-save: base of the slots of fr0, fr12-fr14 */
	fstd	%fr0, -2*8(%r1)
	fstd	%fr12, -1*8(%r1)
	fstd	%fr13, 0*8(%r1)
	fstd	%fr14, 1*8(%r1)
	ldo	4*8(%r1), %r1	/* sl:not-a-save: base of the slots of fr15-fr18 */
	fstd	%fr15, -2*8(%r1)
	fstd	%fr16, -1*8(%r1)
	fstd	%fr17, 0*8(%r1)
	fstd	%fr18, 1*8(%r1)
	ldo	4*8(%r1), %r1	/* sl:not-a-save: base of the slots of fr19-fr21 */
	fstd	%fr19, -2*8(%r1)
	fstd	%fr20, -1*8(%r1)
	fstd	%fr21, 0*8(%r1)
	/* 2. p = %sp - 12*4, below the frame marker; call sl_core_save(p) */
	copy	%r19, %r3
	bl	sl_core_save, %rp
	ldo	-AREA(%sp), %r26
	/* 3. %sp = returned slice start + 12*4 */
	ldo	AREA(%ret0), %sp
	/* 4. call sl_core_restore() */
	bl	sl_core_restore, %rp
	copy	%r3, %r19
	/* 5. restore the target's registers; %ret0 holds the result */
	ldo	FPRS(%sp), %r1	/* sl:not-a-save: base of the slots of fr0, fr12-fr14 */
	fldd	-2*8(%r1), %fr0
	fldd	-1*8(%r1), %fr12
	fldd	0*8(%r1), %fr13
	fldd	1*8(%r1), %fr14
	ldo	4*8(%r1), %r1	/* sl:not-a-save: base of the slots of fr15-fr18 */
	fldd	-2*8(%r1), %fr15
	fldd	-1*8(%r1), %fr16
	fldd	0*8(%r1), %fr17
	fldd	1*8(%r1), %fr18
	ldo	4*8(%r1), %r1	/* sl:not-a-save: base of the slots of fr19-fr21 */
	fldd	-2*8(%r1), %fr19
	fldd	-1*8(%r1), %fr20
	fldd	0*8(%r1), %fr21
	ldw	GPRS+0*4(%sp), %r3
	ldw	GPRS+1*4(%sp), %r4
	ldw	GPRS+2*4(%sp), %r5
	ldw	GPRS+3*4(%sp), %r6
	ldw	GPRS+4*4(%sp), %r7
	ldw	GPRS+5*4(%sp), %r8
	ldw	GPRS+6*4(%sp), %r9
	ldw	GPRS+7*4(%sp), %r10
	ldw	GPRS+8*4(%sp), %r11
	ldw	GPRS+9*4(%sp), %r12
	ldw	GPRS+10*4(%sp), %r13
	ldw	GPRS+11*4(%sp), %r14
	ldw	GPRS+12*4(%sp), %r15
	ldw	GPRS+13*4(%sp), %r16
	ldw	GPRS+14*4(%sp), %r17
	ldw	GPRS+15*4(%sp), %r18
	ldw	RP(%sp), %rp
	bv	%r0(%rp)
	ldo	-FRAME(%sp), %sp	/* the delay slot drops the frame */
	.size	sl_arch_switch, .-sl_arch_switch

	/* This port slices a stack that grows up: it links only with a core
	 * built for one (core/port.h, SL_STACK_GROWS). */
	.section .rodata
	.align	4
	.word	sl_core_stack_grows_up

	.section .note.GNU-stack,"",@progbits
