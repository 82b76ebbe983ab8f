/* FP control state belongs to each coroutine: rounding modes stay apart. */
#include "check.h"

#include <fenv.h>

static const int modes[] = {FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
enum { COROS = 3, ROUNDS = 200 };
static sl_coro *coros[COROS];

/* The hardware's mode, seen through arithmetic rather than fegetround:
 * 1/3 rounds down to nearest and 1/10 rounds up, so the four modes differ.
 * It is what a coroutine's arithmetic actually gets, and it needs no libm
 * reading of the control register: glibc's fegetround on powerpc uses mffsl,
 * which real pre-POWER9 hardware runs as mffs but qemu-ppc 7.2 refuses. */
static int rounding_seen(void) {
    volatile double one = 1.0, three = 3.0, ten = 10.0;
    const double third = 1.0 / 3.0, tenth = 1.0 / 10.0; /* folded at compile time: nearest */
    volatile double up = one / three, down = -one / three, tenth_now = one / ten;
    if (up > third) return FE_UPWARD;
    if (down < -third) return FE_DOWNWARD;
    if (tenth_now < tenth) return FE_TOWARDZERO;
    return FE_TONEAREST;
}

/* A rounding mode other than the one expected. Said in these words
 * ("rounding mode <got>, want <want>") and no others: for a foreign port
 * that declares its rounding register not claimed, a case whose every
 * failure reads so is a known gap (conformance/foreign.go); any other
 * failure (printed, or counted past the printed ones: check.c), a crash or
 * a timeout still fails it. */
#define EXPECT_ROUNDING(got, want, ...)                                                         \
    do {                                                                                        \
        int got_ = (got), want_ = (want);                                                       \
        if (got_ != want_) sl_check_fail_rounding(__FILE__, __LINE__, __VA_ARGS__, got_, want_); \
    } while (0)

static void *keep_mode(void *arg) {
    int id = (int)(intptr_t)arg;
    /* a new coroutine starts with its starter's mode: main's, or the previous one's */
    EXPECT_ROUNDING(rounding_seen(), id == 0 ? FE_TONEAREST : modes[id - 1], "coroutine %d at its start: rounding mode %d, want %d", id);
    EXPECT_EQ(fesetround(modes[id]), 0);
    for (int round = 0; round < ROUNDS; round++) {
        EXPECT_EQ(sl_switch(coros[(id + 1) % COROS], (void *)(intptr_t)((id + 1) % COROS), NULL), 0);
        EXPECT_ROUNDING(rounding_seen(), modes[id], "coroutine %d, round %d: rounding mode %d, want %d", id, round);
    }
    return NULL;
}

void case_fp_rounding_per_coroutine(void) {
    EXPECT_ROUNDING(rounding_seen(), FE_TONEAREST, "main at the start: rounding mode %d, want %d");
    for (int i = 0; i < COROS; i++) coros[i] = sl_new(keep_mode, NULL);
    EXPECT_EQ(sl_switch(coros[0], (void *)0, NULL), 0);
    EXPECT_ROUNDING(rounding_seen(), FE_TONEAREST, "main, back: rounding mode %d, want %d");
    for (int i = 0; i < COROS; i++) {
        while (sl_state(coros[i]) != SL_DEAD) sl_switch(coros[i], (void *)(intptr_t)i, NULL);
        EXPECT_ROUNDING(rounding_seen(), FE_TONEAREST, "main, coroutine %d done: rounding mode %d, want %d", i);
        EXPECT_EQ(sl_free(coros[i]), 0);
    }
}

static void *report_mode(void *arg) {
    (void)arg;
    return (void *)(intptr_t)rounding_seen();
}

void case_fp_new_inherits_starter(void) {
    for (unsigned i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        EXPECT_EQ(fesetround(modes[i]), 0);
        sl_coro *c = sl_new(report_mode, NULL);
        void *seen = NULL;
        EXPECT_EQ(sl_switch(c, NULL, &seen), 0);
        EXPECT_ROUNDING((int)(intptr_t)seen, modes[i], "new coroutine %u: rounding mode %d, want %d", i);
        EXPECT_ROUNDING(rounding_seen(), modes[i], "main after new coroutine %u: rounding mode %d, want %d", i);
        EXPECT_EQ(sl_free(c), 0);
    }
    fesetround(FE_TONEAREST);
}
