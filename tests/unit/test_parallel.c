/* test_parallel.c: tally_par_run runs at most TALLY_PAR_MAX_PARTS parts at once, as parallel.h says; the stage pool (tally_par_tasks) too, its kernels' part threads included, and a waiting task leaves its core to them or runs a shared kernel's parts; compaction asks for no more; the level limit plugins see. */
#include "check.h"
#include "dataset.h"
#include "host.h"
#include "parallel.h"
#include "../../plugins/input/csv/csv.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include <stdlib.h>

#define PARTS 5

typedef struct seen {
    pthread_t thread[PARTS];
    int ran[PARTS];
} seen;

static void note_part(void *ctx, size_t p)
{
    seen *s = ctx;
    s->thread[p] = pthread_self();
    s->ran[p]++;
}

#define TASKS 40

typedef struct pool_seen {
    pthread_t thread[TASKS];
    int ran[TASKS];
    size_t worker[TASKS];
    int parts_once[TASKS]; /* every part of a kernel inside the task ran once */
} pool_seen;

/* Threads at work at once, and the most seen: tasks and the part threads of their kernels. */
static atomic_int at_work, most_at_work;

static void working(int delta)
{
    int n = atomic_fetch_add(&at_work, delta) + delta, m = atomic_load(&most_at_work);
    while (n > m && !atomic_compare_exchange_weak(&most_at_work, &m, n)) {
    }
}

typedef struct inner_job {
    seen s;
    pthread_t task_thread;
} inner_job;

static void note_inner_part(void *ctx, size_t p)
{
    inner_job *j = ctx;
    int own = !pthread_equal(pthread_self(), j->task_thread); /* a thread started for this part */
    if (own) working(1);
    usleep(300); /* long enough for the threads to overlap */
    note_part(&j->s, p);
    if (own) working(-1);
}

static void note_task(void *ctx, size_t t, size_t w)
{
    pool_seen *s = ctx;
    working(1);
    inner_job inner = {.task_thread = pthread_self()};
    tally_par_run(PARTS, note_inner_part, &inner);
    int once = 1;
    for (int p = 0; p < PARTS; p++) once &= inner.s.ran[p] == 1;
    s->parts_once[t] = once;
    working(-1);
    s->thread[t] = pthread_self();
    s->worker[t] = w;
    s->ran[t]++;
}

/* The tasks of one tally_par_tasks: each once, on at most `threads` distinct threads. */
static void check_pool(size_t threads, const char *what)
{
    pool_seen s;
    memset(&s, 0, sizeof s);
    tally_par_tasks(TASKS, threads, note_task, &s);
    atomic_store(&most_at_work, 0);
    int once = 1, inner_once = 1, workers_ok = 1;
    pthread_t distinct[TASKS];
    size_t nd = 0;
    for (int t = 0; t < TASKS; t++) {
        once &= s.ran[t] == 1;
        inner_once &= s.parts_once[t];
        workers_ok &= s.worker[t] < (threads < TALLY_PAR_MAX_PARTS ? threads : TALLY_PAR_MAX_PARTS);
        size_t k = 0;
        while (k < nd && !pthread_equal(distinct[k], s.thread[t])) k++;
        if (k == nd) distinct[nd++] = s.thread[t];
        if (s.worker[t] == 0) workers_ok &= pthread_equal(s.thread[t], pthread_self()) != 0;
    }
    CHECK(once, "%s: every task runs once", what);
    CHECK(nd <= threads && nd <= TALLY_PAR_MAX_PARTS, "%s: on %zu threads, at most %zu", what, nd,
          threads < TALLY_PAR_MAX_PARTS ? threads : (size_t)TALLY_PAR_MAX_PARTS);
    CHECK(workers_ok, "%s: worker 0 is the calling thread, no worker number past the threads", what);
    CHECK(inner_once, "%s: a kernel inside a task runs each of its parts once", what);
    CHECK(atomic_load(&most_at_work) <= TALLY_PAR_MAX_PARTS, "%s: at most TALLY_PAR_MAX_PARTS threads at work at once (%d)",
          what, atomic_load(&most_at_work));
}

