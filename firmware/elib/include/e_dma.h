/* e_dma.h -- epiphany-emu e-lib: the two DMA channels of a core.
 *
 * A transfer is described by an e_dma_desc_t in this core's SRAM (the channel fetches it from
 * a 16-bit local address): element size and mode in `config`, then inner (element) and outer
 * (row) strides and counts, source and destination.  Local addresses (bits 31:20 zero) are
 * this core's memory; global ones are other cores' SRAM or external memory.  After the last
 * element of a row the addresses advance by the outer strides instead of the inner ones. */
#ifndef EMU_ELIB_E_DMA_H
#define EMU_ELIB_E_DMA_H

#include <stddef.h>
#include "e_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* DMAxCONFIG bits, to be or-ed together */
typedef enum {
    E_DMA_ENABLE = (1 << 0),
    E_DMA_MASTER = (1 << 1),
    E_DMA_CHAIN = (1 << 2),          /* load the descriptor at config[31:16] when done */
    E_DMA_STARTUP = (1 << 3),
    E_DMA_IRQEN = (1 << 4),          /* raise E_DMA0_INT / E_DMA1_INT when done */
    E_DMA_BYTE = (0 << 5),
    E_DMA_HWORD = (1 << 5),
    E_DMA_WORD = (2 << 5),
    E_DMA_DWORD = (3 << 5),
    E_DMA_MSGMODE = (1 << 10),
    E_DMA_SHIFT_SRC_IN = (1 << 12),
    E_DMA_SHIFT_DST_IN = (1 << 13),
    E_DMA_SHIFT_SRC_OUT = (1 << 14),
    E_DMA_SHIFT_DST_OUT = (1 << 15),
} e_dma_config_t;

typedef enum {
    E_DMA_0 = 0,
    E_DMA_1 = 1,
} e_dma_id_t;

/* the six words a channel loads (8-byte aligned, in this core's SRAM) */
typedef struct {
    unsigned config;                 /* e_dma_config_t bits | next descriptor << 16 */
    unsigned inner_stride;           /* dst << 16 | src, signed 16-bit byte strides */
    unsigned count;                  /* outer << 16 | inner element count */
    unsigned outer_stride;           /* dst << 16 | src */
    void *src_addr;
    void *dst_addr;
} ALIGN(8) e_dma_desc_t;

/* wait until `chan` is idle, then start it on `descriptor`; E_ERR for a bad channel */
int e_dma_start(e_dma_desc_t *descriptor, e_dma_id_t chan);
/* the channel's state (DMAxSTATUS & 0xF): 0 idle; -1 for a bad channel */
int e_dma_busy(e_dma_id_t chan);
/* spin until `chan` is idle */
void e_dma_wait(e_dma_id_t chan);
/* copy n bytes with channel E_DMA_1 and wait for the copy to finish; returns E_OK */
int e_dma_copy(void *dst, void *src, size_t n);
/* wait until `chan` is idle, then fill *desc: config | next_desc << 16, the strides
 * (dst << 16 | src), the counts (outer << 16 | inner) and the addresses */
void e_dma_set_desc(e_dma_id_t chan, unsigned config, e_dma_desc_t *next_desc,
                    unsigned strd_i_src, unsigned strd_i_dst,
                    unsigned count_i, unsigned count_o,
                    unsigned strd_o_src, unsigned strd_o_dst,
                    void *addr_src, void *addr_dst, e_dma_desc_t *desc);

#ifdef __cplusplus
}
#endif

#endif /* EMU_ELIB_E_DMA_H */
