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
 * Every callee may write the 160-byte register save area at the bottom of
 * its caller's frame, so sl_arch_switch allocates its own frame of
 * 160 + 18*8 bytes and keeps all of its state above that area: p = r15 + 160.
 * The save area of its own caller, above the frame, is left untouched.
 * r15 is not in the frame: the core hands it back. */
	.text
	.globl	sl_arch_switch
	.type	sl_arch_switch, @function
sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
	lay	%r15, -(160+18*8)(%r15)
	stfpc	160+0*8(%r15)
	stg	%r6, 160+1*8(%r15)
	stg	%r7, 160+2*8(%r15)
	stg	%r8, 160+3*8(%r15)
	stg	%r9, 160+4*8(%r15)
	stg	%r10, 160+5*8(%r15)
	stg	%r11, 160+6*8(%r15)
	stg	%r12, 160+7*8(%r15)
	stg	%r13, 160+8*8(%r15)
	stg	%r14, 160+9*8(%r15)
	std	%f8, 160+10*8(%r15)
	std	%f9, 160+11*8(%r15)
	std	%f10, 160+12*8(%r15)
	std	%f11, 160+13*8(%r15)
	std	%f12, 160+14*8(%r15)
	std	%f13, 160+15*8(%r15)
	std	%f14, 160+16*8(%r15)
	std	%f15, 160+17*8(%r15)
	/* 2. p = r15 + 160; call sl_core_save(p) */
	la	%r2, 160(%r15)
	brasl	%r14, sl_core_save@PLT
	/* 3. r15 = returned slice start - 160 */
	lay	%r15, -160(%r2)
	/* 4. call sl_core_restore() */
	brasl	%r14, sl_core_restore@PLT
	/* 5. restore the target's registers; r2 holds the result */
	lfpc	160+0*8(%r15)
	lg	%r6, 160+1*8(%r15)
	lg	%r7, 160+2*8(%r15)
	lg	%r8, 160+3*8(%r15)
	lg	%r9, 160+4*8(%r15)
	lg	%r10, 160+5*8(%r15)
	lg	%r11, 160+6*8(%r15)
	lg	%r12, 160+7*8(%r15)
	lg	%r13, 160+8*8(%r15)
	lg	%r14, 160+9*8(%r15)
	ld	%f8, 160+10*8(%r15)
	ld	%f9, 160+11*8(%r15)
	ld	%f10, 160+12*8(%r15)
	ld	%f11, 160+13*8(%r15)
	ld	%f12, 160+14*8(%r15)
	ld	%f13, 160+15*8(%r15)
	ld	%f14, 160+16*8(%r15)
	ld	%f15, 160+17*8(%r15)
	la	%r15, 160+18*8(%r15)
	br	%r14
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
