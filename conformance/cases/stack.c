/* Stack restoration: every byte of every frame comes back after switches. */
#include "check.h"
#include "workload.h"

#include <stdint.h>
#include <string.h>

enum { WORKERS_MAX = 16, FRAME_MAX = 64 * 1024, DEPTH_MAX = 5 };

/* Per thread, so the thread cases can run the same workload concurrently. */
static _Thread_local struct {
    sl_coro *main;
    sl_coro *workers[WORKERS_MAX];
    int count;
    int rounds;
    uint64_t rng;
    void *in_transit; /* what the last switch carried */
    long switches;
} w;

static void fill(unsigned char *buf, size_t n, uint64_t seed) {
    for (size_t i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        buf[i] = (unsigned char)(seed >> 56);
    }
}

static int intact(const unsigned char *buf, size_t n, uint64_t seed) {
    for (size_t i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        if (buf[i] != (unsigned char)(seed >> 56)) return 0;
    }
    return 1;
}

static void hop(void) {
    sl_coro *candidates[WORKERS_MAX + 1];
    int n = 0;
    for (int i = 0; i <= w.count; i++) {
        sl_coro *c = i == w.count ? w.main : w.workers[i];
        if (c != sl_current() && sl_state(c) != SL_DEAD) candidates[n++] = c;
    }
    if (n == 0) return; /* main, with every worker finished */
    sl_coro *to = candidates[sl_rand(&w.rng) % (uint64_t)n];
    void *send = (void *)(intptr_t)++w.switches;
    w.in_transit = send;
    void *got = NULL;
    int rc = sl_switch(to, send, &got);
    EXPECT_EQ(rc, 0);
    EXPECT_PTR(got, w.in_transit);
}

static void dive(int depth) {
    uint64_t seed = sl_rand(&w.rng);
    size_t n = 16 + (size_t)(seed % FRAME_MAX);
    unsigned char frame[n];
    fill(frame, n, seed);
    if (seed & 1) hop();
    if (depth > 0) dive(depth - 1);
    if (seed & 2) hop();
    if (!intact(frame, n, seed))
        sl_check_fail(__FILE__, __LINE__, "a %zu-byte frame at depth %d changed across switches",
                      n, depth);
}

static void *worker(void *arg) {
    EXPECT_PTR(arg, w.in_transit);
    for (int round = 0; round < w.rounds; round++) dive((int)(sl_rand(&w.rng) % DEPTH_MAX));
    w.in_transit = (void *)(intptr_t)-++w.switches;
    return w.in_transit;
}

static int workers_alive(void) {
    for (int i = 0; i < w.count; i++)
        if (sl_state(w.workers[i]) != SL_DEAD) return 1;
    return 0;
}

long sl_random_workload(uint64_t seed, int workers, int rounds) {
    memset(&w, 0, sizeof w);
    w.main = sl_current();
    w.count = workers < WORKERS_MAX ? workers : WORKERS_MAX;
    w.rounds = rounds;
    w.rng = seed;
    for (int i = 0; i < w.count; i++) w.workers[i] = sl_new(worker, NULL);
    while (workers_alive()) dive((int)(sl_rand(&w.rng) % (DEPTH_MAX + 3)));
    for (int i = 0; i < w.count; i++) EXPECT_EQ(sl_free(w.workers[i]), 0);
    return w.switches;
}

void case_stack_random_switching(void) {
    long switches = sl_random_workload(20261126, 10, 30);
    EXPECT(switches > 500);
    printf("%ld switches among 10 coroutines and main\n", switches);
}

/* Resume a coroutine from far shallower and far deeper than where it started. */
static sl_coro *depth_main;

static void *check_own_frames(void *arg) {
    (void)arg;
    unsigned char frame[48 * 1024];
    fill(frame, sizeof frame, 77);
    for (int i = 0; i < 4; i++) {
        void *r = NULL;
        EXPECT_EQ(sl_switch(depth_main, (void *)(intptr_t)i, &r), 0);
        EXPECT_EQ((intptr_t)r, 100 + i);
        EXPECT(intact(frame, sizeof frame, 77));
    }
    return (void *)5;
}

static void resume_at_depth(sl_coro *c, int depth, intptr_t send, intptr_t want) {
    unsigned char frame[8 * 1024];
    fill(frame, sizeof frame, (uint64_t)depth);
    if (depth > 0) {
        resume_at_depth(c, depth - 1, send, want);
    } else {
        void *r = NULL;
        EXPECT_EQ(sl_switch(c, (void *)send, &r), 0);
        EXPECT_EQ((intptr_t)r, want);
    }
    EXPECT(intact(frame, sizeof frame, (uint64_t)depth));
}

