/* dma.c -- the device half of tests/host/dma.c: DMA between core memory and a DRAM buffer the
 * host allocated with e_alloc.
 *
 * MBOX[0] = the buffer's device address D (written by the host before the start).  Core
 * k = row * cols + col (of G = rows * cols):
 *   1. DMA channel 0: 64 words from D + 256 * k into local IN;
 *   2. OUT[i] = IN[i] * 2654435761 + (k << 24) + i        (unsigned 32-bit arithmetic);
 *   3. DMA channel 1: OUT to D + 256 * G + 256 * k;
 *   4. the done flag, by DMA too: the word at D + 512 * G + 4 * k becomes 0x600d0000 + k. */
#include "common.h"

static u32 IN[64] __attribute__((aligned(8)));
static u32 OUT[64] __attribute__((aligned(8)));
static u32 FLAG[2] __attribute__((aligned(8)));

int main(void)
{
    unsigned k = eprt_row() * eprt_cols() + eprt_col();
    unsigned g = eprt_rows() * eprt_cols(), i;
    u8 *d = (u8 *)MBOX[0];

    if (eprt_dma_copy(0, IN, d + 256 * k, sizeof IN))
        return 1;
    for (i = 0; i < 64; i++)
        OUT[i] = IN[i] * 2654435761u + (k << 24) + i;
    if (eprt_dma_copy(1, d + 256 * g + 256 * k, OUT, sizeof OUT))
        return 2;
    FLAG[0] = 0x600d0000u + k;
    if (eprt_dma_copy(0, d + 512 * g + 4 * k, FLAG, 4))
        return 3;
    return 0;
}
