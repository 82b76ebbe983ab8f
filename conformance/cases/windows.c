/* Register windows: live values in the registers of many frames, on both
 * sides of switches made deep in recursion.
 *
 * Two coroutines recurse 40 to 120 levels deep, several times each, and
 * switch to each other at random levels on the way down and on the way up,
 * the second one started from deep inside the first. Every level holds ten
 * live values across the switches and the call below it: eight random ones
 * and its own arguments, which a compiler keeps in registers that survive
 * calls (callee-saved registers; on sparc64 the %l and %i registers of the
 * level's own window). On a machine with register windows a switch must
 * flush every window of the side that leaves to its frame before the slice
 * is copied, and the returns of the other side must fill each window back
 * from the frames the core restored, level after level: a window left in
 * the CPU, or filled from memory that is not yet the target's, shows as a
 * changed value at some level. Elsewhere the same case checks the
 * callee-saved registers of a deep chain of compiled frames. Each level
 * compares its values against copies in volatile memory, which no compiler
 * can fold into the values themselves. */
#include "check.h"

#include <stdint.h>

enum { SIDES = 2, DESCENTS = 4, SHALLOWEST = 40, DEEPEST = 120 };

static struct {
    sl_coro *main;
    sl_coro *sides[SIDES];
    uint64_t rng[SIDES];
    long switches;
} win;

/* To the other side while it lives (starting it the first time, from
 * wherever this one is), else to main, which resumes this one. */
static void yield_to_other(int who) {
    sl_coro *other = win.sides[!who];
    sl_coro *to = sl_state(other) == SL_DEAD ? win.main : other;
    win.switches++;
    EXPECT_EQ(sl_switch(to, (void *)(intptr_t)!who, NULL), 0);
}

static void maybe_yield(int who) {
    if (sl_rand(&win.rng[who]) % 3 == 0) yield_to_other(who);
}

enum { VALUES = 10 };

/* A level's values as it holds them now against the copies it kept. */
static void check_level(const uint64_t now[VALUES], const volatile uint64_t kept[VALUES], const char *when) {
    for (int i = 0; i < VALUES; i++)
        if (now[i] != kept[i])
            sl_check_fail(__FILE__, __LINE__, "side %d, level %d, %s: value %d is %#llx, want %#llx", (int)kept[8],
                          (int)kept[9], when, i, (unsigned long long)now[i], (unsigned long long)kept[i]);
}

#define CHECK_LEVEL(when) \
    check_level((const uint64_t[VALUES]){v0, v1, v2, v3, v4, v5, v6, v7, (uint64_t)who, (uint64_t)depth}, kept, when)

static uint64_t descend(int who, int depth, int bottom) {
    uint64_t *rng = &win.rng[who];
    uint64_t v0 = sl_rand(rng), v1 = sl_rand(rng), v2 = sl_rand(rng), v3 = sl_rand(rng);
    uint64_t v4 = sl_rand(rng), v5 = sl_rand(rng), v6 = sl_rand(rng), v7 = sl_rand(rng);
    volatile uint64_t kept[VALUES] = {v0, v1, v2, v3, v4, v5, v6, v7, (uint64_t)who, (uint64_t)depth};
    maybe_yield(who);
    CHECK_LEVEL("after a switch on the way down");
    uint64_t below = 0;
    if (depth < bottom) {
        below = descend(who, depth + 1, bottom);
        CHECK_LEVEL("after the return from the level below");
    } else {
        /* At the bottom: both sides deep at once. */
        yield_to_other(who);
        CHECK_LEVEL("after a switch at the bottom");
    }
    maybe_yield(who);
    CHECK_LEVEL("after a switch on the way up");
    return below + (v0 ^ v1) + (v2 ^ v3) + (v4 ^ v5) + (v6 ^ v7) + (uint64_t)depth * (uint64_t)(who + 1);
}

static void *side(void *arg) {
    int who = (int)(intptr_t)arg;
    for (int i = 0; i < DESCENTS; i++) {
        int bottom = SHALLOWEST + (int)(sl_rand(&win.rng[who]) % (DEEPEST - SHALLOWEST + 1));
        descend(who, 0, bottom);
    }
    return NULL;
}

void case_stack_windows_deep_recursion(void) {
    win.main = sl_current();
    win.switches = 0;
    for (int i = 0; i < SIDES; i++) {
        win.sides[i] = sl_new(side, NULL);
        win.rng[i] = 0x5eed0000u + (uint64_t)i;
    }
    for (int i = 0; i < SIDES; i++)
        while (sl_state(win.sides[i]) != SL_DEAD) EXPECT_EQ(sl_switch(win.sides[i], (void *)(intptr_t)i, NULL), 0);
    /* Every level switches at least at the bottom, and a third of them twice more. */
    EXPECT(win.switches >= 2 * DESCENTS * SHALLOWEST / 3);
    for (int i = 0; i < SIDES; i++) EXPECT_EQ(sl_free(win.sides[i]), 0);
}
