/* The switch benchmark: stackslice against its peers, on the target side.
 *
 *   bench time <rounds> <scale> <first>
 *                                   interleaved rounds over every contender and
 *                                   size, numbered from <first>; one line per
 *                                   measurement:
 *                                   "ns <contender> <bytes> <round> <ns per switch>"
 *                                   Each round runs at another stack offset
 *                                   within a page: how stack and heap addresses
 *                                   alias modulo 4 KiB changes a switch's time
 *                                   by a third, and the minimum over the rounds
 *                                   takes every contender at its best.
 *   bench count <contender> <bytes> <n>
 *                                   n round trips (2n switches) of one contender
 *                                   and nothing else, for instruction counters
 *                                   (callgrind, QEMU): the harness runs two n and
 *                                   divides the difference. Prints
 *                                   "allocs <n>": the core's heap allocations
 *                                   during the round trips.
 *   bench list                      the contenders, one a line
 *
 * Contenders: stackslice (the coroutine holds <bytes> on its stack, the main
 * side nothing: one copy of <bytes> each way), stackslice-both (both sides
 * hold <bytes>: two copies per switch), memcpy (one copy of <bytes>),
 * swapcontext, fcontext (boost.context's jump_fcontext, built in when
 * SL_BENCH_FCONTEXT is defined) and libaco (libaco's copy-stack mode, built
 * in when SL_BENCH_LIBACO is defined: two coroutines on one shared stack,
 * each holding <bytes>, resumed in turn from the main one, so a round trip
 * saves one and restores the other: one copy of <bytes> each way, like
 * stackslice). Times are one-way switches. */
#define _GNU_SOURCE
#include <alloca.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>

#include "slice.h"
#include "slice_debug.h"

#define NOINLINE __attribute__((noinline))
/* The timed loops start on a cache line of their own: where the linker puts
 * them otherwise moves fcontext between 5.3 and 8.8 ns here. */
#define LOOP __attribute__((noinline, aligned(64)))

static const size_t sizes[] = {0, 64, 256, 1024, 4096, 16384, 65536, 131072};
#define NSIZES (sizeof sizes / sizeof sizes[0])
#define MAXBYTES 131072

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Touches a stack area, so it is really there and really copied. */
static void touch(volatile char *p, size_t n) {
    for (size_t i = 0; i < n; i += 64) p[i] = (char)i;
}

/* ---- stackslice --------------------------------------------------------- */

static sl_coro *ss_main, *ss_coro;
static size_t ss_coro_bytes;
static long ss_loop_allocs; /* heap allocations of the core during the last loop */
static size_t ss_loop_saved; /* the suspended coroutine's saved slice after the last loop */

static LOOP void *ss_pong(void *arg) {
    volatile char *frame = alloca(ss_coro_bytes + 16);
    touch(frame, ss_coro_bytes + 16);
    void *v = arg;
    while (v) sl_switch(ss_main, v, &v);
    return (void *)(intptr_t)frame[0];
}

static void ss_start(void) {
    if (sl_switch(ss_coro, (void *)1, NULL) != 0) {
        fprintf(stderr, "bench: starting a coroutine failed\n");
        exit(2);
    }
}

/* Runs n round trips from a frame that holds main_bytes in the coroutine's
 * region; returns the time they took. With none, the coroutine starts from
 * this very frame, so its region lies deeper than the frame that switches
 * to it and the main side has nothing to save: one copy each way, as
 * libaco's main coroutine, which runs on a stack of its own. Otherwise it
 * started from the caller's frame, and this frame's main_bytes (and the
 * frame itself) lie in its region: two copies each way. */
static LOOP double ss_ping(size_t main_bytes, long n) {
    volatile char *frame = alloca(main_bytes + 16);
    touch(frame, main_bytes + 16);
    if (!main_bytes) ss_start();
    struct sl_mem_stats before, after;
    sl_mem_stats(&before);
    void *v = (void *)1;
    double t0 = now_ns();
    for (long i = 0; i < n; i++) sl_switch(ss_coro, v, &v);
    double t1 = now_ns();
    sl_mem_stats(&after);
    ss_loop_allocs = after.allocs - before.allocs;
    return t1 - t0 + frame[0] * 0.0;
}

static double run_stackslice(size_t coro_bytes, size_t main_bytes, long n) {
    ss_main = sl_current();
    ss_coro_bytes = coro_bytes;
    ss_coro = sl_new(ss_pong, NULL);
    if (!ss_coro) {
        fprintf(stderr, "bench: creating a coroutine failed\n");
        exit(2);
    }
    if (main_bytes) ss_start();
    double t = ss_ping(main_bytes, n);
    ss_loop_saved = sl_saved_bytes(ss_coro);
    if (sl_switch(ss_coro, NULL, NULL) != 0 || sl_state(ss_coro) != SL_DEAD || sl_free(ss_coro) != 0) {
        fprintf(stderr, "bench: ending a coroutine failed\n");
        exit(2);
    }
    return t / (2.0 * (double)n);
}

