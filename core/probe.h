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
/* An FP control slot's mode bits beyond the rounding mode, which each
 * coroutine keeps as its own (sh4's FPSCR.PR and DN, arm's FZ, DN and AHP,
 * x86's MXCSR.FZ and DAZ and the x87 precision, ...): in sl_probe_fp_mode
 * those a coroutine may set (a case sets a pattern of its own there, over
 * the canary), in sl_probe_fp_mode_fixed those the ABI fixes at every call
 * (sh4's FPSCR.SZ and FR, 0), compared at their fixed value. 0 in every
 * other slot, and where the port has no such bits. */
extern const uint64_t sl_probe_fp_mode[];
extern const uint64_t sl_probe_fp_mode_fixed[];

/* What a probe calls with the canaries loaded: sl_switch, or sl_probe_direct. */
typedef int (*sl_probe_target)(sl_coro *to, void *value, void **result);

/* Loads every slot's register from load[], calls via(to, NULL, NULL),
 * stores every slot's register into seen[] (zeroed by the caller), restores
 * its own caller's registers and returns via's result. A port whose callers
 * own a word its switch must keep outside the slice checks it here too and
 * returns a code of its own when it changed (s390x's back chain:
 * BACK_CHAIN_LOST in its probe.S), which no case expects. */
int sl_probe_switch(const uint64_t *load, uint64_t *seen, sl_coro *to, sl_probe_target via);

/* Straight into the port, for sl_probe_switch to call: it calls
 * sl_debug_arm_switch(to); when arming fails it returns that error
 * (SL_EINVAL, SL_ETHREAD) without entering the port; otherwise it leaves its
 * own frame and branches (does not call) to sl_arch_switch, whose return
 * goes straight back to sl_probe_switch: only the port stands between the
 * canaries and the other side. `to` must be started and suspended; value
 * and result are ignored. */
int sl_probe_direct(sl_coro *to, void *value, void **result);

/* The stack pointer of the call site: the value the ABI requires to be a
 * multiple of sl_probe_stack_align at every call. */
uintptr_t sl_probe_call_sp(void);
extern const uint32_t sl_probe_stack_align;

#endif
