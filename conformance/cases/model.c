/* Differential random testing: seeded random programs run against the core
 * and against a model of the API's semantics, compared after every step.
 *
 * The model holds what the API promises and nothing of how the core does it:
 * each coroutine's state and parent, the running one, the value or throw
 * code each pending call or start receives, which calls fail and how. A
 * program is a stream of steps drawn from a seed; whichever coroutine runs
 * takes the next one (create, switch, throw, re-parent, free, finish, or
 * start and join threads), always from a random stack depth whose frames
 * hold a pattern checked when they unwind, so every live frame is checked
 * after every resume. After each step the core's view (sl_state, sl_parent,
 * sl_current, sl_saved_bytes) must match the model's, and at the end the
 * heap must be back where it was.
 *
 * Failure injection (SQLite's malloc tests): a program is run again once per
 * allocation it reaches, failing exactly that one; the step that meets it
 * must report the documented error (SL_ENOMEM, or NULL with errno ENOMEM)
 * and change nothing: states, parents, the running coroutine, every
 * coroutine's saved bytes, every frame. A finished coroutine's return that
 * meets it goes to the coroutine right above it, with SL_ENOMEM (README).
 *
 * Each program runs in a child process, so a crash is that program's
 * failure. A failing program is cut to the fewest steps that still fail and
 * replayed with every step printed, with the line that replays it:
 * SL_SEED=<n> [SL_STEPS=<n>] [SL_FAIL_AT=<n>] in the runner's environment
 * runs just that program (SL_THREADS=1 for a threaded one). */
#include "check.h"
#include "slice_debug.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAXC = 14 };
enum { FREED = -1 };
enum { GOT_NOTHING = 0, FINISH = 1, END = 2 };
#define SENTINEL ((void *)(uintptr_t)0x5eed)

struct mcoro {
    sl_coro *h;
    int state;            /* SL_NEW, SL_ACTIVE, SL_DEAD or FREED */
    int parent;           /* index, -1 for none */
    int expect_rc;        /* what its pending call returns when resumed */
    void *expect_val;     /* and the value it gets (or its start argument) */
};

struct model {
    struct mcoro c[MAXC];
    int n, cur;
    uint64_t rng;
    long step, steps;
    int threads;          /* may start threads */
    int leave_behind;     /* a thread's program: exit with its coroutines as they are */
    int verbose;
    void *finish_value;
    /* A finish in flight: the model before it, and who finished. */
    struct mcoro finish_undo[MAXC];
    int finish_undo_cur, finisher;
    int inject;           /* a failure is injected into this program */
    int injected;         /* and has happened */
    long handles_left;    /* coroutines its threads left behind */
};

static _Thread_local struct model *M;

#define LOG(m, ...)                        \
    do {                                   \
        if ((m)->verbose) {                \
            printf("  step %ld: ", (m)->step); \
            printf(__VA_ARGS__);           \
            printf("\n");                  \
        }                                  \
    } while (0)

static uint64_t pick(struct model *m, uint64_t n) { return sl_rand(&m->rng) % n; }

static int index_of(struct model *m, sl_coro *h) {
    for (int i = 0; i < m->n; i++)
        if (m->c[i].state != FREED && m->c[i].h == h) return i;
    return -2;
}

/* Compares the core with the model: every handle's state and parent, the
 * running coroutine, and no saved bytes where there can be none. */
static void verify(struct model *m, const char *when) {
    int bad = 0;
    if (sl_current() != m->c[m->cur].h) {
        sl_check_fail(__FILE__, __LINE__, "%s: sl_current() is c%d, the model says c%d", when,
                      index_of(m, sl_current()), m->cur);
        bad = 1;
    }
    for (int i = 0; i < m->n && !bad; i++) {
        struct mcoro *c = &m->c[i];
        if (c->state == FREED) continue;
        int state = sl_state(c->h);
        sl_coro *want_parent = c->parent < 0 ? NULL : m->c[c->parent].h;
        if (state != c->state) {
            sl_check_fail(__FILE__, __LINE__, "%s: c%d is in state %d, the model says %d", when, i, state, c->state);
            bad = 1;
        } else if (sl_parent(c->h) != want_parent) {
            sl_check_fail(__FILE__, __LINE__, "%s: c%d's parent is c%d, the model says c%d", when, i,
                          index_of(m, sl_parent(c->h)), c->parent);
            bad = 1;
        } else if ((c->state != SL_ACTIVE || i == m->cur) && sl_saved_bytes(c->h) != 0) {
            sl_check_fail(__FILE__, __LINE__, "%s: c%d (state %d%s) holds %zu saved bytes", when, i, c->state,
                          i == m->cur ? ", running" : "", sl_saved_bytes(c->h));
            bad = 1;
        }
    }
}

