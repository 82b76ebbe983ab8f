/* Register canaries: every callee-saved register and FP control register
 * survives a switch, seen from assembly (arch/<arch>/probe.S), not through
 * the C compiler's eyes. Both sides load distinct canaries every round. */
#include "check.h"
#include "probe.h"
#include "slice_debug.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum { SLOTS_MAX = 96, ROUNDS = 40 };

static sl_coro *main_coro;

/* Registers a foreign port declares it does not preserve (runner
 * --not-claimed, from its port.json's not_claimed): left out of the
 * comparison, and reported at the end of each canary case as a line
 * "sl-gap: <slot> changed" or "sl-gap: <slot> preserved" that the harness
 * reads. A name covers its slot, or its slots "<name>.hi" and "<name>.lo". */
enum { DECLARED_MAX = 32 };
static char declared_names[DECLARED_MAX][32];
static int declared_count;
static int slot_changed[SLOTS_MAX];

static const char *slot_name(uint32_t slot);

static int covers(const char *declared, const char *slot) {
    size_t n = strlen(declared);
    return strncmp(declared, slot, n) == 0 && (slot[n] == 0 || slot[n] == '.');
}

static int declared(uint32_t slot) {
    for (int i = 0; i < declared_count; i++)
        if (covers(declared_names[i], slot_name(slot))) return 1;
    return 0;
}

int sl_set_not_claimed(const char *list) {
    while (*list) {
        size_t n = strcspn(list, ",");
        if (n == 0 || n >= sizeof declared_names[0] || declared_count == DECLARED_MAX) {
            fprintf(stderr, "runner: --not-claimed takes up to %d register names, comma-separated\n", DECLARED_MAX);
            return -1;
        }
        char *name = declared_names[declared_count++];
        memcpy(name, list, n);
        name[n] = 0;
        int known = 0;
        for (uint32_t i = 0; i < sl_probe_count; i++) known |= covers(name, slot_name(i));
        if (!known) {
            fprintf(stderr, "runner: --not-claimed names %s, which is no probe register here (registers:", name);
            for (uint32_t i = 0; i < sl_probe_count; i++) fprintf(stderr, " %s", slot_name(i));
            fprintf(stderr, ")\n");
            return -1;
        }
        list += n + (list[n] == ',');
    }
    return 0;
}

static void report_gaps(void) {
    for (uint32_t i = 0; i < sl_probe_count; i++)
        if (declared(i)) printf("sl-gap: %s %s\n", slot_name(i), slot_changed[i] ? "changed" : "preserved");
}

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
        if (declared(i)) {
            slot_changed[i] |= ((load[i] ^ seen[i]) & compared) != 0;
            continue;
        }
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
    report_gaps();
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
    report_gaps();
}

/* FP mode bits beyond the rounding mode belong to each coroutine: sh4's
 * FPSCR.PR (single or double precision) and DN, m68k's FPCR precision,
 * arm's FZ, DN and AHP, x86's MXCSR.FZ and DAZ and the x87 precision, mips'
 * FS, powerpc's NI and VSCR.NJ (the port's probe.S names them: fp_mode in
 * core/probe.h). Four coroutines in a ring (main and three), each switching
 * to the next with its own canaries and its own pattern of those bits, so
 * that what a resumed side finds is never what the side before it left;
 * the bits the ABI fixes at every call (sh4's FPSCR.SZ and FR, 0) must read
 * back at their fixed value. A port with no such bits (riscv64's fcsr holds
 * rounding and flags only) still has every canary of the ring compared. */
enum { RING = 4 };
static sl_coro *ring[RING];

/* Coroutine id's own value of a slot's mode bits: bit k of the mode gets bit
 * k % 2 of id, so that the four ids differ wherever the slot has two mode
 * bits, and neighbours in the ring wherever it has one. */
static uint64_t mode_pattern(int id, uint64_t mode) {
    uint64_t pattern = 0;
    int k = 0;
    for (uint64_t bit = 1; bit; bit <<= 1)
        if (mode & bit) pattern |= (uint64_t)((id >> (k++ % 2)) & 1) * bit;
    return pattern;
}

