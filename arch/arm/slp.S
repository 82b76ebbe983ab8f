/* SLP adapter trampoline: arm (AAPCS, IHI 0042). See foreign/adapter/slp.c.
 *
 * Frame of sl_arch_switch, from sp after step 1:
 *
 *   offset  content
 *   0*4     lr (the return address, bit 0 set for a Thumb caller)
 *   1*4     padding: sp stays 8-byte aligned
 *
 * No callee-saved register is saved here, r7 and r11 included: slp_switch
 * saves them, or the register canaries name the one it forgets. A32 code,
 * typed %function so the linker makes every call across instruction sets
 * a blx; bx lr returns to either. */
	.syntax	unified
	.arm
	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, %function
	.balign	4
sl_arch_switch:
	/* 1. keep the return address; save nothing else */
	str	lr, [sp, #-2*4]!
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	bl	sl_slp_switch
	/* 3. sl_slp_result(what slp_switch returned, in r0): the core's result */
	bl	sl_slp_result
	/* 4. return it */
	ldr	lr, [sp], #2*4
	bx	lr
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",%progbits
