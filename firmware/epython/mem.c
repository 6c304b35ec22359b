/* mem.c -- heaps, garbage collection and the scalar stack (spec §1.5, §1.6).
 *
 * Two first-fit heaps of chunks [length][in-use byte][payload]: the local heap (uint16 length,
 * from heap_start to the end of SRAM) and this core's shared heap in DRAM (uint32 length; the
 * host allocates run-time strings in it with the same format, splitting the front of a free
 * chunk).  We split the tail of a free chunk and place the payload on a 4-byte boundary, so
 * array cells are read and written with word accesses; the 0-3 bytes of slack stay inside the
 * allocated chunk.  Allocation order: local heap, GC of the local heap, shared heap, GC of the
 * shared heap, error.  The GC is ePython's one-level mark/sweep: an in-use chunk survives only
 * if an allocated symbol-table entry of array or string type holds its payload address.
 *
 * Scalars live in 4-byte cells of a bump-allocated stack: 1 KB in SRAM, then the lower half of
 * the core's shared stack in DRAM (the upper half holds symbol-table entries beyond the SRAM
 * budget, see vm.c).  A function's return releases its frame's cells in one step.
 */
#include "ep_vm.h"

typedef struct {
    uint8_t *base, *end;
    uint32_t hdr;                /* header bytes: 3 (local) or 5 (shared) */
    uint8_t *hint;               /* every chunk below this one is in use */
} heap_t;

static heap_t lheap, sheap;
uint8_t *ep_sheap, *ep_sheap_end;
static uint32_t gc_pin[GC_PINS], npins;

static uint32_t *lbase, *lsp, *lend, *sbase, *ssp, *send;
static uint32_t nlocal;          /* cells are numbered 0 .. nlocal-1 in SRAM, then on in DRAM */

/* A chunk header: its length, and its in-use byte in *used.  In the shared heap (DRAM, every
 * load a round trip) the 5 header bytes are taken from the two aligned words holding them. */
static inline uint32_t rd_hdr(const heap_t *h, const uint8_t *p, uint32_t *used)
{
    if (h->hdr == EP_LOCAL_CHUNK_HEADER) {
        *used = p[2];
        return p[0] | (p[1] << 8);
    }
    const volatile uint32_t *w = (const volatile uint32_t *)((uint32_t)p & ~3u);
    uint32_t sh = ((uint32_t)p & 3) * 8, w0 = w[0], w1 = w[1];
    *used = (w1 >> sh) & 0xFF;
    return sh ? (w0 >> sh) | (w1 << (32 - sh)) : w0;
}

static inline uint32_t rd_len(const heap_t *h, const uint8_t *p)
{
    uint32_t used;
    return rd_hdr(h, p, &used);
}

static inline void wr_len(const heap_t *h, uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    if (h->hdr == EP_SHARED_CHUNK_HEADER) {
        p[2] = (uint8_t)(v >> 16);
        p[3] = (uint8_t)(v >> 24);
    }
}

static void heap_init(heap_t *h, uint8_t *base, uint8_t *end, uint32_t hdr)
{
    h->base = h->hint = base;
    h->end = end;
    h->hdr = hdr;
    wr_len(h, base, (uint32_t)(end - base) - hdr);
    base[hdr - 1] = 0;
}

/* first fit, from the lowest chunk that may be free; the tail of the free chunk is taken */
static uint8_t *heap_alloc(heap_t *h, uint32_t size)
{
    uint32_t hdr = h->hdr, used;
    size = (size + 3) & ~3u;
    int all_used = 1;
    for (uint8_t *p = h->hint; p + hdr <= h->end;) {
        uint8_t *next = p + hdr + rd_hdr(h, p, &used);
        if (!used) {
            if (all_used)
                h->hint = p;
            all_used = 0;
            if (next >= p + hdr + size) {
                uint8_t *pay = (uint8_t *)(((uint32_t)next - size) & ~3u);
                uint8_t *chunk = pay - hdr;
                if (chunk >= p + hdr) {
                    wr_len(h, p, (uint32_t)(chunk - (p + hdr)));
                    wr_len(h, chunk, (uint32_t)(next - pay));
                    chunk[hdr - 1] = 1;
                    return pay;
                }
            }
        }
        p = next;
    }
    return 0;
}