static void saved_bytes(struct model *m, size_t *out) {
    for (int i = 0; i < m->n; i++) out[i] = m->c[i].state == FREED ? 0 : sl_saved_bytes(m->c[i].h);
}

/* The coroutine a transfer to i ends at (slice.c's destination). */
static int destination(struct model *m, int i, int code) {
    while (m->c[i].state == SL_DEAD || (code && m->c[i].state == SL_NEW)) i = m->c[i].parent;
    return i;
}

/* A random coroutine that was not freed, or -1 (NULL) now and then. */
static int any(struct model *m, int null_too) {
    if (null_too && pick(m, 20) == 0) return -1;
    for (;;) {
        int i = (int)pick(m, (uint64_t)m->n);
        if (m->c[i].state != FREED) return i;
    }
}

static sl_coro *handle(struct model *m, int i) { return i < 0 ? NULL : m->c[i].h; }

/* The step failed with the injected failure: it must be the first, and the
 * core must be as before it. */
static void expect_nothing_changed(struct model *m, const struct mcoro *before, int before_cur,
                                   const size_t *saved_before, const char *what) {
    if (!m->inject || m->injected || sl_debug_failure_armed())
        sl_check_fail(__FILE__, __LINE__, "%s failed for lack of memory, but no injected failure happened then", what);
    m->injected = 1;
    memcpy(m->c, before, sizeof m->c);
    m->cur = before_cur;
    verify(m, what);
    size_t now[MAXC];
    saved_bytes(m, now);
    for (int i = 0; i < m->n; i++)
        if (now[i] != saved_before[i])
            sl_check_fail(__FILE__, __LINE__, "%s failed, yet c%d's saved bytes went from %zu to %zu", what, i,
                          saved_before[i], now[i]);
}

static void *body(void *arg);
static void run_thread_step(struct model *m, int me);

/* Back in `me` after a call that left it: either its own call failed at
 * once (no other step ran), or a finished coroutine's return failed and
 * `me` lies right above it (SL_ENOMEM), or it was resumed as the model
 * said. Returns the value it received. */
static void resumed(struct model *m, int me, long my_step, int rc, void *r, const struct mcoro *before,
                    int before_cur, const size_t *saved_before, const char *what) {
    if (m->step == my_step) {
        if (rc != SL_ENOMEM) {
            sl_check_fail(__FILE__, __LINE__, "%s returned %d at once, the model says it switches", what, rc);
            return;
        }
        if (r != SENTINEL) sl_check_fail(__FILE__, __LINE__, "%s failed but wrote %p to the result", what, r);
        expect_nothing_changed(m, before, before_cur, saved_before, what);
        LOG(m, "c%d: that failed with SL_ENOMEM (the injected failure), nothing changed", me);
        return;
    }
    if (m->cur != me) {
        /* Only a failed return resumes a coroutine the model did not pick. */
        if (m->finisher < 0 || rc != SL_ENOMEM || !m->inject || m->injected || sl_debug_failure_armed()) {
            sl_check_fail(__FILE__, __LINE__, "c%d resumed with %d, %p, the model says c%d runs", me, rc, r, m->cur);
            return;
        }
        int finisher = m->finisher;
        memcpy(m->c, m->finish_undo, sizeof m->c);
        m->c[finisher].state = SL_DEAD;
        m->cur = me;
        m->injected = 1;
        m->finisher = -1;
        if (r != SENTINEL) sl_check_fail(__FILE__, __LINE__, "c%d got SL_ENOMEM but its result was written", me);
        if (m->c[me].state != SL_ACTIVE || me == finisher)
            sl_check_fail(__FILE__, __LINE__, "c%d took c%d's failed return, but was not suspended", me, finisher);
        LOG(m, "c%d: resumed with SL_ENOMEM: c%d's return failed (the injected failure)", me, finisher);
        verify(m, "after a failed return");
        return;
    }
    m->finisher = -1;
    if (rc != m->c[me].expect_rc || r != m->c[me].expect_val)
        sl_check_fail(__FILE__, __LINE__, "c%d resumed with %d, %p, the model says %d, %p", me, rc, r,
                      m->c[me].expect_rc, m->c[me].expect_val);
    verify(m, "after a resume");
}

