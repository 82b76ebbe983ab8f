/* Alignment: the stack is ABI-aligned at entry and after every resume. */
#include "check.h"
#include "probe.h"

#include <stdio.h>
#include <string.h>

static sl_coro *main_coro;

static void expect_aligned(const char *where) {
    uintptr_t sp = sl_probe_call_sp();
    if (sp % sl_probe_stack_align)
        sl_check_fail(__FILE__, __LINE__, "%s: stack pointer %#lx is not %u-byte aligned", where,
                      (unsigned long)sp, (unsigned)sl_probe_stack_align);
    _Alignas(64) unsigned char line[64];
    EXPECT_EQ((uintptr_t)line % 64, 0);
    memset(line, 1, sizeof line);
    char text[64];
    volatile double third = 1.0 / 3.0;
    snprintf(text, sizeof text, "%f %.3e", third, third * 1e10);
    EXPECT(strcmp(text, "0.333333 3.333e+09") == 0);
}

static void *yield_aligned(void *arg) {
    expect_aligned("coroutine entry");
    for (int i = 0; i < 10; i++) {
        EXPECT_EQ(sl_switch(main_coro, arg, NULL), 0);
        expect_aligned("coroutine resume");
    }
    return NULL;
}

static void start_at_odd_depth(int depth) {
    /* Frames of odd sizes move the starting point around. */
    volatile char pad[24 * (depth % 3) + 8];
    pad[0] = 0;
    SL_PIN(pad);
    if (depth > 0) {
        start_at_odd_depth(depth - 1);
        return;
    }
    sl_coro *c = sl_new(yield_aligned, NULL);
    while (sl_state(c) != SL_DEAD) {
        EXPECT_EQ(sl_switch(c, NULL, NULL), 0);
        expect_aligned("main after resume");
    }
    EXPECT_EQ(sl_free(c), 0);
}

void case_alignment_entry_and_resume(void) {
    main_coro = sl_current();
    for (int depth = 0; depth < 6; depth++) start_at_odd_depth(depth);
}
