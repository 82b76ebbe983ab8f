/* stackslice port: loong64 (LoongArch ELF psABI, "Procedure Calling
 * Convention", LP64D: 64-bit GPRs and FPRs, doubles in FPRs).
 *
 * Register area of the leaving coroutine ($a0, the argument) and of the
 * entering one ($s0 from step 3), SL_AREA_BYTES bytes, 16-byte aligned:
 *
 *   offset  content
 *   0*8     the core's: the stack pointer p the coroutine resumes at
 *   1*8     fcsr0 (RM bits 8-9, enables 0-4, flags 16-20, cause 24-28)
 *   2*8     fs0 ($f24, the low 64 bits)
 *   3*8     fs1 ($f25, the low 64 bits)
 *   4*8     fs2 ($f26, the low 64 bits)
 *   5*8     fs3 ($f27, the low 64 bits)
 *   6*8     fs4 ($f28, the low 64 bits)
 *   7*8     fs5 ($f29, the low 64 bits)
 *   8*8     fs6 ($f30, the low 64 bits)
 *   9*8     fs7 ($f31, the low 64 bits)
 *   10*8    s0 ($r23)
 *   11*8    s1 ($r24)
 *   12*8    s2 ($r25)
 *   13*8    s3 ($r26)
 *   14*8    s4 ($r27)
 *   15*8    s5 ($r28)
 *   16*8    s6 ($r29)
 *   17*8    s7 ($r30)
 *   18*8    s8 ($r31)
 *   19*8    fp ($r22, also s9)
 *   20*8    return address (ra, $r1)
 *
 * ra goes to the area, so p is the caller's $sp: 16-byte aligned, as the
 * calls in steps 2 and 4 need, and the slice holds nothing of this
 * function. No callee writes above its caller's $sp on LoongArch, so p is
 * $sp itself. $tp (thread pointer) and $r21 (reserved) are never touched.
 * Only the low 64 bits of $fs0-$fs7 are callee-saved; the LSX/LASX upper
 * halves are not. */
#include "port.h"

#define AREA	21*8	/* port.json's area_bytes is this, rounded up to 16 */
#if AREA > SL_AREA_BYTES
#error "the register area outgrows SL_AREA_BYTES (core/port.h)"
#endif

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
sl_arch_switch:
	/* 1. save callee-saved registers, FP control state and the return address in the area */
	st.d	$ra, $a0, 20*8
	st.d	$fp, $a0, 19*8
	st.d	$s8, $a0, 18*8
	st.d	$s7, $a0, 17*8
	st.d	$s6, $a0, 16*8
	st.d	$s5, $a0, 15*8
	st.d	$s4, $a0, 14*8
	st.d	$s3, $a0, 13*8
	st.d	$s2, $a0, 12*8
	st.d	$s1, $a0, 11*8
	st.d	$s0, $a0, 10*8
	fst.d	$fs7, $a0, 9*8
	fst.d	$fs6, $a0, 8*8
	fst.d	$fs5, $a0, 7*8
	fst.d	$fs4, $a0, 6*8
	fst.d	$fs3, $a0, 5*8
	fst.d	$fs2, $a0, 4*8
	fst.d	$fs1, $a0, 3*8
	fst.d	$fs0, $a0, 2*8
	movfcsr2gr	$t0, $fcsr0	/* sl:not-a-save: fcsr0 reaches the area through t0 */
	st.d	$t0, $a0, 1*8
	/* 2. p = $sp; call sl_core_leave(p) */
	move	$a0, $sp
	bl	sl_core_leave
	/* 3. $s0 = the entered area; $sp = its stack pointer */
	move	$s0, $a0
	ld.d	$sp, $a0, 0*8
	/* 4. call sl_core_restore() */
	bl	sl_core_restore
	/* 5. restore the target's registers from its area, $s0 last; $a0 holds the result */
	ld.d	$t0, $s0, 1*8
	movgr2fcsr	$fcsr0, $t0	/* sl:not-a-save: fcsr0 comes back through t0 */
	fld.d	$fs0, $s0, 2*8
	fld.d	$fs1, $s0, 3*8
	fld.d	$fs2, $s0, 4*8
	fld.d	$fs3, $s0, 5*8
	fld.d	$fs4, $s0, 6*8
	fld.d	$fs5, $s0, 7*8
	fld.d	$fs6, $s0, 8*8
	fld.d	$fs7, $s0, 9*8
	ld.d	$s1, $s0, 11*8
	ld.d	$s2, $s0, 12*8
	ld.d	$s3, $s0, 13*8
	ld.d	$s4, $s0, 14*8
	ld.d	$s5, $s0, 15*8
	ld.d	$s6, $s0, 16*8
	ld.d	$s7, $s0, 17*8
	ld.d	$s8, $s0, 18*8
	ld.d	$fp, $s0, 19*8
	ld.d	$ra, $s0, 20*8
	ld.d	$s0, $s0, 10*8
	jr	$ra
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
