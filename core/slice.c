/* The stack-slicing core: greenlet's algorithm in portable C11.
 *
 * Every coroutine of a thread runs on that thread's stack. A started
 * coroutine owns the region between slice_start and slice_stop: slice_stop
 * is fixed when it starts (an address in the frame of the call that started
 * it) and slice_start is its stack pointer when it last left, the deep end.
 * While it is suspended, the deepest `saved` bytes of that region live in a
 * heap copy; the rest is still on the stack, untouched. Switching to a
 * coroutine saves just enough of the others to free its region, copies its
 * heap copy back to the very same addresses, and moves the stack pointer
 * there.
 *
 * The coroutines that still have bytes on the stack form one chain per
 * thread, from the running one through stack_prev, ordered by slice_stop,
 * shallower further along. The stack grows down (the region is
 * [slice_start, slice_stop)) or up, on hppa ([slice_stop, slice_start)), as
 * the port says (SL_STACK_UP, core/port.h); the few helpers under "stack
 * direction" are all that differs, and everything else speaks of deeper and
 * shallower. Sizes are computed signed, since a coroutine may be resumed
 * from shallower or deeper than where it started. */
#include "slice.h"
#include "slice_debug.h"
#include "port.h"

#include <limits.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__)
#define SL_NOINLINE __attribute__((noinline, noipa))
#else
#define SL_NOINLINE __attribute__((noinline))
#endif
/* The switch's fast path is one function: its helpers are folded in, and
 * what is rare (allocation) is kept out of line. */
#define SL_INLINE static inline __attribute__((always_inline))
#define SL_COLD __attribute__((noinline, cold))

#if defined(__SANITIZE_ADDRESS__)
#define SL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SL_ASAN 1
#endif
#endif

#ifdef SL_ASAN
#include <sanitizer/asan_interface.h>
#endif

struct sl_thread;

struct sl_coro {
    /* The port's register area (core/port.h): its first word is
     * slice_start, the stack pointer when it last left (meaningless while
     * it runs: every save sets it first); the port saves its registers
     * past it. */
    union {
        char *slice_start;
        _Alignas(16) unsigned char area[SL_AREA_BYTES];
    };
    char *slice_stop;      /* shallow end of the region it owns; set when started */
    char *copy;            /* heap copy of the `saved` bytes next to slice_start */
    size_t saved;
    size_t saved_before;   /* saved when a save_all began: a failed one undoes */
    size_t cap;            /* size of the block at copy, kept between saves */
    size_t off;            /* where slice_start lies in it (copy_anchor) */
    size_t room;           /* bytes a save may copy without fit_buffer (0 when
                            * the block is big enough to be shrunk) */
    void **result;         /* where to put the value it is resumed with */
    sl_coro *stack_prev;   /* next coroutine along the chain of stack owners */
    sl_coro *parent;
    sl_coro *first_child;  /* children, so freeing a parent can re-parent them */
    sl_coro *next_sibling;
    sl_coro *prev_sibling;
    struct sl_thread *active_in; /* its thread's state while it is SL_ACTIVE, else
                            * NULL: sl_switch's fast path tests both at once */
    uint64_t owner;        /* its thread's identity, never reused */
    sl_fn fn;
    int state;
    int is_main;
};

struct sl_thread {
    sl_coro main;          /* lives as long as the thread: never allocated */
    sl_coro *current;
    sl_coro *target;       /* the coroutine a switch in progress goes to */
    sl_coro *throw_from;   /* where a throw entered, to kill the new ones it passed */
    void *value;           /* value in transit */
    int code;              /* what the switch returns: the throw code in transit
                            * (0 for a plain switch), SL_STARTED or SL_ENOMEM */
    long allocs_left;      /* failure injection: < 0 means off */
    int slow;              /* SL_SLOW_* bits: the next switch must take save_all */
    int fail_once;         /* the injected failure is one allocation, not all after */
    char *deepest_switch;  /* the deepest stack pointer a switch has left from */
    uint64_t id;           /* this thread's identity: 0 until first use */
};

static _Thread_local struct sl_thread tls = {.allocs_left = -1};

/* Why a switch may not take sl_core_leave's fast path, in one word it tests:
 * it came through transfer (a start, a throw, a finished coroutine: anything
 * but sl_switch's own fast path, which has checked the rest), or failure
 * injection is armed (every save must count as an allocation). */
