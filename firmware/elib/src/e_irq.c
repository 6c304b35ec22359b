/* e_irq.c -- interrupt calls of e_ic.h. */
#include <stdlib.h>
#include <unistd.h>
#include "elib.h"

#undef e_irq_attach
/* A relative branch reaches +-16 MB: handlers must be in core SRAM (with legacy.ldf, declare
 * them SECTION(".eprt_sram_text")).  The ESDK writes a wrong branch for a handler out of reach;
 * here the program stops with a message instead. */
void e_irq_attach(e_irq_type_t irq, e_irqhandler_t handler)
{
    static const char msg[] = "e_irq_attach: the handler is out of the vector table's reach "
                              "(it must be in core SRAM)\n";
    if (eprt_irq_attach(irq, handler) != 0) {
        write(2, msg, sizeof msg - 1);
        exit(124);
    }
}

void e_irq_set(unsigned row, unsigned col, e_irq_type_t irq)
{
    *(volatile unsigned *)e_get_global_address(row, col, (void *)E_REG_ILATST) = 1u << irq;
}

void e_irq_clear(unsigned row, unsigned col, e_irq_type_t irq)
{
    *(volatile unsigned *)e_get_global_address(row, col, (void *)E_REG_ILATCL) = 1u << irq;
}

void e_irq_global_mask(e_bool_t state)
{
    if (state)
        __asm__ __volatile__("gid" ::: "memory");
    else
        __asm__ __volatile__("gie" ::: "memory");
}

/* read-modify-write of IMASK with interrupts held off (eprt_irq.c) */
void e_irq_mask(e_irq_type_t irq, e_bool_t state)
{
    if (state)
        eprt_irq_mask(irq);
    else
        eprt_irq_unmask(irq);
}
