/* parallel.c: runs the parts of a kernel, and independent tasks, on worker threads (see parallel.h). */
#include "parallel.h"
#include "thread_start.h"

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
        started[p] = tally_thread_start(&tid[p], par_main, &task[p]) == 0;
    }
    if (nparts) fn(ctx, 0);
    for (size_t p = nthreads; p < nparts; p++) fn(ctx, p); /* more parts than threads: here */
    for (size_t p = 1; p < nthreads; p++) {
        if (started[p]) pthread_join(tid[p], NULL);
        else fn(ctx, p); /* no thread: the part runs here, with the same result */
        if (reserved[p]) atomic_fetch_sub(&busy, 1);
    }
}

/* ---- kernels whose parts a waiting thread may run (tally_par_run_shared) -------------- */

/* A shared kernel's parts: handed out one at a time to its own threads and to any thread
 * that waits (tally_par_wait); it lives on its caller's stack until every part finished. */
typedef struct par_offer {
    struct par_offer *next; /* the next open offer */
    void (*fn)(void *ctx, size_t part);
    void *ctx;
    size_t nparts, claimed, finished; /* under offers_lock */
} par_offer;

static pthread_mutex_t offers_lock = PTHREAD_MUTEX_INITIALIZER;
/* Broadcast when an offer opens, when an offer's last part finishes and by tally_par_wake. */
static pthread_cond_t offers_changed = PTHREAD_COND_INITIALIZER;
static par_offer *open_offers; /* offers with a part not yet handed out */
static size_t asleep;          /* threads asleep in tally_par_wait, woken by a new offer */

/* The next part of o, or of the oldest open offer when o is NULL, in *part; NULL when
 * there is none. Called with offers_lock held. */
static par_offer *claim_part(par_offer *o, size_t *part)
{
    if (!o)
        for (o = open_offers; o && o->next; o = o->next) {
        }
    if (!o || o->claimed >= o->nparts) return NULL;
    *part = o->claimed++;
    if (o->claimed == o->nparts) { /* nothing left to hand out: out of the list */
        par_offer **at = &open_offers;
        while (*at != o) at = &(*at)->next;
        *at = o->next;
    }
    return o;
}

/* Runs a claimed part without the lock; called and returns with offers_lock held. */
static void run_claimed(par_offer *o, size_t part)
{
    pthread_mutex_unlock(&offers_lock);
    o->fn(o->ctx, part);
    pthread_mutex_lock(&offers_lock);
    if (++o->finished == o->nparts) pthread_cond_broadcast(&offers_changed);
}

/* Runs o's parts until none is left to hand out; called and returns with offers_lock held. */
static void run_parts(par_offer *o)
{
    size_t part;
    while (claim_part(o, &part)) run_claimed(o, part);
}

static void *offer_main(void *arg)
{
    pthread_mutex_lock(&offers_lock);
    run_parts(arg);
    pthread_mutex_unlock(&offers_lock);
    return NULL;
}

void tally_par_run_shared(size_t nparts, void (*fn)(void *ctx, size_t part), void *ctx)
{
    if (nparts < 2) {
        if (nparts) fn(ctx, 0);
        return;
    }
    par_offer o = {NULL, fn, ctx, nparts, 0, 0};
    pthread_mutex_lock(&offers_lock);
    o.next = open_offers;
    open_offers = &o;
    size_t helpers = asleep;
    pthread_cond_broadcast(&offers_changed); /* a waiting thread takes a part at once */
    pthread_mutex_unlock(&offers_lock);
    /* a thread of its own for a part only when no waiting thread will take it */
    size_t nthreads = helpers ? 1 : nparts < TALLY_PAR_MAX_PARTS ? nparts : TALLY_PAR_MAX_PARTS;
    pthread_t tid[TALLY_PAR_MAX_PARTS];
    int started[TALLY_PAR_MAX_PARTS] = {0}, reserved[TALLY_PAR_MAX_PARTS] = {0};
    for (size_t k = 1; k < nthreads; k++) { /* threads as tally_par_run starts them */
        if (in_task && !(reserved[k] = reserve_thread())) continue;
        started[k] = tally_thread_start(&tid[k], offer_main, &o) == 0;
    }
    pthread_mutex_lock(&offers_lock);
    run_parts(&o);
    while (o.finished < o.nparts) pthread_cond_wait(&offers_changed, &offers_lock); /* parts on other threads */
    pthread_mutex_unlock(&offers_lock);
    for (size_t k = 1; k < nthreads; k++) {
        if (started[k]) pthread_join(tid[k], NULL);
        if (reserved[k]) atomic_fetch_sub(&busy, 1);
    }
}

void tally_par_wait(int (*ready)(void *arg), void *arg)
{
    size_t part;
    pthread_mutex_lock(&offers_lock);
    while (!ready(arg)) {
        par_offer *o = claim_part(NULL, &part);
        if (o) {
            run_claimed(o, part);
            continue;
        }
        tally_par_wait_begin(); /* asleep: a kernel may start a thread on this core */
        asleep++;
        pthread_cond_wait(&offers_changed, &offers_lock);
        asleep--;
        tally_par_wait_end();
    }
    pthread_mutex_unlock(&offers_lock);
}

void tally_par_wake(void)
{
    pthread_mutex_lock(&offers_lock);
    pthread_cond_broadcast(&offers_changed);
    pthread_mutex_unlock(&offers_lock);
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
    atomic_size_t next, finished;
} task_pool;

typedef struct task_worker {
    task_pool *pool;
    size_t worker;
} task_worker;

/* Whether every task of the pool has finished (tally_par_wait's condition). */
static int pool_done(void *arg)
{
    task_pool *pool = arg;
    return atomic_load(&pool->finished) >= pool->ntasks;
}

static void *task_main(void *arg)
{
    task_worker *w = arg;
    task_pool *pool = w->pool;
    int was = in_task;
    in_task = 1;
    atomic_fetch_add(&busy, 1);
    for (size_t t; (t = atomic_fetch_add(&pool->next, 1)) < pool->ntasks;) {
        pool->fn(pool->ctx, t, w->worker);
        if (atomic_fetch_add(&pool->finished, 1) + 1 == pool->ntasks) tally_par_wake();
    }
    /* no task left to take: the thread runs the shared parts of the tasks still at work */
    tally_par_wait(pool_done, pool);
    atomic_fetch_sub(&busy, 1);
    in_task = was;
    return NULL;
}

void tally_par_tasks(size_t ntasks, size_t threads, void (*fn)(void *ctx, size_t task, size_t worker), void *ctx)
{
    task_pool pool = {fn, ctx, ntasks, 0, 0};
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
        started[k] = tally_thread_start(&tid[k], task_main, &w[k]) == 0;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    w[0] = (task_worker){&pool, 0};
    task_main(&w[0]);
    for (size_t k = 1; k < threads; k++)
        if (started[k]) pthread_join(tid[k], NULL);
}
