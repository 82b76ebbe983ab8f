/* stackslice port: mips (SYSV MIPS psABI o32, big-endian; System V ABI MIPS
 * Processor Supplement, chapter 3, "Function Calling Sequence" and "Coding
 * Examples": position-independent function prologues).
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from $sp after
 * step 1 (8-byte aligned, as o32 requires at every call); the core gets
 * p = $sp + 4*4:
 *
 *   offset  content
 *   0*4     argument area of sl_core_save and sl_core_restore: a callee
 *   1*4       may store $a0-$a3 into the 16 bytes at its caller's $sp
 *   2*4       (gcc -O0 does), so they are scratch of the calls and never
 *   3*4       part of a slice
 *   ---- p ----
 *   4*4     FCSR (rounding mode, flush to zero, enables, flags)
 *   5*4     padding, keeps the doubles 8-byte aligned
 *   6*4     $f20 (with $f21 when FR=0: sdc1 moves the pair)
 *   8*4     $f22
 *   10*4    $f24
 *   12*4    $f26
 *   14*4    $f28
 *   16*4    $f30
 *   18*4    $s0
 *   19*4    $s1
 *   20*4    $s2
 *   21*4    $s3
 *   22*4    $s4
 *   23*4    $s5
 *   24*4    $s6
 *   25*4    $s7
 *   26*4    $fp ($30, s8)
 *   27*4    $ra (the return address)
 *
 * $gp is not saved: in o32 position-independent code it is the callee's to
 * change (every caller reloads its own after a call), and both sides of a
 * switch run in this one module, so $gp is the same on either side. The
 * port computes its own from $t9, which a caller sets to the callee's
 * address, and keeps it in $s0 (saved in step 1, preserved by both calls)
 * across the stack change for the second call. The branch delay slots are
 * written out (.set noreorder): each holds the argument of its call, or the
 * frame's release after the return. */
#define FRAME	28*4
#define AREA	4*4

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
	/* 1. save callee-saved registers and FP control state */
	addiu	$sp, $sp, -FRAME	/* sl:not-a-save: the frame */
	sw	$ra, 27*4($sp)
	sw	$fp, 26*4($sp)
	sw	$s7, 25*4($sp)
	sw	$s6, 24*4($sp)
	sw	$s5, 23*4($sp)
	sw	$s4, 22*4($sp)
	sw	$s3, 21*4($sp)
	sw	$s2, 20*4($sp)
	sw	$s1, 19*4($sp)
	sw	$s0, 18*4($sp)
	sdc1	$f30, 16*4($sp)
	sdc1	$f28, 14*4($sp)
	sdc1	$f26, 12*4($sp)
	sdc1	$f24, 10*4($sp)
	sdc1	$f22, 8*4($sp)
	sdc1	$f20, 6*4($sp)
	cfc1	$t0, $31	/* sl:not-a-save: FCSR reaches the frame through t0 */
	sw	$t0, 4*4($sp)
	/* 2. p = $sp + 4*4, above the argument area; call sl_core_save(p) */
	move	$s0, $gp
	lw	$t9, %call16(sl_core_save)($s0)
	jalr	$t9
	addiu	$a0, $sp, AREA
	/* 3. $sp = returned slice start - 4*4 */
	addiu	$sp, $v0, -AREA
	/* 4. call sl_core_restore() */
	lw	$t9, %call16(sl_core_restore)($s0)
	jalr	$t9
	nop
	/* 5. restore the target's registers; $v0 holds the result */
	lw	$t0, 4*4($sp)
	ctc1	$t0, $31	/* sl:not-a-save: FCSR comes back through t0 */
	ldc1	$f20, 6*4($sp)
	ldc1	$f22, 8*4($sp)
	ldc1	$f24, 10*4($sp)
	ldc1	$f26, 12*4($sp)
	ldc1	$f28, 14*4($sp)
	ldc1	$f30, 16*4($sp)
	lw	$s0, 18*4($sp)
	lw	$s1, 19*4($sp)
	lw	$s2, 20*4($sp)
	lw	$s3, 21*4($sp)
	lw	$s4, 22*4($sp)
	lw	$s5, 23*4($sp)
	lw	$s6, 24*4($sp)
	lw	$s7, 25*4($sp)
	lw	$fp, 26*4($sp)
	lw	$ra, 27*4($sp)
	jr	$ra
	addiu	$sp, $sp, FRAME
	.set	macro
	.set	reorder
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