static void transfer_step(struct model *m, int me, int to, int code) {
    void *value = (void *)(uintptr_t)(sl_rand(&m->rng) | 1);
    struct mcoro before[MAXC];
    size_t saved_before[MAXC];
    memcpy(before, m->c, sizeof before);
    int before_cur = m->cur;
    saved_bytes(m, saved_before);
    char what[64];
    snprintf(what, sizeof what, "c%d: %s c%d", me, code ? "sl_throw to" : "sl_switch to", to);
    void *r = SENTINEL;
    if (to < 0) {
        LOG(m, "%s (NULL): SL_EINVAL", what);
        int rc = code ? sl_throw(NULL, code, &r) : sl_switch(NULL, value, &r);
        EXPECT_EQ(rc, SL_EINVAL);
        EXPECT_PTR(r, SENTINEL);
        return;
    }
    int dest = destination(m, to, code);
    void *delivered = code ? NULL : value;
    /* A throw kills the unstarted coroutines it passes on its way up. */
    for (int i = to; i != dest; i = m->c[i].parent)
        if (code && m->c[i].state == SL_NEW) m->c[i].state = SL_DEAD;
    if (dest == me) {
        LOG(m, "%s, which ends at itself: returns %d at once", what, code);
        int rc = code ? sl_throw(m->c[to].h, code, &r) : sl_switch(m->c[to].h, value, &r);
        EXPECT_EQ(rc, code);
        EXPECT_PTR(r, delivered);
        verify(m, what);
        return;
    }
    if (m->c[dest].state == SL_NEW) m->c[dest].state = SL_ACTIVE;
    m->c[dest].expect_rc = code;
    m->c[dest].expect_val = delivered;
    m->cur = dest;
    long my_step = m->step;
    LOG(m, "%s (value %p, code %d): c%d runs", what, value, code, dest);
    int rc = code ? sl_throw(m->c[to].h, code, &r) : sl_switch(m->c[to].h, value, &r);
    resumed(m, me, my_step, rc, r, before, before_cur, saved_before, what);
}

static void new_step(struct model *m, int me) {
    if (m->n == MAXC) return;
    int parent = any(m, 0);
    int null_parent = pick(m, 3) == 0;
    if (null_parent) parent = me;
    errno = 0;
    sl_coro *h = sl_new(body, null_parent ? NULL : m->c[parent].h);
    LOG(m, "c%d: sl_new(parent c%d%s) -> c%d", me, parent, null_parent ? ", as NULL" : "", h ? m->n : -1);
    if (!h) {
        EXPECT_EQ(errno, ENOMEM);
        size_t saved[MAXC];
        saved_bytes(m, saved);
        struct mcoro before[MAXC];
        memcpy(before, m->c, sizeof before);
        expect_nothing_changed(m, before, m->cur, saved, "sl_new");
        return;
    }
    m->c[m->n] = (struct mcoro){.h = h, .state = SL_NEW, .parent = parent};
    m->n++;
    verify(m, "sl_new");
}

static void set_parent_step(struct model *m, int me) {
    int c = any(m, 1), p = any(m, 1);
    int want = 0;
    if (c < 0 || p < 0) {
        want = SL_EINVAL;
    } else {
        for (int a = p; a >= 0; a = m->c[a].parent)
            if (a == c) want = SL_ECYCLE;
    }
    LOG(m, "c%d: sl_set_parent(c%d, c%d) -> %d", me, c, p, want);
    EXPECT_EQ(sl_set_parent(handle(m, c), handle(m, p)), want);
    if (want == 0) m->c[c].parent = p;
    verify(m, "sl_set_parent");
}

