/* stackslice port: sh4 (SuperH SH-4 Linux ELF ABI, as GCC implements it:
 * r8-r14, r15 (the stack pointer), pr and fr12-fr15 are callee-saved;
 * arguments in r4-r7, the result in r0; mach and macl are the caller's).
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from r15 after
 * step 1 (4-byte aligned), which is the p it hands to the core: SH has no
 * displacement form for sts.l and fmov.s, so step 1 pushes with @-r15 and
 * step 5 pops with @r15+, and the table lists the slots from the last push:
 *
 *   offset  content
 *   0*4     FPSCR (rounding mode, DN, PR, SZ, FR, enables)
 *   1*4     fr12
 *   2*4     fr13
 *   3*4     fr14
 *   4*4     fr15
 *   5*4     r8
 *   6*4     r9
 *   7*4     r10
 *   8*4     r11
 *   9*4     r12
 *   10*4    r13
 *   11*4    r14 (the frame pointer)
 *   12*4    pr (the return address)
 *
 * No callee writes above its caller's r15 (arguments beyond r7 are the
 * caller's outgoing area, below its r15 at the call), so p is r15 itself.
 * FPSCR is popped first in step 5: its FR bit selects the bank fr12-fr15
 * are then read into, the target's, as it was when step 1 pushed them. The
 * fmov.s moves are 32-bit because FPSCR.SZ is 0 at every call. gbr (the
 * thread pointer) is never touched. The calls are PC-relative (bsrf), so
 * the file serves static, PIE and shared links alike; each delay slot holds
 * the call's argument or a nop. */

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, %function
	.p2align 1
sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
	sts.l	pr, @-r15
	mov.l	r14, @-r15
	mov.l	r13, @-r15
	mov.l	r12, @-r15
	mov.l	r11, @-r15
	mov.l	r10, @-r15
	mov.l	r9, @-r15
	mov.l	r8, @-r15
	fmov.s	fr15, @-r15
	fmov.s	fr14, @-r15
	fmov.s	fr13, @-r15
	fmov.s	fr12, @-r15
	sts.l	fpscr, @-r15
	/* 2. p = r15 (no callee-writable area); call sl_core_save(p) */
	mov.l	.Lsave, r1
	bsrf	r1
.Lsave_pc:
	mov	r15, r4
	/* 3. r15 = returned slice start */
	mov	r0, r15
	/* 4. call sl_core_restore() */
	mov.l	.Lrestore, r1
	bsrf	r1
.Lrestore_pc:
	nop
	/* 5. restore the target's registers; r0 holds the result */
	lds.l	@r15+, fpscr
	fmov.s	@r15+, fr12
	fmov.s	@r15+, fr13
	fmov.s	@r15+, fr14
	fmov.s	@r15+, fr15
	mov.l	@r15+, r8
	mov.l	@r15+, r9
	mov.l	@r15+, r10
	mov.l	@r15+, r11
	mov.l	@r15+, r12
	mov.l	@r15+, r13
	mov.l	@r15+, r14
	lds.l	@r15+, pr
	rts
	nop
	.p2align 2
.Lsave:
	.long	sl_core_save - (.Lsave_pc + 2)
.Lrestore:
	.long	sl_core_restore - (.Lrestore_pc + 2)
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",%progbits