/* merge every run of adjacent free chunks */
static void consolidate(const heap_t *h)
{
    uint32_t hdr = h->hdr, used;
    for (uint8_t *p = h->hint; p + hdr <= h->end;) {
        uint32_t len = rd_hdr(h, p, &used);
        if (!used) {
            uint32_t grown = len, nused;
            for (;;) {
                uint8_t *n = p + hdr + grown;
                if (n + hdr > h->end)
                    break;
                uint32_t nlen = rd_hdr(h, n, &nused);
                if (nused)
                    break;
                grown += hdr + nlen;
            }
            if (grown != len) {
                wr_len(h, p, grown);
                len = grown;
            }
        }
        p += hdr + len;
    }
}

void ep_pin(const void *p)
{
    if (npins < GC_PINS)
        gc_pin[npins] = (uint32_t)p;
    npins++;                     /* deeper nesting than GC_PINS is counted but not kept */
}

void ep_unpin(unsigned n)
{
    while (n--) {
        npins--;
        if (npins < GC_PINS)
            gc_pin[npins] = 0;
    }
}

static int is_root(uint32_t p)
{
    for (unsigned i = 0; i < GC_PINS; i++)
        if (gc_pin[i] == p)
            return 1;
    for (uint32_t i = 0; i < ep_sym_used; i++) {
        const sym_t *e = ep_sym_at(i);
        if (e->state == S_ALLOCATED && (e->dtype == DTYPE_ARRAY || e->type == T_STRING)
            && e->data == p)
            return 1;
    }
    return 0;
}

static void gc(heap_t *h)
{
    uint32_t hdr = h->hdr, used;
    int freed = 0;
    for (uint8_t *p = h->base; p + hdr <= h->end;) {
        uint8_t *next = p + hdr + rd_hdr(h, p, &used);
        if (used && !is_root((uint32_t)(p + hdr))) {
            p[hdr - 1] = 0;
            freed = 1;
        }
        p = next;
    }
    if (freed) {
        h->hint = h->base;
        consolidate(h);
    }
}

void ep_mem_init(void)
{
    volatile struct core_ctrl *c = ep_me;
    ep_sheap = (uint8_t *)c->shared_heap_start;
    ep_sheap_end = ep_sheap + EP_SHARED_HEAP_DATA_AREA_PER_CORE;
    heap_init(&sheap, ep_sheap, ep_sheap_end, EP_SHARED_CHUNK_HEADER);
    uint32_t ss = c->shared_stack_start;
    sbase = ssp = (uint32_t *)((ss + 3) & ~3u);
    send = (uint32_t *)(ss + EP_SHARED_STACK_DATA_AREA_PER_CORE / 2);
    if (ep_all_shared) {
        lbase = lsp = lend = 0;       /* the host pointed stack and heap at the shared area */
    } else {
        uint32_t st = c->stack_start, hs = c->heap_start;
        lbase = lsp = (uint32_t *)((st + 3) & ~3u);
        lend = (uint32_t *)(hs & ~3u);
        heap_init(&lheap, (uint8_t *)hs, (uint8_t *)EP_LOCAL_CORE_MEMORY_MAP_TOP,
                  EP_LOCAL_CHUNK_HEADER);
    }
    nlocal = (uint32_t)(lend - lbase);
}

uint8_t *ep_alloc(uint32_t size, int shared)
{
    uint8_t *p;
    if (ep_all_shared || shared) {
        if (!(p = heap_alloc(&sheap, size))) {
            gc(&sheap);
            if (!(p = heap_alloc(&sheap, size)))
                ep_error(ERR_OUT_OF_SHARED_HEAP_MEM);
        }
        return p;
    }
    if ((p = heap_alloc(&lheap, size)))
        return p;
    gc(&lheap);
    if ((p = heap_alloc(&lheap, size)))
        return p;
    if ((p = heap_alloc(&sheap, size)))
        return p;
    gc(&sheap);
    if (!(p = heap_alloc(&sheap, size)))
        ep_error(ERR_OUT_OF_CORE_SHARED_HEAP_MEM);
    return p;
}

