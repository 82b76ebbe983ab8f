/* FP control state belongs to each coroutine: rounding modes stay apart. */
#include "check.h"

#include <fenv.h>

static const int modes[] = {FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
enum { COROS = 3, ROUNDS = 200 };
static sl_coro *coros[COROS];

/* The hardware's mode, seen through arithmetic rather than fegetround:
 * 1/3 rounds down to nearest and 1/10 rounds up, so the four modes differ. */
static int rounding_seen(void) {
    volatile double one = 1.0, three = 3.0, ten = 10.0;
    const double third = 1.0 / 3.0, tenth = 1.0 / 10.0; /* folded at compile time: nearest */
    volatile double up = one / three, down = -one / three, tenth_now = one / ten;
    if (up > third) return FE_UPWARD;
    if (down < -third) return FE_DOWNWARD;
    if (tenth_now < tenth) return FE_TOWARDZERO;
    return FE_TONEAREST;
}

static void *keep_mode(void *arg) {
    int id = (int)(intptr_t)arg;
    /* a new coroutine starts with its starter's mode: main's, or the previous one's */
    EXPECT_EQ(fegetround(), id == 0 ? FE_TONEAREST : modes[id - 1]);
    EXPECT_EQ(fesetround(modes[id]), 0);
    for (int round = 0; round < ROUNDS; round++) {
        EXPECT_EQ(sl_switch(coros[(id + 1) % COROS], (void *)(intptr_t)((id + 1) % COROS), NULL), 0);
        if (fegetround() != modes[id] || rounding_seen() != modes[id])
            sl_check_fail(__FILE__, __LINE__, "coroutine %d, round %d: rounding mode %d, want %d",
                          id, round, fegetround(), modes[id]);
    }
    return NULL;
}

void case_fp_rounding_per_coroutine(void) {
    EXPECT_EQ(fegetround(), FE_TONEAREST);
    for (int i = 0; i < COROS; i++) coros[i] = sl_new(keep_mode, NULL);
    EXPECT_EQ(sl_switch(coros[0], (void *)0, NULL), 0);
    EXPECT_EQ(fegetround(), FE_TONEAREST);
    EXPECT_EQ(rounding_seen(), FE_TONEAREST);
    for (int i = 0; i < COROS; i++) {
        while (sl_state(coros[i]) != SL_DEAD) sl_switch(coros[i], (void *)(intptr_t)i, NULL);
        EXPECT_EQ(fegetround(), FE_TONEAREST);
        EXPECT_EQ(sl_free(coros[i]), 0);
    }
}

static void *report_mode(void *arg) {
    (void)arg;
    return (void *)(intptr_t)fegetround();
}

void case_fp_new_inherits_starter(void) {
    for (unsigned i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        EXPECT_EQ(fesetround(modes[i]), 0);
        sl_coro *c = sl_new(report_mode, NULL);
        void *seen = NULL;
        EXPECT_EQ(sl_switch(c, NULL, &seen), 0);
        EXPECT_EQ((intptr_t)seen, modes[i]);
        EXPECT_EQ(fegetround(), modes[i]);
        EXPECT_EQ(sl_free(c), 0);
    }
    fesetround(FE_TONEAREST);
}
