/* parallel.c: runs the parts of a kernel on worker threads (see parallel.h). */
#include "parallel.h"

#include <pthread.h>

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
    int started[TALLY_PAR_MAX_PARTS] = {0};
    for (size_t p = 1; p < nthreads; p++) {
        task[p] = (par_task){fn, ctx, p};
        started[p] = pthread_create(&tid[p], NULL, par_main, &task[p]) == 0;
    }
    if (nparts) fn(ctx, 0);
    for (size_t p = nthreads; p < nparts; p++) fn(ctx, p); /* more parts than threads: here */
    for (size_t p = 1; p < nthreads; p++) {
        if (started[p]) pthread_join(tid[p], NULL);
        else fn(ctx, p); /* no thread: the part runs here, with the same result */
    }
}
