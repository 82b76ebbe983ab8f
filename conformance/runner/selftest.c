/* The runner's own cases, run with --selftest instead of the conformance
 * cases: each misbehaves the way a broken port does, so the harness tests
 * can prove that every kind of misbehaviour is reported, and never as a pass. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cases.h"
#include "check.h"

static void selftest_pass(void) { EXPECT(1); }

static void selftest_fail(void) {
    printf("x19: want 0x1111111111111111 got 0x0\n");
    EXPECT_EQ(1, 2);
}

static void selftest_crash(void) {
    printf("about to crash\n");
    fflush(stdout);
    raise(SIGSEGV);
}

static void selftest_exit_early(void) { exit(0); }

static void selftest_hang(void) {
    for (;;) pause();
}

/* The sanitizer build must fail these two; elsewhere they pass: the leak is
 * harmless and the byte written lies inside malloc's usable size. */
void *volatile selftest_sink;

static void selftest_leak(void) {
    for (int i = 0; i < 10; i++) selftest_sink = malloc(100);
    selftest_sink = NULL;
}

static void selftest_overflow(void) {
    volatile char *block = malloc(16);
    volatile int past_the_end = 16;
    block[past_the_end] = 1;
    free((void *)block);
}

/* Leaves a daemon behind: a grandchild in a session of its own, holding
 * the runner's output open. */
static void selftest_daemon(void) {
    pid_t middle = fork();
    if (middle == 0) {
        if (fork() != 0) _exit(0);
        setsid();
        for (;;) pause();
    }
    waitpid(middle, NULL, 0);
    printf("daemon started\n");
}

/* Leaves a daemon behind that has given up its environment, and with it
 * the run's tag: only the PID namespace (or the runner being its subreaper)
 * can still find it. A host program: under QEMU the kernel runs it
 * natively. */
static void selftest_daemon_bare_env(void) {
    pid_t middle = fork();
    if (middle == 0) {
        if (fork() != 0) _exit(0);
        setsid();
        char *argv[] = {"sleep", "3600", NULL}, *envp[] = {NULL};
        execve("/bin/sleep", argv, envp);
        _exit(127);
    }
    waitpid(middle, NULL, 0);
    struct timespec settle = {0, 100 * 1000 * 1000};
    nanosleep(&settle, NULL); /* the daemon has exec'd sleep */
    printf("daemon started\n");
}

/* Touches memory without end: the runner's memory bound must stop it. */
static void selftest_memory_hog(void) {
    for (size_t mib = 0;; mib++) {
        char *block = malloc(1 << 20);
        if (!block) {
            printf("malloc failed after %zu MiB\n", mib);
            return;
        }
        memset(block, 1, 1 << 20);
    }
}

/* Where a case runs: the harness keeps it in its output folder, and a crash
 * must write no core file. */
static void selftest_environment(void) {
    char cwd[4096];
    struct rlimit core;
    EXPECT(getcwd(cwd, sizeof cwd) != NULL);
    EXPECT(getrlimit(RLIMIT_CORE, &core) == 0);
    printf("cwd: %s\ncore limit: %llu\n", cwd, (unsigned long long)core.rlim_cur);
    EXPECT_EQ(core.rlim_cur, 0);
}

/* Prints 256 MiB in 100-byte lines, then passes: the harness must keep its
 * memory bounded and the end of the output. */
static void selftest_flood(void) {
    static char block[64 * 1024];
    for (size_t i = 0; i < sizeof block; i++) block[i] = i % 100 == 99 ? '\n' : 'x';
    for (int i = 0; i < 4096; i++) fwrite(block, 1, sizeof block - sizeof block % 100, stdout);
    printf("flood done\n");
}

/* One 20 MiB line, then a short one, then passes. */
static void selftest_long_line(void) {
    static char line[20 * 1024 * 1024];
    memset(line, 'y', sizeof line);
    fwrite(line, 1, sizeof line, stdout);
    printf("\nafter the long line\n");
}

/* Passes with output that does not end with a newline. */
static void selftest_no_newline(void) {
    printf("no newline at the end");
}

/* Twenty rounding-mode failures (all that is printed), then three others:
 * those must be said at the end (check.c's sl-check line), or the output
 * would read as rounding modes only, which a foreign port's declared FP
 * control gap excuses (conformance/foreign.go). */
static void selftest_hidden_failures(void) {
    for (int i = 0; i < 20; i++) sl_check_fail_rounding(__FILE__, __LINE__, "round %d: rounding mode %d, want %d", i, 1, 0);
    for (int i = 0; i < 3; i++) EXPECT_EQ(i, -1);
}

/* Forges the runner's markers, its own pass and a right SL-DONE, then kills
 * the runner before it can print the truth: the runner's death must fail
 * the run (conformance/parse.go checks its exit against its output). */
static void selftest_forge(void) {
    printf("\nSL-END selftest_forge pass 1\nSL-DONE 2\n");
    fflush(stdout);
    kill(getppid(), SIGKILL);
}

const struct sl_case sl_selftests[] = {
    {"selftest_pass", selftest_pass},
    {"selftest_fail", selftest_fail},
    {"selftest_crash", selftest_crash},
    {"selftest_exit_early", selftest_exit_early},
    {"selftest_hang", selftest_hang},
    {"selftest_leak", selftest_leak},
    {"selftest_overflow", selftest_overflow},
    {"selftest_daemon", selftest_daemon},
    {"selftest_daemon_bare_env", selftest_daemon_bare_env},
    {"selftest_memory_hog", selftest_memory_hog},
    {"selftest_environment", selftest_environment},
    {"selftest_flood", selftest_flood},
    {"selftest_long_line", selftest_long_line},
    {"selftest_no_newline", selftest_no_newline},
    {"selftest_hidden_failures", selftest_hidden_failures},
    {"selftest_forge", selftest_forge},
};
const int sl_selftest_count = sizeof sl_selftests / sizeof sl_selftests[0];
