/* Throws, dead coroutines and parents: the rows of the API table. */
#include "check.h"

#include <stdint.h>

static sl_coro *main_coro;

static void *catch_and_report(void *arg) {
    void *r = (void *)1;
    int rc = sl_switch(main_coro, arg, &r);
    EXPECT_PTR(r, NULL); /* a throw delivers no value */
    return (void *)(intptr_t)(rc * 100);
}

static void *never_runs(void *arg) {
    sl_check_fail(__FILE__, __LINE__, "a coroutine killed by a throw ran");
    return arg;
}

void case_throw_into_suspended(void) {
    main_coro = sl_current();
    sl_coro *c = sl_new(catch_and_report, NULL);
    EXPECT_EQ(sl_switch(c, NULL, NULL), 0);
    void *r = NULL;
    EXPECT_EQ(sl_throw(c, 7, &r), 0); /* c returns 700 into main */
    EXPECT_EQ((intptr_t)r, 700);
    EXPECT_EQ(sl_state(c), SL_DEAD);
    EXPECT_EQ(sl_free(c), 0);
}

void case_throw_into_new(void) {
    main_coro = sl_current();
    /* Its nearest live ancestor is the caller: the code comes back at once. */
    sl_coro *c = sl_new(never_runs, NULL);
    void *r = (void *)1;
    EXPECT_EQ(sl_throw(c, 5, &r), 5);
    EXPECT_PTR(r, NULL);
    EXPECT_EQ(sl_state(c), SL_DEAD);
    EXPECT_EQ(sl_saved_bytes(c), 0);

    /* Through a chain of unstarted ancestors to a suspended one. */
    sl_coro *waiting = sl_new(catch_and_report, NULL);
    EXPECT_EQ(sl_switch(waiting, NULL, NULL), 0);
    sl_coro *middle = sl_new(never_runs, waiting);
    sl_coro *leaf = sl_new(never_runs, middle);
    EXPECT_EQ(sl_throw(leaf, 3, &r), 0); /* waiting catches 3, returns 300 to main */
    EXPECT_EQ((intptr_t)r, 300);
    EXPECT_EQ(sl_state(leaf), SL_DEAD);
    EXPECT_EQ(sl_state(middle), SL_DEAD);
    EXPECT_EQ(sl_state(waiting), SL_DEAD);
    EXPECT_EQ(sl_free(leaf), 0);
    EXPECT_EQ(sl_free(middle), 0);
    EXPECT_EQ(sl_free(waiting), 0);
    EXPECT_EQ(sl_free(c), 0);
}

void case_throw_into_dead(void) {
    main_coro = sl_current();
    sl_coro *c = sl_new(catch_and_report, NULL);
    EXPECT_EQ(sl_switch(c, NULL, NULL), 0);
    EXPECT_EQ(sl_throw(c, 2, NULL), 0);
    EXPECT_EQ(sl_state(c), SL_DEAD);
    /* A dead coroutine passes the throw to its parent: main, the caller. */
    void *r = (void *)1;
    EXPECT_EQ(sl_throw(c, 4, &r), 4);
    EXPECT_PTR(r, NULL);
    EXPECT_EQ(sl_free(c), 0);
}

static void *return_arg_plus_one(void *arg) { return (void *)((intptr_t)arg + 1); }

void case_parents_reparent_and_cycles(void) {
    main_coro = sl_current();
    sl_coro *a = sl_new(return_arg_plus_one, NULL);
    sl_coro *b = sl_new(catch_and_report, a);
    sl_coro *c = sl_new(return_arg_plus_one, b);
    EXPECT_PTR(sl_parent(c), b);
    EXPECT_EQ(sl_set_parent(a, c), SL_ECYCLE);
    EXPECT_EQ(sl_set_parent(a, b), SL_ECYCLE);
    EXPECT_EQ(sl_set_parent(b, b), SL_ECYCLE);
    EXPECT_PTR(sl_parent(a), main_coro);
    /* c finishes into b; re-parent it to main first and it finishes into main. */
    EXPECT_EQ(sl_set_parent(c, main_coro), 0);
    void *r = NULL;
    EXPECT_EQ(sl_switch(c, (void *)10, &r), 0);
    EXPECT_EQ((intptr_t)r, 11);
    EXPECT_EQ(sl_state(b), SL_NEW);
    /* Freeing a parent hands its children to the grandparent. */
    EXPECT_EQ(sl_free(a), 0);
    EXPECT_PTR(sl_parent(b), main_coro);
    EXPECT_EQ(sl_switch(b, (void *)1, &r), 0);
    EXPECT_EQ(sl_throw(b, 2, &r), 0); /* b catches 2 and returns 200 into main */
    EXPECT_EQ((intptr_t)r, 200);
    EXPECT_EQ(sl_free(b), 0);
    EXPECT_EQ(sl_free(c), 0);
}
