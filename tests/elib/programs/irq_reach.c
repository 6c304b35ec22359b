/* irq_reach.c -- e_irq_attach with a handler the vector table cannot reach: built with
 * legacy.ldf, whose code is in external DRAM (0x8E000000), beyond the +-16 MB of a slot's
 * relative branch.  Expected: the program stops in e_irq_attach, exit code 124, with a
 * message on stderr; a handler in SRAM (.eprt_sram_text) attaches. */
#include "elib_test.h"

volatile u32 calls;

static void __attribute__((interrupt)) SECTION(".eprt_sram_text") near_isr(void)
{
    calls++;
}

static void __attribute__((interrupt)) far_isr(void)
{
    calls++;
}

int main(void)
{
    e_irq_attach(E_USER_INT, near_isr);
    e_irq_mask(E_USER_INT, E_FALSE);
    e_irq_set(E_SELF, E_SELF, E_USER_INT);
    while (calls == 0)
        ;
    e_irq_attach(E_USER_INT, far_isr);       /* does not return */
    return 0;
}
