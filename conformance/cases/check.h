/* What a conformance case may call: expectations that record a failure and
 * go on, so one run names every problem it sees. */
#ifndef STACKSLICE_CHECK_H
#define STACKSLICE_CHECK_H

#include <stdint.h>
#include <stdio.h>

#include "slice.h"

void sl_check_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int sl_check_failures(void);
/* A rounding mode other than the one expected (fpcontrol.c's EXPECT_ROUNDING). */
void sl_check_fail_rounding(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Says how many failures past the printed ones were no rounding mode. */
void sl_check_report_hidden(void);

#define EXPECT(cond)                                                          \
    do {                                                                      \
        if (!(cond)) sl_check_fail(__FILE__, __LINE__, "expected %s", #cond); \
    } while (0)

#define EXPECT_EQ(got, want)                                                  \
    do {                                                                      \
        long long got_ = (long long)(got), want_ = (long long)(want);         \
        if (got_ != want_)                                                    \
            sl_check_fail(__FILE__, __LINE__, "%s = %lld, want %s = %lld",    \
                          #got, got_, #want, want_);                          \
    } while (0)

#define EXPECT_PTR(got, want)                                                 \
    do {                                                                      \
        const void *got_ = (got), *want_ = (want);                            \
        if (got_ != want_)                                                    \
            sl_check_fail(__FILE__, __LINE__, "%s = %p, want %s = %p",        \
                          #got, got_, #want, want_);                          \
    } while (0)

/* Keeps every byte of a stack array a case relies on for depth: clang -O2
 * keeps only the accessed bytes of a `volatile char pad[N]`, and an empty
 * asm that takes the array's address and clobbers memory makes the whole
 * array live. */
#define SL_PIN(array) __asm__ volatile("" : : "r"(array) : "memory")

/* Set by the runner's --thorough (the full matrix): a case with a budget
 * (the random programs of model.c) spends a longer one. */
extern int sl_thorough;

/* A small deterministic generator, so a failing run can be repeated. */
uint64_t sl_rand(uint64_t *state);

#endif
