/* Memory: bounded over many coroutines; a failed save changes nothing. */
#include "check.h"

#include <errno.h>
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
    EXPECT_EQ(after.live_blocks, before.live_blocks);
    EXPECT_EQ(after.live_bytes, before.live_bytes);
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
    EXPECT_EQ(sl_switch(c, (void *)5, &r), SL_ENOMEM);
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
