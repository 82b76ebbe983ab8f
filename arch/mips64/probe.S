/* stackslice probes: mips64 (MIPS n64, MIPSpro N32 and 64-bit ABI Handbook, ch. 2). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[]:
 *
 *   slot            register                 fixed    mask
 *   0*8 .. 7*8      $s0 .. $s7 ($16-$23)     0        all
 *   8*8             $s8 ($30, frame pointer) 0        all
 *   9*8             $gp ($28)                0        all
 *   10*8 .. 17*8    $f24 .. $f31             0        all
 *   18*8            FCSR (32 bits)           0        RM bits 0-1, FS bit 24 (0x01000003)
 *
 * The FCSR enables (bits 7-11) stay 0, so no FP instruction of the C code
 * between the canaries and the port traps; the flags, causes and condition
 * codes (FCC0-7) are status, loaded as 0 and not compared. $gp holds a
 * canary too: n64 makes it callee-saved, and every PIC function computes
 * its own from $t9 and gives the caller's back. Never loaded: $sp, $ra,
 * $k0/$k1 (the kernel's) and the thread pointer (UserLocal, not a GPR).
 *
 * Frame of sl_probe_switch, from $sp after its prologue:
 *
 *   offset          content
 *   0*8 .. 18*8     the caller's registers, laid out as the canary slots
 *   19*8            seen
 *   20*8            $ra (the return address)
 *   21*8            padding, keeps $sp 16-byte aligned at the call */
#define GPRS	$s0, $s1, $s2, $s3, $s4, $s5, $s6, $s7, $s8, $gp
#define FPRS	$f24, $f25, $f26, $f27, $f28, $f29, $f30, $f31
#define SEEN	19*8
#define RA	20*8
#define FRAME	22*8
/* sl_probe_direct's frame: $ra and the caller's $gp (a canary) */
#define DIRECT	2*8

#include "probe.inc"

	.macro	slots
	sl_slots s0, s1, s2, s3, s4, s5, s6, s7, s8, gp
	sl_slots f24, f25, f26, f27, f28, f29, f30, f31
	slot	fcsr, 0, 0x01000003, , 0x01000000
	.endm
	sl_probe_tables 16

	/* One walk of the lists for every slot sequence (the frame mirrors the
	 * slots). $t0 carries FCSR: no canary, base or $a3. */
	.macro	each op, base, regs:vararg
	.irp	reg, \regs
	\op	\reg, slot*8(\base)
	.set	slot, slot+1
	.endr
	.endm

	.macro	store_slots base
	.set	slot, 0
	each	sd, \base, GPRS
	each	sdc1, \base, FPRS
	cfc1	$t0, $31
	sd	$t0, slot*8(\base)
	.endm

	.macro	load_slots base
	.set	slot, 0
	each	ld, \base, GPRS
	each	ldc1, \base, FPRS
	ld	$t0, slot*8(\base)
	ctc1	$t0, $31
	.endm

	.set	noreorder

	/* sl_probe_direct (core/probe.h): its own $gp (from $t9, as every PIC
	 * function) reaches sl_debug_arm_switch, sl_debug_leaving_area (whose
	 * result is sl_arch_switch's argument) and the GOT entry of
	 * sl_arch_switch; the caller's $gp, a canary, comes back before the
	 * jump, which goes through $t9 so that sl_arch_switch finds its own
	 * address there. With $ra back, sl_arch_switch returns straight to
	 * sl_probe_switch. */
	sl_func	sl_probe_direct, 3
	daddiu	$sp, $sp, -DIRECT
	sd	$ra, 0*8($sp)
	sd	$gp, 1*8($sp)
	lui	$gp, %hi(%neg(%gp_rel(sl_probe_direct)))
	daddu	$gp, $gp, $t9
	daddiu	$gp, $gp, %lo(%neg(%gp_rel(sl_probe_direct)))
	ld	$t9, %got_disp(sl_debug_arm_switch)($gp)
	jalr	$t9
	nop	/* delay slot */
	bnez	$v0, 1f
	ld	$t9, %got_disp(sl_debug_leaving_area)($gp)	/* delay slot: harmless on the way out */
	jalr	$t9
	nop	/* delay slot */
	move	$a0, $v0
	ld	$t9, %got_disp(sl_arch_switch)($gp)
	ld	$ra, 0*8($sp)
	ld	$gp, 1*8($sp)
	jr	$t9
	daddiu	$sp, $sp, DIRECT	/* delay slot: leaves the frame */
1:	ld	$ra, 0*8($sp)
	ld	$gp, 1*8($sp)
	jr	$ra
	daddiu	$sp, $sp, DIRECT	/* delay slot: leaves the frame */
	sl_end	sl_probe_direct
	sl_func	sl_probe_switch, 3
	/* 1. save the caller's callee-saved registers and FP control state */
	daddiu	$sp, $sp, -FRAME
	sd	$ra, RA($sp)
	sd	$a1, SEEN($sp)
	store_slots $sp
	/* 2. load the canaries */
	load_slots $a0
	/* 3. via(to, NULL, NULL) through $t9: sl_switch or sl_probe_direct */
	move	$t9, $a3
	move	$a0, $a2
	move	$a1, $zero
	jalr	$t9
	move	$a2, $zero	/* delay slot */
	/* 4. store what the registers hold now */
	ld	$t1, SEEN($sp)
	store_slots $t1
	/* 5. restore the caller's state; $v0 holds via's result */
	load_slots $sp
	ld	$ra, RA($sp)
	jr	$ra
	daddiu	$sp, $sp, FRAME	/* delay slot */
	sl_end	sl_probe_switch
	sl_func	sl_probe_call_sp, 3
	/* jalr pushes nothing: the call site's $sp is $sp at entry */
	jr	$ra
	move	$v0, $sp	/* delay slot */
	sl_end	sl_probe_call_sp
	.set	reorder