static void free_step(struct model *m, int me) {
    int c = any(m, 1);
    int want = c <= 0 ? SL_EINVAL : m->c[c].state == SL_ACTIVE ? SL_EBUSY : 0;
    LOG(m, "c%d: sl_free(c%d) -> %d", me, c, want);
    EXPECT_EQ(sl_free(handle(m, c)), want);
    if (want == 0) {
        for (int i = 0; i < m->n; i++)
            if (m->c[i].state != FREED && m->c[i].parent == c) m->c[i].parent = m->c[c].parent;
        m->c[c].state = FREED;
        m->c[c].h = NULL;
    }
    verify(m, "sl_free");
}

/* The step that finishes `me`: its function returns a value, which goes to
 * its parent (or the parent's nearest live ancestor, started if new). */
static void finish_step(struct model *m, int me) {
    memcpy(m->finish_undo, m->c, sizeof m->c);
    m->finish_undo_cur = m->cur;
    m->finisher = me;
    m->finish_value = (void *)(uintptr_t)(sl_rand(&m->rng) | 1);
    m->c[me].state = SL_DEAD;
    int dest = destination(m, m->c[me].parent, 0);
    if (m->c[dest].state == SL_NEW) m->c[dest].state = SL_ACTIVE;
    m->c[dest].expect_rc = 0;
    m->c[dest].expect_val = m->finish_value;
    m->cur = dest;
    LOG(m, "c%d: returns %p: c%d runs", me, m->finish_value, dest);
}

/* One step of the program, taken by `me`. */
static int step(struct model *m, int me) {
    /* A program runs in a child process of its own: it ends at its first
     * mismatch, before a broken core can lead it into a loop or a crash
     * that would hide what went wrong. */
    if (sl_check_failures()) {
        fflush(stdout);
        _exit(1);
    }
    m->step++;
    if (m->step > m->steps * 4 + 200) {
        sl_check_fail(__FILE__, __LINE__, "the program did not wind down within %ld steps", m->step);
        abort();
    }
    if (m->step > m->steps) {
        /* Winding down: every coroutine finishes; main finishes the
         * suspended ones and frees the rest. */
        if (me != 0) {
            finish_step(m, me);
            return FINISH;
        }
        if (m->leave_behind) return END;
        for (int i = 1; i < m->n; i++)
            if (m->c[i].state == SL_ACTIVE) {
                transfer_step(m, me, i, (int)pick(m, 3));
                return GOT_NOTHING;
            }
        for (int i = 1; i < m->n; i++)
            if (m->c[i].state != FREED) {
                LOG(m, "c0: sl_free(c%d)", i);
                EXPECT_EQ(sl_free(m->c[i].h), 0);
                m->c[i].state = FREED;
            }
        return END;
    }
    uint64_t what = pick(m, 100);
    if (what < 15) {
        new_step(m, me);
    } else if (what < 55) {
        transfer_step(m, me, any(m, 1), 0);
    } else if (what < 65) {
        transfer_step(m, me, any(m, 1), 1 + (int)pick(m, 1000));
    } else if (what < 73) {
        set_parent_step(m, me);
    } else if (what < 82) {
        free_step(m, me);
    } else if (what < 92 && me != 0) {
        finish_step(m, me);
        return FINISH;
    } else if (what < 94 && m->threads) {
        run_thread_step(m, me);
    } else {
        verify(m, "a look");
    }
    return GOT_NOTHING;
}

/* Takes the next step from `depth` frames further down, each holding a
 * pattern checked after the step, whatever ran meanwhile. */
static __attribute__((noinline)) int at_depth(struct model *m, int me, int depth) {
    uint64_t r = sl_rand(&m->rng);
    size_t size = r % 16 == 0 ? (size_t)(r >> 8) % (32 * 1024) : (size_t)(r >> 8) % 600;
    unsigned char seed = (unsigned char)(r >> 40);
    unsigned char *frame = __builtin_alloca(size + 1);
    for (size_t i = 0; i <= size; i++) frame[i] = (unsigned char)(seed + i * 7);
    SL_PIN(frame);
    int got = depth ? at_depth(m, me, depth - 1) : step(m, me);
    SL_PIN(frame);
    for (size_t i = 0; i <= size; i++)
        if (frame[i] != (unsigned char)(seed + i * 7)) {
            sl_check_fail(__FILE__, __LINE__, "c%d: byte %zu of a %zu-byte frame %d deep changed (step %ld)", me, i,
                          size + 1, depth, m->step);
            break;
        }
    return got;
}

