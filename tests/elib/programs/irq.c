/* irq.c -- interrupts: a user interrupt sent by another core, a timer interrupt, masking,
 * clearing, the global mask, and a handler declared with GCC's interrupt("timer1"), which our
 * linker scripts put into the vector table with no e_irq_attach.
 *
 * Core k sends E_USER_INT to the next core of the group (e_neighbor_id(E_NEXT_CORE,
 * E_GROUP_WRAP)), so each core receives exactly one, from its previous core.  Expected (every
 * core): user_irqs = 1 and the sender seen by the handler = the previous core's id; timer0 = 1
 * with CTIMER0 = 0 in its handler; timer1 = 1; while masked, a latched user interrupt shows in
 * ILAT and is not taken, e_irq_clear removes it; with interrupts disabled globally an
 * unmasked one waits, and is taken once enabled. */
#include "elib_test.h"

volatile e_barrier_t bar[16];
volatile e_barrier_t *tgt[16];

volatile u32 user_irqs, timer0_irqs, timer1_irqs, timer0_value;
volatile u32 sender;             /* written by the sender before it raises the interrupt */

struct {
    u32 user_irqs;
    u32 sender;
    u32 timer0_irqs, timer0_value;
    u32 timer1_irqs;
    u32 masked_ilat;             /* ILAT bit 9 while masked and latched */
    u32 masked_taken;            /* handler calls meanwhile */
    u32 cleared_ilat;            /* ILAT bit 9 after e_irq_clear */
    u32 gid_taken;               /* handler calls while globally disabled */
    u32 gie_taken;               /* ... and once enabled again */
    u32 done;
} result;
RESULT_WORDS(10);

static void __attribute__((interrupt)) user_isr(void)
{
    user_irqs++;
}

static void __attribute__((interrupt)) timer0_isr(void)
{
    timer0_value = e_ctimer_get(E_CTIMER_0);
    timer0_irqs++;
}

void __attribute__((interrupt("timer1"))) timer1_isr(void)
{
    timer1_irqs++;
}

/* wait (at most `tries` rounds) for *v to become `want` */
static void spin_until(volatile u32 *v, u32 want, unsigned tries)
{
    unsigned i;
    for (i = 0; i < tries && *v != want; i++)
        ;
}

/* let `timer` count `cycles` clock cycles down to 0; the handler calls seen */
static u32 run_down(e_ctimer_id_t timer, unsigned cycles, volatile u32 *calls)
{
    e_ctimer_set(timer, cycles);
    e_ctimer_start(timer, E_CTIMER_CLK);
    spin_until(calls, 1, 100000);
    e_ctimer_stop(timer);
    return *calls;
}

int main(void)
{
    unsigned nr, nc, base;
    e_barrier_init(bar, tgt);
    e_irq_attach(E_USER_INT, user_isr);
    e_irq_attach(E_TIMER0_INT, timer0_isr);
    e_irq_mask(E_USER_INT, E_FALSE);
    e_irq_mask(E_TIMER0_INT, E_FALSE);
    e_irq_mask(E_TIMER1_INT, E_FALSE);
    e_irq_global_mask(E_FALSE);
    e_barrier(bar, tgt);         /* every core is ready for its interrupt */

    /* one user interrupt to the next core, which learns who sent it from `sender` */
    e_neighbor_id(E_NEXT_CORE, E_GROUP_WRAP, &nr, &nc);
    *(volatile u32 *)e_get_global_address(nr, nc, (const void *)&sender) = e_get_coreid();
    e_irq_set(nr, nc, E_USER_INT);
    spin_until(&user_irqs, 1, 100000);
    e_barrier(bar, tgt);
    result.user_irqs = user_irqs;
    result.sender = sender;

    /* CTIMER0 from 500 down to 0: its interrupt; CTIMER1 from 300, handled through the
     * vector table entry GCC emitted */
    result.timer0_irqs = run_down(E_CTIMER_0, 500, &timer0_irqs);
    result.timer0_value = timer0_value;
    result.timer1_irqs = run_down(E_CTIMER_1, 300, &timer1_irqs);

    /* masked: latched but not taken; then cleared */
    base = user_irqs;
    e_irq_mask(E_USER_INT, E_TRUE);
    e_irq_set(E_SELF, E_SELF, E_USER_INT);
    spin_until(&user_irqs, base + 1, 2000);      /* must not come */
    result.masked_ilat = (e_reg_read(E_REG_ILAT) >> E_USER_INT) & 1;
    result.masked_taken = user_irqs - base;
    e_irq_clear(E_SELF, E_SELF, E_USER_INT);
    result.cleared_ilat = (e_reg_read(E_REG_ILAT) >> E_USER_INT) & 1;
    e_irq_mask(E_USER_INT, E_FALSE);

    /* globally disabled: waits; enabled: taken */
    e_irq_global_mask(E_TRUE);
    e_irq_set(E_SELF, E_SELF, E_USER_INT);
    spin_until(&user_irqs, base + 1, 2000);      /* must not come */
    result.gid_taken = user_irqs - base;
    e_irq_global_mask(E_FALSE);
    spin_until(&user_irqs, base + 1, 100000);
    result.gie_taken = user_irqs - base;

    result.done = DONE;
    e_barrier(bar, tgt);
    return 0;
}
