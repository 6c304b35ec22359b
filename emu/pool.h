/* A small pool of host threads for the parallel phase of a slice (chip_run in _core.pyx).
 *
 * epool_run(P, n, fn, arg) calls fn(arg, i) for i in 0..n-1, spread over the calling thread
 * and the pool's workers (each item is claimed once, through an atomic counter), and returns
 * when all are done.  Which thread runs which item is not decided in advance; the callers make
 * sure it does not matter (each item touches only its own core).
 *
 * Workers spin for a while after a job (slices follow each other within microseconds while a
 * chip runs), then sleep on a condition variable.  Every worker takes part in every job (it
 * decrements `pending` once per job, items or not), so the caller never sets up a job while a
 * worker is still in the previous one.
 *
 * A pool belongs to the process that made it: after a fork, the child's copy has no threads
 * (epool_usable says so, and the caller makes a new pool instead of waiting forever).
 */
#ifndef EPIPHANY_EMU_POOL_H
#define EPIPHANY_EMU_POOL_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

typedef void (*epool_fn)(void *arg, int item);

typedef struct epool {
    int nworkers;
    pid_t pid;
    pthread_t *th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_ulong gen;        /* bumped for each job */
    atomic_int next;         /* the next item to claim */
    atomic_int pending;      /* workers not yet done with the current job */
    int nitems;
    epool_fn fn;
    void *arg;
    atomic_int quit;
} epool;

#define EPOOL_SPIN 30000     /* polls (with a pause each) before a worker sleeps */

static inline void epool__relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static inline void epool__items(epool *P)
{
    for (;;) {
        int i = atomic_fetch_add(&P->next, 1);
        if (i >= P->nitems)
            return;
        P->fn(P->arg, i);
    }
}

static void *epool__worker(void *p)
{
    epool *P = (epool *)p;
    unsigned long seen = 0, g;
    long spins;
    for (;;) {
        spins = 0;
        while ((g = atomic_load(&P->gen)) == seen && !atomic_load(&P->quit)) {
            if (++spins < EPOOL_SPIN) {
                epool__relax();
                if ((spins & 1023) == 0)
                    sched_yield();      /* (more threads than host cores: let others run) */
                continue;
            }
            pthread_mutex_lock(&P->mu);
            while (atomic_load(&P->gen) == seen && !atomic_load(&P->quit))
                pthread_cond_wait(&P->cv, &P->mu);
            pthread_mutex_unlock(&P->mu);
            spins = 0;
        }
        if (atomic_load(&P->quit))
            return NULL;
        seen = g;
        epool__items(P);
        atomic_fetch_sub(&P->pending, 1);
    }
}

/* A pool of nworkers threads besides the caller; NULL when none could be started. */
static epool *epool_new(int nworkers)
{
    epool *P;
    int k;
    if (nworkers < 1)
        return NULL;
    P = (epool *)calloc(1, sizeof(epool));
    if (P == NULL)
        return NULL;
    P->th = (pthread_t *)calloc((size_t)nworkers, sizeof(pthread_t));
    if (P->th == NULL) {
        free(P);
        return NULL;
    }
    pthread_mutex_init(&P->mu, NULL);
    pthread_cond_init(&P->cv, NULL);
    atomic_init(&P->gen, 0);
    atomic_init(&P->next, 0);
    atomic_init(&P->pending, 0);
    atomic_init(&P->quit, 0);
    P->pid = getpid();
    for (k = 0; k < nworkers; k++) {
        if (pthread_create(&P->th[k], NULL, epool__worker, P) != 0)
            break;
        P->nworkers = k + 1;
    }
    if (P->nworkers == 0) {
        free(P->th);
        free(P);
        return NULL;
    }
    return P;
}

static inline int epool_usable(epool *P)
{
    return P != NULL && P->pid == getpid();
}

static void epool_run(epool *P, int nitems, epool_fn fn, void *arg)
{
    long spins = 0;
    P->fn = fn;
    P->arg = arg;
    P->nitems = nitems;
    atomic_store(&P->next, 0);
    atomic_store(&P->pending, P->nworkers);
    pthread_mutex_lock(&P->mu);
    atomic_fetch_add(&P->gen, 1);
    pthread_cond_broadcast(&P->cv);
    pthread_mutex_unlock(&P->mu);
    epool__items(P);
    while (atomic_load(&P->pending) > 0) {
        epool__relax();
        if ((++spins & 1023) == 0)
            sched_yield();
    }
}

/* Stop and join the workers, free the pool.  In a forked child (epool_usable false) the
 * threads do not exist: only the memory is freed. */
static void epool_free(epool *P)
{
    int k;
    if (P == NULL)
        return;
    if (P->pid == getpid()) {
        pthread_mutex_lock(&P->mu);
        atomic_store(&P->quit, 1);
        pthread_cond_broadcast(&P->cv);
        pthread_mutex_unlock(&P->mu);
        for (k = 0; k < P->nworkers; k++)
            pthread_join(P->th[k], NULL);
        pthread_mutex_destroy(&P->mu);
        pthread_cond_destroy(&P->cv);
    }
    free(P->th);
    free(P);
}

#endif