static heap_t *heap_of(const uint8_t *p)
{
    if (!ep_all_shared && p >= lheap.base && p < lheap.end)
        return &lheap;
    if (p >= sheap.base && p < sheap.end)
        return &sheap;
    return 0;
}

static void release_in(heap_t *h, uint8_t *p)
{
    uint8_t *chunk = p - h->hdr;
    chunk[h->hdr - 1] = 0;
    if (chunk < h->hint)
        h->hint = chunk;
    consolidate(h);
}

void ep_free(uint8_t *p)
{
    heap_t *h = heap_of(p);
    if (!h)
        ep_error(ERR_FREE_ON_NON_HEAP);
    uint32_t hdr = h->hdr, used, len;
    for (uint8_t *c = h->base; c + hdr <= h->end && c + hdr <= p; c += hdr + len) {
        len = rd_hdr(h, c, &used);
        if (c + hdr == p) {
            if (!used)
                break;
            release_in(h, p);
            return;
        }
    }
    ep_error(ERR_FREE_ON_NON_HEAP);
}

void ep_release(uint8_t *p)
{
    heap_t *h = heap_of(p);
    if (h)
        release_in(h, p);
}

uint32_t ep_shared_block_size(const uint8_t *p)
{
    return rd_len(&sheap, p - EP_SHARED_CHUNK_HEADER);
}

void ep_gc(void)
{
    if (!ep_all_shared)
        gc(&lheap);
    gc(&sheap);
}

int ep_in_shared_heap(const void *p)
{
    return (const uint8_t *)p >= sheap.base && (const uint8_t *)p < sheap.end;
}


uint32_t *ep_cell(uint32_t n)
{
    return n < nlocal ? lbase + n : sbase + (n - nlocal);
}

uint32_t ep_stack_cell(void)
{
    uint32_t *p;
    uint32_t n;
    if (lsp < lend) {
        p = lsp++;
        n = (uint32_t)(p - lbase);
    } else if (ssp < send) {
        p = ssp++;
        n = nlocal + (uint32_t)(p - sbase);
    } else {
        ep_error(ep_all_shared ? ERR_OUT_OF_SHARED_STACK_MEM : ERR_OUT_OF_CORE_SHARED_STACK_MEM);
    }
    *p = 0;
    return n;
}

void ep_stack_release(uint32_t lowest)
{
    if (lowest >= nlocal) {
        ssp = sbase + (lowest - nlocal);
    } else {
        ssp = sbase;
        lsp = lbase + lowest;
    }
}

void ep_copy(void *dst, const void *src, uint32_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if ((((uint32_t)d | (uint32_t)s | n) & 3) == 0) {
        uint32_t *dw = dst;
        const uint32_t *sw = src;
        for (n >>= 2; n; n--)
            *dw++ = *sw++;
        return;
    }
    while (n--)
        *d++ = *s++;
}

uint32_t ep_strlen(const uint8_t *s)
{
    const uint8_t *p = s;
    while (*p)
        p++;
    return (uint32_t)(p - s);
}

uint8_t *ep_string_to_shared(const uint8_t *s, int *temp)
{
    if (ep_in_shared_heap(s)) {
        *temp = 0;
        return (uint8_t *)s;
    }
    uint32_t n = ep_strlen(s) + 1;
    uint8_t *d = ep_alloc(n, 1);
    ep_copy(d, s, n);
    *temp = 1;
    return d;
}

/* GCC may emit calls to these for structure copies and loop idioms */
void *memcpy(void *d, const void *s, unsigned n)
{
    ep_copy(d, s, n);
    return d;
}

void *memset(void *d, int c, unsigned n)
{
    uint8_t *p = d;
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}
