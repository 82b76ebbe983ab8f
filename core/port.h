/* The contract between the portable core and an architecture port
 * (arch/<arch>/switch.S). The port is one branch-free function:
 *
 *   1. save every callee-saved register and the FP control state on the stack;
 *   2. p = stack pointer + the area a callee may write in its caller's frame;
 *      call sl_core_save(p);
 *   3. stack pointer = returned value - that same area;
 *   4. call sl_core_restore();
 *   5. restore what step 1 saved (now the target's) and return the value
 *      sl_core_restore returned.
 *
 * Everything that decides anything lives in the core, in C. */
#ifndef STACKSLICE_PORT_H
#define STACKSLICE_PORT_H

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
