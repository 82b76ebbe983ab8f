/* The conformance runner: one static binary per arch and build.
 *
 * Each case runs in a child process of its own with a timeout, so a crash or
 * a hang is a failure of that case and the other cases still run. The lines
 * the harness reads (conformance/parse.go parses them):
 *
 *   SL-CASE <name>                          (--list: one per case)
 *   SL-BEGIN <name>
 *   ...the case's own output...
 *   SL-END <name> pass <microseconds>
 *   SL-END <name> fail <microseconds> <reason>
 *   SL-DONE <cases run>
 *
 * A newline always goes before SL-END, so that the marker starts a line even
 * when the case's output did not end with one; the parser removes it again.
 *
 * `--not-claimed REG,...` leaves the named registers out of the register
 * canary cases, which report each as changed or preserved instead (a
 * foreign port's declared gaps, registers.c).
 *
 * `--thorough` gives the random programs (model.c) the longer budget of
 * the full matrix.
 *
 * `--selftest` swaps the conformance cases for the runner's own misbehaving
 * ones (selftest.c), with which the harness tests its failure reporting.
 *
 * A case counts as finished only when the child says so on a pipe after the
 * case returned: a child that exits early with status 0 fails (the
 * boost.context PR #133 class).
 *
 * After each case the runner kills what the case left running, even a
 * daemon in a session of its own, and fails the case for it: natively the
 * runner is a child subreaper, so such processes become its children; under
 * QEMU, which refuses that, it finds them by the tag the harness put in the
 * environment; and when the harness runs it alone in a PID namespace (under
 * the harness's init, package proc), every other process there is one,
 * whatever its environment. On SIGTERM (how the harness stops it) it kills
 * the case in progress and every leftover before it exits.
 *
 * A case whose resident memory passes a bound (`--memory MiB`, default
 * 1024) is killed and fails, naming the bound: a case allocating without
 * end must not take the machine. Its resident size is read from /proc, so
 * the bound holds natively, under QEMU (where it counts QEMU too) and in
 * the sanitizer build alike; address-space limits (RLIMIT_AS, RLIMIT_DATA)
 * would break the sanitizer's shadow and QEMU's own allocations. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cases.h"
#include "check.h"

/* In the sanitizer build each case ends with a leak check of its own: the
 * runner's children leave through _exit, which LeakSanitizer never sees. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define leaks_found() __lsan_do_recoverable_leak_check()
#else
#define leaks_found() 0
#endif

static long long now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static const char *signal_name(int sig) {
    static const struct { int sig; const char *name; } names[] = {
        {SIGSEGV, "SIGSEGV"}, {SIGBUS, "SIGBUS"},   {SIGILL, "SIGILL"},   {SIGFPE, "SIGFPE"},
        {SIGABRT, "SIGABRT"}, {SIGKILL, "SIGKILL"}, {SIGTRAP, "SIGTRAP"}, {SIGALRM, "SIGALRM"},
        {SIGTERM, "SIGTERM"}, {SIGINT, "SIGINT"},   {SIGSYS, "SIGSYS"},   {SIGPIPE, "SIGPIPE"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].sig == sig) return names[i].name;
    return "unknown signal";
}

/* Set by SIGTERM: the harness is stopping the runner. */
static volatile sig_atomic_t stopping;

static void on_sigterm(int sig) {
    (void)sig;
    stopping = 1;
}

/* The harness tags every process of a run through its environment
 * (STACKSLICE_TARGET, package proc); a daemon a case leaves keeps the tag
 * in whatever session and under whatever parent it ends up. Empty when the
 * runner was started by hand. */
static char run_tag[128];

/* Set when the runner runs in a PID namespace of the harness's own, whose
 * first process is the harness's init: there every process but the init
 * is the run's. */
static int own_namespace;

static int in_own_namespace(void) {
    static const char init[] = "stackslice-init\0pid-namespace\0";
    char cmdline[sizeof init - 1];
    FILE *f = fopen("/proc/1/cmdline", "r");
    if (!f) return 0;
    size_t len = fread(cmdline, 1, sizeof cmdline, f);
    fclose(f);
    return len == sizeof init - 1 && memcmp(cmdline, init, len) == 0;
}

/* Tells whether the process's environment holds run_tag. */
static int tagged(const char *pid) {
    if (!run_tag[0]) return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/environ", atoi(pid));
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char entry[4096];
    size_t len = 0, want = strlen(run_tag);
    int found = 0, c;
    while (!found && (c = getc(f)) != EOF) {
        if (c != 0) {
            if (len < sizeof entry - 1) entry[len++] = (char)c;
            continue;
        }
        found = len == want && memcmp(entry, run_tag, len) == 0;
        len = 0;
    }
    fclose(f);
    return found;
}

/* Lists up to max leftovers of the last case, from /proc (it works the same
 * under QEMU user mode, whose processes are the host's): the runner's
 * children, reparented here because it is a child subreaper (natively), and
 * the other live processes that carry the run's tag (under QEMU, which does
 * not let the runner be a subreaper). child tells which are the runner's
 * own, zombie which have exited already. Returns how many there are. */
