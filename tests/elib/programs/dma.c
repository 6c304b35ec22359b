/* dma.c -- e_dma_copy, e_dma_set_desc/e_dma_start/e_dma_wait/e_dma_busy: 1D copies local to
 * local, to and from another core and external memory, of every element size; a 2D copy of a
 * sub-matrix; three chained descriptors; the DMA-done interrupt.
 *
 * Core k's source data: src[i] = k << 24 | i (u32, 256 words).  Each check compares the
 * destination with that rule in C and sets its bit in result.ok; the Python test also reads
 * the 2D and chained destinations and recomputes them from the same rule.
 *   bit 0  e_dma_copy 1 KB local -> local (dword elements)
 *   bit 1  e_dma_copy 37 bytes from src + 1 to dst + 3 (byte elements)
 *   bit 2  e_dma_copy 6 bytes, half-word aligned
 *   bit 3  push: 256 bytes into core k+1's `inbox` (checked by k+1 after a barrier)
 *   bit 4  pull: 256 bytes of core k-1's `src` into `pulled`
 *   bit 5  512 bytes to external memory (0x8F200000 + 1 KB k) and back
 *   bit 6  2D: the 6 x 5 block at (row 2, col 3) of a 16 x 16 matrix into `block` (6 x 5)
 *   bit 7  chain: three descriptors on channel 1, each copying a piece
 *   bit 8  E_DMA_IRQEN on channel 0: the E_DMA0_INT handler ran exactly once
 *   bit 9  e_dma_busy(2) == -1, e_dma_start(d, 2) == E_ERR
 *   bit 10 e_dma_busy(E_DMA_0) != 0 right after starting a 2 KB copy, 0 after e_dma_wait
 * Two more, when the host sets their bit in `host_flags` before the start (the Python test
 * does, on one core):
 *   flag 1 -> bit 11: a descriptor with a negative source stride (-4) copies 16 words in
 *          reverse order, the destination stride (+4) untouched by the source's sign
 *   flag 2: copy BIG_N bytes (odd: byte elements, more than a descriptor's 65535) from
 *          BIG_SRC to BIG_DST + 1 in external memory; the host filled the source and compares
 *          the two areas */
#include "elib_test.h"

#define EXT_AREA 0x8F200000u
#define BIG_SRC 0x8F300000u
#define BIG_DST 0x8F340000u
#define BIG_N 70001u

volatile e_barrier_t bar[16];
volatile e_barrier_t *tgt[16];

u32 src[256];
u32 dst[256];
u32 inbox[64];
u32 pulled[64];
u32 block[6 * 5];
u32 chained[3 * 8];
e_dma_desc_t desc[3];
volatile u32 dma0_irqs;

volatile u32 host_flags SECTION(".data_bank0");   /* set by the host before the start */

struct {
    u32 ok;
    u32 busy_after_start;
    u32 done;
} result;
RESULT_WORDS(2);

static u32 pattern(unsigned k, unsigned i)
{
    return k << 24 | i;
}

static void __attribute__((interrupt)) dma0_isr(void)
{
    dma0_irqs++;
}

