#include "check.h"

#include <stdarg.h>
#include <stdatomic.h>

static atomic_int failures;

void sl_check_fail(const char *file, int line, const char *fmt, ...) {
    /* Enough detail to act on; the first few only, so a broken loop stays readable. */
    if (atomic_fetch_add(&failures, 1) >= 20) return;
    va_list ap;
    va_start(ap, fmt);
    printf("%s:%d: ", file, line);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
}

int sl_check_failures(void) { return atomic_load(&failures); }

uint64_t sl_rand(uint64_t *state) {
    uint64_t x = *state += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}
