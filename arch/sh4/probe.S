/* stackslice probes: sh4 (SuperH SH-4 Linux ELF ABI, as GCC implements it). Contract: core/probe.h.
 *
 * Canary slots of load[] and seen[] (a 32-bit register fills the slot's low
 * word, at offset 0: little-endian; seen[] is zeroed by the caller, so its
 * high word stays 0):
 *
 *   slot           register                fixed      mask
 *   0*8 .. 6*8     r8 .. r14               0          0xffffffff
 *   7*8 .. 10*8    fr12 .. fr15            0          0xffffffff
 *   11*8           FPSCR (32 bits)         0          RM bit 0, DN bit 18, PR bit 19
 *
 * FPSCR's RM takes 0 (nearest) and 1 (zero) only; SZ and FR stay 0, as at
 * every call (fmov.s moves one register, the bank is the caller's), the
 * enables stay 0, or a canary would trap, and the flags and cause bits are
 * not compared. PR is a canary bit: a coroutine that runs in single
 * precision must find single precision again after a switch. FP modes
 * beyond rounding (core/probe.h): DN and PR each coroutine keeps its own
 * (0x000c0000), SZ and FR fixed at 0 by the ABI (0x00300000). Never loaded:
 * r15 (the stack pointer), pr, gbr (the thread pointer), mach and macl (the
 * caller's to lose in GCC's sh-linux ABI).
 *
 * Frame of sl_probe_switch, from r15 after its prologue (4-byte aligned):
 *
 *   offset         content
 *   0*4            seen
 *   1*4            pr (the return address)
 *   2*4 .. 25*4    the caller's registers, laid out as the canary slots */
#define GPRS	r8, r9, r10, r11, r12, r13, r14
#define FPRS	fr12, fr13, fr14, fr15
#define SEEN	0*4
#define RA	1*4
#define SAVED	2*4
#define FRAME	26*4

#include "probe.inc"

	.macro	slots
	.irp	reg, GPRS, FPRS
	slot	\reg, 0, 0xffffffff
	.endr
	slot	fpscr, 0, 0x000c0001, , 0x000c0000, 0x00300000
	.endm
	sl_probe_tables 4

	/* SH has no displacement form for fmov.s, and mov.l's reaches 60
	 * bytes: the slots are walked with ptr, 8 bytes a slot. r2 carries
	 * FPSCR: no canary, ptr or r0 (via's result). */
	.macro	store_slots ptr
	.irp	reg, GPRS
	mov.l	\reg, @\ptr
	add	#8, \ptr
	.endr
	.irp	reg, FPRS
	fmov.s	\reg, @\ptr
	add	#8, \ptr
	.endr
	sts	fpscr, r2
	mov.l	r2, @\ptr
	.endm

	/* FPSCR last, so that the fmov.s before it still run with the
	 * caller's SZ and FR. */
	.macro	load_slots ptr
	.irp	reg, GPRS
	mov.l	@\ptr, \reg
	add	#8, \ptr
	.endr
	.irp	reg, FPRS
	fmov.s	@\ptr, \reg
	add	#8, \ptr
	.endr
	mov.l	@\ptr, r2
	lds	r2, fpscr
	.endm

	/* sl_probe_direct (core/probe.h): pr waits on the stack across the
	 * calls; with it back, the PC-relative branch (braf) makes
	 * sl_arch_switch return straight to sl_probe_switch, with
	 * sl_debug_leaving_area's result as its argument (r4). */
	sl_func	sl_probe_direct, 1
	sts.l	pr, @-r15
	mov.l	.Larm, r1
	bsrf	r1
.Larm_pc:
	nop
	tst	r0, r0
	bf	1f
	mov.l	.Larea, r1
	bsrf	r1
.Larea_pc:
	nop
	mov	r0, r4
	lds.l	@r15+, pr
	mov.l	.Lswitch, r1
	braf	r1
.Lswitch_pc:
	nop
1:	lds.l	@r15+, pr
	rts
	nop
	.p2align 2
.Larm:
	.long	sl_debug_arm_switch - (.Larm_pc + 2)
.Larea:
	.long	sl_debug_leaving_area - (.Larea_pc + 2)
.Lswitch:
	.long	sl_arch_switch - (.Lswitch_pc + 2)
	sl_end	sl_probe_direct
	sl_func	sl_probe_switch, 1
	/* 1. save the caller's callee-saved registers and FP control state */
	add	#-FRAME, r15
	mov.l	r5, @(SEEN, r15)
	sts	pr, r1
	mov.l	r1, @(RA, r15)
	mov	r15, r1
	add	#SAVED, r1
	store_slots r1
	/* 2. load the canaries */
	mov	r4, r1
	load_slots r1
	/* 3. via(to, NULL, NULL): sl_switch or sl_probe_direct */
	mov	r6, r4
	mov	#0, r5
	jsr	@r7
	mov	#0, r6
	/* 4. store what the registers hold now */
	mov.l	@(SEEN, r15), r1
	store_slots r1
	/* 5. restore the caller's state; r0 holds via's result */
	mov	r15, r1
	add	#SAVED, r1
	load_slots r1
	mov.l	@(RA, r15), r1
	lds	r1, pr
	rts
	add	#FRAME, r15
	sl_end	sl_probe_switch
	sl_func	sl_probe_call_sp, 1
	/* jsr pushes nothing: the call site's r15 is r15 at entry */
	rts
	mov	r15, r0
	sl_end	sl_probe_call_sp
