/* parallel.c: runs the parts of a kernel, and independent tasks, on worker threads (see parallel.h). */
#include "parallel.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>

/* Set on a thread while it runs a task of tally_par_tasks. */
static _Thread_local int in_task;
/* Threads at work for tally_par_tasks: its workers, and the part threads their kernels
 * started. A kernel inside a task starts a thread for a part only while this is below
 * TALLY_PAR_MAX_PARTS (the last task of a batch gets the core the others left). */
static atomic_int busy;

/* Takes a thread for a part of a kernel inside a task; 0 when every one is at work. */
static int reserve_thread(void)
{
    int n = atomic_load(&busy);
    while (n < TALLY_PAR_MAX_PARTS)
        if (atomic_compare_exchange_weak(&busy, &n, n + 1)) return 1;
    return 0;
}

size_t tally_par_parts(size_t n) { return n < TALLY_PAR_MIN_ROWS ? 1 : TALLY_PAR_MAX_PARTS; }

void tally_par_range(size_t n, size_t nparts, size_t p, size_t *begin, size_t *end)
{
    /* boundaries on multiples of 64: every part starts a cache line of codes and
     * keeps the row-modulo-4 banks of the kernels aligned */
    size_t step = nparts ? (n / nparts) & ~(size_t)63 : n;
    *begin = p * step;
    *end = p + 1 >= nparts ? n : (p + 1) * step;
}

typedef struct par_task {
    void (*fn)(void *ctx, size_t part);
    void *ctx;
    size_t part;
} par_task;

static void *par_main(void *arg)
{
    par_task *t = arg;
    t->fn(t->ctx, t->part);
    return NULL;
}

void tally_par_run(size_t nparts, void (*fn)(void *ctx, size_t part), void *ctx)
{
    size_t nthreads = nparts < TALLY_PAR_MAX_PARTS ? nparts : TALLY_PAR_MAX_PARTS;
    pthread_t tid[TALLY_PAR_MAX_PARTS];
    par_task task[TALLY_PAR_MAX_PARTS];
    int started[TALLY_PAR_MAX_PARTS] = {0}, reserved[TALLY_PAR_MAX_PARTS] = {0};
    for (size_t p = 1; p < nthreads; p++) {
        if (in_task && !(reserved[p] = reserve_thread())) continue; /* every core at work: the part runs here */
        task[p] = (par_task){fn, ctx, p};
        started[p] = pthread_create(&tid[p], NULL, par_main, &task[p]) == 0;
    }
    if (nparts) fn(ctx, 0);
    for (size_t p = nthreads; p < nparts; p++) fn(ctx, p); /* more parts than threads: here */
    for (size_t p = 1; p < nthreads; p++) {
        if (started[p]) pthread_join(tid[p], NULL);
        else fn(ctx, p); /* no thread: the part runs here, with the same result */
        if (reserved[p]) atomic_fetch_sub(&busy, 1);
    }
}

void tally_par_wait_begin(void)
{
    if (in_task) atomic_fetch_sub(&busy, 1);
}

void tally_par_wait_end(void)
{
    if (in_task) atomic_fetch_add(&busy, 1);
}

size_t tally_par_task_threads(void)
{
    const char *s = getenv("TALLY_STAGE_THREADS");
    long n = s && *s ? strtol(s, NULL, 10) : TALLY_PAR_MAX_PARTS;
    return n < 1 ? 1 : n > TALLY_PAR_MAX_PARTS ? TALLY_PAR_MAX_PARTS : (size_t)n;
}

typedef struct task_pool {
    void (*fn)(void *ctx, size_t task, size_t worker);
    void *ctx;
    size_t ntasks;
    atomic_size_t next;
} task_pool;

typedef struct task_worker {
    task_pool *pool;
    size_t worker;
} task_worker;

static void *task_main(void *arg)
{
    task_worker *w = arg;
    int was = in_task;
    in_task = 1;
    atomic_fetch_add(&busy, 1);
    for (size_t t; (t = atomic_fetch_add(&w->pool->next, 1)) < w->pool->ntasks;) w->pool->fn(w->pool->ctx, t, w->worker);
    atomic_fetch_sub(&busy, 1);
    in_task = was;
    return NULL;
}

void tally_par_tasks(size_t ntasks, size_t threads, void (*fn)(void *ctx, size_t task, size_t worker), void *ctx)
{
    task_pool pool = {fn, ctx, ntasks, 0};
    if (threads > TALLY_PAR_MAX_PARTS) threads = TALLY_PAR_MAX_PARTS;
    if (threads > ntasks) threads = ntasks;
    pthread_t tid[TALLY_PAR_MAX_PARTS];
    task_worker w[TALLY_PAR_MAX_PARTS];
    int started[TALLY_PAR_MAX_PARTS] = {0};
    sigset_t alarm, old; /* the watchdog's timer signal is for the calling thread (watchdog.h) */
    sigemptyset(&alarm);
    sigaddset(&alarm, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &alarm, &old);
    for (size_t k = 1; k < threads; k++) {
        w[k] = (task_worker){&pool, k};
        started[k] = pthread_create(&tid[k], NULL, task_main, &w[k]) == 0;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    w[0] = (task_worker){&pool, 0};
    task_main(&w[0]);
    for (size_t k = 1; k < threads; k++)
        if (started[k]) pthread_join(tid[k], NULL);
}
