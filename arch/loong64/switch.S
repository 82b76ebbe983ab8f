/* stackslice port: loong64 (LoongArch ELF psABI, "Procedure Calling
 * Convention", LP64D: 64-bit GPRs and FPRs, doubles in FPRs).
 *
 * Frame that sl_arch_switch builds on the stack it leaves, from the stack
 * pointer p it hands to the core ($sp, 16-byte aligned):
 *
 *   offset  content
 *   0*8     fcsr0 (RM bits 8-9, enables 0-4, flags 16-20, cause 24-28)
 *   1*8     fs0 ($f24, the low 64 bits)
 *   2*8     fs1 ($f25, the low 64 bits)
 *   3*8     fs2 ($f26, the low 64 bits)
 *   4*8     fs3 ($f27, the low 64 bits)
 *   5*8     fs4 ($f28, the low 64 bits)
 *   6*8     fs5 ($f29, the low 64 bits)
 *   7*8     fs6 ($f30, the low 64 bits)
 *   8*8     fs7 ($f31, the low 64 bits)
 *   9*8     s0 ($r23)
 *   10*8    s1 ($r24)
 *   11*8    s2 ($r25)
 *   12*8    s3 ($r26)
 *   13*8    s4 ($r27)
 *   14*8    s5 ($r28)
 *   15*8    s6 ($r29)
 *   16*8    s7 ($r30)
 *   17*8    s8 ($r31)
 *   18*8    fp ($r22, also s9)
 *   19*8    return address (ra, $r1)
 *
 * No callee writes above its caller's $sp on LoongArch, so p is $sp itself.
 * $tp (thread pointer) and $r21 (reserved) are never touched. Only the low
 * 64 bits of $fs0-$fs7 are callee-saved; the LSX/LASX upper halves are not. */
#define FRAME	20*8

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
sl_arch_switch:
	/* 1. save callee-saved registers and FP control state */
	addi.d	$sp, $sp, -FRAME	/* sl:not-a-save: the frame */
	st.d	$ra, $sp, 19*8
	st.d	$fp, $sp, 18*8
	st.d	$s8, $sp, 17*8
	st.d	$s7, $sp, 16*8
	st.d	$s6, $sp, 15*8
	st.d	$s5, $sp, 14*8
	st.d	$s4, $sp, 13*8
	st.d	$s3, $sp, 12*8
	st.d	$s2, $sp, 11*8
	st.d	$s1, $sp, 10*8
	st.d	$s0, $sp, 9*8
	fst.d	$fs7, $sp, 8*8
	fst.d	$fs6, $sp, 7*8
	fst.d	$fs5, $sp, 6*8
	fst.d	$fs4, $sp, 5*8
	fst.d	$fs3, $sp, 4*8
	fst.d	$fs2, $sp, 3*8
	fst.d	$fs1, $sp, 2*8
	fst.d	$fs0, $sp, 1*8
	movfcsr2gr	$t0, $fcsr0	/* sl:not-a-save: fcsr0 reaches the frame through t0 */
	st.d	$t0, $sp, 0*8
	/* 2. p = $sp; call sl_core_save(p) */
	move	$a0, $sp
	bl	sl_core_save
	/* 3. $sp = returned slice start */
	move	$sp, $a0
	/* 4. call sl_core_restore() */
	bl	sl_core_restore
	/* 5. restore the target's registers; $a0 holds the result */
	ld.d	$t0, $sp, 0*8
	movgr2fcsr	$fcsr0, $t0	/* sl:not-a-save: fcsr0 comes back through t0 */
	fld.d	$fs0, $sp, 1*8
	fld.d	$fs1, $sp, 2*8
	fld.d	$fs2, $sp, 3*8
	fld.d	$fs3, $sp, 4*8
	fld.d	$fs4, $sp, 5*8
	fld.d	$fs5, $sp, 6*8
	fld.d	$fs6, $sp, 7*8
	fld.d	$fs7, $sp, 8*8
	ld.d	$s0, $sp, 9*8
	ld.d	$s1, $sp, 10*8
	ld.d	$s2, $sp, 11*8
	ld.d	$s3, $sp, 12*8
	ld.d	$s4, $sp, 13*8
	ld.d	$s5, $sp, 14*8
	ld.d	$s6, $sp, 15*8
	ld.d	$s7, $sp, 16*8
	ld.d	$s8, $sp, 17*8
	ld.d	$fp, $sp, 18*8
	ld.d	$ra, $sp, 19*8
	addi.d	$sp, $sp, FRAME	/* sl:not-a-save: drops the frame */
	jr	$ra
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
