/* badaccess.c -- bad use of the e-hal API returns E_ERR and nothing breaks.
 *
 *   badaccess DEVICE.elf
 *
 * Reads and writes outside a core's memory, its register window, the workgroup and a buffer;
 * workgroups and buffers that do not fit; a file that is not there; calls on objects that
 * were never opened or allocated.  Each must return E_ERR (the good accesses around them
 * their byte counts); then the chip must still work (a word written and read back).
 * Prints "badaccess: N refusals ok". */
#include <stdlib.h>
#include <string.h>
#include <e-hal.h>
#include <e-loader.h>
#include "poll.h"

static int bad, refused;

#define EXPECT(expr, want) \
    do { long got_ = (long)(expr); \
         if (got_ != (long)(want)) { \
             fprintf(stderr, "badaccess: %s = %ld, expected %ld\n", #expr, got_, \
                     (long)(want)); bad++; } \
         else if ((long)(want) == E_ERR) refused++; } while (0)

int main(int argc, char *argv[])
{
    e_epiphany_t dev, unopened;
    e_mem_t buf, unallocated, big;
    e_platform_t platform;
    unsigned char b[64];
    unsigned v = 0x1234abcd, w = 0;

    if (argc < 2)
        return 2;
    memset(b, 0, sizeof b);
    memset(&unopened, 0, sizeof unopened);
    memset(&unallocated, 0, sizeof unallocated);

    /* before e_init */
    EXPECT(e_open(&dev, 0, 0, 1, 1), E_ERR);
    EXPECT(e_alloc(&buf, 0, 16), E_ERR);
    EXPECT(e_get_platform_info(&platform), E_ERR);

    if (e_init(NULL) != E_OK)
        return 1;
    e_reset_system();
    e_get_platform_info(&platform);

    /* workgroups and buffers that do not fit */
    EXPECT(e_open(&dev, 3, 3, 2, 2), E_ERR);
    EXPECT(e_open(&dev, 0, 0, 0, 1), E_ERR);
    EXPECT(e_open(&dev, platform.rows, 0, 1, 1), E_ERR);
    EXPECT(e_alloc(&big, 0x01ffff00, 0x200), E_ERR);
    EXPECT(e_alloc(&big, -16, 0x20), E_ERR);

    EXPECT(e_open(&dev, 0, 0, 2, 2), E_OK);
    EXPECT(e_alloc(&buf, 0x01a00000, 256), E_OK);

    /* a core's memory: 0 .. 0x7fff */
    EXPECT(e_write(&dev, 1, 1, 0x7ffc, &v, 4), 4);
    EXPECT(e_read(&dev, 1, 1, 0x7ffc, &w, 4), 4);
    EXPECT(w, 0x1234abcd);
    EXPECT(e_read(&dev, 1, 1, 0x7ffc, b, 8), E_ERR);        /* runs off the end */
    EXPECT(e_write(&dev, 1, 1, 0x7ffe, &v, 4), E_ERR);
    EXPECT(e_read(&dev, 0, 0, 0x8000, &w, 4), E_ERR);       /* beyond SRAM */
    EXPECT(e_read(&dev, 0, 0, 0x80000, &w, 4), E_ERR);
    EXPECT(e_read(&dev, 0, 0, -4, &w, 4), E_ERR);
    EXPECT(e_write(&dev, 0, 0, 0x100000, &v, 4), E_ERR);
    EXPECT(e_read(&dev, 0, 0, 0x80800000, &w, 4), E_ERR);   /* a global address */
    /* registers: 0xf0000 .. 0xf0ffc, whole words */
    EXPECT(e_read(&dev, 0, 0, E_REG_COREID, &w, 4), 4);
    EXPECT(w, (32u << 6) | 8);
    EXPECT(e_read(&dev, 0, 0, E_REG_COREID + 2, &w, 4), E_ERR);
    EXPECT(e_read(&dev, 0, 0, E_REG_COREID, b, 2), E_ERR);
    EXPECT(e_read(&dev, 0, 0, 0xf1000, &w, 4), E_ERR);
    EXPECT(e_write(&dev, 0, 0, 0xf2000, &v, 4), E_ERR);
    EXPECT(ee_read_reg(&dev, 0, 0, 0xf1000), E_ERR);
    EXPECT(ee_write_reg(&dev, 5, 0, E_REG_ILATST, 0), E_ERR);
    /* cores outside the workgroup */
    EXPECT(e_read(&dev, 2, 0, 0, &w, 4), E_ERR);
    EXPECT(e_write(&dev, 0, 2, 0, &v, 4), E_ERR);
    EXPECT(e_read(&dev, 0, 7, E_REG_COREID, &w, 4), E_ERR);
    EXPECT(e_signal(&dev, 2, 2), E_ERR);
    EXPECT(e_halt(&dev, 9, 0), E_ERR);
    EXPECT(e_resume(&dev, 0, 9), E_ERR);
    EXPECT(e_start(&dev, 2, 0), E_ERR);
    EXPECT(e_load(argv[1], &dev, 2, 2, E_FALSE), E_ERR);
    EXPECT(e_load_group(argv[1], &dev, 1, 1, 2, 1, E_FALSE), E_ERR);
    EXPECT(ee_read_word(&dev, 3, 3, 0), E_ERR);
    /* a buffer of 256 bytes */
    EXPECT(e_write(&buf, 0, 0, 252, &v, 4), 4);
    EXPECT(e_read(&buf, 0, 0, 252, &w, 4), 4);
    EXPECT(w, 0x1234abcd);
    EXPECT(e_read(&buf, 0, 0, 253, &w, 4), E_ERR);
    EXPECT(e_write(&buf, 0, 0, 256, &v, 1), E_ERR);
    EXPECT(e_read(&buf, 0, 0, -1, &w, 1), E_ERR);
    EXPECT(ee_mread_word(&buf, 0x1000), E_ERR);
    /* objects that are not open, allocated or valid */
    EXPECT(e_read(&unopened, 0, 0, 0, &w, 4), E_ERR);
    EXPECT(e_read(&unallocated, 0, 0, 0, &w, 4), E_ERR);
    EXPECT(e_write(NULL, 0, 0, 0, &v, 4), E_ERR);
    EXPECT(e_start_group(&unopened), E_ERR);
    EXPECT(e_reset_group(&unopened), E_ERR);
    /* files */
    EXPECT(e_load("/nonexistent/prog.elf", &dev, 0, 0, E_FALSE), E_ERR);
    EXPECT(e_load(argv[0], &dev, 0, 0, E_FALSE), E_ERR);    /* not an Epiphany program */
    /* shared memory */
    EXPECT(e_shm_attach(&big, "no such segment"), E_ERR);
    EXPECT(e_shm_release("no such segment"), E_ERR);
    EXPECT(e_shm_alloc(&big, "too big", 8u << 20), E_ERR);

    /* still working: a program loads and a word goes there and back */
    EXPECT(e_load(argv[1], &dev, 1, 0, E_FALSE), E_OK);
    EXPECT(e_write(&dev, 1, 0, MBOX, &v, 4), 4);
    EXPECT(e_read(&dev, 1, 0, MBOX, &w, 4), 4);
    EXPECT(w, 0x1234abcd);
    EXPECT(e_close(&dev), E_OK);
    EXPECT(e_read(&dev, 0, 0, 0, &w, 4), E_ERR);            /* closed */
    EXPECT(e_free(&buf), E_OK);
    EXPECT(e_finalize(), E_OK);
    EXPECT(e_finalize(), E_ERR);
    if (bad)
        return 1;
    printf("badaccess: %d refusals ok\n", refused);
    return 0;
}
