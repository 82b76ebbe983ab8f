/* SLP adapter trampoline: ppc64le (64-bit ELF V2 ABI). See foreign/adapter/slp.c.
 *
 * Frame of sl_arch_switch, from r1 after step 1 (the minimum frame):
 *
 *   offset  content
 *   0*8     back chain
 *   1*8     CR save word of the callees
 *   2*8     LR save word of the callees
 *   3*8     TOC save word of the callees
 *   4*8+16  the caller's LR save word: our return address
 *
 * No callee-saved register is saved here, r31 and r2 included: slp_switch
 * saves them, or the register canaries name the one it forgets. */
	.abiversion 2
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.p2align 4
sl_arch_switch:
	addis	%r2, %r12, .TOC.-sl_arch_switch@ha
	addi	%r2, %r2, .TOC.-sl_arch_switch@l
	.localentry sl_arch_switch, .-sl_arch_switch
	/* 1. keep the return address in the caller's LR save word; a minimum frame */
	mflr	%r0
	std	%r0, 2*8(%r1)
	stdu	%r1, -4*8(%r1)
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	bl	sl_slp_switch
	nop
	/* 3. sl_slp_result(what slp_switch returned, in r3): the core's result */
	bl	sl_slp_result
	nop
	/* 4. return it */
	addi	%r1, %r1, 4*8
	ld	%r0, 2*8(%r1)
	mtlr	%r0
	blr
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