/* ---- memcpy ------------------------------------------------------------- */

static char copy_src[MAXBYTES], copy_dst[MAXBYTES];
static void *(*volatile copy_fn)(void *, const void *, size_t) = memcpy;

static LOOP double run_memcpy(size_t bytes, long n) {
    double t0 = now_ns();
    for (long i = 0; i < n; i++) copy_fn(copy_dst, copy_src, bytes);
    double t1 = now_ns();
    return (t1 - t0) / (double)n;
}

/* ---- swapcontext -------------------------------------------------------- */

static ucontext_t uc_main, uc_coro;

static LOOP void uc_pong(void) {
    for (;;) swapcontext(&uc_coro, &uc_main);
}

static LOOP double run_swapcontext(long n) {
    static char *stack;
    if (!stack) {
        stack = malloc(1 << 16);
        getcontext(&uc_coro);
        uc_coro.uc_stack.ss_sp = stack;
        uc_coro.uc_stack.ss_size = 1 << 16;
        uc_coro.uc_link = NULL;
        makecontext(&uc_coro, uc_pong, 0);
    }
    double t0 = now_ns();
    for (long i = 0; i < n; i++) swapcontext(&uc_main, &uc_coro);
    double t1 = now_ns();
    return (t1 - t0) / (2.0 * (double)n);
}

/* ---- boost.context fcontext --------------------------------------------- */

#ifdef SL_BENCH_FCONTEXT
typedef void *fcontext_t;
typedef struct {
    fcontext_t fctx;
    void *data;
} transfer_t;
/* extern "C" in boost/context/detail/fcontext.hpp */
transfer_t jump_fcontext(fcontext_t const to, void *vp);
fcontext_t make_fcontext(void *sp, size_t size, void (*fn)(transfer_t));

static LOOP void fc_pong(transfer_t t) {
    for (;;) t = jump_fcontext(t.fctx, t.data);
}

static LOOP double run_fcontext(long n) {
    static fcontext_t coro;
    if (!coro) {
        char *stack = malloc(1 << 16);
        coro = make_fcontext(stack + (1 << 16), 1 << 16, fc_pong);
        coro = jump_fcontext(coro, NULL).fctx;
    }
    double t0 = now_ns();
    for (long i = 0; i < n; i++) coro = jump_fcontext(coro, NULL).fctx;
    double t1 = now_ns();
    return (t1 - t0) / (2.0 * (double)n);
}
#endif

/* ---- libaco, copy-stack mode -------------------------------------------- */

#ifdef SL_BENCH_LIBACO
#include "aco.h"

static aco_t *aco_main;
static aco_share_stack_t *aco_stack;
static size_t aco_bytes;

static LOOP void aco_pong(void) {
    volatile char *frame = alloca(aco_bytes + 16);
    touch(frame, aco_bytes + 16);
    for (;;) aco_yield();
}

/* Each resume finds the other coroutine on the shared stack: it saves that
 * one's bytes and restores its own; the yield copies nothing. */
static LOOP double aco_ping(aco_t *const coros[2], long n) {
    double t0 = now_ns();
    for (long i = 0; i < n; i++) aco_resume(coros[i & 1]);
    double t1 = now_ns();
    return t1 - t0;
}

static double run_libaco(size_t bytes, long n) {
    if (!aco_main) {
        aco_thread_init(NULL);
        aco_main = aco_create(NULL, NULL, 0, NULL, NULL);
        aco_stack = aco_share_stack_new(2 * MAXBYTES + 65536);
    }
    aco_bytes = bytes;
    aco_t *coros[2] = {aco_create(aco_main, aco_stack, 0, aco_pong, NULL),
                       aco_create(aco_main, aco_stack, 0, aco_pong, NULL)};
    /* Started, and each save buffer grown to its size: no allocation in
     * the timed loop. */
    for (int i = 0; i < 4; i++) aco_resume(coros[i & 1]);
    double t = aco_ping(coros, n);
    aco_destroy(coros[0]);
    aco_destroy(coros[1]);
    return t / (2.0 * (double)n);
}
#endif

/* ---- the driver --------------------------------------------------------- */

struct contender {
    const char *name;
    int sized; /* takes every size; else measured at 0 bytes only */
};

