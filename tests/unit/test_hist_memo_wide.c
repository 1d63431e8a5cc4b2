/* test_hist_memo_wide.c: a mapped cache of 100,000 one-row questions described in one table, each histogram kept with the mapping, in time linear in the columns. */
#include "cache.h"
#include "check.h"
#include "dataset.h"
#include "result.h"
#include "stats.h"
#include "stats_int.h"
#include "util.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static char dir[] = "/tmp/tally-hist-memo-wide.XXXXXX";

/* Linked with -Wl,--wrap=write,--wrap=writev (Makefile): every write() and writev() of the
 * core's objects comes here first, so that the cache's file can be seen written in large calls,
 * not one or two a column. */
ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __real_writev(int fd, const struct iovec *iov, int n);
static size_t writes;
ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
    if (fd > 2) writes++; /* the cache's file, not the test's own output */
    return __real_write(fd, buf, n);
}
ssize_t __wrap_writev(int fd, const struct iovec *iov, int n)
{
    if (fd > 2) writes++;
    return __real_writev(fd, iov, n);
}
#define NQ 100000 /* questions: the csv plugin's column limit */

/* Not a timed test: the watchdog only turns a search of every column for every column
 * (10^10 steps at this width, about a minute) into a failure instead of a long wait;
 * a count linear in the columns ends in well under a second of the 60. */
static void watchdog(int sig)
{
    (void)sig;
    static const char msg[] = "not ok - 100,000 columns described within the watchdog's 60 s, 240 s under check-asan (quadratic in the columns?)\n";
    if (write(1, msg, sizeof msg - 1) < 0) _exit(2);
    _exit(1);
}

/* The value of question k in the one row, and the row's weight. */
static double value_of(size_t k) { return (double)(k % 5 + 1); }
#define WEIGHT 2.5

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    tally_log_set_level(0);
    signal(SIGALRM, watchdog);
    CHECK_WATCHDOG(60);

    char *data = xasprintf("%s/wide.csv", dir);
    FILE *f = fopen(data, "w");
    if (f) {
        fputs("q,w\n1,1\n", f);
        fclose(f);
    }
    tally_options *o = tally_options_new("test");
    tally_options_set_string(o, "path", data);
    tally_cache_req req = {dir, 1, data, "csv", "1.0", NULL, o, NULL, NULL, "en", "w"};
    tally_cache *c = tally_cache_new(&req);

    tally_dataset *ds = tally_dataset_new("wide");
    tally_dataset_resize(ds, 1);
    for (size_t k = 0; k < NQ; k++) {
        char name[32];
        snprintf(name, sizeof name, "q%zu", k);
        int col = tally_dataset_add_column(ds, name, TALLY_NUMERIC);
        ds->cols[col]->num[0] = value_of(k);
    }
    int w = tally_dataset_add_column(ds, "w", TALLY_NUMERIC);
    ds->cols[w]->num[0] = WEIGHT;
    tally_dataset_set_weight(ds, w);
    tally_dataset_compact(ds, 1);
    char *err = NULL;
    const char *msgs;
    size_t nmsgs;
    writes = 0;
    int stored = c && tally_cache_store(c, ds, "", 0, &err) == 0;
    /* the file is a few MB, its small pieces copied together and written a 2 MB step a call;
     * once, two calls a column's span (the padding before it, then its bytes): 200,006 */
    CHECK(stored && writes > 0 && writes <= 64, "the cache is written in at most 64 write calls (%zu)", writes);
    tally_dataset *back = stored ? tally_cache_load(c, "back", "test", &msgs, &nmsgs) : NULL;
    CHECK(back && back->ncols == NQ + 1 && back->cols[0]->codes && back->cols[NQ - 1]->codes && back->cols[0]->mapping,
          "100,000 one-row questions stored and mapped back, compact");
    if (!back) CHECK_DONE();
    tally_mapping *m = back->cols[0]->mapping;

    int *cols = xmalloc(NQ * sizeof *cols);
    for (size_t k = 0; k < NQ; k++) cols[k] = (int)k;
    tally_stats_opts so;
    tally_stats_opts_init(&so);

    /* every question of the file as read (on the heap: nothing to keep) described, weighted */
    tally_table *t = tally_stats_descriptives(ds, cols, NQ, &so, &err);
    int right = t && t->nrows == NQ;
    for (size_t k = 0; right && k < NQ; k++) right &= t->rows[k].cells[1].num == WEIGHT && t->rows[k].cells[2].num == value_of(k);
    CHECK(right, "on the heap: one row a question, its N the row's weight, its mean the row's value");
    if (t) tally_table_unref(t);

    /* every question of the mapping described (weighted): one histogram each, kept with the mapping */
    size_t before = tally_mapping_memo_count(m);
    t = tally_stats_descriptives(back, cols, NQ, &so, &err);
    CHECK(t && t->nrows == NQ, "one row a question");
    right = t != NULL;
    for (size_t k = 0; t && k < NQ && k < t->nrows; k++) {
        const tally_cell *cl = t->rows[k].cells;
        right &= cl[1].num == WEIGHT && cl[2].num == value_of(k) && cl[4].num == value_of(k) && cl[5].num == value_of(k);
    }
    CHECK(right, "each question's N is the row's weight, its mean, minimum and maximum the row's value");
    CHECK(tally_mapping_memo_count(m) == before + NQ, "each question's weighted histogram kept with the mapping");
    if (t) tally_table_unref(t);

    /* described again: every histogram found kept, the same figures */
    t = tally_stats_descriptives(back, cols, NQ, &so, &err);
    right = t && t->nrows == NQ;
    for (size_t k = 0; right && k < NQ; k++) right &= t->rows[k].cells[2].num == value_of(k);
    CHECK(right && tally_mapping_memo_count(m) == before + NQ, "described again: the kept histograms, nothing kept twice");
    if (t) tally_table_unref(t);

    /* the last question's histogram, unweighted and weighted: the heap's bitwise */
    stats_code_hist *want = xmalloc(sizeof *want), *got = xmalloc(sizeof *got);
    stats_hist_codes(ds, ds->cols[NQ - 1], NULL, 1, want);
    stats_hist_codes(back, back->cols[NQ - 1], NULL, 1, got);
    CHECK(memcmp(want, got, sizeof *want) == 0 && got->n[back->cols[NQ - 1]->codes[0]] == 1,
          "the last question: the mapping's histogram is the heap's, its one row counted");

    /* a selection of the one row: counted, never kept */
    size_t row0 = 0;
    tally_dataset *view = tally_dataset_view(back, "v", &row0, 1);
    size_t kept = tally_mapping_memo_count(m);
    stats_hist_codes(view, view->cols[NQ / 2], NULL, 1, got);
    CHECK(tally_mapping_memo_count(m) == kept && got->n[view->cols[NQ / 2]->codes[0]] == 1, "a selection: counted, not kept");
    tally_dataset_free(view);

    alarm(0);
    free(want);
    free(got);
    free(cols);
    free(err);
    tally_dataset_free(back);
    tally_dataset_free(ds);
    tally_cache_free(c);
    tally_options_free(o);
    char *cmd = xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0) printf("# could not remove %s\n", dir);
    free(cmd);
    free(data);
    CHECK_DONE();
}
