/* e_ctimer.c -- event timers (e_ctimers.h), on the run-time's eprt_ctimer_* (eprt_irq.c),
 * which read-modify-write CONFIG with interrupts held off. */
#include "elib.h"

unsigned e_ctimer_get(e_ctimer_id_t timer)
{
    return eprt_ctimer_get(timer != E_CTIMER_0);
}

unsigned e_ctimer_set(e_ctimer_id_t timer, unsigned int val)
{
    eprt_ctimer_set(timer != E_CTIMER_0, val);
    return val;
}

unsigned e_ctimer_start(e_ctimer_id_t timer, e_ctimer_config_t config)
{
    unsigned n = timer != E_CTIMER_0;
    eprt_ctimer_start(n, config);
    return eprt_ctimer_get(n);
}

unsigned e_ctimer_stop(e_ctimer_id_t timer)
{
    return eprt_ctimer_stop(timer != E_CTIMER_0);
}

void e_wait(e_ctimer_id_t timer, unsigned int clicks)
{
    unsigned n = timer != E_CTIMER_0;
    eprt_ctimer_stop(n);
    eprt_ctimer_set(n, clicks);
    eprt_ctimer_start(n, E_CTIMER_CLK);
    while (eprt_ctimer_get(n))
        ;
}
