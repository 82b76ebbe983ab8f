/* The contract between the portable core and an architecture port
 * (arch/<arch>/switch.S). The port is one branch-free function,
 * int sl_arch_switch(void *area), where area is the leaving coroutine's
 * register area (SL_AREA_BYTES bytes, 16-byte aligned; its first word is
 * the core's: the stack pointer the coroutine resumes at):
 *
 *   1. save every callee-saved register, the FP control state and, where
 *      a call would lose it, the return address in area, past its first
 *      word;
 *   2. p = stack pointer raised above the area a callee may write in its
 *      caller's frame; call sl_core_leave(p), which saves the slices in
 *      the way and returns the register area of the coroutine to enter;
 *   3. keep that area in a callee-saved register (step 1 saved it);
 *      stack pointer = the area's first word, lowered by that same area;
 *   4. call sl_core_restore();
 *   5. restore what step 1 saved from that area (its own register last)
 *      and return the value sl_core_restore returned.
 *
 * The registers stay out of the stack the core copies: a slice holds only
 * the frames of the code that switched, so a switch copies that much less
 * each way (libaco keeps them in its aco_t likewise).
 *
 * "Above" and "raised" mean toward the shallow end of the stack: higher
 * addresses where the stack grows down, lower ones where it grows up (hppa),
 * where the area a callee may write lies below its caller's stack pointer.
 *
 * Everything that decides anything lives in the core, in C. This header is
 * included by the ports' switch.S too (cc -Icore), for SL_AREA_BYTES. */
#ifndef STACKSLICE_PORT_H
#define STACKSLICE_PORT_H

/* The size of a coroutine's register area: its port.json's area_bytes,
 * which the harness passes to every compile as -DSL_AREA_BYTES; unless
 * told, enough for the largest port's (ppc64: 18 GPRs, 18 FPRs, 12 vector
 * registers and the special ones), so that the README's one-line build
 * fits every port. A port whose area outgrows it fails to assemble (.error
 * in its switch.S). */
#ifndef SL_AREA_BYTES
#define SL_AREA_BYTES 640
#endif

/* The direction the port's stack grows, `down` or `up`: its port.json's
 * stack_grows, which the harness passes to every compile as
 * -DSL_STACK_GROWS=down or up (down unless told, so that
 * the one-line build of the README builds every port of a downward stack;
 * an upward port refers to sl_core_stack_grows_up, so a core built for the
 * other direction does not link with it). SL_STACK_UP is 1 or 0; any other
 * word is a compile error (SL_STACK_GROWS_sideways is undeclared). */
#ifndef SL_STACK_GROWS
#define SL_STACK_GROWS down
#endif
#define SL_STACK_GROWS_down 0
#define SL_STACK_GROWS_up 1
#define SL_CAT_(a, b) a##b
#define SL_CAT(a, b) SL_CAT_(a, b)
#define SL_STACK_UP SL_CAT(SL_STACK_GROWS_, SL_STACK_GROWS)

#ifndef __ASSEMBLER__

/* Returned by sl_core_restore when the switch started a new coroutine: the
 * port's caller is now running as that coroutine ("returns twice"). Resumes
 * return 0 or a throw code (> 0); a failed save returns SL_ENOMEM. */
#define SL_STARTED (-1000)

/* Internal to the library: hidden from a shared object's symbol table, as
 * the ports mark sl_arch_switch .hidden. */
#define SL_INTERNAL __attribute__((visibility("hidden")))

SL_INTERNAL int   sl_arch_switch(void *area);
SL_INTERNAL void *sl_core_leave(void *slice_start);
SL_INTERNAL int   sl_core_restore(void);

/* For a switch that keeps its registers on the stack, in the slice (the
 * foreign switches: foreign/adapter/): sl_core_leave, returning the
 * stack pointer to switch to rather than the area. */
SL_INTERNAL void *sl_core_save(void *slice_start);

#endif

#endif
