/* hello.c -- the device half of tests/host/hello.c: a greeting through shared memory.
 *
 * The host writes a number to MBOX[0] of every core before starting the group.  Each core
 * prints its greeting (newlib's TRAP path, through eprt_printf)
 *     "Hello from core 0x<id> (<row>,<col>) of <rows>x<cols>: <number>"
 * finds the segment "hello_shm" (e_shm_alloc on the host) and writes the greeting into its
 * 64-byte slot (index = row * cols + col), then the slot's last word: 2 * number + 1, the
 * done flag the host polls.  The flag goes the same way as the text (one core's writes to
 * one destination arrive in order); a flag in the core's own memory could be seen before
 * the text has arrived in DRAM.  Without the segment, MBOX[1] = 0xdead. */
#include "common.h"

int main(void)
{
    unsigned row = eprt_row(), col = eprt_col(), rows = eprt_rows(), cols = eprt_cols();
    u32 number = MBOX[0], size = 0;
    u32 shm = shm_find("hello_shm", &size);
    unsigned slot = row * cols + col;
    char text[64], *p = text;

    p = put_str(p, "Hello from core 0x");
    p = put_hex3(p, eprt_coreid());
    p = put_str(p, " (");
    p = put_dec(p, row);
    p = put_str(p, ",");
    p = put_dec(p, col);
    p = put_str(p, ") of ");
    p = put_dec(p, rows);
    p = put_str(p, "x");
    p = put_dec(p, cols);
    p = put_str(p, ": ");
    p = put_dec(p, number);
    *p = '\0';
    eprt_printf("%s\n", text);
    if (!shm || size < 64 * (slot + 1)) {
        MBOX[1] = 0xdead;
        return 1;
    }
    for (p = text; p < text + 60; p++) {
        ((volatile char *)shm)[64 * slot + (p - text)] = *p;
        if (!*p)
            break;
    }
    ((volatile u32 *)shm)[16 * slot + 15] = 2 * number + 1;
    return 0;
}
