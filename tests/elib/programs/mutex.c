/* mutex.c -- e_mutex_lock/unlock/trylock: every core adds 1 to a counter on core (0,0)
 * ROUNDS times under the mutex, then core (0,0) holds the mutex while the others try it.
 *
 * The counter is read and written through the mesh (a plain read-modify-write: without the
 * mutex, increments would be lost).  Expected: counter = n * ROUNDS; every trylock by another
 * core while (0,0) holds the mutex returns (0,0)'s core id; after the unlock a trylock by core
 * n-1 returns 0 (it got the mutex). */
#include "elib_test.h"

#define ROUNDS 40

volatile e_barrier_t bar[16];
volatile e_barrier_t *tgt[16];

e_mutex_t mtx;                   /* zero-initialised: the mutex is free */
volatile u32 counter;            /* used on core (0,0) only */

struct {
    u32 counter;                 /* core (0,0): the final count */
    u32 busy_owner;              /* trylock while (0,0) holds it: the owner's id */
    u32 trylock_free;            /* core n-1: trylock after the release (0 = acquired) */
    u32 done;
} result;
RESULT_WORDS(3);

int main(void)
{
    unsigned k = my_index(), n = group_size(), i;
    volatile u32 *gcounter = e_get_global_address(0, 0, (const void *)&counter);
    e_mutex_init(0, 0, &mtx, MUTEXATTR_NULL);        /* a no-op */
    e_barrier_init(bar, tgt);
    e_barrier(bar, tgt);

    for (i = 0; i < ROUNDS; i++) {
        u32 v;
        e_mutex_lock(0, 0, &mtx);
        v = *gcounter;
        *gcounter = v + 1;
        e_mutex_unlock(0, 0, &mtx);
    }
    e_barrier(bar, tgt);
    if (k == 0) {
        result.counter = counter;
        e_mutex_lock(0, 0, &mtx);
    }
    e_barrier(bar, tgt);
    if (k != 0)
        result.busy_owner = e_mutex_trylock(0, 0, &mtx);
    e_barrier(bar, tgt);
    if (k == 0)
        e_mutex_unlock(0, 0, &mtx);
    e_barrier(bar, tgt);
    if (k == n - 1) {
        result.trylock_free = e_mutex_trylock(0, 0, &mtx);
        e_mutex_unlock(0, 0, &mtx);
    }
    result.done = DONE;
    e_barrier(bar, tgt);
    return 0;
}
