/* poll.h -- the one helper the host programs of tests/host share: wait, with a deadline,
 * for a word the cores write (e_read in a loop, as a host program does on the board). */
#ifndef HOST_POLL_H
#define HOST_POLL_H

#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <e-hal.h>
#include <epiphany-hal-api-local.h>

#define MBOX 0x7000     /* the device programs' mailbox (device/common.h) */

/* until the word at `addr` of `dev` (core (row, col), or a buffer) equals `want`: 1, or 0
 * after `seconds` (the last value read in *last) */
__attribute__((unused)) static int wait_word(void *dev, unsigned row, unsigned col, off_t addr, unsigned want,
                     double seconds, unsigned *last)
{
    struct timespec t0, t;
    unsigned v = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        if (e_read(dev, row, col, addr, &v, 4) == 4 && v == want)
            break;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) * 1e-9 > seconds) {
            if (last)
                *last = v;
            return 0;
        }
        usleep(200);
    }
    if (last)
        *last = v;
    return 1;
}

#endif
