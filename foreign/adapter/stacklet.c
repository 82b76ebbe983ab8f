/* The stacklet adapter: turns a callback-style switch header (PyPy's
 * stacklet, rpython/translator/c/src/stacklet/switch_*.h) into a stackslice
 * port, with the header unedited.
 *
 * Such a header defines
 *
 *   static void *slp_switch(void *(*save_state)(void *, void *),
 *                           void *(*restore_state)(void *, void *),
 *                           void *extra);
 *
 * which saves the callee-saved registers, calls save_state(sp, extra) with
 * its stack pointer, sets the stack pointer to what that returned (unless
 * it returned NULL), calls restore_state(new sp, extra), restores the
 * registers and returns what restore_state returned. The callbacks map onto
 * the port contract of core/port.h like this:
 *
 *   save_state(old_sp, extra)
 *       sl_core_save(old_sp) (step 2), returning the slice start the header
 *       sets the stack pointer to (step 3). The stack from old_sp on is the
 *       slice, as in stacklet.c: the header keeps the callbacks' writes out
 *       of it (ppc64 and s390x call them on a temporary frame below old_sp),
 *       so the base port's stack_area plays no part. Never NULL: a new
 *       coroutine starts on the same stack pointer.
 *   restore_state(new_sp, extra)
 *       sl_core_restore() (step 4); its result (0, a throw code, SL_STARTED
 *       or SL_ENOMEM) is kept per thread for the trampoline, and the
 *       callback returns SL_STACKLET_RESTORED.
 *   extra
 *       SL_STACKLET_EXTRA; a callback that gets anything else aborts,
 *       naming it (a header that loses extra across the stack shift).
 *   slp_switch's return value
 *       must be SL_STACKLET_RESTORED, what restore_state returned; anything
 *       else aborts naming the value (a result taken from the other stack).
 *
 * arch/<arch>/slp.S, the SLP adapter's trampoline, exports sl_arch_switch:
 * it calls sl_slp_switch, which calls slp_switch, then sl_slp_result.
 * sl_slp_switch is a C function, so it has a frame of its own: it keeps no
 * value across the call (both constants are immediates), so what it may
 * save for itself is the frame pointer of a build that keeps one (and a
 * GOT pointer where the compiler reserves one). Such a register, and any
 * other the header does not claim, the claims check of the header (the
 * case registers_claimed) names in every build, so no frame of ours hides
 * it (docs/foreign.md, the frame pointer).
 *
 * The harness compiles this file with -DSL_STACKLET_HEADER="<path>",
 * -DSL_STACK_GROWS=<stack_grows> and the foreign port's cflags. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "port.h"

#ifndef SL_STACKLET_HEADER
#error "foreign/adapter/stacklet.c: compile with -DSL_STACKLET_HEADER=\"<the stacklet-style switch header>\""
#endif

/* Immediates, not addresses: comparing with them needs no register kept
 * across a call (a GOT pointer would be one). */
#define SL_STACKLET_EXTRA ((void *)(uintptr_t)0x5e7a)
#define SL_STACKLET_RESTORED ((void *)(uintptr_t)0x5e70)

static __thread int sl_stacklet_restored;

static __attribute__((noinline, noreturn)) void sl_stacklet_abort(const char *what, void *value) {
    fprintf(stderr, "%s %p (want %p): %s\n", what, value,
            what[0] == 's' ? SL_STACKLET_RESTORED : SL_STACKLET_EXTRA, SL_STACKLET_HEADER);
    abort();
}

static void *sl_stacklet_save(void *old_sp, void *extra) {
    if (extra != SL_STACKLET_EXTRA) sl_stacklet_abort("save_state got extra", extra);
    return sl_core_save(old_sp);
}

static void *sl_stacklet_restore(void *new_sp, void *extra) {
    (void)new_sp;
    if (extra != SL_STACKLET_EXTRA) sl_stacklet_abort("restore_state got extra", extra);
    sl_stacklet_restored = sl_core_restore();
    return SL_STACKLET_RESTORED;
}

#include SL_STACKLET_HEADER

SL_INTERNAL int sl_slp_switch(void);
SL_INTERNAL int sl_slp_result(int slp_returned);

int sl_slp_switch(void) {
    void *returned = slp_switch(sl_stacklet_save, sl_stacklet_restore, SL_STACKLET_EXTRA);
    if (returned != SL_STACKLET_RESTORED) sl_stacklet_abort("slp_switch returned", returned);
    return 0;
}

int sl_slp_result(int slp_returned) {
    (void)slp_returned;
    return sl_stacklet_restored;
}
