/* e_dma.c -- the DMA calls of e_dma.h on the run-time's channel functions (eprt_dma.c).
 * e_dma_desc_t and eprt_dma_desc_t are the same six words. */
#include "elib.h"

_Static_assert(sizeof(e_dma_desc_t) == sizeof(eprt_dma_desc_t), "descriptor layouts differ");

int e_dma_busy(e_dma_id_t chan)
{
    if ((unsigned)chan > 1)
        return -1;
    return (int)eprt_dma_busy(chan);
}

void e_dma_wait(e_dma_id_t chan)
{
    eprt_dma_wait(chan != E_DMA_0);
}

int e_dma_start(e_dma_desc_t *descriptor, e_dma_id_t chan)
{
    if ((unsigned)chan > 1)
        return E_ERR;
    eprt_dma_wait(chan);
    eprt_dma_start(chan, (const eprt_dma_desc_t *)descriptor);
    return E_OK;
}

/* Strides and counts are cut to their 16-bit fields (a negative source stride must not spill
 * into the destination's half of the word). */
void e_dma_set_desc(e_dma_id_t chan, unsigned config, e_dma_desc_t *next_desc,
                    unsigned strd_i_src, unsigned strd_i_dst, unsigned count_i, unsigned count_o,
                    unsigned strd_o_src, unsigned strd_o_dst, void *addr_src, void *addr_dst,
                    e_dma_desc_t *desc)
{
    e_dma_wait(chan);
    eprt_dma_set_desc((eprt_dma_desc_t *)desc, 0, (const eprt_dma_desc_t *)next_desc,
                      (int16_t)strd_i_src, (int16_t)strd_i_dst, (uint16_t)count_i,
                      (uint16_t)count_o, (int16_t)strd_o_src, (int16_t)strd_o_dst, addr_src,
                      addr_dst);
    desc->config |= config;              /* all of it, as the caller gave it */
}

/* Channel 1, as the ESDK's; the element size is the largest of 8/4/2/1 bytes that divides
 * dst, src and n; copies of more than 65535 elements go in several runs.  Waits for anything
 * still running on channel 1 first, and for the copy itself. */
int e_dma_copy(void *dst, void *src, size_t n)
{
    eprt_dma_wait(1);
    eprt_dma_copy(1, dst, src, n);
    return E_OK;
}
