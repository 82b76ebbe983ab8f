/* stackslice port: mips (SYSV MIPS psABI o32, big-endian; System V ABI MIPS
 * Processor Supplement, chapter 3, "Function Calling Sequence" and "Coding
 * Examples": position-independent function prologues).
 *
 * Register area of the leaving coroutine ($a0, the argument) and of the
 * entering one ($s0 from step 3), SL_AREA_BYTES bytes, 16-byte aligned
 * (the doubles need 8):
 *
 *   offset  content
 *   0*4     the core's: the stack pointer p the coroutine resumes at
 *   1*4     FCSR (rounding mode, flush to zero, enables, flags)
 *   2*4     $f20 (with $f21 when FR=0: sdc1 moves the pair)
 *   4*4     $f22
 *   6*4     $f24
 *   8*4     $f26
 *   10*4    $f28
 *   12*4    $f30
 *   14*4    $s0
 *   15*4    $s1
 *   16*4    $s2
 *   17*4    $s3
 *   18*4    $s4
 *   19*4    $s5
 *   20*4    $s6
 *   21*4    $s7
 *   22*4    $fp ($30, s8)
 *   23*4    $ra (the return address, which jalr overwrites)
 *
 * p is $sp at entry. The stack keeps only what the ABI needs for the two
 * calls: a callee may store $a0-$a3 into the 16 bytes at its caller's $sp
 * (gcc -O0 does), so $sp is 4*4 below p at both calls (port.json's
 * stack_area), 8-byte aligned as o32 requires; those bytes are scratch of
 * the calls and never part of a slice. The 16 bytes above p, this
 * function's own argument area, it leaves alone.
 *
 * $gp is not saved: in o32 position-independent code it is the callee's to
 * change (every caller reloads its own after a call), and both sides of a
 * switch run in this one module, so $gp is the same on either side. The
 * port computes its own from $t9, which a caller sets to the callee's
 * address, and keeps it in $s1 (saved in step 1, preserved by both calls)
 * across the stack change for the second call. The branch delay slots are
 * written out (.set noreorder): each holds the instruction it is named for. */
#include "port.h"

#define AREA	24*4	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif
#define ARGS	4*4	/* the calls' argument area: port.json's stack_area */

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.set	noreorder
	.set	nomacro
sl_arch_switch:
	lui	$gp, %hi(_gp_disp)
	addiu	$gp, $gp, %lo(_gp_disp)
	addu	$gp, $gp, $t9
	/* 1. save callee-saved registers, FP control state and the return address in the area */
	cfc1	$t0, $31	/* sl:not-a-save: FCSR reaches the area through t0 */
	sw	$t0, 1*4($a0)
	sdc1	$f20, 2*4($a0)
	sdc1	$f22, 4*4($a0)
	sdc1	$f24, 6*4($a0)
	sdc1	$f26, 8*4($a0)
	sdc1	$f28, 10*4($a0)
	sdc1	$f30, 12*4($a0)
	sw	$s0, 14*4($a0)
	sw	$s1, 15*4($a0)
	sw	$s2, 16*4($a0)
	sw	$s3, 17*4($a0)
	sw	$s4, 18*4($a0)
	sw	$s5, 19*4($a0)
	sw	$s6, 20*4($a0)
	sw	$s7, 21*4($a0)
	sw	$fp, 22*4($a0)
	sw	$ra, 23*4($a0)
	/* 2. p = $sp, above the calls' argument area; call sl_core_leave(p) */
	move	$s1, $gp
	lw	$t9, %call16(sl_core_leave)($s1)
	move	$a0, $sp
	jalr	$t9
	addiu	$sp, $sp, -ARGS	/* delay slot: the argument area */
	/* 3. $s0 = the entered area; $sp = its stack pointer - 4*4 (lowered in step 4's delay slot) */
	move	$s0, $v0
	lw	$sp, 0*4($v0)
	/* 4. call sl_core_restore() */
	lw	$t9, %call16(sl_core_restore)($s1)
	jalr	$t9
	addiu	$sp, $sp, -ARGS	/* delay slot: step 3's argument area */
	/* 5. restore the target's registers from its area, $s0 last; $v0 holds the result */
	lw	$t0, 1*4($s0)
	ctc1	$t0, $31	/* sl:not-a-save: FCSR comes back through t0 */
	ldc1	$f20, 2*4($s0)
	ldc1	$f22, 4*4($s0)
	ldc1	$f24, 6*4($s0)
	ldc1	$f26, 8*4($s0)
	ldc1	$f28, 10*4($s0)
	ldc1	$f30, 12*4($s0)
	lw	$ra, 23*4($s0)
	lw	$s1, 15*4($s0)
	lw	$s2, 16*4($s0)
	lw	$s3, 17*4($s0)
	lw	$s4, 18*4($s0)
	lw	$s5, 19*4($s0)
	lw	$s6, 20*4($s0)
	lw	$s7, 21*4($s0)
	lw	$fp, 22*4($s0)
	lw	$s0, 14*4($s0)
	jr	$ra
	addiu	$sp, $sp, ARGS	/* delay slot: drops the argument area */
	.set	macro
	.set	reorder
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
