/* stackslice probes: riscv64 (RISC-V ELF psABI, calling convention, lp64d). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[]:
 *
 *   slot  register              fixed    mask
 *   0*8   s0                    0        all
 *   1*8   s1                    0        all
 *   2*8   s2                    0        all
 *   3*8   s3                    0        all
 *   4*8   s4                    0        all
 *   5*8   s5                    0        all
 *   6*8   s6                    0        all
 *   7*8   s7                    0        all
 *   8*8   s8                    0        all
 *   9*8   s9                    0        all
 *   10*8  s10                   0        all
 *   11*8  s11                   0        all
 *   12*8  fs0                   0        all
 *   13*8  fs1                   0        all
 *   14*8  fs2                   0        all
 *   15*8  fs3                   0        all
 *   16*8  fs4                   0        all
 *   17*8  fs5                   0        all
 *   18*8  fs6                   0        all
 *   19*8  fs7                   0        all
 *   20*8  fs8                   0        all
 *   21*8  fs9                   0        all
 *   22*8  fs10                  0        all
 *   23*8  fs11                  0        all
 *   24*8  fcsr (8 bits)         0        frm bits 5-6
 *
 * frm bit 7 stays 0: frm 5-7 are reserved/dynamic, and any FP instruction
 * using the dynamic rounding mode traps while frm holds one of them. The
 * fflags (bits 0-4) are status and are loaded as 0 but not compared.
 * ra, sp, gp and tp never receive canaries.
 *
 * Frame of probe_via, the body of sl_probe_switch and sl_probe_switch_direct,
 * from sp after its prologue:
 *
 *   offset  content
 *   0*8     seen
 *   1*8     caller's fcsr
 *   2*8     padding, keeps sp 16-byte aligned at the call
 *   3*8     fs0
 *   4*8     fs1
 *   5*8     fs2
 *   6*8     fs3
 *   7*8     fs4
 *   8*8     fs5
 *   9*8     fs6
 *   10*8    fs7
 *   11*8    fs8
 *   12*8    fs9
 *   13*8    fs10
 *   14*8    fs11
 *   15*8    s0
 *   16*8    s1
 *   17*8    s2
 *   18*8    s3
 *   19*8    s4
 *   20*8    s5
 *   21*8    s6
 *   22*8    s7
 *   23*8    s8
 *   24*8    s9
 *   25*8    s10
 *   26*8    s11
 *   27*8    return address (ra) */
	.section .rodata
	.globl	sl_probe_count, sl_probe_names, sl_probe_fixed, sl_probe_mask, sl_probe_stack_align
	.balign	8
sl_probe_count:
	.long	25
sl_probe_stack_align:
	.long	16
sl_probe_names:
	.asciz	"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11"
	.asciz	"fs0", "fs1", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11"
	.asciz	"fcsr"
	.balign	8
sl_probe_fixed:
	.quad	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
	.quad	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
	.quad	0
sl_probe_mask:
	.quad	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
	.quad	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
	.quad	0x60

	.text
	/* Both probes share one body; t2 holds what it calls with the canaries
	 * loaded (t2 is caller-saved and carries no canary, and step 1 and 2 use
	 * only t0). */
	.globl	sl_probe_switch
	.type	sl_probe_switch, @function
sl_probe_switch:
	la	t2, sl_switch
	j	probe_via
	.size	sl_probe_switch, .-sl_probe_switch

	.globl	sl_probe_switch_direct
	.type	sl_probe_switch_direct, @function
sl_probe_switch_direct:
	la	t2, switch_direct
	j	probe_via
	.size	sl_probe_switch_direct, .-sl_probe_switch_direct

	/* switch_direct(to): arm the core, then enter the port as if called from
	 * probe_via. ra (into probe_via) is kept in a 16-byte frame, which keeps
	 * sp 16-byte aligned at the call, and is back in ra before the tail jump,
	 * so sl_arch_switch returns straight to probe_via. Only caller-saved
	 * registers are touched here; the canaries reach the port untouched. */
	.type	switch_direct, @function
switch_direct:
	addi	sp, sp, -16
	sd	ra, 8(sp)
	call	sl_debug_arm_switch
	ld	ra, 8(sp)
	addi	sp, sp, 16
	tail	sl_arch_switch
	.size	switch_direct, .-switch_direct

	.type	probe_via, @function
