/* FP control state belongs to each coroutine: rounding modes stay apart.
 *
 * Soft-float (arm's __SOFTFP__: armel) has no FP control state for a port
 * to keep: FP arithmetic is library code that rounds to nearest only, and
 * the port must not touch VFP, which the CPU may lack (glibc's fesetround
 * then refuses every other mode). There the cases switch exactly as on
 * hard-float and check what holds instead: every coroutine, at its start
 * and after every resume, computes in round-to-nearest. */
#include "check.h"

#include <fenv.h>
#include <string.h>

#if defined(__SOFTFP__)
enum { HARD_FLOAT = 0 };
#else
enum { HARD_FLOAT = 1 };
#endif

/* The directed modes the target has: <fenv.h> defines a mode's macro only
 * where the hardware rounds so (SH-4's FPSCR has nearest and toward zero
 * only). Nearest closes the ring, so that it holds two modes at least. */
static const int modes[] = {
#ifdef FE_UPWARD
    FE_UPWARD,
#endif
#ifdef FE_DOWNWARD
    FE_DOWNWARD,
#endif
    FE_TOWARDZERO, FE_TONEAREST};
#ifndef FE_UPWARD
#define FE_UPWARD (-1) /* never set: a result rounded up is no mode of the target */
#endif
#ifndef FE_DOWNWARD
#define FE_DOWNWARD (-2)
#endif
enum { COROS = sizeof modes / sizeof modes[0], ROUNDS = 200 };
static sl_coro *coros[COROS];

/* The hardware's mode, seen through arithmetic rather than fegetround:
 * 1/3 rounds down to nearest and 1/10 rounds up, so the four modes differ
 * (a target without FE_UPWARD or FE_DOWNWARD reports those as -1 and -2).
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

/* The mode coroutine id sets (and keeps), and the one it starts with. */
static int mode_of(int id) { return HARD_FLOAT && id >= 0 ? modes[id] : FE_TONEAREST; }

static void *keep_mode(void *arg) {
    int id = (int)(intptr_t)arg;
    /* a new coroutine starts with its starter's mode: main's, or the previous one's */
    EXPECT_ROUNDING(rounding_seen(), mode_of(id - 1), "coroutine %d at its start: rounding mode %d, want %d", id);
    if (HARD_FLOAT) EXPECT_EQ(fesetround(modes[id]), 0);
    for (int round = 0; round < ROUNDS; round++) {
        EXPECT_EQ(sl_switch(coros[(id + 1) % COROS], (void *)(intptr_t)((id + 1) % COROS), NULL), 0);
        EXPECT_ROUNDING(rounding_seen(), mode_of(id), "coroutine %d, round %d: rounding mode %d, want %d", id, round);
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
    for (int i = 0; i < (int)(sizeof modes / sizeof modes[0]); i++) {
        if (HARD_FLOAT) EXPECT_EQ(fesetround(modes[i]), 0);
        sl_coro *c = sl_new(report_mode, NULL);
        void *seen = NULL;
        EXPECT_EQ(sl_switch(c, NULL, &seen), 0);
        EXPECT_ROUNDING((int)(intptr_t)seen, mode_of(i), "new coroutine %d: rounding mode %d, want %d", i);
        EXPECT_ROUNDING(rounding_seen(), mode_of(i), "main after new coroutine %d: rounding mode %d, want %d", i);
        EXPECT_EQ(sl_free(c), 0);
    }
    fesetround(FE_TONEAREST);
}

/* FP values a coroutine holds across its switches, in both coroutines at
 * once: on a hard-float ABI the compiler keeps them in callee-saved FP
 * registers, on soft-float (armel) in pairs of callee-saved core registers
 * (r4-r11), where the port must keep them although it saves no FP register.
 * Each side's results are compared, bit for bit, with the same loop run with
 * no switch; every step is exact, so excess precision (x87) and contraction
 * cannot tell the two apart. On soft-float the proof also needs a CPU with
 * no VFP unit, where a port that touches VFP traps (the soft-float ABI
 * promises none): the case fails when the CPU has one. */
#if defined(__SOFTFP__) && defined(__arm__)
#include <sys/auxv.h>
enum { HWCAP_VFP_BIT = 1 << 6 }; /* HWCAP_ARM_VFP */
static const char *soft_float_cpu_problem(void) {
    return getauxval(AT_HWCAP) & HWCAP_VFP_BIT ? "the CPU has a VFP unit, so a port that touches VFP would go unseen: run armel on a CPU without one (port.json qemu_cpu)" : NULL;
}
#else
static const char *soft_float_cpu_problem(void) { return NULL; }
#endif

enum { VALUE_ROUNDS = 100 };

struct fp_values {
    double d0, d1, d2, d3;
    float f0, f1;
};

static const struct fp_values fp_start[2] = {{1.5, -2.25, 3.0, 0.75, 0.5f, 1e30f},
                                             {-7.0, 1e6, -5.0, -0.5, 3.0f, -3e29f}};
static sl_coro *fp_main;
static struct fp_values fp_coroutine_result;

/* The values live in locals across each switch, so the compiler keeps them
 * in callee-saved registers (or the frame) across sl_switch. */
__attribute__((noinline)) static struct fp_values fp_run(int side, sl_coro *other) {
    double d0 = fp_start[side].d0, d1 = fp_start[side].d1, d2 = fp_start[side].d2, d3 = fp_start[side].d3;
    float f0 = fp_start[side].f0, f1 = fp_start[side].f1;
    for (int round = 0; round < VALUE_ROUNDS; round++) {
        d0 += 0.5;
        d1 -= 0.25 * (round & 3);
        d2 *= 2.0;
        d3 = 1.5 - d3;
        f0 += 0.125f;
        f1 *= 0.5f;
        if (other) EXPECT_EQ(sl_switch(other, NULL, NULL), 0);
    }
    struct fp_values v = {d0, d1, d2, d3, f0, f1};
    return v;
}

static void *fp_other_side(void *arg) {
    (void)arg;
    fp_coroutine_result = fp_run(1, fp_main);
    return NULL;
}

static void expect_values(const char *side, const struct fp_values *got, const struct fp_values *want) {
    if (memcmp(got, want, sizeof *got) != 0)
        sl_check_fail(__FILE__, __LINE__, "%s: FP values changed across switches: got %a %a %a %a %a %a, want %a %a %a %a %a %a",
                      side, got->d0, got->d1, got->d2, got->d3, (double)got->f0, (double)got->f1, want->d0, want->d1,
                      want->d2, want->d3, (double)want->f0, (double)want->f1);
}

void case_fp_values_across_switch(void) {
    const char *problem = soft_float_cpu_problem();
    if (problem) sl_check_fail(__FILE__, __LINE__, "soft-float: %s", problem);
    fp_main = sl_current();
    sl_coro *c = sl_new(fp_other_side, NULL);
    EXPECT_EQ(sl_switch(c, NULL, NULL), 0); /* started: it runs a round, then switches back */
    struct fp_values mine = fp_run(0, c);    /* the last switch resumes its last round: it returns */
    EXPECT_EQ(sl_state(c), SL_DEAD);
    EXPECT_EQ(sl_free(c), 0);
    struct fp_values want0 = fp_run(0, NULL), want1 = fp_run(1, NULL);
    expect_values("main", &mine, &want0);
    expect_values("coroutine", &fp_coroutine_result, &want1);
}
