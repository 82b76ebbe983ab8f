/* Memory: bounded over many coroutines; a failed save changes nothing. */
#include "check.h"

#include <errno.h>
#include "port.h"
#include "slice_debug.h"

#include <stdint.h>
#include <string.h>

static sl_coro *main_coro;

static void *yield_then_return(void *arg) {
    volatile char frame[512];
    memset((char *)frame, 1, sizeof frame);
    void *r = NULL;
    EXPECT_EQ(sl_switch(main_coro, arg, &r), 0);
    return (void *)((intptr_t)r + frame[7]);
}

/* Switches from `below` bytes under the caller's frame: the main side then
 * surely has bytes to save below the mark of a coroutine the caller started
 * (a switch from a shallower frame may have nothing to save, so no
 * allocation to fail), and more the deeper it is. */
static __attribute__((noinline)) int switch_below(size_t below, sl_coro *c, void *value, void **result) {
    volatile char *pad = __builtin_alloca(below);
    pad[0] = 1;
    SL_PIN(pad);
    int rc = sl_switch(c, value, result);
    return rc + pad[0] - 1;
}

static int switch_deep(sl_coro *c, void *value, void **result) { return switch_below(1024, c, value, result); }

void case_memory_many_coroutines_bounded(void) {
    main_coro = sl_current();
    struct sl_mem_stats before, after;
    sl_mem_stats(&before);
    long peak_live = 0;
    for (int i = 0; i < 100000; i++) {
        sl_coro *c = sl_new(yield_then_return, NULL);
        void *r = NULL;
        EXPECT_EQ(sl_switch(c, (void *)(intptr_t)i, &r), 0);
        EXPECT_EQ((intptr_t)r, i);
        struct sl_mem_stats now;
        sl_mem_stats(&now);
        if (now.live_bytes > peak_live) peak_live = now.live_bytes;
        EXPECT_EQ(sl_switch(c, (void *)(intptr_t)i, &r), 0);
        EXPECT_EQ((intptr_t)r, i + 1);
        EXPECT_EQ(sl_free(c), 0);
    }
    sl_mem_stats(&after);
    /* All that stays is the buffer the main coroutine keeps for its saves. */
    EXPECT(after.live_blocks - before.live_blocks <= 1);
    EXPECT(after.live_bytes - before.live_bytes < 4096);
    /* One coroutine and one slice at a time: far below 64 KiB live. */
    EXPECT(peak_live - before.live_bytes < 64 * 1024);
    printf("100000 coroutines, %ld allocations, at most %ld bytes live\n",
           after.allocs - before.allocs, peak_live - before.live_bytes);
}

void case_memory_failed_save_changes_nothing(void) {
    main_coro = sl_current();
    sl_coro *c = sl_new(yield_then_return, NULL);
    EXPECT_EQ(sl_switch(c, (void *)1, NULL), 0);
    size_t saved = sl_saved_bytes(c);
    EXPECT(saved > 0);
    /* Resuming c needs main's slice saved: make that allocation fail. */
    sl_debug_fail_allocs_after(0);
    void *r = (void *)9;
    EXPECT_EQ(switch_deep(c, (void *)5, &r), SL_ENOMEM);
    sl_debug_fail_allocs_after(-1);
    EXPECT_PTR(r, (void *)9);
    EXPECT_PTR(sl_current(), main_coro);
    EXPECT_EQ(sl_state(c), SL_ACTIVE);
    EXPECT_EQ(sl_saved_bytes(c), saved);
    EXPECT_EQ(sl_saved_bytes(main_coro), 0);
    /* Creating one needs memory, and says so when there is none. */
    sl_debug_fail_allocs_after(0);
    errno = 0;
    EXPECT_PTR(sl_new(yield_then_return, NULL), NULL);
    EXPECT_EQ(errno, ENOMEM);
    sl_debug_fail_allocs_after(-1);
    /* Starting a new one needs a save too. */
    sl_coro *fresh = sl_new(yield_then_return, NULL);
    sl_debug_fail_allocs_after(0);
    EXPECT_EQ(sl_switch(fresh, NULL, NULL), SL_ENOMEM);
    sl_debug_fail_allocs_after(-1);
    EXPECT_EQ(sl_state(fresh), SL_NEW);
    EXPECT_EQ(sl_free(fresh), 0);
    /* And then everything works. */
    EXPECT_EQ(sl_switch(c, (void *)5, &r), 0);
    EXPECT_EQ((intptr_t)r, 6);
    EXPECT_EQ(sl_free(c), 0);
}