static int list_leftovers(pid_t *pids, int *child, int *zombie, int max) {
    DIR *proc = opendir("/proc");
    if (!proc) return 0;
    int n = 0;
    pid_t self = getpid();
    struct dirent *e;
    while ((e = readdir(proc)) && n < max) {
        /* pid 1 is init: the harness's own in its namespace, never a case's. */
        if (!isdigit((unsigned char)e->d_name[0]) || atoi(e->d_name) == self || atoi(e->d_name) == 1) continue;
        char path[64], stat[512];
        snprintf(path, sizeof path, "/proc/%d/stat", atoi(e->d_name));
        FILE *f = fopen(path, "r");
        if (!f) continue;
        size_t len = fread(stat, 1, sizeof stat - 1, f);
        fclose(f);
        stat[len] = 0;
        /* "pid (comm) state ppid ...": comm may hold spaces and parens. */
        char *end = strrchr(stat, ')');
        char state;
        int ppid;
        if (!end || sscanf(end + 1, " %c %d", &state, &ppid) != 2) continue;
        int dead = state == 'Z' || state == 'X';
        if (ppid != self && (dead || !(own_namespace || tagged(e->d_name)))) continue;
        pids[n] = (pid_t)atoi(e->d_name);
        child[n] = ppid == self;
        zombie[n] = dead;
        n++;
    }
    closedir(proc);
    return n;
}

/* Kills every leftover of the last case, and reaps the ones that are the
 * runner's children. Returns how many were still running, and names them
 * in killed ("pid 123, pid 456"). */
static int kill_leftovers(char *killed, size_t size) {
    pid_t counted[64];
    int running = 0;
    if (size) killed[0] = 0;
    for (int round = 0; round < 1000; round++) {
        pid_t pids[64];
        int child[64], zombie[64];
        int n = list_leftovers(pids, child, zombie, 64);
        if (n == 0) break;
        for (int i = 0; i < n; i++) {
            if (!zombie[i]) {
                int seen = 0;
                for (int j = 0; j < running && j < 64; j++) seen |= counted[j] == pids[i];
                if (!seen) {
                    size_t used = strlen(killed);
                    if (used + 32 < size) snprintf(killed + used, size - used, "%spid %d", running ? ", " : "", (int)pids[i]);
                    if (running < 64) counted[running] = pids[i];
                    running++;
                }
                kill(-pids[i], SIGKILL); /* its group, when it leads one */
                kill(pids[i], SIGKILL);
            }
            if (child[i]) waitpid(pids[i], NULL, 0);
        }
        struct timespec pause = {0, 1000 * 1000};
        nanosleep(&pause, NULL); /* for the killed to die */
    }
    return running;
}

static void stop_now(pid_t child) {
    if (child > 0) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
    }
    char killed[8];
    kill_leftovers(killed, sizeof killed);
    _exit(128 + SIGTERM);
}

static void run_child(const struct sl_case *c, int done_fd, pid_t runner) {
    /* The case dies with the runner, and a crash writes no core file. */
    signal(SIGTERM, SIG_DFL);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != runner) _exit(3);
    struct rlimit core;
    if (getrlimit(RLIMIT_CORE, &core) == 0) {
        core.rlim_cur = 0;
        setrlimit(RLIMIT_CORE, &core);
    }
    /* Sanitizer reports and libc complaints belong to the case's output. */
    dup2(STDOUT_FILENO, STDERR_FILENO);
    c->run();
    sl_check_report_hidden();
    fflush(stdout);
    char token = sl_check_failures() ? 'F' : leaks_found() ? 'L' : 'P';
    if (write(done_fd, &token, 1) != 1) _exit(3);
    _exit(token == 'P' ? 0 : 1);
}

/* The resident memory of a process in MiB, from /proc; -1 when unknown. */
static long resident_mib(pid_t pid) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1) break;
    fclose(f);
    return kib < 0 ? -1 : kib / 1024;
}

