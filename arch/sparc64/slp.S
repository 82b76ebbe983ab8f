/* SLP adapter trampoline: sparc64 (SPARC Compliance Definition 2.4.1, the 64-bit SPARC V9 ABI). See foreign/adapter/slp.c.
 *
 * Frame of sl_arch_switch, from %sp + BIAS after step 1: the 176 bytes a
 * callee may write (the register save area its window spills to, the
 * argument home area), nothing else. The return address stays in %i7 of
 * its own window.
 *
 * No callee-saved register is saved here: slp_switch must flush the
 * register windows (flushw) before SLP_SAVE_STATE, this one's included, and
 * have them filled from the copied-back stack after SLP_RESTORE_STATE, or
 * the register canaries name the registers it loses. Its stackref is the
 * unbiased stack pointer, %sp + 2047, plus STACK_MAGIC, which must come to
 * the 176 bytes of stack_area. */
#define AREA	176

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, #function
	.align	4
sl_arch_switch:
	/* 1. a register window of its own, which keeps the return address; save nothing else */
	save	%sp, -AREA, %sp
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	call	sl_slp_switch
	nop	/* delay slot */
	/* 3. sl_slp_result(what slp_switch returned, in %o0): the core's result */
	call	sl_slp_result
	nop	/* delay slot */
	/* 4. return it */
	ret
	restore	%o0, %g0, %o0	/* delay slot */
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