/* ---- kept save buffers -------------------------------------------------- */

/* A coroutine that, on each resume, yields from a frame of the size it is
 * sent, filled with a pattern it checks when it is resumed there. */
static void *yield_at_depth_inner(size_t bytes, unsigned seed) {
    volatile unsigned char *frame = __builtin_alloca(bytes + 1);
    for (size_t i = 0; i <= bytes; i++) frame[i] = (unsigned char)(i * 31 + seed);
    void *next = NULL;
    EXPECT_EQ(sl_switch(main_coro, (void *)(uintptr_t)bytes, &next), 0);
    for (size_t i = 0; i <= bytes; i++)
        if (frame[i] != (unsigned char)(i * 31 + seed)) {
            EXPECT(!"a byte of the coroutine's frame changed across a switch");
            break;
        }
    return next;
}

static __attribute__((noinline)) void *yield_at_depth_step(size_t bytes, unsigned seed) {
    return yield_at_depth_inner(bytes, seed);
}

static void *yield_at_depth(void *arg) {
    unsigned seed = 1;
    while (arg != (void *)SIZE_MAX) arg = yield_at_depth_step((size_t)(uintptr_t)arg - 1, seed++);
    return NULL;
}

/* Sends `bytes` and checks the coroutine saved at least that much. */
static void depth(sl_coro *c, size_t bytes) {
    void *r = NULL;
    EXPECT_EQ(sl_switch(c, (void *)(uintptr_t)(bytes + 1), &r), 0);
    EXPECT_EQ((size_t)(uintptr_t)r, bytes);
    EXPECT(sl_saved_bytes(c) >= bytes);
}

void case_memory_buffer_reuse_grow_shrink(void) {
    main_coro = sl_current();
    struct sl_mem_stats s0, s1, s2, s3;
    sl_coro *c = sl_new(yield_at_depth, NULL);
    EXPECT_EQ(sl_switch(c, (void *)(uintptr_t)(1024 + 1), NULL), 0);
    /* The same depth again and again: the kept buffers serve, nothing is
     * allocated. */
    depth(c, 1024);
    sl_mem_stats(&s0);
    for (int i = 0; i < 1000; i++) depth(c, 1024);
    sl_mem_stats(&s1);
    EXPECT_EQ(s1.allocs, s0.allocs);
    EXPECT_EQ(s1.live_blocks, s0.live_blocks);
    /* Growth, then shrinkage, then growth again: every byte comes back. */
    static const size_t sizes[] = {16, 64 * 1024, 100, 300 * 1024, 8, 2048, 200 * 1024, 0, 4096};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) depth(c, sizes[i]);
    /* After a 300 KiB save, small saves give the big block back. */
    depth(c, 300 * 1024);
    sl_mem_stats(&s2);
    depth(c, 64);
    depth(c, 64);
    sl_mem_stats(&s3);
    EXPECT(s2.live_bytes - s3.live_bytes > 200 * 1024);
    EXPECT(s3.live_bytes - s0.live_bytes < 64 * 1024);
    EXPECT_EQ(sl_switch(c, (void *)SIZE_MAX, NULL), 0);
    EXPECT_EQ(sl_state(c), SL_DEAD);
    EXPECT_EQ(sl_free(c), 0);
    printf("1000 switches at 1 KiB: %ld allocations; after 300 KiB and then 64 bytes: %ld bytes live (was %ld)\n",
           s1.allocs - s0.allocs, s3.live_bytes, s2.live_bytes);
}