static tally_dataset *survey(size_t n, int ncols)
{
    tally_dataset *ds = tally_dataset_new("d");
    for (int k = 0; k < ncols; k++) {
        char name[16];
        snprintf(name, sizeof name, "q%d", k);
        int col = tally_dataset_add_column(ds, name, TALLY_NUMERIC);
        tally_dataset_resize(ds, n);
        for (size_t i = 0; i < n; i++) ds->cols[col]->num[i] = (double)((i + (size_t)k) % 5 + 1);
    }
    return ds;
}

/* Two tasks side by side: task 0 waits for task 1 (inside tally_par_wait_begin/_end when
 * `announce`), task 1 runs a kernel of two parts meanwhile. Waits are bounded: a thread
 * that never comes fails a check instead of hanging the test. */
typedef struct wait_pair {
    int announce;
    atomic_int waiting, done;
    pthread_t task1;
    int part1_own; /* part 1 ran on a thread of its own, not task 1's */
} wait_pair;

static void bounded_until(atomic_int *flag)
{
    for (int k = 0; k < 5000 && !atomic_load(flag); k++) usleep(1000);
}

static void note_part1(void *ctx, size_t p)
{
    wait_pair *w = ctx;
    if (p == 1) w->part1_own = !pthread_equal(pthread_self(), w->task1);
}

static void wait_task(void *ctx, size_t t, size_t worker)
{
    (void)worker;
    wait_pair *w = ctx;
    if (t == 0) {
        if (w->announce) tally_par_wait_begin();
        atomic_store(&w->waiting, 1);
        bounded_until(&w->done);
        if (w->announce) tally_par_wait_end();
    } else {
        w->task1 = pthread_self();
        bounded_until(&w->waiting);
        tally_par_run(2, note_part1, w);
        atomic_store(&w->done, 1);
    }
}

static void check_wait(void)
{
    if (TALLY_PAR_MAX_PARTS < 2) return;
    wait_pair busy = {.announce = 0}, idle = {.announce = 1};
    tally_par_tasks(2, 2, wait_task, &busy);
    tally_par_tasks(2, 2, wait_task, &idle);
    CHECK(atomic_load(&busy.done) && !busy.part1_own,
          "both tasks at work: the kernel of one runs its part 1 on the task's own thread");
    CHECK(atomic_load(&idle.done) && idle.part1_own,
          "a task waiting inside tally_par_wait_begin/_end: the other's kernel starts a thread for part 1");
    wait_pair again = {.announce = 0};
    tally_par_tasks(2, 2, wait_task, &again);
    CHECK(atomic_load(&again.done) && !again.part1_own, "after the wait ends, that thread counts as at work again");
}

/* ---- shared kernels (tally_par_run_shared) and the threads that wait (tally_par_wait) ---- */

#define SHARED_PARTS 8

/* A shared kernel whose part 0 holds its thread until another thread has run a part (at
 * most 5 s), so that a thread that waits, or has no task left, must take parts for
 * the kernel to end soon. */
typedef struct shared_seen {
    pthread_t owner, thread[SHARED_PARTS];
    atomic_int ran[SHARED_PARTS], elsewhere;
} shared_seen;

static void note_shared_part(void *ctx, size_t p)
{
    shared_seen *s = ctx;
    s->thread[p] = pthread_self();
    if (!pthread_equal(pthread_self(), s->owner)) atomic_store(&s->elsewhere, 1);
    if (p == 0) bounded_until(&s->elsewhere);
    atomic_fetch_add(&s->ran[p], 1);
}

