/* e_sbrk.c -- newlib's _sbrk: a heap per core in external memory.
 *
 * The core with group index k (row * cols + col in e_group_config) owns
 * [__eprt_heap_base + k * __eprt_heap_stride, + __eprt_heap_stride), the slots our linker
 * scripts set aside at 0x8F800000 (128 KB each, __eprt_heap_slots of them), the same rule as
 * the run-time's eprt_sbrk.c.  The ESDK's scripts give every core running one image the same
 * heap instead (docs/elib.md).  The scripts' EXTERN(__sbrk) makes the linker take this one
 * from libe-lib.a before libgloss's. */
#include <errno.h>
#include <stddef.h>
#include "elib.h"

static char *heap_top, *heap_floor, *heap_ceiling;

void *_sbrk(ptrdiff_t incr)
{
    char *old;
    if (heap_top == NULL) {
        unsigned k = elib_group_index();
        uintptr_t stride = (uintptr_t)__eprt_heap_stride;
        if (k >= (uintptr_t)__eprt_heap_slots)
            goto nomem;
        heap_floor = heap_top = __eprt_heap_base + k * stride;
        heap_ceiling = heap_floor + stride;
    }
    if (incr > heap_ceiling - heap_top || incr < heap_floor - heap_top)
        goto nomem;
    old = heap_top;
    heap_top += incr;
    return old;
nomem:
    errno = ENOMEM;
    return (void *)-1;
}