void case_memory_enomem_with_kept_buffer(void) {
    main_coro = sl_current();
    sl_coro *c = sl_new(yield_at_depth, NULL);
    EXPECT_EQ(sl_switch(c, (void *)(uintptr_t)(512 + 1), NULL), 0);
    void *r = NULL;
    for (int i = 0; i < 10; i++) {
        EXPECT_EQ(switch_deep(c, (void *)(uintptr_t)(512 + 1), &r), 0);
        EXPECT_EQ((uintptr_t)r, 512);
    }
    /* Both sides now keep a buffer big enough: the save allocates nothing,
     * and still a failure injected there must change nothing. */
    size_t saved = sl_saved_bytes(c);
    struct sl_mem_stats before, after;
    sl_mem_stats(&before);
    EXPECT_EQ(switch_deep(c, (void *)(uintptr_t)(512 + 1), &r), 0);
    sl_mem_stats(&after);
    EXPECT_EQ(after.allocs, before.allocs);
    EXPECT_EQ(sl_saved_bytes(c), saved);
    sl_debug_fail_allocs_after(0);
    r = (void *)9;
    EXPECT_EQ(switch_deep(c, (void *)(uintptr_t)(512 + 1), &r), SL_ENOMEM);
    sl_debug_fail_allocs_after(-1);
    sl_mem_stats(&after);
    EXPECT_PTR(r, (void *)9);
    EXPECT_PTR(sl_current(), main_coro);
    EXPECT_EQ(sl_state(c), SL_ACTIVE);
    EXPECT_EQ(sl_saved_bytes(c), saved);
    EXPECT_EQ(sl_saved_bytes(main_coro), 0);
    EXPECT_EQ(after.live_blocks, before.live_blocks);
    EXPECT_EQ(after.live_bytes, before.live_bytes);
    /* A failure while main's buffer must grow changes nothing either. */
    sl_debug_fail_allocs_after(0);
    EXPECT_EQ(switch_below(16 * 1024, c, (void *)(uintptr_t)(64 * 1024 + 1), &r), SL_ENOMEM);
    sl_debug_fail_allocs_after(-1);
    EXPECT_EQ(sl_saved_bytes(c), saved);
    /* And then everything works, every byte checked by the coroutine. */
    depth(c, 64 * 1024);
    depth(c, 512);
    EXPECT_EQ(sl_switch(c, (void *)SIZE_MAX, NULL), 0);
    EXPECT_EQ(sl_free(c), 0);
}

void case_memory_free_with_kept_buffer(void) {
    main_coro = sl_current();
    struct sl_mem_stats s0, s1, s2;
    /* Main's own buffer exists from here on. */
    sl_coro *warm = sl_new(yield_at_depth, NULL);
    EXPECT_EQ(sl_switch(warm, (void *)(uintptr_t)(4096 + 1), NULL), 0);
    depth(warm, 4096);
    EXPECT_EQ(sl_switch(warm, (void *)SIZE_MAX, NULL), 0);
    EXPECT_EQ(sl_free(warm), 0);
    sl_mem_stats(&s0);
    sl_coro *c = sl_new(yield_at_depth, NULL);
    EXPECT_EQ(sl_switch(c, (void *)(uintptr_t)(8192 + 1), NULL), 0);
    for (int i = 0; i < 10; i++) depth(c, 8192);
    sl_mem_stats(&s1);
    /* The coroutine and its buffer. */
    EXPECT_EQ(s1.live_blocks - s0.live_blocks, 2);
    EXPECT(s1.live_bytes - s0.live_bytes >= 8192);
    EXPECT_EQ(sl_switch(c, (void *)SIZE_MAX, NULL), 0);
    EXPECT_EQ(sl_state(c), SL_DEAD);
    EXPECT_EQ(sl_free(c), 0);
    sl_mem_stats(&s2);
    EXPECT_EQ(s2.live_blocks, s0.live_blocks);
    EXPECT_EQ(s2.live_bytes, s0.live_bytes);
}

#define MANY 100000

