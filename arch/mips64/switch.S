/* stackslice port: mips64 (MIPS n64 big-endian: MIPSpro N32 and 64-bit
 * ABI Handbook, ch. 2 "Calling Convention Implementations"; the n64 column of
 * its register table).
 *
 * Register area of the leaving coroutine ($a0, the argument) and of the
 * entering one ($s0 from step 3), SL_AREA_BYTES bytes, 16-byte aligned:
 *
 *   offset  content
 *   0*8     the core's: the stack pointer p the coroutine resumes at
 *   1*8     FCSR ($31 of the FPU: rounding mode, FS, enables, flags)
 *   2*8     $f24
 *   3*8     $f25
 *   4*8     $f26
 *   5*8     $f27
 *   6*8     $f28
 *   7*8     $f29
 *   8*8     $f30
 *   9*8     $f31
 *   10*8    $s0 ($16)
 *   11*8    $s1
 *   12*8    $s2
 *   13*8    $s3
 *   14*8    $s4
 *   15*8    $s5
 *   16*8    $s6
 *   17*8    $s7 ($23)
 *   18*8    $s8 ($30, the frame pointer)
 *   19*8    $gp ($28: callee-saved in n64)
 *   20*8    $ra ($31: the return address, which jalr overwrites)
 *
 * n64 has no argument save area: a callee writes nothing above its caller's
 * $sp (a varargs callee homes $a0-$a7 in its own frame), so p is $sp itself,
 * 16-byte aligned as the calls need, and this function has no frame: the
 * slice holds nothing of it. All of $f24-$f31 are callee-saved (FR=1:
 * 64-bit FPRs, odd ones too). The caller's $gp is saved like any
 * callee-saved register; this function then computes its own from $t9 (the
 * n64 PIC entry convention: a caller jumps through $t9) and calls through
 * $t9 loaded from the GOT. Delay slots are written out (noreorder): each
 * holds the instruction it is named for. */
#include "port.h"

#define AREA	21*8	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.ent	sl_arch_switch
	.set	noreorder
	.balign	8
sl_arch_switch:
	/* 1. save callee-saved registers, FP control state and the return address in the area */
	cfc1	$t0, $31	/* sl:not-a-save: FCSR reaches the area through $t0 */
	sd	$t0, 1*8($a0)
	sdc1	$f24, 2*8($a0)
	sdc1	$f25, 3*8($a0)
	sdc1	$f26, 4*8($a0)
	sdc1	$f27, 5*8($a0)
	sdc1	$f28, 6*8($a0)
	sdc1	$f29, 7*8($a0)
	sdc1	$f30, 8*8($a0)
	sdc1	$f31, 9*8($a0)
	sd	$s0, 10*8($a0)
	sd	$s1, 11*8($a0)
	sd	$s2, 12*8($a0)
	sd	$s3, 13*8($a0)
	sd	$s4, 14*8($a0)
	sd	$s5, 15*8($a0)
	sd	$s6, 16*8($a0)
	sd	$s7, 17*8($a0)
	sd	$s8, 18*8($a0)
	sd	$gp, 19*8($a0)
	sd	$ra, 20*8($a0)
	/* 2. p = $sp; call sl_core_leave(p), with this function's $gp */
	lui	$gp, %hi(%neg(%gp_rel(sl_arch_switch)))
	daddu	$gp, $gp, $t9
	daddiu	$gp, $gp, %lo(%neg(%gp_rel(sl_arch_switch)))
	ld	$t9, %got_disp(sl_core_leave)($gp)
	jalr	$t9
	move	$a0, $sp	/* delay slot: p */
	/* 3. $s0 = the entered area; $sp = its stack pointer (in step 4's delay slot) */
	move	$s0, $v0
	/* 4. call sl_core_restore() ($gp is callee-saved: still this function's) */
	ld	$t9, %got_disp(sl_core_restore)($gp)
	jalr	$t9
	ld	$sp, 0*8($s0)	/* delay slot: step 3's stack pointer */
	/* 5. restore the target's registers from its area, $s0 last; $v0 holds the result */
	ld	$t0, 1*8($s0)
	ctc1	$t0, $31	/* sl:not-a-save: FCSR comes back through $t0 */
	ldc1	$f24, 2*8($s0)
	ldc1	$f25, 3*8($s0)
	ldc1	$f26, 4*8($s0)
	ldc1	$f27, 5*8($s0)
	ldc1	$f28, 6*8($s0)
	ldc1	$f29, 7*8($s0)
	ldc1	$f30, 8*8($s0)
	ldc1	$f31, 9*8($s0)
	ld	$ra, 20*8($s0)
	ld	$s1, 11*8($s0)
	ld	$s2, 12*8($s0)
	ld	$s3, 13*8($s0)
	ld	$s4, 14*8($s0)
	ld	$s5, 15*8($s0)
	ld	$s6, 16*8($s0)
	ld	$s7, 17*8($s0)
	ld	$s8, 18*8($s0)
	ld	$gp, 19*8($s0)
	ld	$s0, 10*8($s0)
	jr	$ra
	nop	/* delay slot: empty, as the check reads no restore after the return */
	.set	reorder
	.end	sl_arch_switch
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
