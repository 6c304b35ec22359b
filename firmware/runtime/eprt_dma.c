/* eprt_dma.c -- DMA descriptors, start/wait, 1D and 2D copies.  See eprt.h, docs/runtime.md. */
#include "eprt.h"

/* one descriptor per channel for eprt_dma_copy/copy2d: core-local (SRAM in every layout) */
static eprt_dma_desc_t copy_desc[2] EPRT_SRAM;

void eprt_dma_set_desc(eprt_dma_desc_t *d, uint32_t config, const eprt_dma_desc_t *next,
                       int16_t src_inner, int16_t dst_inner, uint16_t inner_count,
                       uint16_t outer_count, int16_t src_outer, int16_t dst_outer,
                       const volatile void *src, volatile void *dst)
{
    d->config = (config & 0xFFFFu) | ((uint32_t)(uintptr_t)next << 16);
    d->inner_stride = ((uint32_t)(uint16_t)dst_inner << 16) | (uint16_t)src_inner;
    d->count = ((uint32_t)outer_count << 16) | inner_count;
    d->outer_stride = ((uint32_t)(uint16_t)dst_outer << 16) | (uint16_t)src_outer;
    d->src = (uint32_t)(uintptr_t)src;
    d->dst = (uint32_t)(uintptr_t)dst;
}

void eprt_dma_start(unsigned chan, const eprt_dma_desc_t *d)
{
    uint32_t v = ((uint32_t)(uintptr_t)d << 16) | EPRT_DMA_STARTUP;
    /* the descriptor must be in memory before the channel fetches it */
    __asm__ __volatile__("" ::: "memory");
    if (chan == 0)
        __asm__ __volatile__("movts dma0config, %0" :: "r"(v) : "memory");
    else
        __asm__ __volatile__("movts dma1config, %0" :: "r"(v) : "memory");
}

unsigned eprt_dma_busy(unsigned chan)
{
    uint32_t s;
    if (chan == 0)
        __asm__ __volatile__("movfs %0, dma0status" : "=r"(s) :: "memory");
    else
        __asm__ __volatile__("movfs %0, dma1status" : "=r"(s) :: "memory");
    return s & 0xFu;
}

void eprt_dma_wait(unsigned chan)
{
    while (eprt_dma_busy(chan))
        ;
}

/* largest element size (8, 4, 2, 1) dividing every value in `bits` */
static unsigned elem_shift(uint32_t bits)
{
    if ((bits & 7) == 0)
        return 3;
    if ((bits & 3) == 0)
        return 2;
    if ((bits & 1) == 0)
        return 1;
    return 0;
}

int eprt_dma_copy(unsigned chan, volatile void *dst, const volatile void *src, size_t n)
{
    uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;
    unsigned sh = elem_shift((uint32_t)(d | s | n)), size = 1u << sh;
    if (chan > 1)
        return -1;
    while (n) {
        size_t count = n >> sh;
        if (count > 0xFFFF)
            count = 0xFFFF;
        eprt_dma_set_desc(&copy_desc[chan], EPRT_DMA_ENABLE | EPRT_DMA_MASTER | (sh << 5), 0,
                          size, size, count, 1, size, size, (const void *)s, (void *)d);
        eprt_dma_start(chan, &copy_desc[chan]);
        eprt_dma_wait(chan);
        d += count << sh;
        s += count << sh;
        n -= count << sh;
    }
    return 0;
}

int eprt_dma_copy2d(unsigned chan, volatile void *dst, size_t dst_pitch,
                    const volatile void *src, size_t src_pitch, size_t row_bytes, size_t rows)
{
    uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;
    unsigned sh = elem_shift((uint32_t)(d | s | dst_pitch | src_pitch | row_bytes));
    int32_t size = 1 << sh;
    /* after the last element of a row the addresses move by the outer stride instead of the
     * inner one: from the row's last element to the next row's first */
    int32_t src_outer = (int32_t)src_pitch - (int32_t)row_bytes + size;
    int32_t dst_outer = (int32_t)dst_pitch - (int32_t)row_bytes + size;
    size_t inner = row_bytes >> sh;
    if (chan > 1 || rows == 0 || inner == 0 || rows > 0xFFFF || inner > 0xFFFF
        || src_outer < -32768 || src_outer > 32767 || dst_outer < -32768 || dst_outer > 32767)
        return -1;
    eprt_dma_set_desc(&copy_desc[chan], EPRT_DMA_ENABLE | EPRT_DMA_MASTER | (sh << 5), 0,
                      size, size, inner, rows, src_outer, dst_outer, src, dst);
    eprt_dma_start(chan, &copy_desc[chan]);
    eprt_dma_wait(chan);
    return 0;
}
