/* eprt_irq.c -- interrupt attach/mask and the event timers.  See eprt.h, docs/runtime.md. */
#include "eprt.h"

int eprt_irq_attach(unsigned irq, eprt_isr_t handler)
{
    uint32_t slot = irq * 4;
    int32_t off = (int32_t)((uint32_t)(uintptr_t)handler - slot);
    if (irq > 9 || off < -(1 << 24) || off >= (1 << 24) || (off & 1))
        return -1;
    /* b.l: bits 7:0 = 0xE8 (condition "always", 32-bit branch), bits 31:8 = offset / 2,
     * relative to the branch itself (fact sheet §2.3) */
    *(volatile uint32_t *)slot = 0xE8u | (((uint32_t)off >> 1) << 8);
    return 0;
}

void eprt_irq_mask(unsigned irq)
{
    unsigned s = eprt_irq_save(), m;
    __asm__ __volatile__("movfs %0, imask" : "=r"(m));
    m |= 1u << irq;
    __asm__ __volatile__("movts imask, %0" :: "r"(m) : "memory");
    eprt_irq_restore(s);
}

void eprt_irq_unmask(unsigned irq)
{
    unsigned s = eprt_irq_save(), m;
    __asm__ __volatile__("movfs %0, imask" : "=r"(m));
    m &= ~(1u << irq);
    __asm__ __volatile__("movts imask, %0" :: "r"(m) : "memory");
    eprt_irq_restore(s);
}

void eprt_ctimer_set(unsigned n, uint32_t value)
{
    if (n == 0)
        __asm__ __volatile__("movts ctimer0, %0" :: "r"(value) : "memory");
    else
        __asm__ __volatile__("movts ctimer1, %0" :: "r"(value) : "memory");
}

uint32_t eprt_ctimer_get(unsigned n)
{
    uint32_t v;
    if (n == 0)
        __asm__ __volatile__("movfs %0, ctimer0" : "=r"(v) :: "memory");
    else
        __asm__ __volatile__("movfs %0, ctimer1" : "=r"(v) :: "memory");
    return v;
}

/* CONFIG is also rewritten by GCC's FPU-mode switches (inside GID/GIE) and possibly by
 * interrupt handlers: read-modify-write it with interrupts disabled. */
void eprt_ctimer_start(unsigned n, unsigned event)
{
    unsigned shift = n == 0 ? 4 : 8;
    unsigned s = eprt_irq_save(), c;
    __asm__ __volatile__("movfs %0, config" : "=r"(c));
    c = (c & ~(0xFu << shift)) | ((event & 0xFu) << shift);
    __asm__ __volatile__("movts config, %0" :: "r"(c) : "memory");
    eprt_irq_restore(s);
}

uint32_t eprt_ctimer_stop(unsigned n)
{
    eprt_ctimer_start(n, EPRT_CTIMER_OFF);
    return eprt_ctimer_get(n);
}
