/* SLP adapter trampoline: ppc64 (64-bit PowerPC ELF ABI, ELFv1). See
 * foreign/adapter/slp.c.
 *
 * Frame of sl_arch_switch, from r1 after step 1 (the minimum frame):
 *
 *   offset        content
 *   0*8           back chain
 *   1*8 .. 5*8    frame header of the callees (CR, LR, reserved, TOC save)
 *   6*8 .. 13*8   parameter save area of the callees
 *   14*8+2*8      the caller's LR save word: our return address
 *
 * No callee-saved register is saved here, r31 and r2 included: slp_switch
 * saves them, or the register canaries name the one it forgets. */
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.section ".opd", "aw"
	.p2align 3
sl_arch_switch:
	.quad	.L.sl_arch_switch, .TOC.@tocbase, 0
	.text
	.type	sl_arch_switch, @function
	.p2align 4
.L.sl_arch_switch:
	/* 1. keep the return address in the caller's LR save word; a minimum frame */
	mflr	%r0
	std	%r0, 2*8(%r1)
	stdu	%r1, -14*8(%r1)
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	bl	sl_slp_switch
	nop
	/* 3. sl_slp_result(what slp_switch returned, in r3): the core's result */
	bl	sl_slp_result
	nop
	/* 4. return it */
	addi	%r1, %r1, 14*8
	ld	%r0, 2*8(%r1)
	mtlr	%r0
	blr
	.size	sl_arch_switch, .-.L.sl_arch_switch

	.section .note.GNU-stack,"",@progbits
