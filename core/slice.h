/* stackslice: greenlet-style stack-slicing coroutines.
 *
 * A coroutine runs on its thread's own stack. When another coroutine needs the
 * region it occupies, its live slice is copied to the heap, and copied back to
 * the same addresses when it is resumed. See README.md for the algorithm. */
#ifndef STACKSLICE_SLICE_H
#define STACKSLICE_SLICE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The API's version. Within a major version the API only grows: no call,
 * type, constant or behaviour documented here changes or goes, so a program
 * built against 1.x builds and runs against any later 1.y (a minor version
 * adds). port.h, probe.h and slice_debug.h are the library's own and may
 * change with any version. */
#define SL_VERSION_MAJOR 1
#define SL_VERSION_MINOR 0
#define SL_VERSION ((SL_VERSION_MAJOR << 16) | SL_VERSION_MINOR)

typedef struct sl_coro sl_coro;
typedef void *(*sl_fn)(void *arg);

enum { SL_NEW = 0, SL_ACTIVE = 1, SL_DEAD = 2 };
enum { SL_ENOMEM = -1, SL_ETHREAD = -2, SL_ECYCLE = -3, SL_EBUSY = -4, SL_EINVAL = -5 };

/* The version of the library linked in, as SL_VERSION: a program can tell
 * that the library is older than the header it was built with. */
int      sl_version(void);

sl_coro *sl_current(void);
/* A new, unstarted coroutine; parent NULL means the current one. NULL on
 * failure, with errno saying why: EINVAL when fn is NULL, EPERM when parent
 * belongs to another thread, ENOMEM when memory runs out. */
sl_coro *sl_new(sl_fn fn, sl_coro *parent);
int      sl_switch(sl_coro *to, void *value, void **result);
int      sl_throw(sl_coro *to, int code, void **result);
int      sl_state(const sl_coro *c);
sl_coro *sl_parent(const sl_coro *c);
int      sl_set_parent(sl_coro *c, sl_coro *parent);
size_t   sl_saved_bytes(const sl_coro *c);
int      sl_free(sl_coro *c);

#ifdef __cplusplus
}
#endif

#endif
