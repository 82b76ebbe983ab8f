/* SLP adapter trampoline: hppa (PA-RISC 1.1, 32-bit Linux ELF ABI). See foreign/adapter/slp.c.
 *
 * The stack grows up. Frame of sl_arch_switch: the 64-byte frame marker
 * and argument area its callees write, nothing else. The return address
 * (rp) waits in its slot of the caller's frame marker, -20(%sp) on entry,
 * as every PA-RISC function keeps it.
 *
 * No callee-saved register is saved here, r3-r18 and fr12-fr21 included:
 * slp_switch saves them, or the register canaries name the one it forgets.
 * An SLP header for hppa moves stackref down by the 48 bytes below %sp
 * that its callees write (STACK_MAGIC -12 words; port.json stack_area). */
#define FRAME	64

	.text
	.globl	sl_arch_switch
	.hidden	sl_arch_switch
	.type	sl_arch_switch, @function
	.align	4
sl_arch_switch:
	/* 1. keep the return address; a frame of the frame marker alone */
	stw	%rp, -20(%sp)
	ldo	FRAME(%sp), %sp
	/* 2. slp_switch() switches: the header's steps 1 to 5 */
	bl	sl_slp_switch, %rp
	nop
	/* 3. sl_slp_result(what slp_switch returned, in %ret0): the core's result */
	bl	sl_slp_result, %rp
	copy	%ret0, %r26
	/* 4. return it */
	ldo	-FRAME(%sp), %sp
	ldw	-20(%sp), %rp
	bv,n	%r0(%rp)
	.size	sl_arch_switch, .-sl_arch_switch

	/* A trampoline of a stack that grows up: it links only with a core
	 * built for one (core/port.h, SL_STACK_GROWS). */
	.section .rodata
	.align	4
	.word	sl_core_stack_grows_up

	.section .note.GNU-stack,"",@progbits