void case_memory_many_kept_buffers(void) {
    main_coro = sl_current();
    static sl_coro *cs[MANY];
    struct sl_mem_stats before, held, after;
    sl_mem_stats(&before);
    size_t saved = 0, kept = 0;
    static size_t first[MANY];
    for (int i = 0; i < MANY; i++) {
        cs[i] = sl_new(yield_at_depth, NULL);
        EXPECT(cs[i] != NULL);
        EXPECT_EQ(sl_switch(cs[i], (void *)(uintptr_t)(i % 7 * 100 + 1), NULL), 0);
        first[i] = sl_saved_bytes(cs[i]);
    }
    /* Each one resumed and suspended again: all hold a kept buffer. */
    for (int i = 0; i < MANY; i++) {
        depth(cs[i], (size_t)(i % 5 * 100));
        size_t now = sl_saved_bytes(cs[i]);
        saved += now;
        kept += now > first[i] ? now : first[i];
    }
    sl_mem_stats(&held);
    long live = held.live_bytes - before.live_bytes;
    /* Bounded: the deepest each saved (a buffer keeps the size of its
     * deepest save, up to the shrink threshold), rounded up to the buffer
     * step, plus the coroutines themselves with their register areas
     * (bounded by what each saved last, loong64's gcc -O0 frames went over
     * by a byte or two each). */
    EXPECT(live <= (long)kept + MANY * (256L + SL_AREA_BYTES + 256L) + 64 * 1024);
    EXPECT(held.live_blocks - before.live_blocks <= 2L * MANY + 1);
    for (int i = 0; i < MANY; i++) {
        EXPECT_EQ(sl_switch(cs[i], (void *)SIZE_MAX, NULL), 0);
        EXPECT_EQ(sl_free(cs[i]), 0);
    }
    sl_mem_stats(&after);
    EXPECT(after.live_blocks - before.live_blocks <= 1);
    EXPECT(after.live_bytes - before.live_bytes < 4096);
    printf("%d coroutines with kept buffers: %zu bytes saved (%zu at their deepest), %ld bytes live in %ld blocks\n", MANY, saved, kept, live,
           held.live_blocks - before.live_blocks);
}

/* ---- a return that cannot be saved --------------------------------------- */

static sl_coro *returner_parent, *returner_child;

static void *return_when_told(void *arg) {
    /* Yield to main, which resumes this one from deep below: main's bytes
     * there, in the parent's region, must be saved for the return. */
    EXPECT_EQ(sl_switch(main_coro, arg, NULL), 0);
    sl_debug_fail_allocs_after(0);
    return (void *)42;
}

static void *start_returner(void *arg) {
    volatile char pad[256];
    memset((char *)pad, 3, sizeof pad);
    SL_PIN(pad);
    sl_coro *child = returner_child = sl_new(return_when_told, NULL);
    void *r = NULL;
    EXPECT_EQ(sl_switch(child, arg, &r), 0);
    /* Resumed by main after the child's return failed: main's value, never
     * the child's. */
    EXPECT_PTR(r, (void *)7);
    EXPECT_EQ(sl_state(child), SL_DEAD);
    EXPECT_EQ(pad[0] + pad[255], 6);
    EXPECT_EQ(sl_free(child), 0);
    return (void *)8;
}

static __attribute__((noinline)) int resume_from_deep(sl_coro *c, void **result) {
    volatile char *pad = __builtin_alloca(4096);
    memset((char *)pad, 5, 4096);
    SL_PIN(pad);
    int rc = sl_switch(c, (void *)3, result);
    return rc + pad[4095] - 5;
}

/* A finished coroutine whose return to its live parent cannot be saved
 * gives its value to no one: not to the grandparent (the parent waits for
 * it) and no abort. The coroutine whose stack lies right above the
 * finished one's, here main, which resumed it, gets SL_ENOMEM with its
 * result untouched; the parent stays suspended with its saved bytes, and
 * runs on when resumed. */
void case_memory_return_enomem_stays_with_parent(void) {
    main_coro = sl_current();
    returner_parent = sl_new(start_returner, NULL);
    void *r = NULL;
    EXPECT_EQ(sl_switch(returner_parent, (void *)1, &r), 0); /* the child yields */
    EXPECT_PTR(r, (void *)1);
    size_t parent_saved = sl_saved_bytes(returner_parent);
    EXPECT(parent_saved > 0);
    struct sl_mem_stats before, after;
    sl_mem_stats(&before);
    r = (void *)9;
    int rc = resume_from_deep(returner_child, &r);
    sl_debug_fail_allocs_after(-1);
    EXPECT_EQ(rc, SL_ENOMEM);
    EXPECT_PTR(r, (void *)9);
    EXPECT_PTR(sl_current(), main_coro);
    EXPECT_EQ(sl_state(returner_child), SL_DEAD);
    EXPECT_EQ(sl_state(returner_parent), SL_ACTIVE);
    EXPECT_EQ(sl_saved_bytes(returner_parent), parent_saved);
    sl_mem_stats(&after);
    EXPECT(after.live_blocks <= before.live_blocks);
    EXPECT_EQ(sl_switch(returner_parent, (void *)7, &r), 0);
    EXPECT_PTR(r, (void *)8);
    EXPECT_EQ(sl_state(returner_parent), SL_DEAD);
    EXPECT_EQ(sl_free(returner_parent), 0);
}