/* Runs one case; returns 1 when it passed. */
static int run_case(const struct sl_case *c, int timeout_s, long memory_mib) {
    printf("SL-BEGIN %s\n", c->name);
    fflush(stdout);
    int done[2];
    if (pipe(done) != 0) {
        printf("\nSL-END %s fail 0 runner: pipe: %s\n", c->name, strerror(errno));
        return 0;
    }
    long long start = now_us();
    pid_t runner = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        printf("\nSL-END %s fail 0 runner: fork: %s\n", c->name, strerror(errno));
        close(done[0]);
        close(done[1]);
        return 0;
    }
    if (pid == 0) {
        close(done[0]);
        alarm(0);
        run_child(c, done[1], runner);
    }
    close(done[1]);
    int status = 0, timed_out = 0;
    long over_memory = 0;
    long long deadline = start + (long long)timeout_s * 1000000;
    for (;;) {
        if (stopping) stop_now(pid);
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) break;
        if (r < 0 && errno != EINTR) break;
        long mib = resident_mib(pid);
        if (now_us() > deadline || mib > memory_mib) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            timed_out = mib <= memory_mib;
            over_memory = mib > memory_mib ? mib : 0;
            break;
        }
        struct timespec pause = {0, 2 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    char token = 0;
    if (read(done[0], &token, 1) != 1) token = 0;
    close(done[0]);
    long long took = now_us() - start;
    char killed[128];
    int leftovers = kill_leftovers(killed, sizeof killed);
    fflush(stdout);
    char reason[320] = "";
    if (timed_out)
        snprintf(reason, sizeof reason, "timeout after %ds", timeout_s);
    else if (over_memory)
        snprintf(reason, sizeof reason, "killed at %ld MiB resident, over the per-case memory bound of %ld MiB (--memory)",
                 over_memory, memory_mib);
    else if (WIFSIGNALED(status))
        snprintf(reason, sizeof reason, "crashed with %s", signal_name(WTERMSIG(status)));
    else if (token == 0)
        snprintf(reason, sizeof reason, "exited with status %d before the case finished",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    else if (token == 'L')
        snprintf(reason, sizeof reason, "LeakSanitizer found leaks");
    else if (token == 'F' || WEXITSTATUS(status) != 0)
        snprintf(reason, sizeof reason, "expectations failed");
    if (leftovers) {
        size_t used = strlen(reason);
        snprintf(reason + used, sizeof reason - used, "%sleft %d process(es) running after it finished (killed: %s)",
                 used ? "; " : "", leftovers, killed);
    }
    if (reason[0]) {
        printf("\nSL-END %s fail %lld %s\n", c->name, took, reason);
        return 0;
    }
    printf("\nSL-END %s pass %lld\n", c->name, took);
    return 1;
}

extern const struct sl_case sl_selftests[];
extern const int sl_selftest_count;
/* registers.c: the registers a foreign port does not claim to preserve */
int sl_set_not_claimed(const char *list);

/* The cases this run draws from: the conformance cases, or with --selftest
 * the runner's own. */
static const struct sl_case *cases = sl_cases;
static int case_count;

/* check.h: set by --thorough */
int sl_thorough;

static const struct sl_case *find_case(const char *name) {
    for (int i = 0; i < case_count; i++)
        if (strcmp(cases[i].name, name) == 0) return &cases[i];
    return NULL;
}

int main(int argc, char **argv) {
    int timeout_s = 120, list = 0, first = 1;
    long memory_mib = 1024;
    case_count = sl_case_count;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (strcmp(argv[first], "--list") == 0) {
            list = 1;
        } else if (strcmp(argv[first], "--thorough") == 0) {
            sl_thorough = 1;
        } else if (strcmp(argv[first], "--selftest") == 0) {
            cases = sl_selftests;
            case_count = sl_selftest_count;
        } else if (strcmp(argv[first], "--not-claimed") == 0 && first + 1 < argc) {
            if (sl_set_not_claimed(argv[++first]) != 0) return 2;
        } else if (strcmp(argv[first], "--timeout") == 0 && first + 1 < argc) {
            timeout_s = atoi(argv[++first]);
            if (timeout_s <= 0) {
                fprintf(stderr, "runner: --timeout takes a positive number of seconds\n");
                return 2;
            }
        } else if (strcmp(argv[first], "--memory") == 0 && first + 1 < argc) {
            memory_mib = atol(argv[++first]);
            if (memory_mib <= 0) {
                fprintf(stderr, "runner: --memory takes a positive number of MiB\n");
                return 2;
            }
        } else {
            fprintf(stderr, "runner: unknown option %s (use --list, --selftest, --thorough, --timeout SEC, --memory MiB, --not-claimed REG,..., case names)\n",
                    argv[first]);
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *tag = getenv("STACKSLICE_TARGET");
    if (tag) snprintf(run_tag, sizeof run_tag, "STACKSLICE_TARGET=%s", tag);
    struct sigaction term = {.sa_handler = on_sigterm};
    sigaction(SIGTERM, &term, NULL);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    own_namespace = in_own_namespace();
    if (list) {
        for (int i = 0; i < case_count; i++) printf("SL-CASE %s\n", cases[i].name);
        return 0;
    }
    for (int i = first; i < argc; i++)
        if (!find_case(argv[i])) {
            fprintf(stderr, "runner: unknown case %s\n", argv[i]);
            return 2;
        }
    int run = 0, passed = 0;
    if (first == argc) {
        for (int i = 0; i < case_count && !stopping; i++, run++) passed += run_case(&cases[i], timeout_s, memory_mib);
    } else {
        for (int i = first; i < argc && !stopping; i++, run++) passed += run_case(find_case(argv[i]), timeout_s, memory_mib);
    }
    if (stopping) stop_now(0);
    printf("SL-DONE %d\n", run);
    return passed == run ? 0 : 1;
}
