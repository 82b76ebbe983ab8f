/* The toolchain doctor's program: what a port's compiler must build,
 * statically link and run before the suite trusts it. It uses what the
 * conformance runner uses: threads, thread-local storage and stdio. */
#include <pthread.h>
#include <stdio.h>

static __thread int owner = 1;

static void *worker(void *seen) {
    owner = 2;
    *(int *)seen = owner;
    return NULL;
}

int main(void) {
    pthread_t thread;
    int seen = 0;
    if (pthread_create(&thread, NULL, worker, &seen) != 0 || pthread_join(thread, NULL) != 0) {
        fprintf(stderr, "doctor: cannot start a thread\n");
        return 1;
    }
    if (seen != 2 || owner != 1) {
        fprintf(stderr, "doctor: thread-local storage is shared (thread saw %d, main has %d)\n", seen, owner);
        return 1;
    }
    printf("stackslice doctor: ok\n");
    return 0;
}
