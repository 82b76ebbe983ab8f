/* Nesting: coroutines started inside coroutines, deep chains and siblings. */
#include "check.h"

#include <stdint.h>

static sl_coro *main_coro;
static int chain_depth;
static sl_coro *bottom;

/* Each level starts the next from inside itself, yields once from the
 * bottom, and finishes into its parent on the way out. */
static void *nest(void *arg) {
    intptr_t level = (intptr_t)arg;
    if (level == chain_depth) {
        bottom = sl_current();
        void *r = NULL;
        EXPECT_EQ(sl_switch(main_coro, (void *)level, &r), 0);
        return (void *)((intptr_t)r + 1);
    }
    sl_coro *child = sl_new(nest, NULL);
    if (!child) {
        sl_check_fail(__FILE__, __LINE__, "sl_new failed at level %ld", (long)level);
        return arg;
    }
    EXPECT_PTR(sl_parent(child), sl_current());
    void *r = NULL;
    EXPECT_EQ(sl_switch(child, (void *)(level + 1), &r), 0);
    EXPECT_EQ(sl_state(child), SL_DEAD);
    EXPECT_EQ(sl_free(child), 0);
    return (void *)((intptr_t)r + 1);
}

void case_nesting_deep_chain(void) {
    main_coro = sl_current();
    chain_depth = 1000;
    sl_coro *top = sl_new(nest, NULL);
    void *r = NULL;
    EXPECT_EQ(sl_switch(top, (void *)1, &r), 0);
    EXPECT_EQ((intptr_t)r, chain_depth);
    EXPECT_EQ(sl_switch(bottom, (void *)1000, &r), 0);
    EXPECT_EQ((intptr_t)r, 1000 + chain_depth);
    EXPECT_EQ(sl_state(top), SL_DEAD);
    EXPECT_EQ(sl_free(top), 0);
}

enum { SIBLINGS = 16, ROUNDS = 50, STOP = 9 };
static sl_coro *siblings[SIBLINGS];

static int sibling_id(void) {
    for (int i = 0; i < SIBLINGS; i++)
        if (siblings[i] == sl_current()) return i;
    return -1;
}

/* Sibling i passes a counter to sibling i+1; the last one passes it to main. */
static void *relay(void *arg) {
    int id = sibling_id();
    intptr_t token = (intptr_t)arg;
    for (int round = 0;; round++) {
        EXPECT_EQ(token, round * SIBLINGS + id);
        sl_coro *next = id + 1 < SIBLINGS ? siblings[id + 1] : main_coro;
        void *r = NULL;
        int rc = sl_switch(next, (void *)(token + 1), &r);
        if (rc) {
            EXPECT_EQ(rc, STOP);
            EXPECT_PTR(r, NULL);
            return (void *)(intptr_t)(id + 100);
        }
        token = (intptr_t)r;
    }
}

void case_nesting_siblings(void) {
    main_coro = sl_current();
    for (int i = 0; i < SIBLINGS; i++) siblings[i] = sl_new(relay, NULL);
    for (int round = 0; round < ROUNDS; round++) {
        void *token = NULL;
        EXPECT_EQ(sl_switch(siblings[0], (void *)(intptr_t)(round * SIBLINGS), &token), 0);
        EXPECT_EQ((intptr_t)token, (round + 1) * SIBLINGS);
    }
    for (int i = 0; i < SIBLINGS; i++) {
        void *r = NULL;
        EXPECT_EQ(sl_state(siblings[i]), SL_ACTIVE);
        EXPECT_EQ(sl_throw(siblings[i], STOP, &r), 0);
        EXPECT_EQ((intptr_t)r, i + 100);
        EXPECT_EQ(sl_free(siblings[i]), 0);
    }
}
