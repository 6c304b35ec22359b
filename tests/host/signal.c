/* signal.c -- e_signal, registers through e_read/e_write, e_halt/e_resume (device half:
 * device/signal.c) on a 1 x 2 workgroup.
 *
 *   signal DEVICE.elf
 *
 * Five user interrupts to core (0,1), each counted by its handler (core (0,0) gets none);
 * COREID, CONFIG and a general-purpose register read as registers; a halted core's loop
 * counter stands still and DEBUGSTATUS shows the halt, after e_resume it moves; then both
 * cores are told to stop and report 100 + their interrupt count.  Prints "signal: ok". */
#include <stdlib.h>
#include <string.h>
#include <e-hal.h>
#include <e-loader.h>
#include "poll.h"

static int bad;

#define CHECK(cond, ...) \
    do { if (!(cond)) { fprintf(stderr, "signal: " __VA_ARGS__); fputc('\n', stderr); \
                        bad++; } } while (0)

static unsigned word(e_epiphany_t *dev, unsigned r, unsigned c, off_t addr)
{
    unsigned v = 0xffffffff;
    ssize_t n = e_read(dev, r, c, addr, &v, 4);
    CHECK(n == 4, "e_read(%u,%u,0x%lx) returned %zd", r, c, (long)addr, n);
    return v;
}

int main(int argc, char *argv[])
{
    e_epiphany_t dev;
    unsigned i, last, s1, s2, one = 1, v;

    if (argc < 2)
        return 2;
    if (e_init(NULL) != E_OK)
        return 1;
    e_reset_system();
    if (e_open(&dev, 0, 0, 1, 2) != E_OK || e_load_group(argv[1], &dev, 0, 0, 1, 2, E_TRUE))
        return 1;
    CHECK(wait_word(&dev, 0, 0, MBOX + 4, 1, 60, &last), "core (0,0) not ready");
    CHECK(wait_word(&dev, 0, 1, MBOX + 4, 1, 60, &last), "core (0,1) not ready");

    for (i = 1; i <= 5; i++) {
        CHECK(e_signal(&dev, 0, 1) == E_OK, "e_signal failed");
        CHECK(wait_word(&dev, 0, 1, MBOX, i, 60, &last), "interrupt %u not counted (%u)", i,
              last);
    }
    CHECK(word(&dev, 0, 0, MBOX) == 0, "core (0,0) counted interrupts");

    /* registers */
    CHECK(word(&dev, 0, 1, E_REG_COREID) == dev.core[0][1].id, "COREID of (0,1)");
    CHECK(word(&dev, 0, 0, E_REG_COREID) == ((32u << 6) | 8), "COREID of (0,0)");
    v = 0x12345678;
    CHECK(e_write(&dev, 0, 0, E_REG_R63, &v, 4) == 4, "e_write of r63");
    (void)word(&dev, 0, 0, E_REG_CONFIG);
    CHECK(word(&dev, 0, 0, E_REG_IMASK) != 0xffffffff, "IMASK");

    /* halt and resume core (0,0): its loop counter stands still, then moves on */
    CHECK(e_halt(&dev, 0, 0) == E_OK, "e_halt");
    CHECK(word(&dev, 0, 0, E_REG_DEBUGSTATUS) & 1, "DEBUGSTATUS.HALT not set");
    s1 = word(&dev, 0, 0, MBOX + 8);
    usleep(100000);
    s2 = word(&dev, 0, 0, MBOX + 8);
    CHECK(s1 == s2, "a halted core ran (%u -> %u)", s1, s2);
    CHECK(e_resume(&dev, 0, 0) == E_OK, "e_resume");
    CHECK(!(word(&dev, 0, 0, E_REG_DEBUGSTATUS) & 1), "DEBUGSTATUS.HALT still set");
    for (i = 0; i < 2000 && word(&dev, 0, 0, MBOX + 8) == s2; i++)
        usleep(1000);
    CHECK(word(&dev, 0, 0, MBOX + 8) != s2, "a resumed core does not run");

    /* stop both */
    e_write(&dev, 0, 0, MBOX + 12, &one, 4);
    e_write(&dev, 0, 1, MBOX + 12, &one, 4);
    CHECK(wait_word(&dev, 0, 0, MBOX + 16, 100, 60, &last), "core (0,0) reports %u", last);
    CHECK(wait_word(&dev, 0, 1, MBOX + 16, 105, 60, &last), "core (0,1) reports %u", last);
    e_close(&dev);
    e_finalize();
    if (bad)
        return 1;
    printf("signal: ok\n");
    return 0;
}
