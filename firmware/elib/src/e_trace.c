/* e_trace.c -- the ESDK's event trace (e_trace.h). */
#include "elib.h"
#include "e_trace.h"

#define TRACE_SHM_NAME "trace_buffer"
#define TRACE_BUF_SIZE 0x200000u         /* the whole buffer, shared by the group's cores */

static unsigned trace_tag;               /* this core's id << 8 */
static uint64_t *trace_pos, *trace_lo, *trace_hi;

/* CTIMER1 ran out (after 2^32 cycles): start it again from the top */
static void __attribute__((interrupt)) EPRT_SRAM_TEXT trace_timer1_isr(void)
{
    eprt_ctimer_set(1, E_CTIMER_MAX);
    eprt_ctimer_start(1, E_CTIMER_CLK);
}

int trace_init(void)
{
    e_memseg_t seg;
    unsigned size, slice, n = elib_group_size();
    if (e_shm_attach(&seg, TRACE_SHM_NAME) != E_OK || n == 0)
        return E_ERR;
    size = seg.size < TRACE_BUF_SIZE ? seg.size : TRACE_BUF_SIZE;
    slice = size / n & ~7u;              /* whole records */
    if (slice == 0)
        return E_ERR;
    trace_lo = (uint64_t *)(uintptr_t)(seg.ephy_base + elib_group_index() * slice);
    trace_hi = trace_lo + slice / 8;
    trace_pos = trace_lo;
    e_irq_global_mask(E_FALSE);
    e_irq_attach(E_TIMER1_INT, trace_timer1_isr);
    e_irq_mask(E_TIMER1_INT, E_FALSE);
    eprt_ctimer_stop(1);
    eprt_ctimer_set(1, E_CTIMER_MAX);
    trace_tag = (e_get_coreid() & 0xFFF) << 8;
    return E_OK;
}

int trace_start(void)
{
    eprt_ctimer_start(1, E_CTIMER_CLK);
    return 0;
}

/* every core of the chip must call it: the WAND barrier (eprt_sync.c) */
int trace_start_wait_all(void)
{
    eprt_wand_barrier();
    eprt_ctimer_start(1, E_CTIMER_CLK);
    return 0;
}

/* low word: CTIMER1; high word: what happened */
int trace_write(unsigned severity, unsigned event, unsigned breakpoint, unsigned data)
{
    uint32_t what = severity | event | breakpoint | trace_tag | data;
    *trace_pos++ = (uint64_t)what << 32 | eprt_ctimer_get(1);
    if (trace_pos >= trace_hi)
        trace_pos = trace_lo;
    return 0;
}

int trace_stop(void)
{
    eprt_ctimer_stop(1);
    e_irq_mask(E_TIMER1_INT, E_TRUE);
    return 0;
}
