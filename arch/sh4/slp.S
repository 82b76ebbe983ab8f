/* SLP adapter trampoline: sh4 (SuperH SH-4 Linux ELF ABI, as GCC implements it). See foreign/adapter/slp.c.
 *
 * Frame of sl_arch_switch, from r15 after step 1 (4-byte aligned):
 *
 *   offset  content
 *   0*4     pr (the return address)
 *
 * No callee-saved register is saved here: slp_switch saves them, or the
 * register canaries name the one it forgets. The pr slot is read after
 * slp_switch has moved the stack: it is then the target's, copied back with
 * its slice. The calls are PC-relative (bsrf); each delay slot holds the
 * call's argument or a nop. */
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, %function
	.p2align 1
sl_arch_switch:
	/* 1. keep the return address; save nothing else */
	sts.l	pr, @-r15
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	mov.l	.Lslp, r1
	bsrf	r1
.Lslp_pc:
	nop
	/* 3. sl_slp_result(what slp_switch returned, in r0): the core's result */
	mov.l	.Lresult, r1
	bsrf	r1
.Lresult_pc:
	mov	r0, r4
	/* 4. return it */
	lds.l	@r15+, pr
	rts
	nop
	.p2align 2
.Lslp:
	.long	sl_slp_switch - (.Lslp_pc + 2)
.Lresult:
	.long	sl_slp_result - (.Lresult_pc + 2)
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",%progbits
