/* stackslice probes: riscv64 (RISC-V ELF psABI, calling convention, lp64d). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[]:
 *
 *   slot            register                 fixed    mask
 *   0*8 .. 11*8     s0 .. s11                0        all
 *   12*8 .. 23*8    fs0 .. fs11              0        all
 *   24*8            fcsr (8 bits)            0        frm bits 5-6 (0x60)
 *
 * frm bit 7 stays 0: frm 5-7 are reserved/dynamic, and any FP instruction
 * using the dynamic rounding mode traps while frm holds one of them. The
 * fflags (bits 0-4) are status and are loaded as 0 but not compared.
 * ra, sp, gp and tp never receive canaries.
 *
 * Frame of sl_probe_switch, from sp after its prologue:
 *
 *   offset          content
 *   0*8 .. 24*8     the caller's registers, laid out as the canary slots
 *   25*8            seen
 *   26*8            return address (ra)
 *   27*8            padding, keeps sp 16-byte aligned at the call */
#define GPRS	s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11
#define FPRS	fs0, fs1, fs2, fs3, fs4, fs5, fs6, fs7, fs8, fs9, fs10, fs11
#define SEEN	25*8
#define RA	26*8
#define FRAME	28*8

#include "probe.inc"

	.macro	slots
	sl_slots GPRS, FPRS
	slot	fcsr, 0, 0x60
	.endm
	sl_probe_tables 16

	/* One walk of the lists for every slot sequence (the frame mirrors the
	 * slots). t1 carries fcsr: no canary, base or a3. */
	.macro	each op, base, regs:vararg
	.irp	reg, \regs
	\op	\reg, slot*8(\base)
	.set	slot, slot+1
	.endr
	.endm

	.macro	store_slots base
	.set	slot, 0
	each	sd, \base, GPRS
	each	fsd, \base, FPRS
	frcsr	t1
	sd	t1, slot*8(\base)
	.endm

	.macro	load_slots base
	.set	slot, 0
	each	ld, \base, GPRS
	each	fld, \base, FPRS
	ld	t1, slot*8(\base)
	fscsr	t1
	.endm

	/* sl_probe_direct (core/probe.h): ra waits in a 16-byte frame across
	 * the calls, which keeps sp aligned; with it back, the tail jump makes
	 * sl_arch_switch return straight to sl_probe_switch, with
	 * sl_debug_leaving_area's result as its argument (a0). */
	sl_func	sl_probe_direct
	addi	sp, sp, -16
	sd	ra, 8(sp)
	call	sl_debug_arm_switch
	bnez	a0, 1f
	call	sl_debug_leaving_area
	ld	ra, 8(sp)
	addi	sp, sp, 16
	tail	sl_arch_switch
1:	ld	ra, 8(sp)
	addi	sp, sp, 16
	ret
	sl_end	sl_probe_direct
	sl_func	sl_probe_switch
	/* 1. save the caller's callee-saved registers and FP control state */
	addi	sp, sp, -FRAME
	sd	ra, RA(sp)
	sd	a1, SEEN(sp)
	store_slots sp
	/* 2. load the canaries */
	load_slots a0
	/* 3. via(to, NULL, NULL): sl_switch or sl_probe_direct */
	mv	a0, a2
	li	a1, 0
	li	a2, 0
	jalr	ra, 0(a3)
	/* 4. store what the registers hold now */
	ld	t0, SEEN(sp)
	store_slots t0
	/* 5. restore the caller's state; a0 holds via's result */
	load_slots sp
	ld	ra, RA(sp)
	addi	sp, sp, FRAME
	ret
	sl_end	sl_probe_switch
	sl_func	sl_probe_call_sp
	/* a call does not move sp on riscv64: the call site's sp is sp itself */
	mv	a0, sp
	ret
	sl_end	sl_probe_call_sp
