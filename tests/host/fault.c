/* fault.c -- a device program that faults (device half: device/fault.c): the emulator reports
 * the fault and halts the core, the host program sees it halted (DEBUGSTATUS) and goes on.
 *
 *   fault DEVICE.elf
 *
 * Prints "fault: core halted at step 7" and exits 0. */
#include <e-hal.h>
#include <e-loader.h>
#include "poll.h"

int main(int argc, char *argv[])
{
    e_epiphany_t dev;
    unsigned status = 0, step = 0, i;

    if (argc < 2)
        return 2;
    if (e_init(NULL) != E_OK)
        return 1;
    e_reset_system();
    if (e_open(&dev, 0, 0, 1, 1) != E_OK || e_load(argv[1], &dev, 0, 0, E_TRUE) != E_OK)
        return 1;
    for (i = 0; i < 30000 && !(status & 1); i++) {
        e_read(&dev, 0, 0, E_REG_DEBUGSTATUS, &status, 4);
        usleep(1000);
    }
    e_read(&dev, 0, 0, MBOX + 4, &step, 4);
    e_close(&dev);
    e_finalize();
    if (!(status & 1)) {
        fprintf(stderr, "fault: the core was not halted\n");
        return 1;
    }
    printf("fault: core halted at step %u\n", step);
    return 0;
}
