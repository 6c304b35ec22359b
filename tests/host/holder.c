/* holder.c -- a host program that holds the emulator, then ends or dies (device half:
 * device/spin.c, counting for ever).
 *
 *   holder DEVICE.elf hold MS      run the counter for MS milliseconds, then finish cleanly
 *   holder DEVICE.elf die          run it until it counts, then die by SIGKILL (no e_finalize)
 *
 * Prints "holder: holding" once the counter moves (stdout, flushed), "holder: done" at a
 * clean end. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <e-hal.h>
#include <e-loader.h>
#include "poll.h"

int main(int argc, char *argv[])
{
    e_epiphany_t dev;
    unsigned v = 0, i;

    if (argc < 3)
        return 2;
    if (e_init(NULL) != E_OK)
        return 1;
    e_reset_system();
    if (e_open(&dev, 0, 0, 1, 1) != E_OK || e_load(argv[1], &dev, 0, 0, E_TRUE) != E_OK)
        return 1;
    for (i = 0; i < 60000 && v == 0; i++) {
        e_read(&dev, 0, 0, MBOX, &v, 4);
        usleep(1000);
    }
    if (v == 0) {
        fprintf(stderr, "holder: the counter does not move\n");
        return 1;
    }
    printf("holder: holding\n");
    fflush(stdout);
    if (strcmp(argv[2], "die") == 0)
        raise(SIGKILL);
    usleep(1000 * (argc > 3 ? atoi(argv[3]) : 1000));
    e_close(&dev);
    e_finalize();
    printf("holder: done\n");
    return 0;
}