#define SL_SLOW_TRANSFER 1
#define SL_SLOW_INJECT 2

SL_INLINE void set_allocs_left(long n) {
    tls.allocs_left = n < 0 ? -1 : n;
    tls.slow = n < 0 ? tls.slow & ~SL_SLOW_INJECT : tls.slow | SL_SLOW_INJECT;
}

/* A thread's identity. The address of its block cannot be one: the C
 * library hands an exited thread's stack and thread-local block to the
 * next thread it starts. */
static uint64_t last_thread_id;
static pthread_mutex_t thread_id_lock = PTHREAD_MUTEX_INITIALIZER;

/* A lock, not a 64-bit atomic: some 32-bit targets have none without
 * libatomic, and this runs once per thread. */
static uint64_t new_thread_id(void) {
    pthread_mutex_lock(&thread_id_lock);
    uint64_t id = ++last_thread_id;
    pthread_mutex_unlock(&thread_id_lock);
    return id;
}

/* ---- memory accounting ------------------------------------------------ */

/* Only real allocations and frees touch these: a switch that fits the
 * buffers its coroutines keep allocates nothing and counts nothing. They
 * are shared by every thread, through the __atomic builtins rather than
 * <stdatomic.h>: clang 14 targeting mips-linux-gnu finds gcc's own
 * stdatomic.h first, whose macros it refuses on _Atomic types, and the
 * builtins mean the same to both compilers. */
static long live_blocks, live_bytes, peak_bytes, total_allocs;

SL_INLINE int alloc_allowed(void) {
    if (tls.allocs_left < 0) return 1;
    if (tls.allocs_left == 0) {
        if (tls.fail_once) set_allocs_left(-1);
        return 0;
    }
    tls.allocs_left--;
    return 1;
}

