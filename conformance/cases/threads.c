/* Threads: independent worlds, used concurrently; cross-thread use refused. */
#include "check.h"
#include "workload.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>

enum { THREADS = 8 };

static void *thread_workload(void *arg) {
    long switches = sl_random_workload((uint64_t)(intptr_t)arg, 6, 6);
    return (void *)(intptr_t)switches;
}

void case_threads_concurrent(void) {
    pthread_t threads[THREADS];
    for (intptr_t i = 0; i < THREADS; i++)
        EXPECT_EQ(pthread_create(&threads[i], NULL, thread_workload, (void *)(i + 1)), 0);
    for (int i = 0; i < THREADS; i++) {
        void *switches = NULL;
        EXPECT_EQ(pthread_join(threads[i], &switches), 0);
        EXPECT((intptr_t)switches > 100);
    }
}

static sl_coro *foreign_new;
static pthread_barrier_t made, checked;

static void *idle(void *arg) { return arg; }

/* The owner thread stays alive while another thread tries its coroutine. */
static void *own_a_coroutine(void *arg) {
    (void)arg;
    foreign_new = sl_new(idle, NULL);
    pthread_barrier_wait(&made);
    pthread_barrier_wait(&checked);
    EXPECT_EQ(sl_state(foreign_new), SL_NEW);
    EXPECT_PTR(sl_parent(foreign_new), sl_current());
    void *r = NULL;
    EXPECT_EQ(sl_switch(foreign_new, (void *)4, &r), 0);
    EXPECT_EQ((intptr_t)r, 4);
    EXPECT_EQ(sl_free(foreign_new), 0);
    return NULL;
}

void case_threads_cross_thread_refused(void) {
    pthread_barrier_init(&made, NULL, 2);
    pthread_barrier_init(&checked, NULL, 2);
    pthread_t t;
    EXPECT_EQ(pthread_create(&t, NULL, own_a_coroutine, NULL), 0);
    pthread_barrier_wait(&made);
    sl_coro *mine = sl_new(idle, NULL);
    void *r = (void *)1;
    EXPECT_EQ(sl_switch(foreign_new, NULL, &r), SL_ETHREAD);
    EXPECT_EQ(sl_throw(foreign_new, 1, &r), SL_ETHREAD);
    EXPECT_PTR(r, (void *)1);
    EXPECT_EQ(sl_set_parent(mine, foreign_new), SL_ETHREAD);
    EXPECT_EQ(sl_set_parent(foreign_new, mine), SL_ETHREAD);
    EXPECT_EQ(sl_free(foreign_new), SL_ETHREAD);
    errno = 0;
    EXPECT_PTR(sl_new(idle, foreign_new), NULL);
    EXPECT_EQ(errno, EPERM);
    EXPECT_PTR(sl_parent(mine), sl_current());
    EXPECT_EQ(sl_switch(mine, (void *)8, &r), 0);
    EXPECT_EQ((intptr_t)r, 8);
    EXPECT_EQ(sl_free(mine), 0);
    pthread_barrier_wait(&checked);
    EXPECT_EQ(pthread_join(t, NULL), 0);
    pthread_barrier_destroy(&made);
    pthread_barrier_destroy(&checked);
}

/* ---- a thread's exit ------------------------------------------------------ */

#include <string.h>
#include "port.h"
#include "slice_debug.h"

/* Kept for the whole run: a handle stays valid after its thread exits. */
static sl_coro *exited_new, *exited_suspended, *exited_main;

static void *yield_with_frame(void *arg) {
    volatile char frame[2048];
    memset((char *)frame, 9, sizeof frame);
    SL_PIN(frame);
    sl_switch(exited_main, arg, NULL);
    EXPECT(!"a coroutine of an exited thread ran again");
    return NULL;
}

static void *leave_coroutines_behind(void *arg) {
    (void)arg;
    exited_main = sl_current();
    exited_new = sl_new(idle, NULL);
    exited_suspended = sl_new(yield_with_frame, NULL);
    EXPECT_EQ(sl_switch(exited_suspended, NULL, NULL), 0);
    EXPECT(sl_saved_bytes(exited_suspended) > 0);
    return NULL;
}

/* Everything a thread may try with another thread's coroutines. */
static void *try_exited_coroutines(void *arg) {
    (void)arg;
    sl_coro *dead[] = {exited_new, exited_suspended};
    sl_coro *mine = sl_new(idle, NULL);
    for (int i = 0; i < 2; i++) {
        void *r = (void *)1;
        errno = 0;
        EXPECT_PTR(sl_new(idle, dead[i]), NULL);
        EXPECT_EQ(errno, EPERM);
        EXPECT_EQ(sl_switch(dead[i], NULL, &r), SL_ETHREAD);
        EXPECT_EQ(sl_throw(dead[i], 1, &r), SL_ETHREAD);
        EXPECT_PTR(r, (void *)1);
        EXPECT_EQ(sl_set_parent(mine, dead[i]), SL_ETHREAD);
        EXPECT_EQ(sl_set_parent(dead[i], mine), SL_ETHREAD);
        EXPECT_EQ(sl_free(dead[i]), SL_ETHREAD);
        EXPECT_EQ(sl_state(dead[i]), SL_DEAD);
        EXPECT_PTR(sl_parent(dead[i]), NULL);
        EXPECT_EQ(sl_saved_bytes(dead[i]), 0);
    }
    EXPECT_EQ(sl_free(mine), 0);
    return NULL;
}

/* A thread's exit ends its coroutines: they are dead, their stack copies
 * given back, and no other thread may use them, not even one the C library
 * gives the exited thread's stack and thread-local block to (glibc does,
 * so the address of that block cannot say who owns a coroutine). */
void case_threads_exit_ends_coroutines(void) {
    struct sl_mem_stats before, after;
    sl_mem_stats(&before);
    pthread_t t;
    EXPECT_EQ(pthread_create(&t, NULL, leave_coroutines_behind, NULL), 0);
    EXPECT_EQ(pthread_join(t, NULL), 0);
    sl_mem_stats(&after);
    /* What is left is the two handles, with their register areas. */
    EXPECT_EQ(after.live_blocks - before.live_blocks, 2);
    EXPECT(after.live_bytes - before.live_bytes < 2 * (512 + SL_AREA_BYTES));
    for (int i = 0; i < 4; i++) {
        EXPECT_EQ(pthread_create(&t, NULL, try_exited_coroutines, NULL), 0);
        EXPECT_EQ(pthread_join(t, NULL), 0);
    }
    try_exited_coroutines(NULL);
}
