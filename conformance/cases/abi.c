/* ABI hazards a port meets right after the stack changes. */
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