static int same_words(const u32 *a, const u32 *b, unsigned n)
{
    unsigned i;
    for (i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static int same_bytes(const void *a, const void *b, unsigned n)
{
    const unsigned char *x = a, *y = b;
    unsigned i;
    for (i = 0; i < n; i++)
        if (x[i] != y[i])
            return 0;
    return 1;
}

static void clear(void *p, unsigned n)
{
    unsigned char *b = p;
    while (n--)
        *b++ = 0;
}

int main(void)
{
    unsigned k = my_index(), n = group_size(), cols = e_group_config.group_cols, i, r, c;
    unsigned next = (k + 1) % n, prev = (k + n - 1) % n;
    u32 ok = 0;
    u32 *ext = (u32 *)(EXT_AREA + 1024 * k);
    for (i = 0; i < 256; i++)
        src[i] = pattern(k, i);
    e_barrier_init(bar, tgt);
    e_barrier(bar, tgt);

    e_dma_copy(dst, src, 1024);
    ok |= same_words(dst, src, 256) << 0;

    clear(dst, sizeof dst);
    e_dma_copy((char *)dst + 3, (char *)src + 1, 37);
    ok |= (same_bytes((char *)dst + 3, (char *)src + 1, 37) && ((char *)dst)[2] == 0
           && ((char *)dst)[40] == 0) << 1;

    clear(dst, sizeof dst);
    e_dma_copy((char *)dst + 2, (char *)src + 6, 6);
    ok |= (same_bytes((char *)dst + 2, (char *)src + 6, 6) && ((char *)dst)[8] == 0) << 2;

    /* push to the next core, pull from the previous one */
    e_dma_copy(e_get_global_address(next / cols, next % cols, inbox), src, 256);
    e_dma_copy(pulled, e_get_global_address(prev / cols, prev % cols, src), 256);
    for (i = 0; i < 64; i++)
        if (pulled[i] != pattern(prev, i))
            break;
    ok |= (i == 64) << 4;

    /* external memory.  The copy's writes are posted: the channel is idle when they have
     * left, not when they have arrived, and a read of the same address may overtake them
     * (fact sheet §4).  They arrive in order, so the last word's arrival means all did. */
    e_dma_copy(ext, src + 64, 512);
    while (((volatile u32 *)ext)[127] != src[64 + 127])
        ;
    clear(dst, sizeof dst);
    e_dma_copy(dst, ext, 512);
    ok |= (same_words(dst, src + 64, 128) && same_words(ext, src + 64, 128)) << 5;

    /* 2D: rows of 5 words, 16 words apart in src, packed in block; after a row's last
     * element the source moves by the outer stride: to the next row's first element */
    e_dma_set_desc(E_DMA_0, E_DMA_ENABLE | E_DMA_MASTER | E_DMA_WORD, 0,
                   4, 4, 5, 6, 4 * (16 - 5) + 4, 4,
                   src + 2 * 16 + 3, block, &desc[0]);
    e_dma_start(&desc[0], E_DMA_0);
    e_dma_wait(E_DMA_0);
    for (r = 0; r < 6; r++)
        for (c = 0; c < 5; c++)
            if (block[r * 5 + c] != src[(2 + r) * 16 + 3 + c])
                goto no2d;
    ok |= 1 << 6;
no2d:
    /* chain: desc[0] -> desc[1] -> desc[2], 8 words each from src + 100, + 40, + 7 */
    e_dma_set_desc(E_DMA_1, E_DMA_ENABLE | E_DMA_MASTER | E_DMA_WORD | E_DMA_CHAIN, &desc[1],
                   4, 4, 8, 1, 4, 4, src + 100, chained, &desc[0]);
    e_dma_set_desc(E_DMA_1, E_DMA_ENABLE | E_DMA_MASTER | E_DMA_DWORD | E_DMA_CHAIN, &desc[2],
                   8, 8, 4, 1, 8, 8, src + 40, chained + 8, &desc[1]);
    e_dma_set_desc(E_DMA_1, E_DMA_ENABLE | E_DMA_MASTER | E_DMA_HWORD, 0,
                   2, 2, 16, 1, 2, 2, src + 7, chained + 16, &desc[2]);
    e_dma_start(&desc[0], E_DMA_1);
    e_dma_wait(E_DMA_1);
    ok |= (same_words(chained, src + 100, 8) && same_words(chained + 8, src + 40, 8)
           && same_words(chained + 16, src + 7, 8)) << 7;

    /* the DMA-done interrupt */
    e_irq_attach(E_DMA0_INT, dma0_isr);
    e_irq_mask(E_DMA0_INT, E_FALSE);
    e_irq_global_mask(E_FALSE);
    e_dma_set_desc(E_DMA_0, E_DMA_ENABLE | E_DMA_MASTER | E_DMA_WORD | E_DMA_IRQEN, 0,
                   4, 4, 32, 1, 4, 4, src, dst, &desc[0]);
    e_dma_start(&desc[0], E_DMA_0);
    e_dma_wait(E_DMA_0);
    for (i = 0; i < 1000 && dma0_irqs == 0; i++)
        ;
    ok |= (dma0_irqs == 1) << 8;
    e_irq_mask(E_DMA0_INT, E_TRUE);

    ok |= (e_dma_busy((e_dma_id_t)2) == -1 && e_dma_start(&desc[0], (e_dma_id_t)2) == E_ERR) << 9;

    e_dma_set_desc(E_DMA_0, E_DMA_ENABLE | E_DMA_MASTER | E_DMA_BYTE, 0,
                   1, 1, 1024, 1, 1, 1, src, dst, &desc[0]);
    e_dma_start(&desc[0], E_DMA_0);
    result.busy_after_start = e_dma_busy(E_DMA_0);
    e_dma_wait(E_DMA_0);
    ok |= (result.busy_after_start != 0 && e_dma_busy(E_DMA_0) == 0
           && same_words(dst, src, 256)) << 10;

    if (host_flags & 1) {
        /* a negative source stride: the descriptor's halves stay apart */
        clear(dst, sizeof dst);
        e_dma_set_desc(E_DMA_0, E_DMA_ENABLE | E_DMA_MASTER | E_DMA_WORD, 0,
                       (unsigned)-4, 4, 16, 1, (unsigned)-4, 4, src + 15, dst, &desc[0]);
        e_dma_start(&desc[0], E_DMA_0);
        e_dma_wait(E_DMA_0);
        for (i = 0; i < 16; i++)
            if (dst[i] != src[15 - i])
                break;
        ok |= (i == 16 && dst[16] == 0) << 11;
    }
    if (host_flags & 2)
        e_dma_copy((void *)(BIG_DST + 1), (void *)BIG_SRC, BIG_N);

    e_barrier(bar, tgt);         /* every push has landed */
    for (i = 0; i < 64; i++)
        if (inbox[i] != pattern(prev, i))
            break;
    ok |= (i == 64) << 3;
    result.ok = ok;
    result.done = DONE;
    e_barrier(bar, tgt);
    return 0;
}
