/* e_mutex.c -- TESTSET mutexes and the group barrier (e_mutex.h). */
#include "elib.h"

void e_mutex_init(unsigned row, unsigned col, e_mutex_t *mutex, e_mutexattr_t *attr)
{
    (void)row;
    (void)col;
    (void)mutex;
    (void)attr;
}

/* TESTSET with our core id (never 0: mesh rows start at 32 on our chips) */
unsigned e_mutex_trylock(unsigned row, unsigned col, e_mutex_t *mutex)
{
    volatile uint32_t *g = e_get_global_address(row, col, mutex);
    return eprt_testset(g, e_get_coreid());
}

void e_mutex_lock(unsigned row, unsigned col, e_mutex_t *mutex)
{
    volatile uint32_t *g = e_get_global_address(row, col, mutex);
    unsigned id = e_get_coreid();
    while (eprt_testset(g, id) != 0)
        ;
}

void e_mutex_unlock(unsigned row, unsigned col, e_mutex_t *mutex)
{
    *(volatile e_mutex_t *)e_get_global_address(row, col, mutex) = 0;
}

/* The barrier's storage is the caller's, so its protocol is fixed by what the ESDK documents
 * the two arrays to be.  Core 0 of the group (index row * cols + col) is the leader:
 *   bar[k] on the leader = "core k has arrived" (k >= 1), set remotely by core k;
 *   bar[0] on core k      = "the leader has released you", set remotely by the leader.
 * e_barrier_init points the leader's tgt[k] at bar[0] of core k, and core k's tgt[0] at
 * bar[k] of the leader.  A core only ever spins on its own memory.  The leader clears its
 * arrival flags before it releases anyone, and a released core clears its flag before it can
 * arrive again, so consecutive barriers need no reset. */
void e_barrier_init(volatile e_barrier_t bar_array[], volatile e_barrier_t *tgt_bar_array[])
{
    unsigned me = elib_group_index();
    unsigned rows = e_group_config.group_rows, cols = e_group_config.group_cols;
    unsigned r, c;
    if (me != 0) {
        tgt_bar_array[0] = e_get_global_address(0, 0, (const void *)&bar_array[me]);
        return;
    }
    for (r = 0; r < rows; r++)
        for (c = 0; c < cols; c++)
            tgt_bar_array[r * cols + c] = e_get_global_address(r, c, (const void *)&bar_array[0]);
}

void e_barrier(volatile e_barrier_t *bar_array, volatile e_barrier_t *tgt_bar_array[])
{
    unsigned me = elib_group_index(), n = elib_group_size(), k;
    if (me != 0) {
        *tgt_bar_array[0] = 1;           /* arrive */
        while (bar_array[0] == 0)        /* wait for the release */
            ;
        bar_array[0] = 0;
        return;
    }
    bar_array[0] = 1;
    for (k = 1; k < n; k++)
        while (bar_array[k] == 0)
            ;
    for (k = 0; k < n; k++)
        bar_array[k] = 0;
    for (k = 1; k < n; k++)
        *tgt_bar_array[k] = 1;
}
