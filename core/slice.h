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

typedef struct sl_coro sl_coro;
typedef void *(*sl_fn)(void *arg);

enum { SL_NEW = 0, SL_ACTIVE = 1, SL_DEAD = 2 };
enum { SL_ENOMEM = -1, SL_ETHREAD = -2, SL_ECYCLE = -3, SL_EBUSY = -4, SL_EINVAL = -5 };

sl_coro *sl_current(void);
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
