/* stackslice port: mips64 (MIPS n64 big-endian: MIPSpro N32 and 64-bit
 * ABI Handbook, ch. 2 "Calling Convention Implementations"; the n64 column of
 * its register table).
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from the stack
 * pointer p it hands to the core ($sp, 16-byte aligned):
 *
 *   offset  content
 *   0*8     FCSR ($31 of the FPU: rounding mode, FS, enables, flags)
 *   1*8     $f24
 *   2*8     $f25
 *   3*8     $f26
 *   4*8     $f27
 *   5*8     $f28
 *   6*8     $f29
 *   7*8     $f30
 *   8*8     $f31
 *   9*8     $s0 ($16)
 *   10*8    $s1
 *   11*8    $s2
 *   12*8    $s3
 *   13*8    $s4
 *   14*8    $s5
 *   15*8    $s6
 *   16*8    $s7 ($23)
 *   17*8    $s8 ($30, the frame pointer)
 *   18*8    $gp ($28: callee-saved in n64)
 *   19*8    $ra ($31: the return address)
 *
 * n64 has no argument save area: a callee writes nothing above its caller's
 * $sp (a varargs callee homes $a0-$a7 in its own frame), so p is $sp itself.
 * All of $f24-$f31 are callee-saved (FR=1: 64-bit FPRs, odd ones too).
 * The caller's $gp is saved like any callee-saved register; this function
 * then computes its own from $t9 (the n64 PIC entry convention: a caller
 * jumps through $t9) and calls through $t9 loaded from the GOT. Delay slots
 * are written out (noreorder): each holds the instruction it is named for. */
#define FRAME	20*8

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.ent	sl_arch_switch
	.set	noreorder
	.balign	8
sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
	daddiu	$sp, $sp, -FRAME	/* sl:not-a-save: the frame */
	sd	$ra, 19*8($sp)
	sd	$gp, 18*8($sp)
	sd	$s8, 17*8($sp)
	sd	$s7, 16*8($sp)
	sd	$s6, 15*8($sp)
	sd	$s5, 14*8($sp)
	sd	$s4, 13*8($sp)
	sd	$s3, 12*8($sp)
	sd	$s2, 11*8($sp)
	sd	$s1, 10*8($sp)
	sd	$s0, 9*8($sp)
	sdc1	$f31, 8*8($sp)
	sdc1	$f30, 7*8($sp)
	sdc1	$f29, 6*8($sp)
	sdc1	$f28, 5*8($sp)
	sdc1	$f27, 4*8($sp)
	sdc1	$f26, 3*8($sp)
	sdc1	$f25, 2*8($sp)
	sdc1	$f24, 1*8($sp)
	cfc1	$t0, $31	/* sl:not-a-save: FCSR reaches the frame through $t0 */
	sd	$t0, 0*8($sp)
	/* 2. p = $sp; call sl_core_save(p), with this function's $gp */
	lui	$gp, %hi(%neg(%gp_rel(sl_arch_switch)))
	daddu	$gp, $gp, $t9
	daddiu	$gp, $gp, %lo(%neg(%gp_rel(sl_arch_switch)))
	ld	$t9, %got_disp(sl_core_save)($gp)
	jalr	$t9
	move	$a0, $sp	/* delay slot: p */
	/* 3. $sp = returned slice start */
	move	$sp, $v0
	/* 4. call sl_core_restore() ($gp is callee-saved: still this function's) */
	ld	$t9, %got_disp(sl_core_restore)($gp)
	jalr	$t9
	nop	/* delay slot */
	/* 5. restore the target's registers; $v0 holds the result */
	ld	$t0, 0*8($sp)
	ctc1	$t0, $31	/* sl:not-a-save: FCSR comes back through $t0 */
	ldc1	$f24, 1*8($sp)
	ldc1	$f25, 2*8($sp)
	ldc1	$f26, 3*8($sp)
	ldc1	$f27, 4*8($sp)
	ldc1	$f28, 5*8($sp)
	ldc1	$f29, 6*8($sp)
	ldc1	$f30, 7*8($sp)
	ldc1	$f31, 8*8($sp)
	ld	$s0, 9*8($sp)
	ld	$s1, 10*8($sp)
	ld	$s2, 11*8($sp)
	ld	$s3, 12*8($sp)
	ld	$s4, 13*8($sp)
	ld	$s5, 14*8($sp)
	ld	$s6, 15*8($sp)
	ld	$s7, 16*8($sp)
	ld	$s8, 17*8($sp)
	ld	$gp, 18*8($sp)
	ld	$ra, 19*8($sp)
	jr	$ra
	daddiu	$sp, $sp, FRAME	/* delay slot: drops the frame */
	.set	reorder
	.end	sl_arch_switch
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
