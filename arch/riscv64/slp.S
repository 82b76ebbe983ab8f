/* SLP adapter trampoline: riscv64 (RISC-V psABI, lp64d). See foreign/adapter/slp.c.
 *
 * Frame of sl_arch_switch, from sp after step 1:
 *
 *   offset  content
 *   0*8     padding: sp stays 16-byte aligned
 *   1*8     ra (the return address)
 *
 * No callee-saved register is saved here, s0 included: slp_switch saves
 * them, or the register canaries name the one it forgets. */
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.balign	4
sl_arch_switch:
	/* 1. keep the return address; save nothing else */
	addi	sp, sp, -2*8
	sd	ra, 1*8(sp)
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	call	sl_slp_switch
	/* 3. sl_slp_result(what slp_switch returned, in a0): the core's result */
	call	sl_slp_result
	/* 4. return it */
	ld	ra, 1*8(sp)
	addi	sp, sp, 2*8
	ret
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",%progbits