static void *body(void *arg) {
    struct model *m = M;
    int me = index_of(m, sl_current());
    if (me != m->cur) sl_check_fail(__FILE__, __LINE__, "c%d started, the model says c%d runs", me, m->cur);
    if (me >= 0 && arg != m->c[me].expect_val)
        sl_check_fail(__FILE__, __LINE__, "c%d started with %p, the model says %p", me, arg, m->c[me].expect_val);
    m->finisher = -1;
    verify(m, "a start");
    while (at_depth(m, me, (int)pick(m, 6)) != FINISH) {
    }
    return m->finish_value;
}

/* A whole program on the calling thread, from its main coroutine. */
static void run_program(struct model *m) {
    m->c[0] = (struct mcoro){.h = sl_current(), .state = SL_ACTIVE, .parent = -1};
    m->n = 1;
    m->cur = 0;
    m->finisher = -1;
    M = m;
    while (at_depth(m, 0, (int)pick(m, 6)) != END) {
    }
    M = NULL;
}

/* ---- threads -------------------------------------------------------------- */

struct thread_run {
    uint64_t seed;
    long steps;
    int verbose;
    struct model *parent; /* blocked in pthread_join while this runs */
    sl_coro *left[MAXC];  /* the coroutines its program left behind */
    int left_count;
};

/* What another thread may try with the parent thread's coroutines. */
static void try_foreign(struct model *parent, sl_coro *mine) {
    for (int i = 0; i < parent->n; i++) {
        if (parent->c[i].state == FREED) continue;
        sl_coro *h = parent->c[i].h;
        void *r = SENTINEL;
        EXPECT_EQ(sl_switch(h, NULL, &r), SL_ETHREAD);
        EXPECT_EQ(sl_throw(h, 3, &r), SL_ETHREAD);
        EXPECT_PTR(r, SENTINEL);
        EXPECT_EQ(sl_set_parent(mine, h), SL_ETHREAD);
        errno = 0;
        EXPECT_PTR(sl_new(body, h), NULL);
        EXPECT_EQ(errno, EPERM);
        if (i) EXPECT_EQ(sl_free(h), SL_ETHREAD);
    }
}

static void *thread_main(void *arg) {
    struct thread_run *run = arg;
    struct model *m = calloc(1, sizeof *m);
    m->rng = run->seed;
    m->steps = run->steps;
    m->verbose = run->verbose;
    m->leave_behind = 1;
    try_foreign(run->parent, sl_current());
    run_program(m);
    for (int i = 1; i < m->n; i++)
        if (m->c[i].state != FREED) run->left[run->left_count++] = m->c[i].h;
    free(m);
    return NULL;
}

/* Starts two threads, each running a program of its own that tries the
 * parent thread's coroutines and exits with its own as they are, and
 * joins them, from inside whichever coroutine takes the step. */
