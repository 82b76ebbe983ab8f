/* ABI hazards a port meets right after the stack changes. */
#include "abi_unit.h"
#include "check.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* gp reload after a switch. Position-independent code reaches other
 * translation units' functions and data through a table whose address
 * lives in a register calls may change, so a caller takes it back from
 * somewhere after every call: mips o32 code compiled by gcc reloads $gp
 * from its own frame (the .cprestore slot), clang from a callee-saved
 * register; ppc64 reloads r2 from the TOC save slot of its frame; mips n64
 * restores $gp from a frame in the epilogue. After a switch that slot is
 * in the slice just copied back, and the resumed coroutine's very next
 * statement calls through the table (snprintf, strlen, sl_rand). Before
 * every switch the side that leaves fills the stack below it with
 * pointer-sized garbage, so a slot the core or the port does not bring
 * back, or brings back late, gives a wild table address (a crash) rather
 * than the stale but equal one another frame left there. Every resume
 * kind: a new coroutine's first call, a resume at several depths, a
 * resume by sl_throw, the main side's resumes. */
enum { ROUNDS = 64, DEPTH_MAX = 5, SCRIBBLE_WORDS = 8 * 1024, THROW_CODE = 7 };

static sl_coro *gp_main;
/* A global of this unit: position-independent code reaches it through the
 * table too. */
int sl_abi_gp_calls;

/* Fills the stack below the caller with garbage that is no address. */
static __attribute__((noinline)) void scribble(uintptr_t salt) {
    uintptr_t junk[SCRIBBLE_WORDS];
    for (size_t i = 0; i < SCRIBBLE_WORDS; i++) junk[i] = (uintptr_t)0xdeadbeefu ^ salt ^ (i << 4);
    __asm__ volatile("" : : "r"(junk) : "memory"); /* the stores stay */
}

/* Calls through the table: a C library function and one of another unit,
 * their results checked. */
static void use_table(const char *side, int round, uint64_t *seed) {
    char text[64];
    int n = snprintf(text, sizeof text, "%s round %d", side, round);
    EXPECT(n > 0 && (size_t)n == strlen(text));
    uint64_t want = *seed;
    uint64_t a = sl_rand(seed), b = sl_rand(&want);
    EXPECT(a == b);
    sl_abi_gp_calls++;
}

/* Switches to `to` from `depth` frames further down, scribbling first;
 * the first statement after the switch calls through the table. */
static __attribute__((noinline)) int switch_deep(sl_coro *to, int depth, int round, int throw, const char *side,
                                                 uint64_t *seed) {
    volatile char frame[128 + 512 * (unsigned)depth];
    frame[0] = (char)depth;
    if (depth > 0) {
        int rc = switch_deep(to, depth - 1, round, throw, side, seed);
        char text[32];
        int n = snprintf(text, sizeof text, "%d", depth);
        EXPECT(n > 0 && (size_t)n == strlen(text));
        EXPECT_EQ(frame[0], depth);
        return rc;
    }
    scribble((uintptr_t)round);
    void *got = NULL;
    int rc = throw ? sl_throw(to, THROW_CODE, &got) : sl_switch(to, (void *)(intptr_t)(round + 1), &got);
    use_table(side, round, seed);
    EXPECT_EQ(frame[0], 0);
    return rc;
}

static void *gp_worker(void *arg) {
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    use_table("coroutine start", 0, &seed); /* the first thing it does */
    EXPECT_EQ((intptr_t)arg, 1);
    for (int round = 0; round < ROUNDS; round++) {
        int rc = switch_deep(gp_main, (round * 3) % (DEPTH_MAX + 1), round, 0, "coroutine", &seed);
        /* the main side throws every fourth round */
        EXPECT_EQ(rc, round % 4 == 3 ? THROW_CODE : 0);
    }
    return NULL;
}

void case_abi_gp_reload_after_switch(void) {
    gp_main = sl_current();
    sl_abi_gp_calls = 0;
    uint64_t seed = 0x2545f4914f6cdd1dull;
    sl_coro *c = sl_new(gp_worker, NULL);
    EXPECT(c != NULL);
    if (c == NULL) return;
    /* round 0 starts it; then one resume per round it switched back */
    for (int round = 0; round <= ROUNDS; round++) {
        int rc = switch_deep(c, round % (DEPTH_MAX + 1), round, round % 4 == 0 && round > 0, "main", &seed);
        EXPECT_EQ(rc, 0);
    }
    EXPECT_EQ(sl_state(c), SL_DEAD);
    EXPECT_EQ(sl_free(c), 0);
    EXPECT_EQ(sl_abi_gp_calls, 2 * ROUNDS + 2);
    printf("%d resumes, each followed at once by calls through the table\n", sl_abi_gp_calls);
}

/* Globals of two translation units after a switch. Position-independent
 * code reaches a unit's data from a base register: on alpha gp ($29),
 * which no callee saves and every function computes again, from $27 at
 * its entry and from $26 after every call, so after a switch the gp of
 * each side comes from the return address and frame the port and the core
 * brought back (the $29 a port returns with is never trusted: every call
 * of sl_arch_switch reloads it); elsewhere a GOT, ppc64's TOC (r2), mips'
 * $gp, or pc-relative addresses. Each side, in its own unit (abi_unit.c holds the coroutine),
 * checks and rewrites its own static globals and reads the other's shared
 * ones in the first function it calls after each switch returns. */
enum { UNIT_ROUNDS = 200, MAIN = 1 };

static volatile uint64_t main_own[SL_ABI_UNIT_WORDS];
volatile uint64_t sl_abi_main_shared[SL_ABI_UNIT_WORDS];

static __attribute__((noinline)) void main_before_switch(uint64_t step) {
    for (int i = 0; i < SL_ABI_UNIT_WORDS; i++) {
        main_own[i] = sl_abi_unit_value(MAIN, step, i);
        sl_abi_main_shared[i] = sl_abi_unit_value(MAIN, step, i);
    }
}

/* Right after the coroutine handed the step back: what it wrote for it,
 * and what this side wrote before the switch. */
static __attribute__((noinline)) void main_after_switch(uint64_t step) {
    for (int i = 0; i < SL_ABI_UNIT_WORDS; i++) {
        EXPECT(sl_abi_unit_shared[i] == sl_abi_unit_value(2, step, i));
        EXPECT(main_own[i] == sl_abi_unit_value(MAIN, step, i));
        EXPECT(sl_abi_main_shared[i] == sl_abi_unit_value(MAIN, step, i));
    }
}

void case_abi_globals_across_units(void) {
    sl_coro *c = sl_new(sl_abi_unit_worker, NULL);
    EXPECT(c != NULL);
    if (c == NULL) return;
    sl_coro *self = sl_current();
    int checked = 0;
    for (uintptr_t step = 1; step <= UNIT_ROUNDS; step++) {
        main_before_switch(step);
        void *got = NULL;
        /* the first switch starts the coroutine, whose argument is this one */
        int rc = sl_switch(c, step == 1 ? (void *)self : (void *)step, &got);
        main_after_switch(step);
        EXPECT_EQ(rc, 0);
        EXPECT_EQ((uintptr_t)got, step);
        checked++;
    }
    void *got = NULL;
    EXPECT_EQ(sl_switch(c, NULL, &got), 0); /* step 0 ends it */
    EXPECT_EQ(sl_state(c), SL_DEAD);
    EXPECT_EQ(sl_free(c), 0);
    printf("%d round trips between two units, each unit's globals checked first after every switch\n", checked);
}
