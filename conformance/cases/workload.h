/* The random switching workload, shared by the stack and thread cases. */
#ifndef STACKSLICE_WORKLOAD_H
#define STACKSLICE_WORKLOAD_H

#include <stdint.h>

/* Runs `workers` coroutines that recurse to random depths with frames of up
 * to 64 KiB filled with a known pattern, and switch at random points to
 * random others (main included, itself recursing); every frame's pattern and
 * every value a switch delivers is checked. Returns the switches made. */
long sl_random_workload(uint64_t seed, int workers, int rounds);

#endif
