/* spin.c -- the device half of tests/host/holder.c: counts in MBOX[0] for ever (a program a
 * host may leave running when it dies). */
#include "common.h"

int main(void)
{
    for (;;)
        MBOX[0]++;
}
