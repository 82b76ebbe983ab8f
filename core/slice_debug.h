/* Test and measurement hooks of the core. Not part of the public API in
 * slice.h; the conformance suite and benchmarks use them. */
#ifndef STACKSLICE_SLICE_DEBUG_H
#define STACKSLICE_SLICE_DEBUG_H

struct sl_mem_stats {
    long live_blocks;  /* heap blocks the core holds now, all threads */
    long live_bytes;   /* bytes in those blocks */
    long peak_bytes;   /* highest live_bytes seen */
    long allocs;       /* allocations made so far */
};

void sl_mem_stats(struct sl_mem_stats *out);

/* On the calling thread, let the next n allocations of the core succeed and
 * fail every one after them; n < 0 turns failure injection off. Every save
 * that copies stack bytes counts as an allocation, whether or not the
 * buffer its coroutine keeps has room, so a failure reaches the fast path
 * too; live_blocks and live_bytes count the kept buffers. */
void sl_debug_fail_allocs_after(long n);

/* As sl_debug_fail_allocs_after, but only the allocation after the n that
 * succeed fails; the ones after it succeed again (SQLite's transient
 * malloc failures). */
void sl_debug_fail_alloc_once(long n);

/* 1 while an injected failure is armed on the calling thread and has not
 * happened yet: a test tells from it whether its run reached the
 * allocation it chose to fail. */
int sl_debug_failure_armed(void);

/* Arms the next sl_arch_switch() of the calling thread to go to `to`, as
 * sl_switch(to, NULL, NULL) would, so a probe can call the port with no C
 * frame in between (such frames save callee-saved registers themselves and
 * hide a port that forgets them). `to` must be a started, suspended
 * coroutine of this thread: 0, else SL_EINVAL or SL_ETHREAD. */
struct sl_coro;
int sl_debug_arm_switch(struct sl_coro *to);

/* The register area of the calling thread's running coroutine: what a
 * probe passes to sl_arch_switch(area) after arming it (core/port.h). */
void *sl_debug_leaving_area(void);

#endif
