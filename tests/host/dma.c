/* dma.c -- DMA between the cores and a DRAM buffer from e_alloc (device half: device/dma.c).
 *
 *   dma DEVICE.elf [ROWS COLS]
 *
 * The buffer (at offset 0x01900000 of external memory) holds 64 input words per core, the
 * cores' 64 output words each and a done flag per core.  Input word i of core k:
 * (256 * k + 4 * i) * 0x01000193 ^ 0x5bd1e995; output: IN * 2654435761 + (k << 24) + i.
 * Prints "dma: G cores ok". */
#include <stdlib.h>
#include <string.h>
#include <e-hal.h>
#include <e-loader.h>
#include "poll.h"

#define BUF_OFFSET 0x01900000

int main(int argc, char *argv[])
{
    e_platform_t platform;
    e_epiphany_t dev;
    e_mem_t buf;
    unsigned rows, cols, g, r, c, k, i, bad = 0, last;
    static unsigned in[64 * 64], out[64 * 64], zero[64 * 64 + 64];

    if (argc < 2)
        return 2;
    if (e_init(NULL) != E_OK)
        return 1;
    e_reset_system();
    e_get_platform_info(&platform);
    rows = argc > 3 ? (unsigned)atoi(argv[2]) : platform.rows;
    cols = argc > 3 ? (unsigned)atoi(argv[3]) : platform.cols;
    g = rows * cols;
    if (e_alloc(&buf, BUF_OFFSET, 512 * g + 4 * g) != E_OK)
        return 1;
    e_write(&buf, 0, 0, 256 * g, zero, 256 * g + 4 * g);
    for (k = 0; k < g; k++)
        for (i = 0; i < 64; i++)
            in[64 * k + i] = ((256 * k + 4 * i) * 0x01000193u) ^ 0x5bd1e995u;
    if (e_write(&buf, 0, 0, 0, in, 256 * g) != (ssize_t)(256 * g))
        return 1;
    if (e_open(&dev, 0, 0, rows, cols) != E_OK ||
        e_load_group(argv[1], &dev, 0, 0, rows, cols, E_FALSE) != E_OK)
        return 1;
    for (r = 0; r < rows; r++)
        for (c = 0; c < cols; c++) {
            unsigned addr = (unsigned)buf.ephy_base;
            e_write(&dev, r, c, MBOX, &addr, 4);
        }
    e_start_group(&dev);
    for (k = 0; k < g; k++)
        if (!wait_word(&buf, 0, 0, 512 * g + 4 * k, 0x600d0000u + k, 60, &last)) {
            fprintf(stderr, "dma: core %u not done (flag 0x%x)\n", k, last);
            return 1;
        }
    if (e_read(&buf, 0, 0, 256 * g, out, 256 * g) != (ssize_t)(256 * g))
        return 1;
    for (k = 0; k < g; k++)
        for (i = 0; i < 64; i++) {
            unsigned want = in[64 * k + i] * 2654435761u + (k << 24) + i;
            if (out[64 * k + i] != want && bad++ < 5)
                fprintf(stderr, "dma: core %u word %u = 0x%08x, expected 0x%08x\n", k, i,
                        out[64 * k + i], want);
        }
    e_close(&dev);
    e_free(&buf);
    e_finalize();
    if (bad)
        return 1;
    printf("dma: %u cores ok\n", g);
    return 0;
}
