/* SLP adapter trampoline: s390x (ELF ABI s390x Supplement). See foreign/adapter/slp.c.
 *
 * Frame of sl_arch_switch, from r15 after step 1: the 160-byte register
 * save area its callees may write, nothing else. The return address (r14)
 * waits in its slot of the caller's save area, 14*8(r15) on entry.
 *
 * No callee-saved register is saved here, r6-r13 and f8-f15 included:
 * slp_switch saves them, or the register canaries name the one it forgets. */
#define SAVE_AREA	160

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.balign	8
sl_arch_switch:
	/* 1. keep the return address; a frame of the save area alone */
	stg	%r14, 14*8(%r15)
	aghi	%r15, -SAVE_AREA
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	brasl	%r14, sl_slp_switch
	/* 3. sl_slp_result(what slp_switch returned, in r2): the core's result */
	brasl	%r14, sl_slp_result
	/* 4. return it */
	aghi	%r15, SAVE_AREA
	lg	%r14, 14*8(%r15)
	br	%r14
	.size	sl_arch_switch, .-sl_arch_switch

	.section .note.GNU-stack,"",@progbits
