/* test_parallel.c: tally_par_run runs at most TALLY_PAR_MAX_PARTS parts at once, as parallel.h says; compaction asks for no more; the level limit plugins see. */
#include "check.h"
#include "dataset.h"
#include "host.h"
#include "parallel.h"
#include "../../plugins/input/csv/csv.h"

#include <pthread.h>
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
