/* stackslice port: hppa (PA-RISC 1.1, 32-bit Linux ELF ABI: the HP-UX
 * 32-bit runtime architecture's calling convention; gcc's pa32-regs.h).
 *
 * Register area of the leaving coroutine (%r26, the argument) and of the
 * entering one (%r4 from step 3), SL_AREA_BYTES bytes, 16-byte aligned:
 *
 *   offset  content
 *   0*4     the core's: the stack pointer p the coroutine resumes at
 *   1*4     rp (r2, the return address, which each bl overwrites)
 *   2*4     fr0: FP status (rounding mode, enables, flags) and exception
 *             register 1, as fenv does it (fstd/fldd)
 *   4*4     fr12
 *   6*4     fr13
 *   ...       fr12 + i at (4 + 2*i)*4
 *   22*4    fr21
 *   24*4    r3
 *   ...       r3 + i at (24 + i)*4
 *   39*4    r18
 *
 * The stack grows up: a function's frame lies above its caller's, and %sp
 * points just past the top of it. The 48 bytes below %sp are the frame
 * marker and argument area of the calls a function makes, which its
 * callees write (rp at -20(%sp), arguments from -36(%sp) down), so the
 * core gets p = %sp - 12*4 (port.json stack_area 48, stack_grows up): the
 * slice lies below p, and the area above it is scratch of the calls. This
 * function builds no frame: the frame marker and argument area its caller
 * made for it are the callee's to write, so both calls use them as they
 * are, at the entry %sp (64-byte aligned, as at every call), and the slice
 * holds nothing of this function.
 *
 * An FP store or load reaches 15 bytes from its base in PA 1.1 (5-bit
 * displacements), so the FP slots are reached four at a time through %r1.
 * Not saved: dp (r27), the global data pointer, the same on both sides of
 * a switch (one program); r19, the PIC register, which callers restore
 * after a call themselves: the port keeps its own copy in r3 (saved in
 * step 1, preserved by both calls) for the second call. */
#include "port.h"

#define AREA	40*4	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif
#define CALLS	12*4	/* frame marker and argument area below %sp: stack_area */
#define RP	1*4
#define FPRS	2*4+2*8	/* %r1 for fr0, fr12, fr13, fr14 at -2*8 .. 1*8 */
#define GPRS	24*4

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.align	4
sl_arch_switch:
	/* 1. save callee-saved registers, FP control state and the return address in the area */
	stw	%rp, RP(%r26)
	stw	%r3, GPRS+0*4(%r26)
	stw	%r4, GPRS+1*4(%r26)
	stw	%r5, GPRS+2*4(%r26)
	stw	%r6, GPRS+3*4(%r26)
	stw	%r7, GPRS+4*4(%r26)
	stw	%r8, GPRS+5*4(%r26)
	stw	%r9, GPRS+6*4(%r26)
	stw	%r10, GPRS+7*4(%r26)
	stw	%r11, GPRS+8*4(%r26)
	stw	%r12, GPRS+9*4(%r26)
	stw	%r13, GPRS+10*4(%r26)
	stw	%r14, GPRS+11*4(%r26)
	stw	%r15, GPRS+12*4(%r26)
	stw	%r16, GPRS+13*4(%r26)
	stw	%r17, GPRS+14*4(%r26)
	stw	%r18, GPRS+15*4(%r26)
	ldo	FPRS(%r26), %r1	/* sl:not-a-save: base of the slots of fr0, fr12-fr14 */
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
	/* 2. p = %sp - 12*4, below the frame marker; call sl_core_leave(p) */
	copy	%r19, %r3
	bl	sl_core_leave, %rp
	ldo	-CALLS(%sp), %r26	/* delay slot: p */
	/* 3. %r4 = the entered area; %sp = its stack pointer + 12*4 */
	copy	%ret0, %r4
	ldw	0*4(%ret0), %r1
	ldo	CALLS(%r1), %sp
	/* 4. call sl_core_restore() */
	bl	sl_core_restore, %rp
	copy	%r3, %r19	/* delay slot: its PIC register */
	/* 5. restore the target's registers from its area, r4 last; %ret0 holds the result */
	ldo	FPRS(%r4), %r1	/* sl:not-a-save: base of the slots of fr0, fr12-fr14 */
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
	ldw	RP(%r4), %rp
	ldw	GPRS+0*4(%r4), %r3
	ldw	GPRS+2*4(%r4), %r5
	ldw	GPRS+3*4(%r4), %r6
	ldw	GPRS+4*4(%r4), %r7
	ldw	GPRS+5*4(%r4), %r8
	ldw	GPRS+6*4(%r4), %r9
	ldw	GPRS+7*4(%r4), %r10
	ldw	GPRS+8*4(%r4), %r11
	ldw	GPRS+9*4(%r4), %r12
	ldw	GPRS+10*4(%r4), %r13
	ldw	GPRS+11*4(%r4), %r14
	ldw	GPRS+12*4(%r4), %r15
	ldw	GPRS+13*4(%r4), %r16
	ldw	GPRS+14*4(%r4), %r17
	ldw	GPRS+15*4(%r4), %r18
	ldw	GPRS+1*4(%r4), %r4
	bv	%r0(%rp)
	nop	/* the delay slot */
	.size	sl_arch_switch, .-sl_arch_switch

	/* This port slices a stack that grows up: it links only with a core
	 * built for one (core/port.h, SL_STACK_GROWS). */
	.section .rodata
	.align	4
	.word	sl_core_stack_grows_up

	.section .note.GNU-stack,"",@progbits