static const struct contender contenders[] = {
    {"stackslice", 1}, {"stackslice-both", 1}, {"memcpy", 1}, {"swapcontext", 0},
#ifdef SL_BENCH_FCONTEXT
    {"fcontext", 0},
#endif
#ifdef SL_BENCH_LIBACO
    {"libaco", 1},
#endif
};
#define NCONTENDERS (sizeof contenders / sizeof contenders[0])

/* ns per switch (per copy for memcpy) of one contender, over n round trips. */
static double measure_once(const char *name, size_t bytes, long n) {
    if (!strcmp(name, "stackslice")) return run_stackslice(bytes, 0, n);
    if (!strcmp(name, "stackslice-both")) return run_stackslice(bytes, bytes, n);
    if (!strcmp(name, "memcpy")) return run_memcpy(bytes, n);
    if (!strcmp(name, "swapcontext")) return run_swapcontext(n);
#ifdef SL_BENCH_FCONTEXT
    if (!strcmp(name, "fcontext")) return run_fcontext(n);
#endif
#ifdef SL_BENCH_LIBACO
    if (!strcmp(name, "libaco")) return run_libaco(bytes, n);
#endif
    fprintf(stderr, "bench: unknown contender %s\n", name);
    exit(2);
}

/* The same after a shorter run of the same contender and size, so caches,
 * branch predictors and the pages it touches are warm. */
static double measure(const char *name, size_t bytes, long n) {
    measure_once(name, bytes, n / 8 + 1);
    return measure_once(name, bytes, n);
}

/* Round trips per measurement: about a millisecond natively, whatever the
 * size; scale divides it (quick mode, emulation). */
static long trips(size_t bytes, long scale) {
    long n = 8000000L / (long)(bytes + 64);
    if (n > 100000) n = 100000;
    n /= scale;
    return n < 20 ? 20 : n;
}

/* Counting runs start from the same stack address modulo a page, whatever
 * the environment's size: the copies' alignment, and so the instructions
 * memcpy executes, must not depend on it. */
static NOINLINE void count_run(const char *name, size_t bytes, long n) {
    measure_once(name, bytes, n);
}

static void count_aligned(const char *name, size_t bytes, long n) {
    volatile char *pad = alloca(((uintptr_t)__builtin_frame_address(0) & 4095) + 1);
    pad[0] = 0;
    count_run(name, bytes, n);
}

/* Round r runs at page offset r * 448 (7 cache lines) from the start. */
static NOINLINE void time_round(long r, long scale) {
    for (size_t s = 0; s < NSIZES; s++)
        for (size_t c = 0; c < NCONTENDERS; c++) {
            if (!contenders[c].sized && sizes[s]) continue;
            double ns = measure(contenders[c].name, sizes[s], trips(sizes[s], scale));
            printf("ns %s %zu %ld %.3f\n", contenders[c].name, sizes[s], r, ns);
        }
}

static void time_round_at_offset(long r, long scale) {
    uintptr_t here = (uintptr_t)__builtin_frame_address(0) & 4095;
    volatile char *pad = alloca(((here + 4096 - (uintptr_t)(r * 448) % 4096) & 4095) + 1);
    pad[0] = 0;
    time_round(r, scale);
}

static long number(const char *s, const char *what) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 0) {
        fprintf(stderr, "bench: %s %s is not a count\n", what, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 2 && !strcmp(argv[1], "list")) {
        for (size_t c = 0; c < NCONTENDERS; c++) printf("%s\n", contenders[c].name);
        return 0;
    }
    if (argc == 5 && !strcmp(argv[1], "time")) {
        long rounds = number(argv[2], "rounds"), scale = number(argv[3], "scale"), first = number(argv[4], "first round");
        if (rounds < 1 || scale < 1) {
            fprintf(stderr, "bench: rounds and scale must be 1 or more\n");
            return 2;
        }
        for (long r = first; r < first + rounds; r++) time_round_at_offset(r, scale);
        printf("done\n");
        return 0;
    }
    if (argc == 5 && !strcmp(argv[1], "count")) {
        long bytes = number(argv[3], "bytes"), n = number(argv[4], "round trips");
        if (bytes > MAXBYTES) {
            fprintf(stderr, "bench: at most %d bytes\n", MAXBYTES);
            return 2;
        }
        count_aligned(argv[2], (size_t)bytes, n);
        printf("allocs %ld\n", ss_loop_allocs);
        printf("saved %zu\n", ss_loop_saved);
        printf("done\n");
        return 0;
    }
    fprintf(stderr, "usage: bench list | bench time <rounds> <scale> <first> | bench count <contender> <bytes> <n>\n");
    return 2;
}
