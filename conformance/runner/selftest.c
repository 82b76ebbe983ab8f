/* The runner's own cases, run with --selftest instead of the conformance
 * cases: each misbehaves the way a broken port does, so the harness tests
 * can prove that every kind of misbehaviour is reported, and never as a pass. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cases.h"
#include "check.h"

static void selftest_pass(void) { EXPECT(1); }

static void selftest_fail(void) {
    printf("x19: want 0x1111111111111111 got 0x0\n");
    EXPECT_EQ(1, 2);
}

static void selftest_crash(void) {
    printf("about to crash\n");
    fflush(stdout);
    raise(SIGSEGV);
}

static void selftest_exit_early(void) { exit(0); }

static void selftest_hang(void) {
    for (;;) pause();
}

/* The sanitizer build must fail these two; elsewhere they pass: the leak is
 * harmless and the byte written lies inside malloc's usable size. */
void *volatile selftest_sink;

static void selftest_leak(void) {
    for (int i = 0; i < 10; i++) selftest_sink = malloc(100);
    selftest_sink = NULL;
}

static void selftest_overflow(void) {
    volatile char *block = malloc(16);
    volatile int past_the_end = 16;
    block[past_the_end] = 1;
    free((void *)block);
}

const struct sl_case sl_selftests[] = {
    {"selftest_pass", selftest_pass},
    {"selftest_fail", selftest_fail},
    {"selftest_crash", selftest_crash},
    {"selftest_exit_early", selftest_exit_early},
    {"selftest_hang", selftest_hang},
    {"selftest_leak", selftest_leak},
    {"selftest_overflow", selftest_overflow},
};
const int sl_selftest_count = sizeof sl_selftests / sizeof sl_selftests[0];
