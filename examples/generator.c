/* A generator: a coroutine hands out values one at a time, each from the
 * middle of its own loop, and the caller pulls them until it is done.
 *
 * Build with the library and its pkg-config file, for example:
 *   cc $(pkg-config --cflags stackslice) generator.c $(pkg-config --libs --static stackslice) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "slice.h"

static sl_coro *consumer;

/* Yields the Fibonacci numbers below the limit it is started with. */
static void *fibonacci(void *limit) {
    uintptr_t a = 0, b = 1;
    while (a < (uintptr_t)limit) {
        if (sl_switch(consumer, (void *)a, NULL) != 0) return NULL;
        uintptr_t next = a + b;
        a = b;
        b = next;
    }
    return NULL; /* finished: the parent, the consumer, gets NULL */
}

int main(void) {
    if (sl_version() >> 16 != SL_VERSION_MAJOR) {
        fprintf(stderr, "library version %d.%d, built for %d.%d\n", sl_version() >> 16, sl_version() & 0xffff,
                SL_VERSION_MAJOR, SL_VERSION_MINOR);
        return 1;
    }
    consumer = sl_current();
    sl_coro *gen = sl_new(fibonacci, NULL);
    if (!gen) {
        perror("sl_new");
        return 1;
    }
    void *value = (void *)1000;
    int n = 0;
    /* The first switch starts the generator with its argument; each later
     * one resumes it where it yielded. */
    for (;;) {
        if (sl_switch(gen, value, &value) != 0) return 1;
        if (sl_state(gen) == SL_DEAD) break;
        printf("%s%lu", n++ ? " " : "", (unsigned long)(uintptr_t)value);
    }
    printf("\n%d values\n", n);
    return sl_free(gen) == 0 ? 0 : 1;
}
