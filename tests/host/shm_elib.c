/* shm_elib.c -- a named shared-memory segment between libe-hal (e_shm_alloc here) and the
 * device library's e_shm_attach (firmware/elib; device half: device/shm_elib.c).
 *
 *   shm_elib DEVICE.elf
 *
 * Allocates "elib_shm" (64 bytes per core), loads the program on the whole chip and starts
 * it, waits for each core's done flag, checks each core's line against the text computed
 * here, then attaches the segment a second time and releases it twice.  Prints
 * "shm_elib: N cores ok". */
#include <stdlib.h>
#include <string.h>
#include <e-hal.h>
#include <e-loader.h>
#include "poll.h"

int main(int argc, char *argv[])
{
    e_platform_t platform;
    e_epiphany_t dev;
    e_mem_t shm, again;
    unsigned r, c, n, bad = 0;

    if (argc < 2)
        return 2;
    if (e_init(NULL) != E_OK)
        return 1;
    e_reset_system();
    e_get_platform_info(&platform);
    n = platform.rows * platform.cols;
    if (e_shm_alloc(&shm, "elib_shm", 64 * n) != E_OK) {
        fprintf(stderr, "shm_elib: e_shm_alloc failed\n");
        return 1;
    }
    memset(shm.base, 0, 64 * n);
    if (e_open(&dev, 0, 0, platform.rows, platform.cols) != E_OK ||
        e_load_group(argv[1], &dev, 0, 0, platform.rows, platform.cols, E_TRUE) != E_OK)
        return 1;
    for (r = 0; r < platform.rows; r++)
        for (c = 0; c < platform.cols; c++) {
            unsigned k = r * platform.cols + c, last;
            char want[96], got[60];
            if (!wait_word(&shm, 0, 0, 64 * k + 60, 0x5eed0000u + k, 60, &last)) {
                fprintf(stderr, "shm_elib: core (%u,%u): flag 0x%x\n", r, c, last);
                bad++;
                continue;
            }
            snprintf(want, sizeof want, "core 0x%03x at (%u,%u) of %ux%u", dev.core[r][c].id,
                     r, c, platform.rows, platform.cols);
            e_read(&shm, 0, 0, 64 * k, got, sizeof got);
            if (strncmp(got, want, sizeof got) != 0) {
                fprintf(stderr, "shm_elib: core (%u,%u) wrote \"%.60s\", expected \"%s\"\n", r,
                        c, got, want);
                bad++;
            }
        }
    if (e_shm_attach(&again, "elib_shm") != E_OK || again.base != shm.base ||
        again.ephy_base != shm.ephy_base || e_shm_release("elib_shm") != E_OK ||
        e_shm_release("elib_shm") != E_OK || e_shm_attach(&again, "elib_shm") != E_ERR) {
        fprintf(stderr, "shm_elib: attach/release\n");
        bad++;
    }
    e_close(&dev);
    e_finalize();
    if (bad)
        return 1;
    printf("shm_elib: %u cores ok\n", n);
    return 0;
}
