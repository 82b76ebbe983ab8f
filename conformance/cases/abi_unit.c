/* The coroutine's unit of case abi_globals_across_units (abi.c, the main
 * side, describes it): globals of its own, static and shared, read and
 * written by the first function it calls after every switch returns. */
#include "abi_unit.h"

#include "check.h"

enum { UNIT = 2 };

/* Static: reached relative to the unit's own base (gp-relative small data
 * on alpha, TOC-relative on ppc64, GOT or pc-relative elsewhere). */
static volatile uint64_t unit_own[SL_ABI_UNIT_WORDS];
volatile uint64_t sl_abi_unit_shared[SL_ABI_UNIT_WORDS];

/* Right after a resume with the main side's step: what the main side wrote
 * for it, and what this side wrote the step before, then this step's. Not
 * inlined, so its data is reached from its own entry, after the switch. */
static __attribute__((noinline)) void unit_after_switch(uint64_t step) {
    for (int i = 0; i < SL_ABI_UNIT_WORDS; i++) {
        EXPECT(sl_abi_main_shared[i] == sl_abi_unit_value(1, step, i));
        EXPECT(unit_own[i] == sl_abi_unit_value(UNIT, step - 1, i));
        EXPECT(sl_abi_unit_shared[i] == sl_abi_unit_value(UNIT, step - 1, i));
    }
    for (int i = 0; i < SL_ABI_UNIT_WORDS; i++) {
        unit_own[i] = sl_abi_unit_value(UNIT, step, i);
        sl_abi_unit_shared[i] = sl_abi_unit_value(UNIT, step, i);
    }
}

void *sl_abi_unit_worker(void *main_coro) {
    for (int i = 0; i < SL_ABI_UNIT_WORDS; i++) {
        unit_own[i] = sl_abi_unit_value(UNIT, 0, i);
        sl_abi_unit_shared[i] = sl_abi_unit_value(UNIT, 0, i);
    }
    void *step = (void *)(uintptr_t)1;
    while ((uintptr_t)step != 0) {
        unit_after_switch((uintptr_t)step);
        /* the first statement after each return reads this unit's globals */
        if (sl_switch(main_coro, step, &step) != 0) break;
        EXPECT(unit_own[0] == sl_abi_unit_value(UNIT, (uintptr_t)step - 1, 0) || (uintptr_t)step == 0);
    }
    return NULL;
}
