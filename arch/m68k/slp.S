/* SLP adapter trampoline: m68k (System V ABI, Motorola 68000 Processor
 * Family Supplement). See foreign/adapter/slp.c.
 *
 * Frame of sl_arch_switch, from %sp after step 1:
 *
 *   offset  content
 *   0*4     the argument of sl_slp_result
 *   1*4     return address
 *
 * No callee-saved register is saved here: slp_switch saves them, or the
 * register canaries name the one it forgets. */
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
sl_arch_switch:
	/* 1. the argument slot of sl_slp_result; save nothing */
	subq.l	#4, %sp
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	bsr.l	sl_slp_switch
	/* 3. sl_slp_result(what slp_switch returned, in %d0): the core's result */
	move.l	%d0, 0*4(%sp)
	bsr.l	sl_slp_result
	/* 4. return it */
	addq.l	#4, %sp
	rts
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
