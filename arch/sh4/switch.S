/* stackslice port: sh4 (SuperH SH-4 Linux ELF ABI, as GCC implements it:
 * r8-r14, r15 (the stack pointer), pr and fr12-fr15 are callee-saved;
 * arguments in r4-r7, the result in r0; mach and macl are the caller's).
 *
 * Register area of the leaving coroutine (r4, the argument) and of the
 * entering one (r8 from step 3, which points it past word 0), SL_AREA_BYTES bytes, 16-byte aligned: SH
 * has no displacement form for sts.l and fmov.s, so step 1 pushes down
 * from the area's end with @-r4 and step 5 pops up from word 1 with @r1+
 * (as musl's and glibc's sh setjmp do), and the table lists the slots from
 * the last push:
 *
 *   offset  content
 *   0*4     the core's: the stack pointer p the coroutine resumes at
 *   1*4     FPSCR (rounding mode, DN, PR, SZ, FR, enables)
 *   2*4     fr12
 *   3*4     fr13
 *   4*4     fr14
 *   5*4     fr15
 *   6*4     r8
 *   7*4     r9
 *   8*4     r10
 *   9*4     r11
 *   10*4    r12
 *   11*4    r13
 *   12*4    r14 (the frame pointer)
 *   13*4    pr (the return address)
 *
 * pr goes to the area, so p is the caller's r15 and the slice holds
 * nothing of this function. No callee writes above its caller's r15
 * (arguments beyond r7 are the caller's outgoing area, below its r15 at
 * the call), so p is r15 itself. FPSCR is popped first in step 5: its FR
 * bit selects the bank fr12-fr15 are then read into, the target's, as it
 * was when step 1 pushed them. The fmov.s moves are 32-bit because
 * FPSCR.SZ is 0 at every call. Step 5 pops through r1, a copy of r8, since
 * a post-increment load into its own base (mov.l @r8+, r8) is no defined
 * pop; r8 comes back in its slot's turn. gbr (the thread pointer) is never
 * touched. The calls are PC-relative (bsrf), so the file serves static,
 * PIE and shared links alike; each delay slot holds the call's argument or
 * a nop. */
#include "port.h"

#define AREA	14*4	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, %function
	.p2align 1
sl_arch_switch:
	/* 1. save callee-saved registers, FP control state and the return address in the area */
	add	#AREA, r4	/* sl:not-a-save: the pushes start at the area's end */
	sts.l	pr, @-r4
	mov.l	r14, @-r4
	mov.l	r13, @-r4
	mov.l	r12, @-r4
	mov.l	r11, @-r4
	mov.l	r10, @-r4
	mov.l	r9, @-r4
	mov.l	r8, @-r4
	fmov.s	fr15, @-r4
	fmov.s	fr14, @-r4
	fmov.s	fr13, @-r4
	fmov.s	fr12, @-r4
	sts.l	fpscr, @-r4
	/* 2. p = r15 (no callee-writable area); call sl_core_leave(p) */
	mov.l	.Lleave, r1
	bsrf	r1
.Lleave_pc:
	mov	r15, r4
	/* 3. r15 = the entered area's stack pointer; r8 = the area, from word 1 */
	mov.l	@r0+, r15
	mov	r0, r8
	/* 4. call sl_core_restore() */
	mov.l	.Lrestore, r1
	bsrf	r1
.Lrestore_pc:
	nop
	/* 5. restore the target's registers from its area, through r1; r0 holds the result */
	mov	r8, r1	/* sl:not-a-save: the pops go through r1 */
	lds.l	@r1+, fpscr
	fmov.s	@r1+, fr12
	fmov.s	@r1+, fr13
	fmov.s	@r1+, fr14
	fmov.s	@r1+, fr15
	mov.l	@r1+, r8
	mov.l	@r1+, r9
	mov.l	@r1+, r10
	mov.l	@r1+, r11
	mov.l	@r1+, r12
	mov.l	@r1+, r13
	mov.l	@r1+, r14
	lds.l	@r1+, pr
	rts
	nop
	.p2align 2
.Lleave:
	.long	sl_core_leave - (.Lleave_pc + 2)
.Lrestore:
	.long	sl_core_restore - (.Lrestore_pc + 2)
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",%progbits
