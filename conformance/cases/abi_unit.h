/* The two translation units of case abi_globals_across_units: abi.c (the
 * main side) and abi_unit.c (the coroutine), each with globals of its own
 * that the other cannot name and globals both share. */
#ifndef STACKSLICE_ABI_UNIT_H
#define STACKSLICE_ABI_UNIT_H

#include <stdint.h>

#include "slice.h"

enum { SL_ABI_UNIT_WORDS = 16 };

/* Each unit's globals that the other reads: the main side's and the
 * coroutine's. */
extern volatile uint64_t sl_abi_main_shared[SL_ABI_UNIT_WORDS];
extern volatile uint64_t sl_abi_unit_shared[SL_ABI_UNIT_WORDS];

/* The value word i of a side's globals holds after that side's step. */
static inline uint64_t sl_abi_unit_value(int side, uint64_t step, int i) {
    return (0x9e3779b97f4a7c15ull * (step + 1)) ^ ((uint64_t)side << 56) ^ ((uint64_t)i << 40);
}

/* The coroutine's body, in abi_unit.c: its argument is the main coroutine,
 * each value it is resumed with the main side's step. */
void *sl_abi_unit_worker(void *main_coro);

#endif