/* Parts once each, on at most two threads, one of them `other`'s (0 when other is 0). */
static void check_shared_seen(shared_seen *s, pthread_t other, int want_other, const char *what)
{
    int once = 1, on_other = 0, known = 1;
    for (int p = 0; p < SHARED_PARTS; p++) {
        once &= atomic_load(&s->ran[p]) == 1;
        on_other |= want_other && pthread_equal(s->thread[p], other);
        known &= pthread_equal(s->thread[p], s->owner) || (want_other && pthread_equal(s->thread[p], other));
    }
    CHECK(once, "%s: every part runs once", what);
    if (want_other) {
        CHECK(on_other, "%s: the other thread runs parts of the kernel", what);
        CHECK(known, "%s: no third thread is started for a part", what);
    }
}

/* Two tasks: task 0 waits in tally_par_wait until task 1's kernel is done; task 1 runs a
 * shared kernel. With `late`, task 0 ends at once instead, and the kernel's parts are
 * left to its thread's wait for the pool's last task. */
typedef struct shared_pair {
    int late;
    atomic_int started1, waiting, done;
    pthread_t task0;
    shared_seen s;
} shared_pair;

static int pair_done(void *arg) { return atomic_load(&((shared_pair *)arg)->done); }

static void shared_task(void *ctx, size_t t, size_t worker)
{
    (void)worker;
    shared_pair *w = ctx;
    if (t == 0) {
        w->task0 = pthread_self();
        bounded_until(&w->started1); /* task 1 is another thread's: this one takes no task after it */
        atomic_store(&w->waiting, 1);
        if (!w->late) tally_par_wait(pair_done, w);
        return;
    }
    atomic_store(&w->started1, 1);
    bounded_until(&w->waiting);
    w->s.owner = pthread_self();
    tally_par_run_shared(SHARED_PARTS, note_shared_part, &w->s);
    atomic_store(&w->done, 1);
    tally_par_wake();
}

static void check_shared(void)
{
    shared_seen alone;
    memset(&alone, 0, sizeof alone);
    alone.owner = pthread_self();
    tally_par_run_shared(SHARED_PARTS, note_shared_part, &alone);
    check_shared_seen(&alone, pthread_self(), 0, "a shared kernel outside a task");
    CHECK(TALLY_PAR_MAX_PARTS < 2 || atomic_load(&alone.elsewhere),
          "a shared kernel outside a task starts a thread for its parts");
    if (TALLY_PAR_MAX_PARTS < 2) return;

    shared_pair waits;
    memset(&waits, 0, sizeof waits);
    tally_par_tasks(2, 2, shared_task, &waits);
    check_shared_seen(&waits.s, waits.task0, 1, "a task waiting in tally_par_wait beside a shared kernel");

    shared_pair late;
    memset(&late, 0, sizeof late);
    late.late = 1;
    tally_par_tasks(2, 2, shared_task, &late);
    check_shared_seen(&late.s, late.task0, 1, "a pool's thread with no task left, beside a shared kernel");
}