static void run_thread_step(struct model *m, int me) {
    struct sl_mem_stats before, after;
    sl_mem_stats(&before);
    struct thread_run runs[2];
    pthread_t ts[2];
    for (int i = 0; i < 2; i++) {
        runs[i] = (struct thread_run){.seed = sl_rand(&m->rng), .steps = 40, .verbose = m->verbose, .parent = m};
        LOG(m, "c%d: starts a thread with seed %" PRIu64, me, runs[i].seed);
    }
    for (int i = 0; i < 2; i++) EXPECT_EQ(pthread_create(&ts[i], NULL, thread_main, &runs[i]), 0);
    for (int i = 0; i < 2; i++) EXPECT_EQ(pthread_join(ts[i], NULL), 0);
    sl_mem_stats(&after);
    int left = runs[0].left_count + runs[1].left_count;
    LOG(m, "c%d: joined both; %d coroutines left behind", me, left);
    m->handles_left += left;
    /* All the threads kept is given back, but for the handles. */
    EXPECT_EQ(after.live_blocks - before.live_blocks, left);
    sl_coro *mine = m->c[me].h;
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < runs[t].left_count; i++) {
            sl_coro *h = runs[t].left[i];
            void *r = SENTINEL;
            EXPECT_EQ(sl_state(h), SL_DEAD);
            EXPECT_EQ(sl_saved_bytes(h), 0);
            EXPECT_EQ(sl_switch(h, NULL, &r), SL_ETHREAD);
            EXPECT_EQ(sl_throw(h, 2, &r), SL_ETHREAD);
            EXPECT_PTR(r, SENTINEL);
            EXPECT_EQ(sl_set_parent(mine, h), SL_ETHREAD);
            EXPECT_EQ(sl_free(h), SL_ETHREAD);
            errno = 0;
            EXPECT_PTR(sl_new(body, h), NULL);
            EXPECT_EQ(errno, EPERM);
        }
    verify(m, "after the threads");
}

/* ---- running programs ----------------------------------------------------- */

struct program {
    uint64_t seed;
    long steps;
    long fail_at;  /* the allocation to fail, -1 for none */
    int threads;
};

static void print_program(const struct program *p) {
    printf("SL_SEED=%" PRIu64 " SL_STEPS=%ld", p->seed, p->steps);
    if (p->fail_at >= 0) printf(" SL_FAIL_AT=%ld", p->fail_at);
    if (p->threads) printf(" SL_THREADS=1");
}

/* Each model case stops starting programs after this many seconds, or
 * its count, whichever comes first: the count fits a native run, the time
 * an emulated or sanitized one. */
static double budget_s(void) { return sl_thorough ? 15 : 0.25; }

static double seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs p on this thread; returns 1 when it reached its injected failure
 * (or injected none), 0 when the program ended before that allocation. */
static int run_one(const struct program *p, int verbose) {
    struct sl_mem_stats before, after;
    sl_mem_stats(&before);
    struct model m = {.rng = p->seed, .steps = p->steps, .threads = p->threads, .verbose = verbose,
                      .inject = p->fail_at >= 0};
    if (p->fail_at >= 0) sl_debug_fail_alloc_once(p->fail_at);
    run_program(&m);
    int reached = !sl_debug_failure_armed();
    sl_debug_fail_alloc_once(-1);
    if (p->fail_at >= 0 && reached && !m.injected)
        sl_check_fail(__FILE__, __LINE__, "the injected failure happened, yet every step succeeded");
    sl_mem_stats(&after);
    /* All is freed but main's buffer, which may be new; the threads' left
     * coroutines are handles that stay. */
    long more = after.live_blocks - before.live_blocks - m.handles_left;
    if (more < 0 || more > 1)
        sl_check_fail(__FILE__, __LINE__, "%ld heap blocks more than before the program (%ld handles left by threads)",
                      after.live_blocks - before.live_blocks, m.handles_left);
    return reached;
}

/* Runs p in a child process (output to /dev/null unless verbose); returns
 * 1 when it failed or crashed. */
static int fails_in_child(const struct program *p, int verbose) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (!verbose) {
            int null = open("/dev/null", O_WRONLY);
            dup2(null, STDOUT_FILENO);
        }
        alarm(30);
        run_one(p, verbose);
        fflush(stdout);
        _exit(sl_check_failures() ? 1 : 0);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) return 1;
    if (WIFSIGNALED(status) && verbose) printf("  (the program crashed with signal %d)\n", WTERMSIG(status));
    return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

/* A failing program, cut to the fewest steps that still fail, printed
 * step by step with the line that replays it. */
