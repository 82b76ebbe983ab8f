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
