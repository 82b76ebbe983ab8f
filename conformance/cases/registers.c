/* Register canaries: every callee-saved register and FP control register
 * survives a switch, seen from assembly (arch/<arch>/probe.S), not through
 * the C compiler's eyes. Both sides load distinct canaries every round. */
#include "check.h"
#include "probe.h"
#include "slice_debug.h"

#include <inttypes.h>
#include <string.h>

enum { SLOTS_MAX = 96, ROUNDS = 40 };

static sl_coro *main_coro;

static const char *slot_name(uint32_t slot) {
    const char *name = sl_probe_names;
    while (slot--) name += strlen(name) + 1;
    return name;
}

static void make_canaries(uint64_t *load, uint64_t *seed) {
    for (uint32_t i = 0; i < sl_probe_count; i++)
        load[i] = sl_probe_fixed[i] | (sl_rand(seed) & sl_probe_mask[i]);
}

static void compare(const char *side, int round, const uint64_t *load, const uint64_t *seen) {
    for (uint32_t i = 0; i < sl_probe_count; i++) {
        uint64_t compared = sl_probe_fixed[i] | sl_probe_mask[i];
        if ((load[i] ^ seen[i]) & compared)
            sl_check_fail(__FILE__, __LINE__,
                          "%s, round %d: register %s changed across the switch: expected "
                          "0x%016" PRIx64 ", got 0x%016" PRIx64,
                          side, round, slot_name(i), load[i] & compared, seen[i] & compared);
    }
}

static void *other_side(void *arg) {
    (void)arg;
    uint64_t seed = 0x5eed;
    for (int round = 0; round < ROUNDS; round++) {
        uint64_t load[SLOTS_MAX], seen[SLOTS_MAX] = {0};
        make_canaries(load, &seed);
        EXPECT_EQ(sl_probe_switch(load, seen, main_coro, sl_switch), 0);
        compare("coroutine", round, load, seen);
    }
    return NULL;
}

void case_registers_canaries(void) {
    EXPECT(sl_probe_count > 0 && sl_probe_count <= SLOTS_MAX);
    if (sl_probe_count == 0 || sl_probe_count > SLOTS_MAX) return;
    main_coro = sl_current();
    sl_coro *c = sl_new(other_side, NULL);
    uint64_t seed = 0xc0ffee;
    for (int round = 0; round <= ROUNDS; round++) {
        uint64_t load[SLOTS_MAX], seen[SLOTS_MAX] = {0};
        make_canaries(load, &seed);
        /* the first switch starts the other side, and its argument is NULL */
        EXPECT_EQ(sl_probe_switch(load, seen, c, sl_switch), 0);
        compare("main", round, load, seen);
    }
    EXPECT_EQ(sl_state(c), SL_DEAD);
    EXPECT_EQ(sl_free(c), 0);
}

/* The same straight through the port, with no C frame between the canaries
 * and sl_arch_switch: C frames save callee-saved registers themselves and
 * would hide a port that forgets one. */
static void *direct_side(void *arg) {
    (void)arg;
    uint64_t seed = 0xd1ec7;
    for (int round = 0; round < ROUNDS; round++) {
        uint64_t load[SLOTS_MAX], seen[SLOTS_MAX] = {0};
        make_canaries(load, &seed);
        EXPECT_EQ(sl_probe_switch(load, seen, main_coro, sl_probe_direct), 0);
        compare("coroutine (direct)", round, load, seen);
    }
    return NULL;
}

void case_registers_canaries_direct(void) {
    EXPECT(sl_probe_count > 0 && sl_probe_count <= SLOTS_MAX);
    if (sl_probe_count == 0 || sl_probe_count > SLOTS_MAX) return;
    main_coro = sl_current();
    /* A switch the core refuses to arm never enters the port, and the
     * canaries survive it: the probe's own frame and sl_debug_arm_switch
     * (plain C) are all that ran. */
    uint64_t seed = 0xa11ed;
    sl_coro *refused[] = {NULL, main_coro};
    for (int i = 0; i < 2; i++) {
        uint64_t load[SLOTS_MAX], seen[SLOTS_MAX] = {0};
        make_canaries(load, &seed);
        EXPECT_EQ(sl_probe_switch(load, seen, refused[i], sl_probe_direct), SL_EINVAL);
        compare("refused (direct)", i, load, seen);
    }
    sl_coro *c = sl_new(direct_side, NULL);
    EXPECT_EQ(sl_switch(c, NULL, NULL), 0); /* started: from now on both sides are suspended */
    seed = 0xfeed;
    for (int round = 0; round < ROUNDS; round++) {
        uint64_t load[SLOTS_MAX], seen[SLOTS_MAX] = {0};
        make_canaries(load, &seed);
        EXPECT_EQ(sl_probe_switch(load, seen, c, sl_probe_direct), 0);
        compare("main (direct)", round, load, seen);
    }
    EXPECT_EQ(sl_state(c), SL_DEAD);
    EXPECT_EQ(sl_free(c), 0);
}