static void account(long blocks, long bytes) {
    __atomic_fetch_add(&live_blocks, blocks, __ATOMIC_RELAXED);
    long now = __atomic_add_fetch(&live_bytes, bytes, __ATOMIC_RELAXED);
    long peak = __atomic_load_n(&peak_bytes, __ATOMIC_RELAXED);
    while (now > peak && !__atomic_compare_exchange_n(&peak_bytes, &peak, now, 1, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
    }
}

static void *mem_resize(void *p, size_t old_size, size_t new_size) {
    void *q = realloc(p, new_size);
    if (!q) return NULL;
    __atomic_fetch_add(&total_allocs, 1, __ATOMIC_RELAXED);
    account(p ? 0 : 1, (long)new_size - (long)old_size);
    return q;
}

static void mem_free(void *p, size_t size) {
    if (!p) return;
    free(p);
    account(-1, -(long)size);
}

void sl_mem_stats(struct sl_mem_stats *out) {
    out->live_blocks = __atomic_load_n(&live_blocks, __ATOMIC_SEQ_CST);
    out->live_bytes = __atomic_load_n(&live_bytes, __ATOMIC_SEQ_CST);
    out->peak_bytes = __atomic_load_n(&peak_bytes, __ATOMIC_SEQ_CST);
    out->allocs = __atomic_load_n(&total_allocs, __ATOMIC_SEQ_CST);
}

void sl_debug_fail_allocs_after(long n) {
    set_allocs_left(n);
    tls.fail_once = 0;
}

void sl_debug_fail_alloc_once(long n) {
    set_allocs_left(n);
    tls.fail_once = 1;
}

int sl_debug_failure_armed(void) { return tls.allocs_left >= 0; }

/* ---- stack copies ----------------------------------------------------- */

/* The copies read and write stack memory that belongs to no live frame of
 * the running code, so AddressSanitizer must not instrument them (greenlet
 * #113, #291); its interceptors would check memcpy, so copy by hand there. */
#ifdef SL_ASAN
__attribute__((no_sanitize_address)) static void copy_stack(void *dst, const void *src, size_t n) {
    volatile unsigned char *d = dst;
    const volatile unsigned char *s = src;
    while (n--) *d++ = *s++;
}
#else
#define copy_stack memcpy
#endif

/* ---- stack direction -------------------------------------------------- */

/* An address as it would lie on a stack that grows down: on an upward one
 * mirrored (x ^ all ones reverses the order of unsigned integers and the
 * sign of their differences), so that deeper is lower either way. */
SL_INLINE uintptr_t depth(const char *a) { return (uintptr_t)a ^ (SL_STACK_UP ? UINTPTR_MAX : 0); }

SL_INLINE int deeper(const char *a, const char *b) { return depth(a) < depth(b); }

/* Bytes from `from` to `to`, positive when `to` is the shallower. */
SL_INLINE intptr_t distance(const char *from, const char *to) {
    return (intptr_t)(depth(to) - depth(from));
}

/* The direction this core slices in, as a symbol: an upward port refers to
 * sl_core_stack_grows_up, so that it does not link with a core built for
 * a downward stack (core/port.h). */
SL_INTERNAL extern const char SL_CAT(sl_core_stack_grows_, SL_STACK_GROWS);
const char SL_CAT(sl_core_stack_grows_, SL_STACK_GROWS) = 1;

/* The shallow end of every stack: the main coroutine's slice_stop. */
#define SL_SHALLOWEST ((char *)(SL_STACK_UP ? 0 : UINTPTR_MAX))

/* The lowest address of the bytes `near` to `far` bytes shallower than a
 * slice's start: on a downward stack they lie above it, on an upward one
 * below it. */
SL_INLINE char *slice_bytes(char *slice_start, size_t near, size_t far) {
    return SL_STACK_UP ? slice_start - far : slice_start + near;
}

/* A coroutine started from a frame owns the stack deeper than `mark`, a
 * byte of that frame: its slice_stop is the 8-byte boundary on the deep
 * side of the mark, so that slices are whole words and the copies run
 * aligned. That stays shallower than the caller's stack pointer, which lies
 * deeper than the mark, because that pointer is 8-byte aligned or, on a
 * stack aligned to less (m68k: 2 bytes), the arguments of this call lie
 * between them (12 bytes, pushed); on hppa, where the stack grows up, the
 * 48-byte frame marker of the call does. */
SL_INLINE char *stop_at(const char *mark) {
    uintptr_t m = (uintptr_t)mark;
    return (char *)(SL_STACK_UP ? (m | 7) + 1 : m & ~(uintptr_t)7);
}

/* Buffers grow in steps of this many bytes, and one this much larger than
 * a fresh save needs is given back (down to twice the need), so a coroutine
 * that once held a deep stack does not keep it forever. */
#define SL_BUF_STEP 256
#define SL_BUF_SHRINK (64 * 1024)
/* A copy lies in its block at the stack's own offset modulo a cache line,
 * so that both sides of a copy are aligned alike (a 64 KiB copy between
 * misaligned ones ran 5 % slower here); a block holds that much more. */
#define SL_BUF_ALIGN 64

/* Where in c's block a fresh copy puts slice_start: the copy grows from it
 * toward the shallow end, so it sits at the block's start on a downward
 * stack and at its end on an upward one, moved by less than SL_BUF_ALIGN
 * to the stack's own offset. */
SL_INLINE size_t copy_anchor(const sl_coro *c, const char *slice_start) {
    uintptr_t block = (uintptr_t)c->copy, start = (uintptr_t)slice_start;
    return SL_STACK_UP ? c->cap - ((block + c->cap - start) & (SL_BUF_ALIGN - 1))
                       : (start - block) & (SL_BUF_ALIGN - 1);
}

/* Where the stack byte at `a` of c's saved bytes lies in its copy. */
SL_INLINE char *copy_of(const sl_coro *c, const char *a) { return c->copy + c->off + (a - c->slice_start); }

/* What a save may copy into c's block without fit_buffer: all but the
 * alignment slack, or nothing when the block is big enough that
 * fit_buffer may have to shrink it. One comparison on the fast path. */
SL_INLINE void set_room(sl_coro *c) {
    c->room = c->cap && c->cap <= SL_BUF_SHRINK ? c->cap - SL_BUF_ALIGN : 0;
}

/* Makes c's buffer fit `need` bytes after its alignment slack: grows it, or
 * shrinks one that is far too big for a fresh save. Growing may fail;
 * shrinking never does (a failed shrink keeps the block as it is). */
SL_COLD static int fit_buffer(sl_coro *c, size_t need) {
    need += SL_BUF_ALIGN;
    size_t cap = (need + SL_BUF_STEP - 1) / SL_BUF_STEP * SL_BUF_STEP;
    if (need > c->cap) {
        char *copy = mem_resize(c->copy, c->cap, cap);
        if (!copy) return -1;
        /* A copy anchored at the block's end moves to the new end, and
         * keeps its offset modulo SL_BUF_ALIGN (blocks are whole steps). */
        size_t moved = SL_STACK_UP && c->saved ? cap - c->cap : 0;
        if (moved) memmove(copy + c->off + moved - c->saved, copy + c->off - c->saved, c->saved);
        c->off += moved;
        c->copy = copy;
        c->cap = cap;
    } else if (c->cap > SL_BUF_SHRINK && need < c->cap / 4 && !c->saved) {
        cap *= 2;
        char *copy = mem_resize(c->copy, c->cap, cap);
        if (copy) {
            c->copy = copy;
            c->cap = cap;
        }
    }
    set_room(c);
    return 0;
}

/* Extends c's heap copy until it covers its stack up to `stop`. Every save
 * that copies bytes counts as an allocation for failure injection, whether
 * or not its buffer has room, so a test can fail the fast path too. */
SL_INLINE int save_upto(sl_coro *c, char *stop) {
    intptr_t have = (intptr_t)c->saved;
    intptr_t need = distance(c->slice_start, stop);
    if (need <= have) return 0;
    if (!alloc_allowed()) return -1;
    if ((size_t)need > c->room && fit_buffer(c, (size_t)need)) return -1;
    /* A block that moved while it held part of a copy keeps it at the same
     * offset: only a fresh copy picks its offset. */
    if (!have) c->off = copy_anchor(c, c->slice_start);
    char *from = slice_bytes(c->slice_start, (size_t)have, (size_t)need);
    copy_stack(copy_of(c, from), from, (size_t)(need - have));
    c->saved = (size_t)need;
    return 0;
}

/* Gives c's buffer back: it is dead or freed, or its thread ends. */
static void drop_buffer(sl_coro *c) {
    mem_free(c->copy, c->cap);
    c->copy = NULL;
    c->saved = c->cap = c->room = 0;
}

/* ---- the two halves called by the port ---------------------------------- */

/* The sanitizer build keeps the deepest point any switch left this
 * thread's stack from: each restore forgets the shadow down to it. Every
 * save goes through here, the fast path too, so that build runs the path
 * a release build takes. */
SL_INLINE void note_deepest(struct sl_thread *t, char *slice_start) {
#ifdef SL_ASAN
    if (!t->deepest_switch || deeper(slice_start, t->deepest_switch)) t->deepest_switch = slice_start;
#else
    (void)t;
    (void)slice_start;
#endif
}

/* Any switch: saves every coroutine in the target's way and hands the
 * thread to the target; returns the area to enter. */
SL_NOINLINE static void *save_all(struct sl_thread *t, void *slice_start) {
    sl_coro *target = t->target;
    sl_coro *origin = t->current;
    sl_coro *owner = origin;
    t->slow &= ~SL_SLOW_TRANSFER;
    /* A finished one too: a coroutine it starts, or a failed save, resumes
     * from its area. */
    owner->slice_start = slice_start;
    if (owner->state == SL_DEAD) {
        drop_buffer(owner); /* nothing of a finished coroutine is kept */
        owner->active_in = NULL;
        owner = owner->stack_prev;
    }
    sl_coro *first = owner;
    while (deeper(owner->slice_stop, target->slice_stop)) {
        owner->saved_before = owner->saved;
        if (save_upto(owner, owner->slice_stop)) goto failed;
        owner = owner->stack_prev;
    }
    owner->saved_before = owner->saved;
    if (owner != target && save_upto(owner, target->slice_stop)) goto failed;
    /* The target's place in the chain: after every owner its region
     * covers, from the first one still on the stack. */
    owner = first;
    while (owner && !deeper(target->slice_stop, owner->slice_stop)) owner = owner->stack_prev;
    target->stack_prev = owner;
    /* A throw kills the unstarted coroutines it passed on its way up. */
    if (t->throw_from) {
        for (sl_coro *c = t->throw_from; c && c != target; c = c->parent)
            if (c->state == SL_NEW) c->state = SL_DEAD;
        t->throw_from = NULL;
    }
    t->current = target;
    if (target->state != SL_NEW) return target->area;
    /* A coroutine starts where its starter left, with its registers. */
    target->state = SL_ACTIVE;
    target->active_in = t;
    t->code = SL_STARTED;
    return origin->area;

failed:
    /* Nothing changed: the owners saved so far go back to what they held
     * (the bytes past that stay on the stack, untouched), and the running
     * one, which keeps running, to an empty copy (it keeps its buffer) and
     * no pending result. */
    for (sl_coro *c = first; c != owner; c = c->stack_prev) c->saved = c->saved_before;
    owner->saved = owner->saved_before;
    origin->saved = 0;
    origin->result = NULL;
    t->code = SL_ENOMEM;
    return origin->area;
}

void *sl_core_leave(void *slice_start) {
    struct sl_thread *t = &tls;
    note_deepest(t, slice_start);
    /* The common switch, as save_all would do it, with at most one copy and
     * no loop: when sl_switch's fast path called the port (between started
     * coroutines, no throw in transit) and no failure is injected (t->slow
     * says both), the running coroutine is all that is in the
     * target's way: the target lies deeper (and goes after the running one
     * in the chain), or it is the running one's stack_prev (and keeps its
     * place). The running coroutine never holds a copy (restore emptied
     * it; a failed save empties it), so its copy starts afresh, when it has
     * bytes in the way and room for them. */
    sl_coro *target = t->target;
    sl_coro *self = t->current;
    if (!t->slow) {
        char *stop = target->slice_stop;
        int target_deeper = deeper(stop, self->slice_stop);
        if (!target_deeper) {
            if (self->stack_prev != target) return save_all(t, slice_start);
            stop = self->slice_stop;
        }
        intptr_t need = distance(slice_start, stop);
        if (need > 0 && (size_t)need > self->room) return save_all(t, slice_start);
        /* The thread is the target's before the copy, so that only the
         * target is kept across it. */
        if (target_deeper) target->stack_prev = self;
        t->current = target;
        self->slice_start = slice_start;
        if (need > 0) {
            self->saved = (size_t)need;
            self->off = copy_anchor(self, slice_start);
            char *from = slice_bytes(slice_start, 0, (size_t)need);
            copy_stack(copy_of(self, from), from, (size_t)need);
        }
        return target->area;
    }
    return save_all(t, slice_start);
}

void *sl_core_save(void *slice_start) { return *(char **)sl_core_leave(slice_start); }

/* The second half, on the target's stack, deeper than the region it
 * restores: the thread is the target's already (or still the leaving
 * coroutine's, after a failed save). */
int sl_core_restore(void) {
    struct sl_thread *t = &tls;
    sl_coro *c = t->current;
#ifdef SL_ASAN
    /* The shadow of this stack still describes the frames of whoever ran here
     * last, down to the deepest point any switch left from; forget it all
     * rather than report the target's frames against someone else's
     * redzones. handle_no_return clears from here up, as before a longjmp.
     * Before the copy, since a signal handler's frame may land deeper than
     * us while it runs. */
    char here;
    if (deeper(t->deepest_switch, &here)) {
        size_t n = (size_t)distance(t->deepest_switch, &here);
        ASAN_UNPOISON_MEMORY_REGION(slice_bytes(t->deepest_switch, 0, n), n);
    }
    __asan_handle_no_return();
#endif
    if (c->saved) {
        char *to = slice_bytes(c->slice_start, 0, c->saved);
        copy_stack(to, copy_of(c, to), c->saved);
        c->saved = 0; /* the buffer stays, for its next save */
    }
    /* The value goes where the target asked for it when it left, so that
     * sl_switch has nothing to do after the port and keeps no frame. */
    if (c->result) *c->result = t->value; /* NULL with a throw */
    return t->code;
}

/* ---- switching ---------------------------------------------------------- */

/* The main coroutine's buffer lives as long as its thread. */
static pthread_key_t main_key;
static pthread_once_t main_key_once = PTHREAD_ONCE_INIT;

/* The next coroutine after c in a walk of the tree under its main one,
 * without recursion (a chain may be deep). */
static sl_coro *next_in_tree(sl_coro *c) {
    if (c->first_child) return c->first_child;
    for (; !c->is_main; c = c->parent)
        if (c->next_sibling) return c->next_sibling;
    return NULL;
}

/* The thread ends: none of its coroutines can run again. Each is dead, its
 * stack copy given back, and its thread's identity is never seen again, so
 * every other thread is refused them. The handles stay valid (sl_state,
 * sl_parent, sl_saved_bytes): the user may still hold them. The tree is
 * cut from the main coroutine, which goes with the thread. */
static void main_exit(void *arg) {
    sl_coro *main = arg;
    for (sl_coro *c = main->first_child; c; c = next_in_tree(c)) {
        c->state = SL_DEAD;
        c->active_in = NULL;
        drop_buffer(c);
    }
    for (sl_coro *c = main->first_child, *next; c; c = next) {
        next = c->next_sibling;
        c->parent = c->next_sibling = c->prev_sibling = NULL;
    }
    main->first_child = NULL;
    drop_buffer(main);
}

static void make_main_key(void) {
    if (pthread_key_create(&main_key, main_exit)) {
        fputs("stackslice: pthread_key_create failed\n", stderr);
        abort();
    }
}

static struct sl_thread *thread_state(void) {
    struct sl_thread *t = &tls;
    if (!t->current) {
        pthread_once(&main_key_once, make_main_key);
        pthread_setspecific(main_key, &t->main);
        t->main.state = SL_ACTIVE;
        t->main.is_main = 1;
        t->main.slice_stop = SL_SHALLOWEST;
        t->main.active_in = t;
        t->id = new_thread_id();
        t->main.owner = t->id;
        t->current = &t->main;
    }
    return t;
}

SL_NOINLINE static int run_current(void);

/* `mark` lies in the caller's frame: a coroutine started here owns the stack
 * deeper than it (stop_at). Never inlined, so the frames of the new
 * coroutine all lie deeper than that mark. */
SL_NOINLINE static int switch_stack(struct sl_thread *t, sl_coro *to, char *mark) {
    if (to->state == SL_NEW) to->slice_stop = stop_at(mark);
    t->target = to;
    int r = sl_arch_switch(t->current->area);
    if (r == SL_STARTED) return run_current();
    return r;
}

/* The coroutine a transfer to `to` ends at: dead ones pass it to their
 * parent, and so do unstarted ones when it is a throw. */
static sl_coro *destination(sl_coro *to, int code) {
    while (to->state == SL_DEAD || (code && to->state == SL_NEW)) to = to->parent;
    return to;
}

static int transfer(sl_coro *to, void *value, int code, void **result) {
    struct sl_thread *t = thread_state();
    if (!to) return SL_EINVAL;
    if (to->owner != t->id) return SL_ETHREAD;
    sl_coro *dest = destination(to, code);
    if (dest == t->current) {
        for (sl_coro *c = to; c != dest; c = c->parent)
            if (c->state == SL_NEW) c->state = SL_DEAD;
        if (result) *result = code ? NULL : value;
        return code;
    }
    t->value = code ? NULL : value; /* a throw resumes with NULL */
    t->code = code;
    t->throw_from = code ? to : NULL;
    t->slow |= SL_SLOW_TRANSFER;
    t->current->result = result;
    /* A started coroutine resumes where it left: no mark is needed, and the
     * port is called from here, one frame and one call fewer. Only a start
     * needs switch_stack's frame deeper than the mark. */
    int r;
    if (dest->state != SL_NEW) {
        t->target = dest;
        r = sl_arch_switch(t->current->area);
    } else {
        char mark;
        r = switch_stack(t, dest, &mark);
    }
    if (r == SL_ENOMEM) t->throw_from = NULL;
    return r;
}

/* Out of line, so that switch_stack keeps nothing across the port: its
 * frame is part of every slice the coroutine saves. It never returns, but
 * says it does: switch_stack's call of it is then a tail call, and the
 * coroutine's first frame takes the place of switch_stack's instead of
 * lying below it (a frame fewer on every slice it saves: on sparc64 a
 * 176-byte register save area, on s390x 160 bytes). noipa (SL_NOINLINE)
 * keeps gcc from finding out. */
SL_NOINLINE static int run_current(void) {
    struct sl_thread *t = &tls;
    sl_coro *self = t->current;
    void *r = self->fn(t->value);
    self = t->current;
    self->state = SL_DEAD;
    /* Returns only when the return could not be saved for lack of memory.
     * The value then reaches no one: sending it further up would pass a
     * live parent. The coroutine whose stack lies right above this one's
     * takes the failure instead; it is this one's stack_prev, so nothing
     * is in its way and the switch needs no memory. */
    transfer(self->parent, r, 0, NULL);
    sl_coro *above = self->stack_prev;
    above->result = NULL; /* its pending call's result stays untouched */
    t->target = above;
    t->value = NULL;
    t->code = SL_ENOMEM;
    t->throw_from = NULL;
    t->slow |= SL_SLOW_TRANSFER;
    sl_arch_switch(self->area);
    fputs("stackslice: a finished coroutine could not leave\n", stderr);
    abort();
}

int sl_debug_arm_switch(sl_coro *to) {
    struct sl_thread *t = thread_state();
    if (!to || to->state != SL_ACTIVE || to == t->current) return SL_EINVAL;
    if (to->owner != t->id) return SL_ETHREAD;
    t->target = to;
    t->value = NULL;
    t->code = 0;
    t->throw_from = NULL;
    t->current->result = NULL;
    return 0;
}

void *sl_debug_leaving_area(void) { return thread_state()->current->area; }

/* ---- the public API ----------------------------------------------------- */

sl_coro *sl_current(void) { return thread_state()->current; }

static void unlink_child(sl_coro *c) {
    sl_coro *p = c->parent;
    if (!p) return;
    if (c->prev_sibling)
        c->prev_sibling->next_sibling = c->next_sibling;
    else
        p->first_child = c->next_sibling;
    if (c->next_sibling) c->next_sibling->prev_sibling = c->prev_sibling;
    c->parent = c->next_sibling = c->prev_sibling = NULL;
}

static void link_child(sl_coro *c, sl_coro *p) {
    c->parent = p;
    c->prev_sibling = NULL;
    c->next_sibling = p->first_child;
    if (p->first_child) p->first_child->prev_sibling = c;
    p->first_child = c;
}

int sl_version(void) { return SL_VERSION; }

sl_coro *sl_new(sl_fn fn, sl_coro *parent) {
    struct sl_thread *t = thread_state();
    if (!fn) {
        errno = EINVAL;
        return NULL;
    }
    if (!parent) parent = t->current;
    if (parent->owner != t->id) {
        errno = EPERM;
        return NULL;
    }
    sl_coro *c = alloc_allowed() ? mem_resize(NULL, 0, sizeof *c) : NULL;
    if (!c) {
        errno = ENOMEM;
        return NULL;
    }
    memset(c, 0, sizeof *c);
    c->fn = fn;
    c->state = SL_NEW;
    c->owner = t->id;
    link_child(c, parent);
    return c;
}

int sl_switch(sl_coro *to, void *value, void **result) {
    /* The common case, a switch to a suspended coroutine of this thread,
     * ends in the port (a tail call where the compiler makes one): no frame
     * of sl_switch is on the stack to copy, and sl_core_restore stores the
     * value at `result`. to->active_in is this thread's state only once it
     * is set up, and only while `to` is started and not finished; the port
     * finds t->slow clear (throw_from is NULL between switches). */
    struct sl_thread *t = &tls;
    sl_coro *self = t->current;
    if (__builtin_expect(to && to->active_in == t && to != self, 1)) {
        t->value = value;
        t->code = 0;
        t->target = to;
        self->result = result;
        return sl_arch_switch(self->area);
    }
    return transfer(to, value, 0, result);
}

int sl_throw(sl_coro *to, int code, void **result) {
    if (code <= 0) return SL_EINVAL;
    return transfer(to, NULL, code, result);
}

int sl_state(const sl_coro *c) { return c ? c->state : SL_EINVAL; }

sl_coro *sl_parent(const sl_coro *c) { return c ? c->parent : NULL; }

int sl_set_parent(sl_coro *c, sl_coro *parent) {
    if (!c || !parent) return SL_EINVAL;
    struct sl_thread *t = thread_state();
    if (c->owner != t->id || parent->owner != t->id) return SL_ETHREAD;
    for (sl_coro *a = parent; a; a = a->parent)
        if (a == c) return SL_ECYCLE;
    unlink_child(c);
    link_child(c, parent);
    return 0;
}

size_t sl_saved_bytes(const sl_coro *c) { return c ? c->saved : 0; }

int sl_free(sl_coro *c) {
    if (!c || c->is_main) return SL_EINVAL;
    if (c->owner != thread_state()->id) return SL_ETHREAD;
    if (c->state == SL_ACTIVE) return SL_EBUSY;
    sl_coro *grandparent = c->parent;
    while (c->first_child) {
        sl_coro *child = c->first_child;
        unlink_child(child);
        link_child(child, grandparent);
    }
    unlink_child(c);
    drop_buffer(c);
    mem_free(c, sizeof *c);
    return 0;
}