void case_stack_resume_depths(void) {
    depth_main = sl_current();
    sl_coro *c = sl_new(check_own_frames, NULL);
    resume_at_depth(c, 20, 0, 0);   /* starts 160 KiB deep */
    resume_at_depth(c, 0, 100, 1);  /* resumed from much shallower */
    resume_at_depth(c, 60, 101, 2); /* from much deeper */
    resume_at_depth(c, 3, 102, 3);
    resume_at_depth(c, 21, 103, 5); /* finishes */
    EXPECT_EQ(sl_state(c), SL_DEAD);
    EXPECT_EQ(sl_free(c), 0);
}

/* Frames of 1 MiB on both sides of every switch. */
enum { MEGABYTE = 1024 * 1024 };

static void *big_frame_side(void *arg) {
    (void)arg;
    unsigned char frame[MEGABYTE];
    fill(frame, sizeof frame, 11);
    for (int i = 0; i < 5; i++) {
        EXPECT_EQ(sl_switch(depth_main, (void *)(intptr_t)i, NULL), 0);
        if (!intact(frame, sizeof frame, 11)) sl_check_fail(__FILE__, __LINE__, "the coroutine's 1 MiB frame changed");
    }
    return NULL;
}

static void switch_under_big_frame(sl_coro *c) {
    unsigned char frame[MEGABYTE];
    fill(frame, sizeof frame, 22);
    while (sl_state(c) != SL_DEAD) {
        EXPECT_EQ(sl_switch(c, NULL, NULL), 0);
        if (!intact(frame, sizeof frame, 22)) sl_check_fail(__FILE__, __LINE__, "main's 1 MiB frame changed");
    }
}

void case_stack_megabyte_frames(void) {
    depth_main = sl_current();
    sl_coro *c = sl_new(big_frame_side, NULL);
    EXPECT_EQ(sl_switch(c, NULL, NULL), 0); /* started shallow, resumed from 1 MiB deeper */
    switch_under_big_frame(c);
    EXPECT_EQ(sl_free(c), 0);
}

/* Two coroutines recurse 200 levels deep and switch to each other at every level. */
static sl_coro *climbers[2];

static int climb(int who, int level) {
    volatile int here = who * 1000 + level;
    int sum = 0;
    EXPECT_EQ(sl_switch(climbers[!who], (void *)(intptr_t)level, NULL), 0);
    if (level < 200) sum = climb(who, level + 1);
    EXPECT_EQ(sl_switch(climbers[!who], (void *)(intptr_t)level, NULL), 0);
    EXPECT_EQ(here, who * 1000 + level);
    return sum + level;
}

static void *climber(void *arg) {
    int who = climbers[1] == sl_current();
    (void)arg;
    return (void *)(intptr_t)climb(who, 0);
}

void case_stack_switch_at_every_level(void) {
    depth_main = sl_current();
    climbers[0] = sl_new(climber, NULL);
    climbers[1] = sl_new(climber, NULL);
    void *r = NULL;
    EXPECT_EQ(sl_switch(climbers[0], NULL, &r), 0);
    /* The first to finish returns its sum to main. */
    EXPECT_EQ((intptr_t)r, 200 * 201 / 2);
    while (sl_state(climbers[1]) != SL_DEAD) sl_switch(climbers[1], NULL, &r);
    for (int i = 0; i < 2; i++) EXPECT_EQ(sl_free(climbers[i]), 0);
}

/* A slice saved a piece at a time from its deep end toward its shallow end,
 * and restored whole; then saved whole and taken apart again from the
 * shallow end. An outer coroutine recurses BOTH_LEVELS levels, starting an
 * inner coroutine at each, so that every level holds the slice_stop of one;
 * switching among the inner ones from the deepest to the shallowest extends
 * the outer one's partial copy by a level each time (its buffer grows while
 * it holds part of a copy), and the other way round saves the inner ones
 * partially in turn. On a stack that grows up (hppa) the deep end is the
 * high one: the case checks that the core was built for the direction the
 * stack really grows (port.json stack_grows). */
#include "port.h"

enum { BOTH_LEVELS = 12, BOTH_FRAME = 1000 };

static struct {
    sl_coro *main, *outer, *inner[BOTH_LEVELS];
    unsigned char *frame[BOTH_LEVELS + 1];
    size_t outer_saved[BOTH_LEVELS];
} both;