static void make_mode_canaries(int id, uint64_t *load, uint64_t *seed) {
    make_canaries(load, seed);
    for (uint32_t i = 0; i < sl_probe_count; i++) {
        uint64_t mode = sl_probe_fp_mode[i], fixed_mode = sl_probe_fp_mode_fixed[i];
        load[i] = (load[i] & ~(mode | fixed_mode)) | mode_pattern(id, mode) | (sl_probe_fixed[i] & fixed_mode);
    }
}

static void compare_modes(int id, int round, const uint64_t *load, const uint64_t *seen) {
    for (uint32_t i = 0; i < sl_probe_count; i++) {
        uint64_t modes = sl_probe_fp_mode[i] | sl_probe_fp_mode_fixed[i];
        uint64_t compared = sl_probe_fixed[i] | sl_probe_mask[i] | modes;
        uint64_t changed = (load[i] ^ seen[i]) & compared;
        if (declared(i)) {
            slot_changed[i] |= changed != 0;
            continue;
        }
        if (changed & modes)
            sl_check_fail(__FILE__, __LINE__,
                          "coroutine %d, round %d: FP mode bits 0x%" PRIx64 " of %s changed across the switch: expected "
                          "0x%016" PRIx64 ", got 0x%016" PRIx64,
                          id, round, changed & modes, slot_name(i), load[i] & modes, seen[i] & modes);
        else if (changed)
            sl_check_fail(__FILE__, __LINE__,
                          "coroutine %d, round %d: register %s changed across the switch: expected "
                          "0x%016" PRIx64 ", got 0x%016" PRIx64,
                          id, round, slot_name(i), load[i] & compared, seen[i] & compared);
    }
}

static void ring_rounds(int id, int rounds) {
    uint64_t seed = 0x30de + (uint64_t)id;
    for (int round = 0; round < rounds; round++) {
        uint64_t load[SLOTS_MAX], seen[SLOTS_MAX] = {0};
        make_mode_canaries(id, load, &seed);
        EXPECT_EQ(sl_probe_switch(load, seen, ring[(id + 1) % RING], sl_switch), 0);
        compare_modes(id, round, load, seen);
    }
}

/* Started by a probe, whose switch passes NULL: the side finds its id. */
static void *ring_side(void *arg) {
    (void)arg;
    int id = 1;
    while (id < RING - 1 && ring[id] != sl_current()) id++;
    EXPECT_PTR(ring[id], sl_current());
    ring_rounds(id, ROUNDS);
    return NULL;
}

void case_registers_fp_modes_per_coroutine(void) {
    EXPECT(sl_probe_count > 0 && sl_probe_count <= SLOTS_MAX);
    if (sl_probe_count == 0 || sl_probe_count > SLOTS_MAX) return;
    int modes = 0;
    for (uint32_t i = 0; i < sl_probe_count; i++) {
        if (!(sl_probe_fp_mode[i] | sl_probe_fp_mode_fixed[i])) continue;
        printf("FP mode bits of %s: 0x%" PRIx64 " per coroutine, 0x%" PRIx64 " fixed by the ABI\n", slot_name(i),
               sl_probe_fp_mode[i], sl_probe_fp_mode_fixed[i]);
        modes++;
    }
    if (!modes) printf("no FP mode bits beyond the rounding mode on this port: the ring compares the canaries\n");
    ring[0] = sl_current();
    for (int id = 1; id < RING; id++) ring[id] = sl_new(ring_side, NULL);
    /* main's first switch starts 1, which starts 2, ...: each then runs
     * ROUNDS rounds, main the same, and finishing returns to main */
    ring_rounds(0, ROUNDS);
    for (int id = 1; id < RING; id++) {
        while (sl_state(ring[id]) != SL_DEAD) EXPECT_EQ(sl_switch(ring[id], NULL, NULL), 0);
        EXPECT_EQ(sl_free(ring[id]), 0);
    }
    report_gaps();
}
