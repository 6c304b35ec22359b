/* timer.c -- the event timers against the emulator's own cycle counter.
 *
 * spin(n) is a loop of exactly n iterations of two instructions (sub, bne), entered at its
 * symbol (one mov) and left through spin_end.  The program times spin(1000) and spin(2000) with CTIMER0
 * counting clock cycles (E_CTIMER_CLK) and with CTIMER1 counting integer-ALU instructions
 * (E_CTIMER_IALU_INST); the Python test stops at spin and spin_end (breakpoints) and reads the
 * emulator's cycle counter there.  Expected: the CTIMER0 difference between the two spans
 * equals the emulator's (to the cycle), each span exceeds the emulator's by a small constant,
 * the IALU counts differ by exactly 1000 (one sub per iteration); e_wait(1, 5000) takes at
 * least 5000 cycles; a stopped timer does not move; e_ctimer_set returns its value. */
#include "elib_test.h"

void spin(unsigned n);
__asm__(
    "	.section .text\n"
    "	.balign 8\n"
    "	.global _spin\n"
    "_spin:\n"
    "	mov r1,r0\n"
    "_spin_loop:\n"
    "	sub r1,r1,#1\n"
    "	bne _spin_loop\n"
    "	.global _spin_end\n"
    "_spin_end:\n"
    "	rts\n");

struct {
    u32 clk[2];                  /* CTIMER0 elapsed around spin(1000), spin(2000) */
    u32 ialu[2];                 /* CTIMER1 (IALU instructions) elapsed around the same */
    u32 stopped[2];              /* two reads of a stopped timer */
    u32 wait_cycles;             /* CTIMER0 elapsed around e_wait(E_CTIMER_1, 5000) */
    u32 set_returned;            /* e_ctimer_set(E_CTIMER_0, 777) */
    u32 start_returned;          /* e_ctimer_start on a timer set to 4242 (not yet counting) */
    u32 done;
} result;
RESULT_WORDS(9);

/* events counted by `timer` during spin(n) (and the calls around it) */
static u32 count_events(e_ctimer_id_t timer, e_ctimer_config_t event, unsigned n)
{
    u32 a, b;
    e_ctimer_set(timer, E_CTIMER_MAX);
    a = e_ctimer_start(timer, event);
    spin(n);
    b = e_ctimer_stop(timer);
    return a - b;
}

int main(void)
{
    u32 a, b;
    result.clk[0] = count_events(E_CTIMER_0, E_CTIMER_CLK, 1000);
    result.clk[1] = count_events(E_CTIMER_0, E_CTIMER_CLK, 2000);
    result.ialu[0] = count_events(E_CTIMER_1, E_CTIMER_IALU_INST, 1000);
    result.ialu[1] = count_events(E_CTIMER_1, E_CTIMER_IALU_INST, 2000);

    e_ctimer_set(E_CTIMER_0, E_CTIMER_MAX);
    a = e_ctimer_start(E_CTIMER_0, E_CTIMER_CLK);
    e_wait(E_CTIMER_1, 5000);
    b = e_ctimer_stop(E_CTIMER_0);
    result.wait_cycles = a - b;

    result.stopped[0] = e_ctimer_get(E_CTIMER_0);
    spin(100);
    result.stopped[1] = e_ctimer_get(E_CTIMER_0);
    result.set_returned = e_ctimer_set(E_CTIMER_0, 777);
    e_ctimer_stop(E_CTIMER_1);               /* e_wait left it counting clock cycles */
    e_ctimer_set(E_CTIMER_1, 4242);
    result.start_returned = e_ctimer_start(E_CTIMER_1, E_CTIMER_OFF);
    result.done = DONE;
    return 0;
}
