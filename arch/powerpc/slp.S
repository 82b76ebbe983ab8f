/* SLP adapter trampoline: powerpc (32-bit SysV ELF ABI). See
 * foreign/adapter/slp.c.
 *
 * Frame of sl_arch_switch, from r1 after step 1 (the minimum frame):
 *
 *   offset  content
 *   0*4     back chain
 *   1*4     LR save word of the callees
 *   2*4     padding: r1 stays 16-byte aligned
 *   4*4+4   the caller's LR save word: our return address
 *
 * No callee-saved register is saved here, r31 included: slp_switch saves
 * them, or the register canaries name the one it forgets. */
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.p2align 2
sl_arch_switch:
	/* 1. keep the return address in the caller's LR save word; a minimum frame */
	mflr	%r0
	stw	%r0, 1*4(%r1)
	stwu	%r1, -4*4(%r1)
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	bl	sl_slp_switch
	/* 3. sl_slp_result(what slp_switch returned, in r3): the core's result */
	bl	sl_slp_result
	/* 4. return it */
	addi	%r1, %r1, 4*4
	lwz	%r0, 1*4(%r1)
	mtlr	%r0
	blr
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
