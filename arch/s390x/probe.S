/* stackslice probes: s390x (ELF Application Binary Interface s390x Supplement). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[] (big-endian: the 32-bit FPC is the low
 * half of its slot, bytes 4-7):
 *
 *   slot  register              fixed    mask
 *   0*8   r6                    0        all
 *   1*8   r7                    0        all
 *   2*8   r8                    0        all
 *   3*8   r9                    0        all
 *   4*8   r10                   0        all
 *   5*8   r11                   0        all
 *   6*8   r12                   0        all
 *   7*8   r13                   0        all
 *   8*8   f8                    0        all
 *   9*8   f9                    0        all
 *   10*8  f10                   0        all
 *   11*8  f11                   0        all
 *   12*8  f12                   0        all
 *   13*8  f13                   0        all
 *   14*8  f14                   0        all
 *   15*8  f15                   0        all
 *   16*8  FPC (32 bits)         0        DFP and BFP rounding modes
 *
 * r14 (return address) and r15 (stack pointer) get no canaries. FPC: the
 * IEEE exception mask bits (0-4) stay zero, so no exception traps.
 *
 * Frame of probe_via, the body of sl_probe_switch and sl_probe_switch_direct,
 * from r15 after its prologue: the 160-byte register save area for its
 * callees, then at 160 + offset:
 *
 *   offset  content
 *   0*8     seen
 *   1*8     caller's FPC (bytes 0-3)
 *   2*8     r6
 *   3*8     r7
 *   4*8     r8
 *   5*8     r9
 *   6*8     r10
 *   7*8     r11
 *   8*8     r12
 *   9*8     r13
 *   10*8    r14 (return address)
 *   11*8    f8
 *   12*8    f9
 *   13*8    f10
 *   14*8    f11
 *   15*8    f12
 *   16*8    f13
 *   17*8    f14
 *   18*8    f15 */
	.section .rodata
	.globl	sl_probe_count, sl_probe_names, sl_probe_fixed, sl_probe_mask, sl_probe_stack_align
	.balign	8
sl_probe_count:
	.long	17
sl_probe_stack_align:
	.long	8
sl_probe_names:
	.asciz	"r6", "r7", "r8", "r9", "r10", "r11", "r12", "r13"
	.asciz	"f8", "f9", "f10", "f11", "f12", "f13", "f14", "f15", "fpc"
	.balign	8
sl_probe_fixed:
	.quad	0, 0, 0, 0, 0, 0, 0, 0
	.quad	0, 0, 0, 0, 0, 0, 0, 0, 0
sl_probe_mask:
	.quad	-1, -1, -1, -1, -1, -1, -1, -1
	.quad	-1, -1, -1, -1, -1, -1, -1, -1, 0x73

	.text
	/* Both probes share one body; r1 holds what it calls with the canaries
	 * loaded (scratch, not a canary, and untouched by steps 1 to 3). */
	.globl	sl_probe_switch
	.type	sl_probe_switch, @function
sl_probe_switch:
	/* the suite links statically: a PC-relative address is enough */
	larl	%r1, sl_switch
	j	probe_via
	.size	sl_probe_switch, .-sl_probe_switch

	.globl	sl_probe_switch_direct
	.type	sl_probe_switch_direct, @function
sl_probe_switch_direct:
	larl	%r1, switch_direct
	j	probe_via
	.size	sl_probe_switch_direct, .-sl_probe_switch_direct

	/* switch_direct(to): arm the core, then enter the port as if called from
	 * probe_via. r14 (back into probe_via) goes to its slot in probe_via's
	 * register save area, which a callee may write; the callee of
	 * switch_direct gets a 160-byte save area of its own, which keeps r15
	 * 8-byte aligned. r6-r13, f8-f15 and the FPC rounding modes survive the C
	 * call, so the canaries reach sl_arch_switch as probe_via loaded them. */
	.type	switch_direct, @function
switch_direct:
	stg	%r14, 14*8(%r15)
	lay	%r15, -160(%r15)
	brasl	%r14, sl_debug_arm_switch@PLT
	la	%r15, 160(%r15)
	lg	%r14, 14*8(%r15)
	/* tail call: sl_arch_switch returns straight to probe_via */
	jg	sl_arch_switch@PLT
	.size	switch_direct, .-switch_direct

	.type	probe_via, @function