static void *both_inner(void *arg) {
    int k = (int)(intptr_t)arg;
    /* Deeper than a level of the outer coroutine: each inner one reaches
     * past the next one's start. */
    unsigned char frame[2 * BOTH_FRAME];
    fill(frame, sizeof frame, 1000 + (uint64_t)k);
    SL_PIN(frame);
    /* Started by the outer coroutine at level k: back to it. */
    EXPECT_EQ(sl_switch(both.outer, NULL, NULL), 0);
    /* Deepest to shallowest: the outer coroutine's copy grows each time. */
    both.outer_saved[k] = sl_saved_bytes(both.outer);
    EXPECT(intact(frame, sizeof frame, 1000 + (uint64_t)k));
    EXPECT_EQ(sl_switch(k > 0 ? both.inner[k - 1] : both.main, NULL, NULL), 0);
    /* Shallowest to deepest: each saves the part of the previous one that
     * lies deeper than its own start. */
    EXPECT(intact(frame, sizeof frame, 1000 + (uint64_t)k));
    if (k > 0) EXPECT(sl_saved_bytes(both.inner[k - 1]) > 0);
    EXPECT_EQ(sl_switch(k < BOTH_LEVELS - 1 ? both.inner[k + 1] : both.outer, NULL, NULL), 0);
    /* Finished by main. */
    EXPECT(intact(frame, sizeof frame, 1000 + (uint64_t)k));
    return NULL;
}

static int outer_frames_intact(int levels) {
    for (int k = 0; k < levels; k++)
        if (!intact(both.frame[k], BOTH_FRAME, (uint64_t)k)) return 0;
    return 1;
}

/* One frame a level, never merged: -O3 inlines a recursion several levels
 * into one frame (gcc's recursive inlining), whose arrays it may lay out in
 * any order, and the levels would then neither each hold a frame nor show
 * the way the stack grows. */
static __attribute__((noinline)) void both_descend(int k) {
    unsigned char frame[BOTH_FRAME];
    fill(frame, sizeof frame, (uint64_t)k);
    SL_PIN(frame);
    both.frame[k] = frame;
    if (k < BOTH_LEVELS) {
        EXPECT_EQ(sl_switch(both.inner[k], (void *)(intptr_t)k, NULL), 0);
        both_descend(k + 1);
    } else {
        /* From the deepest start to the shallowest, then back to main. */
        EXPECT_EQ(sl_switch(both.inner[BOTH_LEVELS - 1], NULL, NULL), 0);
        EXPECT(outer_frames_intact(BOTH_LEVELS + 1));
        /* From the shallowest to the deepest, then back here. */
        EXPECT_EQ(sl_switch(both.inner[0], NULL, NULL), 0);
        EXPECT(outer_frames_intact(BOTH_LEVELS + 1));
    }
    if (!intact(frame, sizeof frame, (uint64_t)k))
        sl_check_fail(__FILE__, __LINE__, "the outer coroutine's frame at level %d changed", k);
}

static void *both_outer(void *arg) {
    (void)arg;
    both_descend(0);
    return NULL;
}

void case_stack_saved_from_both_ends(void) {
    memset(&both, 0, sizeof both);
    both.main = sl_current();
    both.outer = sl_new(both_outer, NULL);
    for (int k = 0; k < BOTH_LEVELS; k++) both.inner[k] = sl_new(both_inner, NULL);
    EXPECT_EQ(sl_switch(both.outer, NULL, NULL), 0);
    /* Back from the shallowest inner coroutine: every step of the way the
     * outer one's copy grew by at least the frame of a level. */
    for (int k = BOTH_LEVELS - 1; k > 0; k--)
        if (both.outer_saved[k - 1] < both.outer_saved[k] + BOTH_FRAME)
            sl_check_fail(__FILE__, __LINE__, "the outer coroutine's copy held %zu bytes at level %d and %zu at level %d: it did not grow by a level",
                          both.outer_saved[k], k, both.outer_saved[k - 1], k - 1);
    EXPECT(sl_saved_bytes(both.outer) > both.outer_saved[0]);
    int grows_up = both.frame[1] > both.frame[0];
    if (grows_up != SL_STACK_UP)
        sl_check_fail(__FILE__, __LINE__, "the stack grows %s, but the core was built for a stack that grows %s (port.json stack_grows)",
                      grows_up ? "up" : "down", SL_STACK_UP ? "up" : "down");
    EXPECT_EQ(sl_switch(both.outer, NULL, NULL), 0);
    EXPECT_EQ(sl_state(both.outer), SL_DEAD);
    for (int k = 0; k < BOTH_LEVELS; k++) {
        EXPECT_EQ(sl_switch(both.inner[k], NULL, NULL), 0);
        EXPECT_EQ(sl_state(both.inner[k]), SL_DEAD);
    }
    for (int k = 0; k < BOTH_LEVELS; k++) EXPECT_EQ(sl_free(both.inner[k]), 0);
    EXPECT_EQ(sl_free(both.outer), 0);
    printf("the stack grows %s; the outer coroutine's copy grew from %zu to %zu bytes in %d steps\n",
           grows_up ? "up" : "down", both.outer_saved[BOTH_LEVELS - 1], both.outer_saved[0], BOTH_LEVELS);
}
