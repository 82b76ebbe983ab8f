/* The contract of a port's assembly probes (arch/<arch>/probe.S), used by the
 * conformance suite to check a port from outside the C compiler's view. */
#ifndef STACKSLICE_PROBE_H
#define STACKSLICE_PROBE_H

#include <stdint.h>
#include "slice.h"

/* One 64-bit slot per callee-saved register (two for a 128-bit vector
 * register) and per FP control register. */
extern const uint32_t sl_probe_count;
/* The slots' names, NUL-separated, in slot order. */
extern const char sl_probe_names[];
/* A slot's canary is fixed | (random & mask); only the bits in fixed | mask
 * are compared, so status flags in a control register do not count. */
extern const uint64_t sl_probe_fixed[];
extern const uint64_t sl_probe_mask[];

/* Loads every slot's register from load[], calls sl_switch(to, NULL, NULL),
 * stores every slot's register into seen[] (zeroed by the caller), restores
 * its own caller's registers and returns sl_switch's result. */
int sl_probe_switch(const uint64_t *load, uint64_t *seen, sl_coro *to);

/* The same, but straight into the port: loads the canaries and calls
 * sl_debug_arm_switch(to). When arming fails, it returns that error
 * (SL_EINVAL, SL_ETHREAD) without entering the port, after storing and
 * restoring as usual. Otherwise it enters sl_arch_switch() with no frame of
 * its own in between, so that only the port stands between the canaries and
 * the other side, then stores, restores and returns sl_arch_switch's
 * result. Every port implements it the same way: a helper, switch_direct,
 * that probe_via calls in place of sl_switch, which calls
 * sl_debug_arm_switch, returns to probe_via on a non-zero result, and
 * otherwise leaves its own frame and branches (does not call) to
 * sl_arch_switch, whose return then goes straight back to probe_via. */
int sl_probe_switch_direct(const uint64_t *load, uint64_t *seen, sl_coro *to);

/* The stack pointer of the call site: the value the ABI requires to be a
 * multiple of sl_probe_stack_align at every call. */
uintptr_t sl_probe_call_sp(void);
extern const uint32_t sl_probe_stack_align;

#endif