probe_via:
	/* 1. save the caller's callee-saved registers and FP control state */
	lay	%r15, -(160+19*8)(%r15)
	stg	%r3, 160+0*8(%r15)
	stfpc	160+1*8(%r15)
	stg	%r6, 160+2*8(%r15)
	stg	%r7, 160+3*8(%r15)
	stg	%r8, 160+4*8(%r15)
	stg	%r9, 160+5*8(%r15)
	stg	%r10, 160+6*8(%r15)
	stg	%r11, 160+7*8(%r15)
	stg	%r12, 160+8*8(%r15)
	stg	%r13, 160+9*8(%r15)
	stg	%r14, 160+10*8(%r15)
	std	%f8, 160+11*8(%r15)
	std	%f9, 160+12*8(%r15)
	std	%f10, 160+13*8(%r15)
	std	%f11, 160+14*8(%r15)
	std	%f12, 160+15*8(%r15)
	std	%f13, 160+16*8(%r15)
	std	%f14, 160+17*8(%r15)
	std	%f15, 160+18*8(%r15)
	/* 2. load the canaries */
	lg	%r6, 0*8(%r2)
	lg	%r7, 1*8(%r2)
	lg	%r8, 2*8(%r2)
	lg	%r9, 3*8(%r2)
	lg	%r10, 4*8(%r2)
	lg	%r11, 5*8(%r2)
	lg	%r12, 6*8(%r2)
	lg	%r13, 7*8(%r2)
	ld	%f8, 8*8(%r2)
	ld	%f9, 9*8(%r2)
	ld	%f10, 10*8(%r2)
	ld	%f11, 11*8(%r2)
	ld	%f12, 12*8(%r2)
	ld	%f13, 13*8(%r2)
	ld	%f14, 14*8(%r2)
	ld	%f15, 15*8(%r2)
	lfpc	16*8+4(%r2)
	/* 3. sl_switch(to, NULL, NULL) or switch_direct(to) */
	lgr	%r2, %r4
	lghi	%r3, 0
	lghi	%r4, 0
	basr	%r14, %r1
	/* 4. store what the registers hold now */
	lg	%r1, 160+0*8(%r15)
	stg	%r6, 0*8(%r1)
	stg	%r7, 1*8(%r1)
	stg	%r8, 2*8(%r1)
	stg	%r9, 3*8(%r1)
	stg	%r10, 4*8(%r1)
	stg	%r11, 5*8(%r1)
	stg	%r12, 6*8(%r1)
	stg	%r13, 7*8(%r1)
	std	%f8, 8*8(%r1)
	std	%f9, 9*8(%r1)
	std	%f10, 10*8(%r1)
	std	%f11, 11*8(%r1)
	std	%f12, 12*8(%r1)
	std	%f13, 13*8(%r1)
	std	%f14, 14*8(%r1)
	std	%f15, 15*8(%r1)
	stfpc	16*8+4(%r1)
	/* 5. restore the caller's state; r2 holds sl_switch's or sl_arch_switch's result */
	lfpc	160+1*8(%r15)
	lg	%r6, 160+2*8(%r15)
	lg	%r7, 160+3*8(%r15)
	lg	%r8, 160+4*8(%r15)
	lg	%r9, 160+5*8(%r15)
	lg	%r10, 160+6*8(%r15)
	lg	%r11, 160+7*8(%r15)
	lg	%r12, 160+8*8(%r15)
	lg	%r13, 160+9*8(%r15)
	lg	%r14, 160+10*8(%r15)
	ld	%f8, 160+11*8(%r15)
	ld	%f9, 160+12*8(%r15)
	ld	%f10, 160+13*8(%r15)
	ld	%f11, 160+14*8(%r15)
	ld	%f12, 160+15*8(%r15)
	ld	%f13, 160+16*8(%r15)
	ld	%f14, 160+17*8(%r15)
	ld	%f15, 160+18*8(%r15)
	la	%r15, 160+19*8(%r15)
	br	%r14
	.size	probe_via, .-probe_via

	.globl	sl_probe_call_sp
	.type	sl_probe_call_sp, @function
sl_probe_call_sp:
	/* brasl pushes nothing: the call site's r15 is r15 itself */
	lgr	%r2, %r15
	br	%r14
	.size	sl_probe_call_sp, .-sl_probe_call_sp

	.section .note.GNU-stack,"",@progbits
