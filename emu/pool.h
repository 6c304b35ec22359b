/* A small pool of host threads for the parallel phase of a slice (chip_run in _core.pyx).
 *
 * epool_run(P, n, fn, arg) calls fn(arg, i) for i in 0..n-1, spread over the calling thread
 * and the pool's workers (each item is claimed once, by a compare-and-swap), and returns
 * when all are done.  Which thread runs which item is not decided in advance; the
 * callers make sure it does not matter (each item touches only its own core).
 *
 * Workers spin for a while after a job (slices follow each other within microseconds while a
 * chip runs), then sleep on a condition variable.  A worker that is slow to wake (the host's
 * CPUs busy with other work) costs nothing: the caller takes the items nobody claimed.
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

typedef struct epool epool;

typedef struct epool_thread {
    epool *P;
    int id;                  /* 1.. (the caller is 0) */
} epool_thread;

struct epool {
    int nworkers;
    int cap;                 /* items a job may have */
    pid_t pid;
    pthread_t *th;
    epool_thread *ids;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    /* the current job in one word: generation (high 48 bits), number of items (low 16) */
    atomic_ullong job;
    /* per item, the generation of the job that claimed it last: a thread of job g claims item
     * i by a compare-and-swap from a smaller value to g, so a thread that wakes up late (it
     * read an older generation) can never claim an item of a newer job */
    atomic_ullong *claim;
    atomic_int done;         /* items of the current job finished */
    epool_fn fn;
    void *arg;
    atomic_int quit;
};

#define EPOOL_SPIN 30000     /* polls (with a pause each) before a worker sleeps */

static inline void epool__relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static inline int epool__claim(epool *P, int i, unsigned long long gen)
{
    unsigned long long x = atomic_load(&P->claim[i]);
    while (x < gen) {
        if (atomic_compare_exchange_weak(&P->claim[i], &x, gen))
            return 1;
    }
    return 0;
}

/* Run the items of job word w that thread `id` (of T) can claim: first its own share (items
 * id, id + T, ...: each core stays on the same host thread from slice to slice, its memory in
 * that CPU's caches), then whatever nobody has taken yet. */
static inline void epool__items(epool *P, unsigned long long w, int id)
{
    unsigned long long gen = w >> 16;
    int n = (int)(w & 0xFFFF), T = P->nworkers + 1, i, pass;
    for (pass = 0; pass < 2; pass++) {
        for (i = pass ? 0 : id; i < n; i += pass ? 1 : T) {
            if (epool__claim(P, i, gen)) {
                P->fn(P->arg, i);
                atomic_fetch_add(&P->done, 1);
            }
        }
    }
}

static void *epool__worker(void *p)
{
    epool_thread *me = (epool_thread *)p;
    epool *P = me->P;
    unsigned long long seen = 0, w;
    long spins;
    for (;;) {
        spins = 0;
        while (((w = atomic_load(&P->job)) >> 16) == seen && !atomic_load(&P->quit)) {
            if (++spins < EPOOL_SPIN) {
                epool__relax();
                if ((spins & 255) == 0)
                    sched_yield();      /* (more threads than host cores: let others run) */
                continue;
            }
            pthread_mutex_lock(&P->mu);
            while ((atomic_load(&P->job) >> 16) == seen && !atomic_load(&P->quit))
                pthread_cond_wait(&P->cv, &P->mu);
            pthread_mutex_unlock(&P->mu);
            spins = 0;
        }
        if (atomic_load(&P->quit))
            return NULL;
        seen = w >> 16;
        /* fn and arg were written before the job word that announced this generation; only
         * items claimed for it run them */
        epool__items(P, w, me->id);
    }
}

/* A pool of nworkers threads besides the caller, for jobs of up to cap items; NULL when
 * none could be started. */
static epool *epool_new(int nworkers, int cap)
{
    epool *P;
    int k;
    if (nworkers < 1 || cap < 1 || cap > 0xFFFF)
        return NULL;
    P = (epool *)calloc(1, sizeof(epool));
    if (P == NULL)
        return NULL;
    P->th = (pthread_t *)calloc((size_t)nworkers, sizeof(pthread_t));
    P->ids = (epool_thread *)calloc((size_t)nworkers, sizeof(epool_thread));
    P->claim = (atomic_ullong *)calloc((size_t)cap, sizeof(atomic_ullong));
    if (P->th == NULL || P->ids == NULL || P->claim == NULL) {
        free(P->th);
        free(P->ids);
        free(P->claim);
        free(P);
        return NULL;
    }
    P->cap = cap;
    pthread_mutex_init(&P->mu, NULL);
    pthread_cond_init(&P->cv, NULL);
    atomic_init(&P->job, 0);
    atomic_init(&P->done, 0);
    atomic_init(&P->quit, 0);
    P->pid = getpid();
    for (k = 0; k < nworkers; k++) {
        P->ids[k].P = P;
        P->ids[k].id = k + 1;
    }
    for (k = 0; k < nworkers; k++) {
        if (pthread_create(&P->th[k], NULL, epool__worker, &P->ids[k]) != 0)
            break;
        P->nworkers = k + 1;
    }
    if (P->nworkers == 0) {
        free(P->th);
        free(P->ids);
        free(P->claim);
        free(P);
        return NULL;
    }
    return P;
}

/* The host CPUs this process may run on (more threads than that would only wait for each
 * other: spinning workers take turns with the thread they wait for). */
static int epool_host_cpus(void)
{
    long n;
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
#endif
    n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static inline int epool_usable(epool *P)
{
    return P != NULL && P->pid == getpid();
}

/* Run fn(arg, i) for i in 0..nitems-1 (nitems <= the pool's cap) on the caller and the
 * workers; returns when all are done.  The caller waits only for items a worker has claimed:
 * a worker that is not running (the host's CPUs busy elsewhere) leaves its share to the
 * caller. */
static void epool_run(epool *P, int nitems, epool_fn fn, void *arg)
{
    long spins = 0;
    unsigned long long w = (((atomic_load(&P->job) >> 16) + 1) << 16) | (unsigned)nitems;
    P->fn = fn;
    P->arg = arg;
    atomic_store(&P->done, 0);
    pthread_mutex_lock(&P->mu);
    atomic_store(&P->job, w);
    pthread_cond_broadcast(&P->cv);
    pthread_mutex_unlock(&P->mu);
    epool__items(P, w, 0);
    while (atomic_load(&P->done) < nitems) {
        epool__relax();
        if ((++spins & 255) == 0)
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
    free(P->ids);
    free(P->claim);
    free(P);
}

#endif
