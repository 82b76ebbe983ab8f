/* stackslice probes: mips (SYSV MIPS psABI o32, big-endian). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[] (a 32-bit register uses the slot's low
 * word, at LOW; seen[] is zeroed by the caller, so its high word stays 0):
 *
 *   slot           register                  fixed    mask
 *   0*8 .. 7*8     $s0 .. $s7                0        0xffffffff
 *   8*8            $fp ($30, s8)             0        0xffffffff
 *   9*8 .. 14*8    $f20, $f22, .. $f30       0        all (ldc1/sdc1: a pair when FR=0)
 *   15*8           FCSR (32 bits)            0        RM bits 0-1, FS bit 24
 *
 * The FCSR enables (bits 7-11) stay 0, or a canary would trap. Never loaded:
 * $sp, $ra, $gp (the callee's to change in o32 PIC code), $k0/$k1.
 *
 * Frame of sl_probe_switch, from $sp after its prologue (8-byte aligned):
 *
 *   offset         content
 *   0*4 .. 3*4     argument area of the call to via (callee-writable)
 *   4*4 .. 35*4    the caller's registers, laid out as the canary slots
 *   36*4           seen
 *   37*4           $ra (the return address) */
#define GPRS	s0, s1, s2, s3, s4, s5, s6, s7, fp
#define FPRS	f20, f22, f24, f26, f28, f30
#define LOW	4	/* the low word of a 64-bit slot: big-endian */
#define SAVED	4*4
#define SEEN	36*4
#define RA	37*4
#define FRAME	38*4
/* sl_probe_direct's frame: the argument area, $gp and $ra */
#define DIRECT	6*4

#include "probe.inc"

	.macro	slots
	.irp	reg, GPRS
	slot	\reg, 0, 0xffffffff
	.endr
	sl_slots FPRS
	slot	fcsr, 0, 0x01000003, , 0x01000000
	.endm
	sl_probe_tables 8

	/* op (sw/lw, sdc1/ldc1) on each register of a list and its slot at
	 * base+off, counting slot (low is the word's place in the slot). */
	.macro	each op, base, off, low, regs:vararg
	.irp	reg, \regs
	\op	$\reg, \off+slot*8+\low(\base)
	.set	slot, slot+1
	.endr
	.endm

	/* $t0 carries FCSR: no canary, base or $a0. */
	.macro	store_slots base, off=0
	.set	slot, 0
	each	sw, \base, \off, LOW, GPRS
	each	sdc1, \base, \off, 0, FPRS
	cfc1	$t0, $31
	sw	$t0, \off+slot*8+LOW(\base)
	.endm

	.macro	load_slots base, off=0
	.set	slot, 0
	each	lw, \base, \off, LOW, GPRS
	each	ldc1, \base, \off, 0, FPRS
	lw	$t0, \off+slot*8+LOW(\base)
	ctc1	$t0, $31
	.endm

	.set	noreorder
	.set	nomacro

	/* sl_probe_direct (core/probe.h): $gp from $t9 for the calls through
	 * the GOT, kept in the frame across sl_debug_arm_switch and
	 * sl_debug_leaving_area (whose result is sl_arch_switch's argument),
	 * which may change it; the jump's $t9 is sl_arch_switch's address, from
	 * which it computes its own $gp. The delay slots of both returns drop
	 * the frame. */
	sl_func	sl_probe_direct
	lui	$gp, %hi(_gp_disp)
	addiu	$gp, $gp, %lo(_gp_disp)
	addu	$gp, $gp, $t9
	addiu	$sp, $sp, -DIRECT
	sw	$ra, 5*4($sp)
	sw	$gp, 4*4($sp)
	lw	$t9, %call16(sl_debug_arm_switch)($gp)
	jalr	$t9
	nop
	lw	$gp, 4*4($sp)
	bnez	$v0, 1f
	lw	$ra, 5*4($sp)
	lw	$t9, %call16(sl_debug_leaving_area)($gp)
	jalr	$t9
	nop
	lw	$gp, 4*4($sp)
	lw	$ra, 5*4($sp)
	move	$a0, $v0
	lw	$t9, %call16(sl_arch_switch)($gp)
	jr	$t9
	addiu	$sp, $sp, DIRECT
1:	jr	$ra
	addiu	$sp, $sp, DIRECT
	sl_end	sl_probe_direct
	sl_func	sl_probe_switch
	/* 1. save the caller's callee-saved registers and FP control state */
	addiu	$sp, $sp, -FRAME
	sw	$ra, RA($sp)
	sw	$a1, SEEN($sp)
	store_slots $sp, SAVED
	/* 2. load the canaries */
	load_slots $a0
	/* 3. via(to, NULL, NULL): sl_switch or sl_probe_direct, called
	 * through $t9 as position-independent code expects */
	move	$t9, $a3
	move	$a0, $a2
	move	$a1, $zero
	jalr	$t9
	move	$a2, $zero
	/* 4. store what the registers hold now */
	lw	$t1, SEEN($sp)
	store_slots $t1
	/* 5. restore the caller's state; $v0 holds via's result */
	load_slots $sp, SAVED
	lw	$ra, RA($sp)
	jr	$ra
	addiu	$sp, $sp, FRAME
	sl_end	sl_probe_switch
	sl_func	sl_probe_call_sp
	/* jalr pushes nothing: the call site's $sp is $sp at entry */
	jr	$ra
	move	$v0, $sp
	sl_end	sl_probe_call_sp

	.set	macro
	.set	reorder
