/* stackslice probes: loong64 (LoongArch ELF psABI, calling convention, LP64D). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[]:
 *
 *   slot            register                 fixed    mask
 *   0*8 .. 8*8      s0 .. s8 ($r23 .. $r31)  0        all
 *   9*8             fp ($r22)                0        all
 *   10*8 .. 17*8    fs0 .. fs7 ($f24 ..)     0        all
 *   18*8            fcsr0 (32 bits)          0        RM bits 8-9 (0x300)
 *
 * The fcsr0 enables (bits 0-4) stay 0: a set one traps the next FP
 * instruction that raises its exception. Flags and cause (bits 16-28) are
 * status and are loaded as 0 but not compared. ra, sp, tp and $r21 never
 * receive canaries.
 *
 * Frame of sl_probe_switch, from $sp after its prologue:
 *
 *   offset          content
 *   0*8 .. 18*8     the caller's registers, laid out as the canary slots
 *   19*8            seen
 *   20*8            return address (ra)
 *   21*8            padding, keeps $sp 16-byte aligned at the call */
#define GPRS	s0, s1, s2, s3, s4, s5, s6, s7, s8, fp
#define FPRS	fs0, fs1, fs2, fs3, fs4, fs5, fs6, fs7
#define SEEN	19*8
#define RA	20*8
#define FRAME	22*8

#include "probe.inc"

	.macro	slots
	sl_slots GPRS, FPRS
	slot	fcsr0, 0, 0x300
	.endm
	sl_probe_tables 16

	/* One walk of the lists for every slot sequence (the frame mirrors the
	 * slots). $t1 carries fcsr0: no canary, base or $a3. */
	.macro	each op, base, regs:vararg
	.irp	reg, \regs
	\op	$\reg, \base, slot*8
	.set	slot, slot+1
	.endr
	.endm

	.macro	store_slots base
	.set	slot, 0
	each	st.d, \base, GPRS
	each	fst.d, \base, FPRS
	movfcsr2gr	$t1, $fcsr0
	st.d	$t1, \base, slot*8
	.endm

	.macro	load_slots base
	.set	slot, 0
	each	ld.d, \base, GPRS
	each	fld.d, \base, FPRS
	ld.d	$t1, \base, slot*8
	movgr2fcsr	$fcsr0, $t1
	.endm

	/* sl_probe_direct (core/probe.h): ra waits in a 16-byte frame across
	 * the calls, which keeps $sp aligned; with it back, the tail jump makes
	 * sl_arch_switch return straight to sl_probe_switch, with
	 * sl_debug_leaving_area's result as its argument ($a0). */
	sl_func	sl_probe_direct
	addi.d	$sp, $sp, -16
	st.d	$ra, $sp, 8
	bl	sl_debug_arm_switch
	bnez	$a0, 1f
	bl	sl_debug_leaving_area
	ld.d	$ra, $sp, 8
	addi.d	$sp, $sp, 16
	b	sl_arch_switch
1:	ld.d	$ra, $sp, 8
	addi.d	$sp, $sp, 16
	jr	$ra
	sl_end	sl_probe_direct
	sl_func	sl_probe_switch
	/* 1. save the caller's callee-saved registers and FP control state */
	addi.d	$sp, $sp, -FRAME
	st.d	$ra, $sp, RA
	st.d	$a1, $sp, SEEN
	store_slots $sp
	/* 2. load the canaries */
	load_slots $a0
	/* 3. via(to, NULL, NULL): sl_switch or sl_probe_direct */
	move	$a0, $a2
	move	$a1, $zero
	move	$a2, $zero
	jirl	$ra, $a3, 0
	/* 4. store what the registers hold now */
	ld.d	$t0, $sp, SEEN
	store_slots $t0
	/* 5. restore the caller's state; $a0 holds via's result */
	load_slots $sp
	ld.d	$ra, $sp, RA
	addi.d	$sp, $sp, FRAME
	jr	$ra
	sl_end	sl_probe_switch
	sl_func	sl_probe_call_sp
	/* a call does not move $sp on LoongArch: the call site's $sp is $sp itself */
	move	$a0, $sp
	jr	$ra
	sl_end	sl_probe_call_sp
