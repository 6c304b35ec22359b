/* hello.c -- hello with a shared-memory mailbox, against the e-hal API as the ESDK documents
 * it (device half: device/hello.c).
 *
 *   hello DEVICE.elf [ROWS COLS]
 *
 * e_shm_alloc a segment "hello_shm" (64 bytes per core), load the device program on a
 * ROWS x COLS workgroup (default: the whole chip) without starting it, give every core a
 * number in its mailbox, start the group, wait for each core's done flag (2 * number + 1, the
 * last word of its slot in the segment), then check each greeting against the text
 * computed here.  Prints
 * "hello: N greetings ok" and exits 0, or explains and exits 1. */
#include <stdlib.h>
#include <string.h>
#include <e-hal.h>
#include <e-loader.h>
#include "poll.h"

int main(int argc, char *argv[])
{
    e_platform_t platform;
    e_epiphany_t dev;
    e_mem_t mbuf;
    unsigned rows, cols, r, c, bad = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: hello DEVICE.elf [ROWS COLS]\n");
        return 2;
    }
    e_set_host_verbosity(H_D0);
    e_set_loader_verbosity(L_D0);
    if (e_init(NULL) != E_OK) {
        fprintf(stderr, "hello: e_init failed\n");
        return 1;
    }
    e_reset_system();
    e_get_platform_info(&platform);
    rows = argc > 3 ? (unsigned)atoi(argv[2]) : platform.rows;
    cols = argc > 3 ? (unsigned)atoi(argv[3]) : platform.cols;

    if (e_shm_alloc(&mbuf, "hello_shm", 64 * rows * cols) != E_OK &&
        e_shm_attach(&mbuf, "hello_shm") != E_OK) {
        fprintf(stderr, "hello: no shared memory\n");
        return 1;
    }
    memset(mbuf.base, 0, 64 * rows * cols);
    if (e_open(&dev, 0, 0, rows, cols) != E_OK ||
        e_load_group(argv[1], &dev, 0, 0, rows, cols, E_FALSE) != E_OK) {
        fprintf(stderr, "hello: cannot load %s\n", argv[1]);
        return 1;
    }
    for (r = 0; r < rows; r++)
        for (c = 0; c < cols; c++) {
            unsigned number = 1000 + 7 * (r * cols + c);
            e_write(&dev, r, c, MBOX, &number, sizeof number);
        }
    e_start_group(&dev);

    for (r = 0; r < rows; r++)
        for (c = 0; c < cols; c++) {
            unsigned k = r * cols + c, number = 1000 + 7 * k, last;
            char want[96], got[60];
            if (!wait_word(&mbuf, 0, 0, 64 * k + 60, 2 * number + 1, 60, &last)) {
                fprintf(stderr, "hello: core (%u,%u): done flag 0x%x, expected 0x%x\n", r, c,
                        last, 2 * number + 1);
                bad++;
                continue;
            }
            snprintf(want, sizeof want, "Hello from core 0x%03x (%u,%u) of %ux%u: %u",
                     dev.core[r][c].id, r, c, rows, cols, number);
            if (e_read(&mbuf, 0, 0, 64 * k, got, sizeof got) != sizeof got ||
                strncmp(got, want, sizeof got) != 0) {
                fprintf(stderr, "hello: core (%u,%u) wrote \"%.60s\", expected \"%s\"\n", r, c,
                        got, want);
                bad++;
            }
        }
    e_close(&dev);
    e_shm_release("hello_shm");
    e_finalize();
    if (bad)
        return 1;
    printf("hello: %u greetings ok\n", rows * cols);
    return 0;
}
