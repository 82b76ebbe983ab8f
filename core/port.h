/* The contract between the portable core and an architecture port
 * (arch/<arch>/switch.S). The port is one branch-free function:
 *
 *   1. save every callee-saved register and the FP control state on the stack;
 *   2. p = stack pointer raised above the area a callee may write in its
 *      caller's frame; call sl_core_save(p);
 *   3. stack pointer = returned value lowered by that same area;
 *   4. call sl_core_restore();
 *   5. restore what step 1 saved (now the target's) and return the value
 *      sl_core_restore returned.
 *
 * "Above" and "raised" mean toward the shallow end of the stack: higher
 * addresses where the stack grows down, lower ones where it grows up (hppa),
 * where the area a callee may write lies below its caller's stack pointer.
 *
 * Everything that decides anything lives in the core, in C. */
#ifndef STACKSLICE_PORT_H
#define STACKSLICE_PORT_H

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

/* Returned by sl_core_restore when the switch started a new coroutine: the
 * port's caller is now running as that coroutine ("returns twice"). Resumes
 * return 0 or a throw code (> 0); a failed save returns SL_ENOMEM. */
#define SL_STARTED (-1000)

/* Internal to the library: hidden from a shared object's symbol table, as
 * the ports mark sl_arch_switch .hidden. */
#define SL_INTERNAL __attribute__((visibility("hidden")))

SL_INTERNAL int   sl_arch_switch(void);
SL_INTERNAL void *sl_core_save(void *slice_start);
SL_INTERNAL int   sl_core_restore(void);

#endif
