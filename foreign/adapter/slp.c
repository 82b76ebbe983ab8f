/* The SLP adapter: turns an SLP-style switch header (greenlet's convention,
 * from Stackless Python) into a stackslice port, with the header unedited.
 *
 * Such a header defines `static int slp_switch(void)`: it saves registers
 * (mostly through clobber lists, so the compiler's prologue and epilogue do
 * it), takes its stack pointer into `stackref`, calls
 * SLP_SAVE_STATE(stackref, stsizediff), adds `stsizediff` to the stack
 * pointer (and frame pointer), calls SLP_RESTORE_STATE() and restores. The
 * macros map onto the port contract of core/port.h like this:
 *
 *   SLP_SAVE_STATE(stackref, stsizediff)
 *       stsizediff = sl_core_save(from) - from, in bytes (step 2), from
 *       being stackref (the stack pointer the header read) raised above the
 *       area a callee may write in its caller's frame (SL_SLP_AREA: the
 *       stack_area of the base port's port.json; lowered where the stack
 *       grows up, SL_STACK_GROWS=up, core/port.h). The header's
 *       STACK_MAGIC plays no part: see the macro.
 *       greenlet's version may return -1 (the save failed) or 1 (the target
 *       was never started, so there is no stack to go to); the core needs
 *       neither: a failed save comes back from sl_core_restore as SL_ENOMEM,
 *       and a new coroutine starts on the same stack pointer (stsizediff 0)
 *       with SL_STARTED from sl_core_restore. So the macro never returns.
 *   the header's own stack shift
 *       sp += stsizediff is step 3: sp = returned slice start lowered by
 *       SL_SLP_AREA.
 *   SLP_RESTORE_STATE()
 *       sl_core_restore() (step 4); its result (0, a throw code, SL_STARTED
 *       or SL_ENOMEM) is kept per thread for the trampoline, by a call of
 *       its own, so slp_switch touches no thread-local variable.
 *   slp_switch's own return value
 *       must be 0 after a switch (greenlet's code treats anything else as
 *       an error or "started"); the trampoline hands it to sl_slp_result,
 *       which returns the kept result, and aborts the process, naming the
 *       value, when it is not 0: the greenlet #28 class of bug (a return
 *       value produced by code that ran on the other stack) fails the case.
 *
 * arch/<arch>/slp.S exports sl_arch_switch: it calls slp_switch
 * (through the hidden alias sl_slp_switch) and sl_slp_result and saves no
 * callee-saved register itself, so a register the header forgets is seen
 * by the register canaries. A C wrapper would save some in its own frame.
 *
 * The harness compiles this file with -DSL_SLP_HEADER="<path>",
 * -DSL_SLP_AREA=<stack_area>, -DSL_STACK_GROWS=<stack_grows> and the
 * foreign port's cflags. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "port.h"

#ifndef SL_SLP_AREA
#error "foreign/adapter/slp.c: compile with -DSL_SLP_AREA=<the stack_area of the base port's port.json>"
#endif

#ifndef SL_SLP_HEADER
#error "foreign/adapter/slp.c: compile with -DSL_SLP_HEADER=\"<the SLP-style switch header>\""
#endif

static __thread int sl_slp_restored;

/* stackref is the stack pointer (every published header reads it from the
 * register); the slice starts the base port's area above it, whatever the
 * header's STACK_MAGIC (SLP_STACK_MAGIC in Stackless's master) says: that
 * is where greenlet's own bookkeeping starts, and may be more or less than
 * the area the callee writes on this arch (Stackless's and greenlet's ppc
 * headers: 3 words, 12 bytes, where powerpc's callee writes 8). Less would
 * put the callee's writes in the slice, and sl_core_restore would then copy
 * the frame of the coroutine that left over its own return address; more
 * would leave out words the header may keep there. So the magic is not
 * read at all, and no header reads stackref again after the macro. */
/* greenlet's hooks, SLP_BEFORE_SAVE_STATE() and SLP_BEFORE_RESTORE_STATE(),
 * which its SPARC header defines to flush the register windows to the
 * stack, are called where greenlet calls them: first in the save and in the
 * restore. Defined after the header, which defines the hooks; empty without. */
static inline void sl_slp_before_save(void);
static inline void sl_slp_before_restore(void);

#define SLP_SAVE_STATE(stackref, stsizediff)                                                         \
    do {                                                                                             \
        sl_slp_before_save();                                                                        \
        char *sl_slp_from = (char *)(stackref) + (SL_STACK_UP ? -(SL_SLP_AREA) : (SL_SLP_AREA));     \
        (stsizediff) = (char *)sl_core_save(sl_slp_from) - sl_slp_from;                              \
    } while (0)

/* The result is kept by a function of its own, not in slp_switch: a
 * thread-local access there makes the compiler keep the variable's address
 * in a register, which the header may then not name in its clobber list
 * (s390x gcc -O0 reserves r13, its literal pool base, for it). */
static __attribute__((noinline)) void sl_slp_restore_state(void) {
    sl_slp_before_restore();
    sl_slp_restored = sl_core_restore();
}

#define SLP_RESTORE_STATE() sl_slp_restore_state()

/* greenlet compiles the bodies of its headers under SLP_EVAL. */
#define SLP_EVAL 1
#include SL_SLP_HEADER

static inline void sl_slp_before_save(void) {
#ifdef SLP_BEFORE_SAVE_STATE
    SLP_BEFORE_SAVE_STATE();
#endif
}

static inline void sl_slp_before_restore(void) {
#ifdef SLP_BEFORE_RESTORE_STATE
    SLP_BEFORE_RESTORE_STATE();
#endif
}

/* What the trampoline calls: slp_switch is static in the header. */
SL_INTERNAL int sl_slp_switch(void) __attribute__((alias("slp_switch")));

SL_INTERNAL int sl_slp_result(int slp_returned);

int sl_slp_result(int slp_returned) {
    if (slp_returned != 0) {
        fprintf(stderr, "slp_switch returned %d after a switch (it must return 0): %s\n", slp_returned,
                SL_SLP_HEADER);
        abort();
    }
    return sl_slp_restored;
}
