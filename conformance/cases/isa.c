/* Callers in every instruction set the target has: a switch returns to the
 * return address of the coroutine it resumes, whose caller may run in
 * another instruction set than the caller that entered the switch. On
 * 32-bit arm (A32 and Thumb; gcc builds Debian's C as Thumb-2 on armhf,
 * A32 on armel, clang as A32) a port must return with an interworking
 * branch (bx lr, or a pop/ldr into pc on ARMv5T and later), never mov pc,
 * lr, which stays in the current set. Every other target has one
 * instruction set, and the case runs each pairing of that one set with
 * itself, saying so. */
#include "check.h"

#include <stdio.h>

#if defined(__arm__) && defined(__ARM_ARCH_ISA_ARM) && defined(__ARM_ARCH_ISA_THUMB)
#define SL_ISA_FIRST __attribute__((target("arm"), noinline))
#define SL_ISA_SECOND __attribute__((target("thumb"), noinline))
static const char *const isa_names[] = {"A32", "Thumb"};
/* bit 0 of a function's address: 1 for Thumb code, 0 for A32 */
static const int isa_thumb[] = {0, 1};
enum { ISAS = 2 };
#else
#define SL_ISA_FIRST __attribute__((noinline))
#define SL_ISA_SECOND __attribute__((noinline))
static const char *const isa_names[] = {"the target's one instruction set"};
static const int isa_thumb[] = {-1}; /* no bit of an address says the set */
enum { ISAS = 1 };
#endif

enum { ROUNDS = 50 };
static sl_coro *main_coro;
static volatile int calls; /* work after each call: no caller tail-calls sl_switch */

/* One caller and one coroutine body per instruction set. */
#define SL_ISA_FUNCTIONS(attr, isa)                                                   \
    attr static int switch_from_##isa(sl_coro *to, void *value, void **result) {      \
        int rc = sl_switch(to, value, result);                                        \
        calls++;                                                                      \
        return rc;                                                                    \
    }                                                                                 \
    attr static void *body_##isa(void *arg) {                                         \
        intptr_t v = (intptr_t)arg;                                                   \
        for (int round = 0; round < ROUNDS; round++) {                                \
            void *got = NULL;                                                         \
            EXPECT_EQ(switch_from_##isa(main_coro, (void *)(v + 1), &got), 0);        \
            EXPECT_EQ((intptr_t)got, v + 2);                                          \
            v = (intptr_t)got;                                                        \
        }                                                                             \
        calls++;                                                                      \
        return (void *)(v + 1);                                                       \
    }

SL_ISA_FUNCTIONS(SL_ISA_FIRST, first)
SL_ISA_FUNCTIONS(SL_ISA_SECOND, second)

typedef int (*switch_fn)(sl_coro *, void *, void **);
static const switch_fn switches[] = {switch_from_first, switch_from_second};
static void *(*const bodies[])(void *) = {body_first, body_second};

void case_switch_mixed_instruction_sets(void) {
    main_coro = sl_current();
    printf("instruction sets:");
    for (int i = 0; i < ISAS; i++) {
        printf(" %s", isa_names[i]);
        /* the compiler put each caller and body in the set it names */
        if (isa_thumb[i] >= 0) {
            EXPECT_EQ((uintptr_t)switches[i] & 1, isa_thumb[i]);
            EXPECT_EQ((uintptr_t)bodies[i] & 1, isa_thumb[i]);
        }
    }
    printf("\n");
    for (int caller = 0; caller < ISAS; caller++) {
        for (int callee = 0; callee < ISAS; callee++) {
            /* main switches from caller's set, the coroutine from callee's:
             * its start, every resume each way and its return */
            sl_coro *c = sl_new(bodies[callee], NULL);
            intptr_t v = 1000 * (caller * ISAS + callee + 1);
            void *got = NULL;
            EXPECT_EQ(switches[caller](c, (void *)v, &got), 0);
            for (int round = 0; round < ROUNDS; round++) {
                EXPECT_EQ((intptr_t)got, v + 1);
                v = (intptr_t)got + 1;
                EXPECT_EQ(switches[caller](c, (void *)v, &got), 0);
            }
            EXPECT_EQ((intptr_t)got, v + 1);
            EXPECT_EQ(sl_state(c), SL_DEAD);
            EXPECT_EQ(sl_free(c), 0);
        }
    }
}
