/* e_ctimers.h -- epiphany-emu e-lib: the two event timers of a core.
 *
 * CTIMER0/1 count DOWN by one per selected event and stop at 0, latching E_TIMER0_INT /
 * E_TIMER1_INT.  To time something: e_ctimer_set(t, E_CTIMER_MAX); e_ctimer_start(t,
 * E_CTIMER_CLK); ... elapsed = E_CTIMER_MAX - e_ctimer_get(t) (or start - stop values). */
#ifndef EMU_ELIB_E_CTIMERS_H
#define EMU_ELIB_E_CTIMERS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    E_CTIMER_0 = 0,
    E_CTIMER_1 = 1,
} e_ctimer_id_t;

/* what a timer counts (CONFIG[7:4] for CTIMER0, CONFIG[11:8] for CTIMER1) */
typedef enum {
    E_CTIMER_OFF = 0x0,
    E_CTIMER_CLK = 0x1,              /* clock cycles */
    E_CTIMER_IDLE = 0x2,             /* cycles spent in IDLE */
    E_CTIMER_IALU_INST = 0x4,        /* integer instructions issued */
    E_CTIMER_FPU_INST = 0x5,         /* floating-point instructions issued */
    E_CTIMER_DUAL_INST = 0x6,        /* cycles that issued two instructions */
    E_CTIMER_E1_STALLS = 0x7,        /* load-use stalls */
    E_CTIMER_RA_STALLS = 0x8,        /* register-dependency stalls */
    E_CTIMER_EXT_FETCH_STALLS = 0xc,
    E_CTIMER_EXT_LOAD_STALLS = 0xd,
} e_ctimer_config_t;

#define E_CTIMER_MAX (~0)

/* the timer's current value */
unsigned e_ctimer_get(e_ctimer_id_t timer);
/* load the timer with val; returns val */
unsigned e_ctimer_set(e_ctimer_id_t timer, unsigned int val);
/* make the timer count `config` events; returns its value */
unsigned e_ctimer_start(e_ctimer_id_t timer, e_ctimer_config_t config);
/* stop the timer; returns its value */
unsigned e_ctimer_stop(e_ctimer_id_t timer);
/* busy-wait `clicks` clock cycles, counted down on `timer` (which it stops, sets and starts) */
void e_wait(e_ctimer_id_t timer, unsigned int clicks);

#ifdef __cplusplus
}
#endif

#endif /* EMU_ELIB_E_CTIMERS_H */
