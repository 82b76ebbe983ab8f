/* Switching: values both ways, return to parent, dead targets, self, errors. */
#include "check.h"

#include <errno.h>

#include <stdint.h>

static sl_coro *main_coro;

static void *echo_plus_one(void *arg) {
    intptr_t v = (intptr_t)arg;
    for (;;) {
        void *r = NULL;
        EXPECT_EQ(sl_switch(main_coro, (void *)(v + 1), &r), 0);
        v = (intptr_t)r;
        if (v < 0) return (void *)(v * 2);
    }
}

void case_switch_ping_pong(void) {
    main_coro = sl_current();
    EXPECT_EQ(sl_state(main_coro), SL_ACTIVE);
    EXPECT_PTR(sl_parent(main_coro), NULL);
    sl_coro *c = sl_new(echo_plus_one, NULL);
    EXPECT_EQ(sl_state(c), SL_NEW);
    EXPECT_PTR(sl_parent(c), main_coro);
    for (intptr_t i = 0; i < 1000; i++) {
        void *r = NULL;
        EXPECT_EQ(sl_switch(c, (void *)(i * 3), &r), 0);
        EXPECT_EQ((intptr_t)r, i * 3 + 1);
        EXPECT_EQ(sl_state(c), SL_ACTIVE);
        EXPECT_PTR(sl_current(), main_coro);
    }
    void *r = NULL;
    EXPECT_EQ(sl_switch(c, (void *)-21, &r), 0);
    EXPECT_EQ((intptr_t)r, -42);
    EXPECT_EQ(sl_state(c), SL_DEAD);
    EXPECT_EQ(sl_saved_bytes(c), 0);
    EXPECT_EQ(sl_free(c), 0);
}

static void *return_arg_times_ten(void *arg) { return (void *)((intptr_t)arg * 10); }

static void *start_child_then_return(void *arg) {
    /* The grandchild finishes into this coroutine, its parent. */
    sl_coro *child = sl_new(return_arg_times_ten, NULL);
    void *r = NULL;
    EXPECT_EQ(sl_switch(child, arg, &r), 0);
    EXPECT_EQ((intptr_t)r, (intptr_t)arg * 10);
    EXPECT_EQ(sl_state(child), SL_DEAD);
    EXPECT_EQ(sl_free(child), 0);
    return (void *)((intptr_t)r + 1);
}

void case_switch_return_to_parent(void) {
    main_coro = sl_current();
    sl_coro *c = sl_new(start_child_then_return, NULL);
    void *r = NULL;
    EXPECT_EQ(sl_switch(c, (void *)7, &r), 0);
    EXPECT_EQ((intptr_t)r, 71);
    EXPECT_EQ(sl_state(c), SL_DEAD);
    EXPECT_EQ(sl_free(c), 0);
}

static void *yield_once(void *arg) {
    void *r = NULL;
    EXPECT_EQ(sl_switch(main_coro, arg, &r), 0);
    return r;
}

void case_switch_dead_goes_to_parent(void) {
    main_coro = sl_current();
    /* Falling off the end starts an unstarted parent with the return value. */
    sl_coro *parent = sl_new(return_arg_times_ten, NULL);
    sl_coro *child = sl_new(yield_once, parent);
    void *r = NULL;
    EXPECT_EQ(sl_switch(child, (void *)1, &r), 0);
    EXPECT_EQ((intptr_t)r, 1);
    EXPECT_EQ(sl_switch(child, (void *)5, &r), 0);
    EXPECT_EQ((intptr_t)r, 50);
    EXPECT_EQ(sl_state(child), SL_DEAD);
    EXPECT_EQ(sl_state(parent), SL_DEAD);
    /* Switching to a dead coroutine goes to its nearest live ancestor: here the caller. */
    EXPECT_EQ(sl_switch(child, (void *)9, &r), 0);
    EXPECT_EQ((intptr_t)r, 9);
    /* A dead coroutine's unstarted ancestor is started. */
    sl_coro *late = sl_new(return_arg_times_ten, NULL);
    EXPECT_EQ(sl_set_parent(child, late), 0);
    EXPECT_EQ(sl_switch(child, (void *)4, &r), 0);
    EXPECT_EQ((intptr_t)r, 40);
    EXPECT_EQ(sl_state(late), SL_DEAD);
    EXPECT_EQ(sl_free(child), 0);
    EXPECT_EQ(sl_free(parent), 0);
    EXPECT_EQ(sl_free(late), 0);
}

void case_switch_to_self(void) {
    main_coro = sl_current();
    void *r = NULL;
    EXPECT_EQ(sl_switch(main_coro, (void *)33, &r), 0);
    EXPECT_EQ((intptr_t)r, 33);
    EXPECT_EQ(sl_switch(main_coro, (void *)34, NULL), 0);
    EXPECT_EQ(sl_throw(main_coro, 6, &r), 6);
    EXPECT_PTR(r, NULL);
}

static void *never_runs(void *arg) {
    sl_check_fail(__FILE__, __LINE__, "a coroutine that must not run ran");
    return arg;
}

static void *switch_to_main_until_thrown(void *arg) {
    while (sl_switch(main_coro, arg, &arg) == 0) {
    }
    return (void *)77;
}

void case_switch_errors(void) {
    main_coro = sl_current();
    void *r = (void *)1;
    EXPECT_EQ(sl_switch(NULL, NULL, &r), SL_EINVAL);
    EXPECT_PTR(r, (void *)1);
    EXPECT_EQ(sl_throw(NULL, 1, &r), SL_EINVAL);
    errno = 0;
    EXPECT_PTR(sl_new(NULL, NULL), NULL);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(sl_version(), SL_VERSION);
    sl_coro *c = sl_new(never_runs, NULL);
    EXPECT_EQ(sl_throw(c, 0, &r), SL_EINVAL);
    EXPECT_EQ(sl_throw(c, -3, &r), SL_EINVAL);
    EXPECT_EQ(sl_state(c), SL_NEW);
    EXPECT_EQ(sl_set_parent(NULL, main_coro), SL_EINVAL);
    EXPECT_EQ(sl_set_parent(c, NULL), SL_EINVAL);
    EXPECT_EQ(sl_set_parent(c, c), SL_ECYCLE);
    EXPECT_EQ(sl_set_parent(main_coro, c), SL_ECYCLE);
    EXPECT_EQ(sl_free(NULL), SL_EINVAL);
    EXPECT_EQ(sl_free(main_coro), SL_EINVAL);
    EXPECT_EQ(sl_saved_bytes(c), 0);
    EXPECT_EQ(sl_saved_bytes(main_coro), 0);

    sl_coro *busy = sl_new(switch_to_main_until_thrown, NULL);
    EXPECT_EQ(sl_switch(busy, NULL, NULL), 0);
    EXPECT_EQ(sl_free(busy), SL_EBUSY);
    EXPECT_EQ(sl_state(busy), SL_ACTIVE);
    EXPECT(sl_saved_bytes(busy) > 0);
    EXPECT_EQ(sl_free(c), 0);
    EXPECT_EQ(sl_throw(busy, 3, &r), 0);
    EXPECT_EQ((intptr_t)r, 77);
    EXPECT_EQ(sl_free(busy), 0);
}
