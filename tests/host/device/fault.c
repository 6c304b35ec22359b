/* fault.c -- the device half of tests/host/fault.c: MBOX[1] = 7, then a word store to an
 * address that is not a multiple of 4 (a fault the emulator reports; the core is halted).
 * The address is computed at run time (MBOX[5] is 0), or GCC would split the store. */
#include "common.h"

int main(void)
{
    MBOX[1] = 7;
    *(volatile u32 *)(MBOX[5] + 0x7022) = 1;
    MBOX[1] = 8;
    return 0;
}
