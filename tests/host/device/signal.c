/* signal.c -- the device half of tests/host/signal.c: e_signal, registers, e_halt/e_resume.
 *
 * The user interrupt's handler counts in MBOX[0].  main: MBOX[1] = 1 (ready), then counts
 * loop turns in MBOX[2] until the host sets MBOX[3] (stop); then MBOX[4] = the interrupts
 * counted + 100 and the core returns from main. */
#include "common.h"

__attribute__((interrupt)) EPRT_SRAM_TEXT static void on_user(void)
{
    MBOX[0]++;
}

int main(void)
{
    if (eprt_irq_attach(EPRT_IRQ_USER, on_user))
        return 1;
    eprt_irq_unmask(EPRT_IRQ_USER);
    eprt_irq_enable();
    MBOX[1] = 1;
    while (!MBOX[3])
        MBOX[2]++;
    MBOX[4] = MBOX[0] + 100;
    return 0;
}