probe_via:
	/* 1. save the caller's callee-saved registers and FP control state */
	addi	sp, sp, -28*8
	sd	ra, 27*8(sp)
	sd	s11, 26*8(sp)
	sd	s10, 25*8(sp)
	sd	s9, 24*8(sp)
	sd	s8, 23*8(sp)
	sd	s7, 22*8(sp)
	sd	s6, 21*8(sp)
	sd	s5, 20*8(sp)
	sd	s4, 19*8(sp)
	sd	s3, 18*8(sp)
	sd	s2, 17*8(sp)
	sd	s1, 16*8(sp)
	sd	s0, 15*8(sp)
	fsd	fs11, 14*8(sp)
	fsd	fs10, 13*8(sp)
	fsd	fs9, 12*8(sp)
	fsd	fs8, 11*8(sp)
	fsd	fs7, 10*8(sp)
	fsd	fs6, 9*8(sp)
	fsd	fs5, 8*8(sp)
	fsd	fs4, 7*8(sp)
	fsd	fs3, 6*8(sp)
	fsd	fs2, 5*8(sp)
	fsd	fs1, 4*8(sp)
	fsd	fs0, 3*8(sp)
	frcsr	t0
	sd	t0, 1*8(sp)
	sd	a1, 0*8(sp)
	/* 2. load the canaries */
	ld	s0, 0*8(a0)
	ld	s1, 1*8(a0)
	ld	s2, 2*8(a0)
	ld	s3, 3*8(a0)
	ld	s4, 4*8(a0)
	ld	s5, 5*8(a0)
	ld	s6, 6*8(a0)
	ld	s7, 7*8(a0)
	ld	s8, 8*8(a0)
	ld	s9, 9*8(a0)
	ld	s10, 10*8(a0)
	ld	s11, 11*8(a0)
	fld	fs0, 12*8(a0)
	fld	fs1, 13*8(a0)
	fld	fs2, 14*8(a0)
	fld	fs3, 15*8(a0)
	fld	fs4, 16*8(a0)
	fld	fs5, 17*8(a0)
	fld	fs6, 18*8(a0)
	fld	fs7, 19*8(a0)
	fld	fs8, 20*8(a0)
	fld	fs9, 21*8(a0)
	fld	fs10, 22*8(a0)
	fld	fs11, 23*8(a0)
	ld	t0, 24*8(a0)
	fscsr	t0
	/* 3. sl_switch(to, NULL, NULL) or switch_direct(to) */
	mv	a0, a2
	li	a1, 0
	li	a2, 0
	jalr	ra, 0(t2)
	/* 4. store what the registers hold now */
	ld	t0, 0*8(sp)
	sd	s0, 0*8(t0)
	sd	s1, 1*8(t0)
	sd	s2, 2*8(t0)
	sd	s3, 3*8(t0)
	sd	s4, 4*8(t0)
	sd	s5, 5*8(t0)
	sd	s6, 6*8(t0)
	sd	s7, 7*8(t0)
	sd	s8, 8*8(t0)
	sd	s9, 9*8(t0)
	sd	s10, 10*8(t0)
	sd	s11, 11*8(t0)
	fsd	fs0, 12*8(t0)
	fsd	fs1, 13*8(t0)
	fsd	fs2, 14*8(t0)
	fsd	fs3, 15*8(t0)
	fsd	fs4, 16*8(t0)
	fsd	fs5, 17*8(t0)
	fsd	fs6, 18*8(t0)
	fsd	fs7, 19*8(t0)
	fsd	fs8, 20*8(t0)
	fsd	fs9, 21*8(t0)
	fsd	fs10, 22*8(t0)
	fsd	fs11, 23*8(t0)
	frcsr	t1
	sd	t1, 24*8(t0)
	/* 5. restore the caller's state; a0 holds sl_switch's or sl_arch_switch's result */
	ld	t0, 1*8(sp)
	fscsr	t0
	fld	fs0, 3*8(sp)
	fld	fs1, 4*8(sp)
	fld	fs2, 5*8(sp)
	fld	fs3, 6*8(sp)
	fld	fs4, 7*8(sp)
	fld	fs5, 8*8(sp)
	fld	fs6, 9*8(sp)
	fld	fs7, 10*8(sp)
	fld	fs8, 11*8(sp)
	fld	fs9, 12*8(sp)
	fld	fs10, 13*8(sp)
	fld	fs11, 14*8(sp)
	ld	s0, 15*8(sp)
	ld	s1, 16*8(sp)
	ld	s2, 17*8(sp)
	ld	s3, 18*8(sp)
	ld	s4, 19*8(sp)
	ld	s5, 20*8(sp)
	ld	s6, 21*8(sp)
	ld	s7, 22*8(sp)
	ld	s8, 23*8(sp)
	ld	s9, 24*8(sp)
	ld	s10, 25*8(sp)
	ld	s11, 26*8(sp)
	ld	ra, 27*8(sp)
	addi	sp, sp, 28*8
	ret
	.size	probe_via, .-probe_via

	.globl	sl_probe_call_sp
	.type	sl_probe_call_sp, @function
sl_probe_call_sp:
	/* a call does not move sp on riscv64: the call site's sp is sp itself */
	mv	a0, sp
	ret
	.size	sl_probe_call_sp, .-sl_probe_call_sp

	.section .note.GNU-stack,"",@progbits
