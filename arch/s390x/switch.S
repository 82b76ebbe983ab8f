/* stackslice port: s390x (ELF Application Binary Interface s390x Supplement, "Function Calling Sequence").
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from the stack
 * pointer p it hands to the core (r15 + 160, 8-byte aligned):
 *
 *   offset  content
 *   0*8     FPC (bytes 0-3)
 *   1*8     r6
 *   2*8     r7
 *   3*8     r8
 *   4*8     r9
 *   5*8     r10
 *   6*8     r11
 *   7*8     r12
 *   8*8     r13
 *   9*8     r14 (return address)
 *   10*8    f8
 *   11*8    f9
 *   12*8    f10
 *   13*8    f11
 *   14*8    f12
 *   15*8    f13
 *   16*8    f14
 *   17*8    f15
 *
 * Every callee may write the 160-byte register save area (SAVE_AREA) at the
 * bottom of its caller's frame, so sl_arch_switch allocates its own frame of
 * SAVE_AREA + 18*8 bytes and keeps all of its state above that area:
 * p = r15 + SAVE_AREA. The save area of its own caller, above the frame, is
 * left untouched. r15 is not in the frame: the core hands it back. */
#define SAVE_AREA	160
#define FRAME	(SAVE_AREA+18*8)
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
	lay	%r15, -FRAME(%r15)	/* sl:not-a-save: the frame */
	stfpc	SAVE_AREA+0*8(%r15)
	stmg	%r6, %r14, SAVE_AREA+1*8(%r15)
	std	%f8, SAVE_AREA+10*8(%r15)
	std	%f9, SAVE_AREA+11*8(%r15)
	std	%f10, SAVE_AREA+12*8(%r15)
	std	%f11, SAVE_AREA+13*8(%r15)
	std	%f12, SAVE_AREA+14*8(%r15)
	std	%f13, SAVE_AREA+15*8(%r15)
	std	%f14, SAVE_AREA+16*8(%r15)
	std	%f15, SAVE_AREA+17*8(%r15)
	/* 2. p = r15 + SAVE_AREA; call sl_core_save(p) */
	la	%r2, SAVE_AREA(%r15)
	brasl	%r14, sl_core_save@PLT
	/* 3. r15 = returned slice start - SAVE_AREA */
	lay	%r15, -SAVE_AREA(%r2)
	/* 4. call sl_core_restore() */
	brasl	%r14, sl_core_restore@PLT
	/* 5. restore the target's registers; r2 holds the result */
	lfpc	SAVE_AREA+0*8(%r15)
	lmg	%r6, %r14, SAVE_AREA+1*8(%r15)
	ld	%f8, SAVE_AREA+10*8(%r15)
	ld	%f9, SAVE_AREA+11*8(%r15)
	ld	%f10, SAVE_AREA+12*8(%r15)
	ld	%f11, SAVE_AREA+13*8(%r15)
	ld	%f12, SAVE_AREA+14*8(%r15)
	ld	%f13, SAVE_AREA+15*8(%r15)
	ld	%f14, SAVE_AREA+16*8(%r15)
	ld	%f15, SAVE_AREA+17*8(%r15)
	la	%r15, FRAME(%r15)	/* sl:not-a-save: drops the frame */
	br	%r14
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
