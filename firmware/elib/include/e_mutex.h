/* e_mutex.h -- epiphany-emu e-lib: mutexes (TESTSET on a word of some core's SRAM) and the
 * group barrier.
 *
 * Both need their storage zero when the program starts, which a statically allocated global
 * is (the loader clears SRAM; docs/elib.md explains why crt0 must not clear .bss again). */
#ifndef EMU_ELIB_E_MUTEX_H
#define EMU_ELIB_E_MUTEX_H

#include "e_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef char e_barrier_t;
typedef int e_mutex_t;
typedef int e_mutexattr_t;

#define MUTEX_NULL (0)
#define MUTEXATTR_NULL (0)
#define MUTEXATTR_DEFAULT MUTEXATTR_NULL

/* No-op, as in the ESDK: a mutex is ready when it is zero, and clearing it here would race
 * with cores already locking it.  Declare mutexes as zero-initialised globals. */
void e_mutex_init(unsigned row, unsigned col, e_mutex_t *mutex, e_mutexattr_t *attr);
/* The mutex is the variable *mutex of group core (row, col) (all cores run one image, so its
 * local address is the same everywhere).  lock spins until it is ours; trylock tries once and
 * returns 0 when it got it, else the core id of the owner; unlock releases it. */
void e_mutex_lock(unsigned row, unsigned col, e_mutex_t *mutex);
unsigned e_mutex_trylock(unsigned row, unsigned col, e_mutex_t *mutex);
void e_mutex_unlock(unsigned row, unsigned col, e_mutex_t *mutex);

/* Every core declares `volatile e_barrier_t bar[N]; volatile e_barrier_t *tgt[N];` (N = the
 * number of cores in the group, zero-initialised globals), calls e_barrier_init(bar, tgt) once
 * and then e_barrier(bar, tgt) wherever all cores must meet. */
void e_barrier_init(volatile e_barrier_t bar_array[], volatile e_barrier_t *tgt_bar_array[]);
void e_barrier(volatile e_barrier_t *bar_array, volatile e_barrier_t *tgt_bar_array[]);

#ifdef __cplusplus
}
#endif

#endif /* EMU_ELIB_E_MUTEX_H */