int main(void)
{
    /* parallel.h: part 0 and every part from TALLY_PAR_MAX_PARTS on run on the calling thread. */
    seen s = {0};
    tally_par_run(PARTS, note_part, &s);
    pthread_t me = pthread_self();
    int all_once = 1;
    for (int p = 0; p < PARTS; p++) all_once &= s.ran[p] == 1;
    CHECK(all_once, "tally_par_run(%d) runs every part once", PARTS);
    CHECK(pthread_equal(s.thread[0], me), "part 0 runs on the calling thread");
    int later_here = 1;
    for (int p = TALLY_PAR_MAX_PARTS; p < PARTS; p++) later_here &= pthread_equal(s.thread[p], me) != 0;
    CHECK(later_here, "parts from TALLY_PAR_MAX_PARTS (%d) on run on the calling thread", TALLY_PAR_MAX_PARTS);
    int others_own = 1;
    for (int p = 1; p < TALLY_PAR_MAX_PARTS; p++) others_own &= !pthread_equal(s.thread[p], me);
    CHECK(others_own, "parts 1..TALLY_PAR_MAX_PARTS-1 run on a thread of their own");

    /* The stage pool: TALLY_STAGE_THREADS, clamped to 1..TALLY_PAR_MAX_PARTS. */
    unsetenv("TALLY_STAGE_THREADS");
    CHECK(tally_par_task_threads() == TALLY_PAR_MAX_PARTS, "stage threads default to TALLY_PAR_MAX_PARTS");
    setenv("TALLY_STAGE_THREADS", "1", 1);
    CHECK(tally_par_task_threads() == 1, "TALLY_STAGE_THREADS=1: one thread");
    setenv("TALLY_STAGE_THREADS", "0", 1);
    CHECK(tally_par_task_threads() == 1, "TALLY_STAGE_THREADS=0: one thread");
    setenv("TALLY_STAGE_THREADS", "64", 1);
    CHECK(tally_par_task_threads() == TALLY_PAR_MAX_PARTS, "TALLY_STAGE_THREADS=64: TALLY_PAR_MAX_PARTS threads");
    unsetenv("TALLY_STAGE_THREADS");
    check_pool(1, "tally_par_tasks on 1 thread");
    check_pool(TALLY_PAR_MAX_PARTS, "tally_par_tasks on TALLY_PAR_MAX_PARTS threads");
    check_pool(8, "tally_par_tasks asked for 8 threads");
    check_wait();
    check_shared();
    seen after = {0};
    tally_par_run(TALLY_PAR_MAX_PARTS, note_part, &after);
    CHECK(TALLY_PAR_MAX_PARTS < 2 || !pthread_equal(after.thread[1], pthread_self()),
          "after the pool, tally_par_run uses its threads again");

    /* Compaction asked for 8 threads compacts every column, as with the parts tally_par_run runs at once. */
    tally_dataset *a = survey(120000, 7), *b = survey(120000, 7);
    tally_dataset_compact(a, 8);
    tally_dataset_compact(b, TALLY_PAR_MAX_PARTS);
    int same = 1;
    for (size_t k = 0; k < a->ncols; k++) {
        same &= a->cols[k]->codes != NULL && b->cols[k]->codes != NULL;
        for (size_t i = 0; same && i < a->nrows; i += 997) same &= tally_col_num(a->cols[k], i) == tally_col_num(b->cols[k], i);
    }
    CHECK(same, "tally_dataset_compact(ds, 8) compacts all 7 columns as with TALLY_PAR_MAX_PARTS");
    tally_dataset_free(a);
    tally_dataset_free(b);

    /* The level limit is plugin.h's: the csv reader uses it, the host enforces it. */
    CHECK(TALLY_MAX_LEVELS == 254 && CSV_MAX_LEVELS == TALLY_MAX_LEVELS && CSV_CODE_NONE == TALLY_CODE_MISSING,
          "CSV_MAX_LEVELS and CSV_CODE_NONE are plugin.h's TALLY_MAX_LEVELS and TALLY_CODE_MISSING");
    const tally_host *h = tally_host_get();
    tally_dataset *ds = tally_dataset_new("p");
    int col = h->ds_add_column(ds, "q", TALLY_NUMERIC);
    h->ds_resize_uninit(ds, 3);
    double lv[TALLY_MAX_LEVELS + 1];
    for (int i = 0; i <= TALLY_MAX_LEVELS; i++) lv[i] = i;
    CHECK(h->ds_codes_data(ds, col, lv, TALLY_MAX_LEVELS) != NULL, "ds_codes_data takes TALLY_MAX_LEVELS levels");
    CHECK(h->ds_codes_data(ds, col, lv, TALLY_MAX_LEVELS + 1) == NULL, "ds_codes_data refuses TALLY_MAX_LEVELS + 1 levels");
    tally_dataset_free(ds);
    return check_failures != 0;
}
