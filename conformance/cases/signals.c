/* Signals: a timer storm during heavy switching, with handlers on the
 * interrupted stack and on an alternate stack, corrupts nothing. */
#include "check.h"
#include "workload.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static volatile sig_atomic_t handled;

static void touch_stack(int sig) {
    /* Dirty the stack the handler runs on: below the interrupted stack
     * pointer, or on the alternate stack. */
    volatile unsigned char scratch[2048];
    for (size_t i = 0; i < sizeof scratch; i += 64) scratch[i] = (unsigned char)(sig + i);
    handled = handled + 1;
}

static void storm(int on_alt_stack) {
    stack_t alt = {0};
    if (on_alt_stack) {
        alt.ss_size = 64 * 1024;
        alt.ss_sp = malloc(alt.ss_size);
        EXPECT(alt.ss_sp != NULL);
        EXPECT_EQ(sigaltstack(&alt, NULL), 0);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = touch_stack;
    sa.sa_flags = SA_RESTART | (on_alt_stack ? SA_ONSTACK : 0);
    sigemptyset(&sa.sa_mask);
    EXPECT_EQ(sigaction(SIGALRM, &sa, NULL), 0);
    struct itimerval every = {{0, 200}, {0, 200}}; /* one signal per 200 µs */
    handled = 0;
    EXPECT_EQ(setitimer(ITIMER_REAL, &every, NULL), 0);
    long switches = 0;
    for (int i = 0; i < 4; i++) switches += sl_random_workload(100 + (uint64_t)i, 8, 10);
    struct itimerval off = {{0, 0}, {0, 0}};
    EXPECT_EQ(setitimer(ITIMER_REAL, &off, NULL), 0);
    signal(SIGALRM, SIG_DFL);
    EXPECT(handled > 0);
    printf("%ld switches, %d signals handled\n", switches, (int)handled);
    if (on_alt_stack) {
        stack_t disable = {.ss_flags = SS_DISABLE};
        EXPECT_EQ(sigaltstack(&disable, NULL), 0);
        free(alt.ss_sp);
    }
}

void case_signals_timer_storm(void) { storm(0); }

void case_signals_alternate_stack(void) { storm(1); }
