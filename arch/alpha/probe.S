/* stackslice probes: alpha (Alpha Linux ABI, the OSF/1 calling standard). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[]:
 *
 *   slot            register                fixed                mask
 *   0*8 .. 5*8      $9 .. $14 (s0 .. s5)    0                    all
 *   6*8             $15 (fp, s6)            0                    all
 *   7*8 .. 14*8     $f2 .. $f9              0                    all
 *   15*8            FPCR                    0x600e800000000000   DYN bits 58-59
 *                                                                (0x0c00000000000000)
 *
 * The fixed FPCR bits are the trap disables Linux starts a process with
 * (INED, UNFD, OVFD, DZED, INVD), so the C code between the canaries and
 * the port traps on nothing; the status flags (bits 52-57, SUM 63) are
 * loaded as 0 and not compared. Never loaded: $30 (sp), $26 (ra), $27 (pv),
 * $28 (at, the assembler's) and $29 (gp), which every function recomputes
 * (ldgp) from $27 at its entry and from $26 after each call.
 *
 * Frame of sl_probe_switch, from $30 after its prologue:
 *
 *   offset          content
 *   0*8 .. 15*8     the caller's registers, laid out as the canary slots
 *   16*8            seen
 *   17*8            $26 (the return address) */
#define GPRS	$9, $10, $11, $12, $13, $14, $15
#define FPRS	$f2, $f3, $f4, $f5, $f6, $f7, $f8, $f9
#define SEEN	16*8
#define RA	17*8
#define FRAME	18*8

#include "probe.inc"

	.macro	slots
	sl_slots s0, s1, s2, s3, s4, s5, fp
	sl_slots f2, f3, f4, f5, f6, f7, f8, f9
	slot	fpcr, 0x600e800000000000, 0x0c00000000000000
	.endm
	sl_probe_tables 16

	/* One walk of the lists for every slot sequence (the frame mirrors the
	 * slots). $f0 carries FPCR: no canary, and no base. */
	.macro	each op, base, regs:vararg
	.irp	reg, \regs
	\op	\reg, slot*8(\base)
	.equ	slot, slot+1
	.endr
	.endm

	.macro	store_slots base
	.equ	slot, 0
	each	stq, \base, GPRS
	each	stt, \base, FPRS
	excb
	mf_fpcr	$f0
	stt	$f0, slot*8(\base)
	.endm

	.macro	load_slots base
	.equ	slot, 0
	each	ldq, \base, GPRS
	each	ldt, \base, FPRS
	ldt	$f0, slot*8(\base)
	mt_fpcr	$f0
	excb
	.endm

	/* A function with the standard entry: its gp from $27 (pv), where every
	 * caller that jumps through the GOT leaves the callee's address. */
	.macro	alpha_func name
	sl_func	\name, 4
	.ent	\name
	ldgp	$29, 0($27)
	.prologue 1
	.endm

	.macro	alpha_end name
	.end	\name
	sl_end	\name
	.endm

	/* sl_probe_direct (core/probe.h): $26 waits in a 16-byte frame across
	 * the calls; with it back and the leaving area in $16, the jump through
	 * $27 (sl_arch_switch computes its gp from it) makes sl_arch_switch
	 * return straight to sl_probe_switch. */
	alpha_func sl_probe_direct
	lda	$30, -16($30)
	stq	$26, 0($30)
	ldq	$27, sl_debug_arm_switch($29)	!literal!1
	jsr	$26, ($27), sl_debug_arm_switch	!lituse_jsr!1
	ldgp	$29, 0($26)
	bne	$0, 1f
	ldq	$27, sl_debug_leaving_area($29)	!literal!2
	jsr	$26, ($27), sl_debug_leaving_area	!lituse_jsr!2
	ldgp	$29, 0($26)
	mov	$0, $16
	ldq	$26, 0($30)
	lda	$30, 16($30)
	ldq	$27, sl_arch_switch($29)	!literal!3
	jmp	$31, ($27), sl_arch_switch	!lituse_jsr!3
1:	ldq	$26, 0($30)
	lda	$30, 16($30)
	ret	$31, ($26), 1
	alpha_end sl_probe_direct

	alpha_func sl_probe_switch
	/* 1. save the caller's callee-saved registers and FP control state */
	lda	$30, -FRAME($30)
	stq	$26, RA($30)
	stq	$17, SEEN($30)
	store_slots $30
	/* 2. load the canaries */
	load_slots $16
	/* 3. via(to, NULL, NULL) through $27: sl_switch or sl_probe_direct */
	mov	$19, $27
	mov	$18, $16
	mov	$31, $17
	mov	$31, $18
	jsr	$26, ($27), 0
	ldgp	$29, 0($26)
	/* 4. store what the registers hold now */
	ldq	$1, SEEN($30)
	store_slots $1
	/* 5. restore the caller's state; $0 holds via's result */
	load_slots $30
	ldq	$26, RA($30)
	lda	$30, FRAME($30)
	ret	$31, ($26), 1
	alpha_end sl_probe_switch

	alpha_func sl_probe_call_sp
	/* jsr pushes nothing: the call site's $30 is $30 at entry */
	mov	$30, $0
	ret	$31, ($26), 1
	alpha_end sl_probe_call_sp
