/* parallel.h: splits a row range into parts for the kernels, and runs independent tasks (stages) on a small pool. */
#ifndef TALLY_PARALLEL_H
#define TALLY_PARALLEL_H

#include <stddef.h>

/*
 * The number of parts depends on the row count alone (never on timing or on
 * whether a thread could start), and callers combine the parts' partial
 * results in part order: so a result is the same on every run and machine,
 * and inputs below TALLY_PAR_MIN_ROWS are one part, computed exactly as a
 * plain loop would. A kernel called from a task of tally_par_tasks starts a
 * thread for a part only while fewer than TALLY_PAR_MAX_PARTS threads are at
 * work, else runs the part on the task's thread: the same parts either way, so
 * the same result, and never more threads at work than TALLY_PAR_MAX_PARTS.
 */
#define TALLY_PAR_MIN_ROWS 65536
#define TALLY_PAR_MAX_PARTS 2

/* Parts for n rows: 1 below TALLY_PAR_MIN_ROWS, else TALLY_PAR_MAX_PARTS. */
size_t tally_par_parts(size_t n);
/* Rows [*begin, *end) of part p when n rows are split in nparts (boundaries on multiples of 64). */
void tally_par_range(size_t n, size_t nparts, size_t p, size_t *begin, size_t *end);
/* Runs fn(ctx, p) for p = 0..nparts-1: part 0 on the calling thread, parts 1 to
 * TALLY_PAR_MAX_PARTS-1 on a thread each, and any later part (or one whose thread
 * cannot start) on the calling thread, one after another; inside a task of
 * tally_par_tasks, a part gets a thread only when one is free. Returns after every part
 * has finished; callers that want all parts at once ask for at most TALLY_PAR_MAX_PARTS. */
void tally_par_run(size_t nparts, void (*fn)(void *ctx, size_t part), void *ctx);

/* As tally_par_run, for a kernel whose parts neither wait nor start kernels (a loop over
 * rows): the parts go to its threads one at a time, in order, and a thread that waits for a
 * result another task computes (tally_par_wait), or that has no task left to take, runs
 * them too. Which thread runs a part depends on timing: a part's result must not depend
 * on its thread. Returns after every part has finished. */
void tally_par_run_shared(size_t nparts, void (*fn)(void *ctx, size_t part), void *ctx);
/* Until ready(arg): runs the parts of shared kernels other threads offer, and sleeps while
 * there are none (meanwhile as tally_par_wait_begin/_end). ready is called with a lock of
 * parallel.c held: it may take a lock of its own, and whatever makes it true must call
 * tally_par_wake afterwards, holding no lock that ready takes. */
void tally_par_wait(int (*ready)(void *arg), void *arg);
void tally_par_wake(void);

/* Threads tally_par_tasks uses: TALLY_STAGE_THREADS when set (1 = everything on the
 * calling thread), else TALLY_PAR_MAX_PARTS; never more than TALLY_PAR_MAX_PARTS. */
size_t tally_par_task_threads(void);
/* Runs fn(ctx, task, worker) for task = 0..ntasks-1 on `threads` threads (the caller is
 * worker 0; a thread that cannot start leaves its tasks to the others). Each thread
 * takes the next task not yet taken (and, once none is left, runs shared parts of the
 * tasks still at work), so which worker runs a task depends on timing:
 * a task's result must not depend on its worker. Worker threads run with SIGALRM
 * blocked, so the watchdog's signal always reaches the calling thread. */
void tally_par_tasks(size_t ntasks, size_t threads, void (*fn)(void *ctx, size_t task, size_t worker), void *ctx);
/* Around a wait of a task's thread for a result another task computes (mapping_memo.c):
 * meanwhile the waiting thread is not at work, so a kernel of the other task may start a
 * thread for a part on the core it leaves. After the wait the thread counts as at work
 * again at once: until such a part ends, one thread more than TALLY_PAR_MAX_PARTS may run
 * (the parts, and so the results, are the same either way). Outside a task they do nothing. */
void tally_par_wait_begin(void);
void tally_par_wait_end(void);

#endif
