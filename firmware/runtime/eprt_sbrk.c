/* eprt_sbrk.c -- newlib's _sbrk with one DRAM heap per core.  See docs/linker-scripts.md.
 *
 * The core with group index k owns [__eprt_heap_base + k * __eprt_heap_stride, + stride)
 * (0x8F800000 + k * 128 KB with our scripts).  newlib's own _sbrk (libgloss) uses the fixed
 * symbols ___heap_start/___heap_end, which would give every core running one image the same
 * heap; the linker scripts EXTERN(__sbrk) so that this one is taken from libeprt.a first. */
#include <errno.h>
#include <stddef.h>
#include "eprt.h"

static char *heap_base, *heap_cur, *heap_lim;

static char *slot_start(void)
{
    unsigned k = eprt_index();
    if (k >= (unsigned)(uintptr_t)__eprt_heap_slots)
        return 0;
    return __eprt_heap_base + k * (uintptr_t)__eprt_heap_stride;
}

void *eprt_heap_start(void)
{
    return slot_start();
}

void *eprt_heap_end(void)
{
    char *s = slot_start();
    return s ? s + (uintptr_t)__eprt_heap_stride : 0;
}

void *_sbrk(ptrdiff_t incr)
{
    char *old;
    if (!heap_cur) {
        heap_cur = slot_start();
        if (!heap_cur) {
            errno = ENOMEM;
            return (void *)-1;
        }
        heap_base = heap_cur;
        heap_lim = heap_cur + (uintptr_t)__eprt_heap_stride;
    }
    if (incr > heap_lim - heap_cur || incr < heap_base - heap_cur) {
        errno = ENOMEM;
        return (void *)-1;
    }
    old = heap_cur;
    heap_cur += incr;
    return old;
}