static void report_failure(struct program p) {
    long lo = 0, hi = p.steps;
    double start = seconds();
    /* Bounded: a program that hangs takes its alarm's 30 s per try. */
    while (lo < hi && seconds() - start < 40) {
        struct program q = p;
        q.steps = (lo + hi) / 2;
        if (fails_in_child(&q, 0))
            hi = q.steps;
        else
            lo = q.steps + 1;
    }
    struct program small = p;
    small.steps = hi;
    if (!fails_in_child(&small, 0)) small = p;
    printf("a random program failed: ");
    print_program(&p);
    printf("\nminimised to %ld steps (then winding down); it replays with ", small.steps);
    print_program(&small);
    printf(" in the runner's environment:\n");
    fails_in_child(&small, 1);
    sl_check_fail(__FILE__, __LINE__, "random program seed %" PRIu64 " failed (replay: SL_SEED=%" PRIu64
                  " SL_STEPS=%ld SL_FAIL_AT=%ld%s)", p.seed, small.seed, small.steps, small.fail_at,
                  small.threads ? " SL_THREADS=1" : "");
}

/* SL_SEED in the environment: runs just that program, every step printed.
 * Returns 1 when it did. */
static int replay(int threads) {
    const char *seed = getenv("SL_SEED");
    if (!seed || !*seed) return 0;
    const char *steps = getenv("SL_STEPS"), *fail_at = getenv("SL_FAIL_AT"), *th = getenv("SL_THREADS");
    if ((th && atoi(th)) != threads) return 1; /* the other variant's program */
    struct program p = {.seed = strtoull(seed, NULL, 10), .steps = steps ? atol(steps) : 200,
                        .fail_at = fail_at ? atol(fail_at) : -1, .threads = threads};
    printf("replaying ");
    print_program(&p);
    printf("\n");
    if (fails_in_child(&p, 1)) sl_check_fail(__FILE__, __LINE__, "the replayed program failed");
    return 1;
}

/* Runs up to `count` programs of `steps` steps from seed `first` on. */
static void random_programs(int threads, uint64_t first, int count, long steps) {
    if (replay(threads)) return;
    double start = seconds();
    for (int i = 0; i < count; i++) {
        if (seconds() - start > budget_s()) count = i;
        if (i == count) break;
        struct program p = {.seed = first + (uint64_t)i, .steps = steps, .fail_at = -1, .threads = threads};
        if (fails_in_child(&p, 0)) {
            report_failure(p);
            return;
        }
    }
    printf("%d random program(s) of %ld steps (seeds %" PRIu64 "..%" PRIu64 "), each step checked against the model\n",
           count, steps, first, first + (uint64_t)count - 1);
}

void case_model_random_programs(void) {
    random_programs(0, 1, sl_thorough ? 600 : 60, 300);
}

void case_model_random_programs_threads(void) {
    random_programs(1, 100001, sl_thorough ? 120 : 12, 200);
}

/* Each program again once per allocation it reaches, failing just that
 * one: in one child per program, the runs one after another, so the
 * number of the run in progress says which failed. */
void case_model_failure_injection(void) {
    if (replay(0)) return;
    int programs = sl_thorough ? 40 : 6;
    long runs = 0;
    double start = seconds();
    for (int i = 0; i < programs; i++) {
        if (seconds() - start > budget_s()) programs = i;
        if (i == programs) break;
        struct program p = {.seed = 200001 + (uint64_t)i, .steps = 60, .fail_at = 0};
        int pipefd[2];
        if (pipe(pipefd) != 0) {
            EXPECT(!"pipe");
            return;
        }
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            close(pipefd[0]);
            int null = open("/dev/null", O_WRONLY);
            dup2(null, STDOUT_FILENO);
            alarm(100);
            for (long k = 0;; k++) {
                /* A slow build (the sanitizers) stops within the budget
                 * too, after the allocations it got to. */
                if (k > 0 && seconds() - start > budget_s()) break;
                p.fail_at = k;
                if (write(pipefd[1], &k, sizeof k) != sizeof k) _exit(3);
                int reached = run_one(&p, 0);
                if (sl_check_failures()) _exit(1);
                if (!reached) break;
            }
            _exit(0);
        }
        close(pipefd[1]);
        long k = -1, got;
        while (read(pipefd[0], &got, sizeof got) == sizeof got) k = got;
        close(pipefd[0]);
        int status = 0;
        waitpid(pid, &status, 0);
        runs += k + 1;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            p.fail_at = k;
            report_failure(p);
            return;
        }
    }
    printf("%d program(s) run %ld times, each failing one allocation it reaches\n", programs, runs);
}
