#include "check.h"

#include <stdarg.h>

/* Shared by every thread, through the __atomic builtins (core/slice.c says
 * why not <stdatomic.h>). */
static int failures;

/* Failures past the first few are counted, not printed; those that are no
 * rounding mode are said at the end (sl_check_report_hidden), so a case
 * whose printed failures all read as rounding modes cannot hide another
 * one behind them (conformance/foreign.go excuses only rounding modes). */
static int hidden_other;

static void check_vfail(int rounding, const char *file, int line, const char *fmt, va_list ap) {
    /* Enough detail to act on; the first few only, so a broken loop stays readable. */
    if (__atomic_fetch_add(&failures, 1, __ATOMIC_SEQ_CST) >= 20) {
        if (!rounding) __atomic_fetch_add(&hidden_other, 1, __ATOMIC_SEQ_CST);
        return;
    }
    printf("%s:%d: ", file, line);
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
}

void sl_check_fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    check_vfail(0, file, line, fmt, ap);
    va_end(ap);
}

void sl_check_fail_rounding(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    check_vfail(1, file, line, fmt, ap);
    va_end(ap);
}

void sl_check_report_hidden(void) {
    int n = __atomic_load_n(&hidden_other, __ATOMIC_SEQ_CST);
    if (n > 0) printf("sl-check: %d more failure(s) not printed, not rounding modes\n", n);
}

int sl_check_failures(void) { return __atomic_load_n(&failures, __ATOMIC_SEQ_CST); }

uint64_t sl_rand(uint64_t *state) {
    uint64_t x = *state += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}
