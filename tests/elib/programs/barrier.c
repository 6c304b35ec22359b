/* barrier.c -- e_barrier: PHASES rounds in which every core writes its phase into a slot on
 * core (0,0) and arrives at the barrier; between two barriers core (0,0) checks that every
 * slot holds this phase's value and that every core's own phase counter (read through the
 * mesh) is at this phase: nobody left a barrier early and nobody is behind.
 * Expected: no error, PHASES rounds, each core ends at phase PHASES. */
#include "elib_test.h"

#define PHASES 30

volatile e_barrier_t bar[16];
volatile e_barrier_t *tgt[16];

volatile u32 slot[16];           /* on core (0,0) */
volatile u32 phase;              /* every core's own */

struct {
    u32 errors;                  /* core (0,0): mismatches seen */
    u32 rounds;                  /* core (0,0): rounds checked */
    u32 phase;                   /* the core's last phase */
    u32 done;
} result;
RESULT_WORDS(3);

int main(void)
{
    unsigned k = my_index(), n = group_size(), p, j;
    volatile u32 *gslot = e_get_global_address(0, 0, (const void *)&slot[k]);
    e_barrier_init(bar, tgt);
    for (p = 1; p <= PHASES; p++) {
        phase = p;
        *gslot = p * 64 + k;
        e_barrier(bar, tgt);
        if (k == 0) {
            for (j = 0; j < n; j++) {
                volatile u32 *their_phase =
                    e_get_global_address(j / e_group_config.group_cols,
                                         j % e_group_config.group_cols, (const void *)&phase);
                if (slot[j] != p * 64 + j || *their_phase != p)
                    result.errors++;
            }
            result.rounds++;
        }
        e_barrier(bar, tgt);
    }
    result.phase = phase;
    result.done = DONE;
    return 0;
}
