/* test_frozen_memo.c: a parsed dataset frozen for a batch of stages keeps results in a memo as a mapped cache does: the same figures as counting, none for a selection, none once thawed. */
#include "check.h"
#include "host.h"
#include "dataset.h"
#include "fixtures.h"
#include "stats_int.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROWS 150001 /* two parts for the kernels (parallel.h) */

/* A compact question, a scale of doubles, a weight and a scale of whole years (few values, so
 * that each value has a bin of its own and a quartile's bin holds thousands of rows); every
 * weight > 0 when all_positive. The weight is four times larger past 50 years: the weighted
 * quartiles lie in other bins than the unweighted ones. */
static tally_dataset *make_dataset(int all_positive)
{
    tally_dataset *ds = tally_dataset_new("d");
    tally_dataset_resize(ds, ROWS);
    int q = tally_dataset_add_column(ds, "q", TALLY_NUMERIC), x = tally_dataset_add_column(ds, "x", TALLY_NUMERIC);
    int w = tally_dataset_add_column(ds, "w", TALLY_NUMERIC);
    for (size_t r = 0; r < ROWS; r++) {
        ds->cols[q]->num[r] = r % 11 == 0 ? NAN : (double)(r * 7 % 5 + 1);
        ds->cols[x]->num[r] = r % 9 == 0 ? NAN : (double)((r * 2654435761u) % 100003) / 7.0;
        double older = r % 10 != 0 && 18 + r * 31 % 73 > 50 ? 4 : 1;
        ds->cols[w]->num[r] = r % 13 == 0 && !all_positive ? 0 : (0.1 + (double)(r % 17) / 3) * older;
    }
    tally_dataset_set_weight(ds, w);
    tally_dataset_compact(ds, 1);
    int a = tally_dataset_add_column(ds, "a", TALLY_NUMERIC); /* after compacting: a scale stays doubles */
    for (size_t r = 0; r < ROWS; r++) ds->cols[a]->num[r] = r % 10 == 0 ? NAN : (double)(18 + r * 31 % 73);
    return ds;
}

/* What the memo is asked for: it holds every column's cells, and only while frozen. */
static void check_spans(void)
{
    tally_dataset *ds = make_dataset(1);
    const tally_column *q = ds->cols[0], *x = ds->cols[1];
    const double *w = ds->cols[2]->num;
    CHECK(q->codes && !x->codes && x->num, "the question is compact, the scale doubles");
    CHECK(!tally_memo_for(ds, q, q->codes, ROWS, w), "not frozen: no memo for a parsed column");
    tally_dataset_freeze(ds);
    tally_mapping *m = ds->frozen;
    CHECK(m && !m->base && m->nspans >= 3, "frozen: a memo with a span for each column's cells");
    CHECK(tally_memo_for(ds, q, q->codes, ROWS, w) == m && tally_memo_for(ds, x, x->num, ROWS * sizeof *x->num, w) == m,
          "the codes, the doubles and the weights are held");
    CHECK(tally_memo_for(ds, q, q->codes, ROWS, NULL) == m, "unweighted: held");
    double other[4] = {0};
    CHECK(!tally_memo_for(ds, q, q->codes, ROWS, other) && !tally_mapping_holds(m, other, sizeof other),
          "weights outside the dataset's cells: no memo");
    CHECK(!tally_mapping_holds(m, q->codes + 1, ROWS) && tally_mapping_holds(m, q->codes + 1, ROWS - 1),
          "a span ends where its cells end");
    tally_dataset_freeze(ds);
    CHECK(ds->frozen == m, "freezing twice keeps the one memo");
    size_t rows[3] = {1, 2, 3};
    tally_dataset *view = tally_dataset_view(ds, "v", rows, 3);
    tally_dataset_freeze(view);
    CHECK(view && !view->frozen && !tally_memo_for(view, view->cols[0], view->cols[0]->codes, 3, NULL),
          "a selection of rows is never frozen nor kept");
    tally_dataset_free(view);
    tally_dataset_thaw(ds);
    CHECK(!ds->frozen && !tally_memo_for(ds, q, q->codes, ROWS, w), "thawed: no memo");
    tally_dataset_freeze(ds); /* freed frozen: the memo goes with the dataset (check-valgrind: no leak) */
    tally_dataset_free(ds);
}

/* A wide dataset: each of its columns is found among thousands of spans. */
static void check_wide(void)
{
    enum { WIDE = 3000, WROWS = 8 };
    tally_dataset *ds = tally_dataset_new("wide");
    tally_dataset_resize(ds, WROWS);
    for (int k = 0; k < WIDE; k++) {
        int c = add_numbered(ds, "v", k);
        for (size_t r = 0; r < WROWS; r++) ds->cols[c]->num[r] = (double)((r + (size_t)k) % 3);
    }
    tally_dataset_compact(ds, 1);
    tally_dataset_freeze(ds);
    int all = 1;
    for (int k = 0; k < WIDE; k++) {
        const tally_column *c = ds->cols[k];
        const void *cells = c->codes ? (const void *)c->codes : (const void *)c->num;
        size_t bytes = c->codes ? WROWS : WROWS * sizeof *c->num;
        all &= tally_memo_for(ds, c, cells, bytes, NULL) == ds->frozen;
    }
    CHECK(all, "3,000 columns: every one's cells are held");
    tally_dataset_free(ds);
}

static int same(const void *a, const void *b, size_t n) { return memcmp(a, b, n) == 0; }

/* Counted frozen, then kept: bitwise the figures counted without a memo. */
static void check_figures(int all_positive)
{
    tally_dataset *plain = make_dataset(all_positive), *ds = make_dataset(all_positive);
    const char *how = all_positive ? "every weight > 0" : "some weights 0";
    stats_code_hist *want = xmalloc(sizeof *want), *got = xmalloc(sizeof *got);
    tally_dataset_freeze(ds);
    tally_mapping *m = ds->frozen;
    int hist = 1;
    for (int weighted = 1; weighted >= 0; weighted--) {
        size_t before = tally_mapping_memo_count(m);
        stats_hist_codes(plain, plain->cols[0], weighted ? plain->cols[2]->num : NULL, 1, want);
        stats_hist_codes(ds, ds->cols[0], weighted ? ds->cols[2]->num : NULL, 1, got);
        hist &= same(want, got, sizeof *want) && tally_mapping_memo_count(m) > before;
        size_t kept = tally_mapping_memo_count(m);
        stats_hist_codes(ds, ds->cols[0], weighted ? ds->cols[2]->num : NULL, 1, got);
        hist &= same(want, got, sizeof *want) && tally_mapping_memo_count(m) == kept;
    }
    CHECK(hist, "%s: histograms weighted then unweighted kept, bitwise those counted, found kept", how);
    stats_desc_result dw, du, gw, gu;
    stats_describe_large(plain, plain->cols[1], plain->cols[2]->num, &dw);
    stats_describe_large(plain, plain->cols[1], NULL, &du);
    size_t before = tally_mapping_memo_count(m);
    stats_describe_large(ds, ds->cols[1], ds->cols[2]->num, &gw);
    size_t after_weighted = tally_mapping_memo_count(m);
    stats_describe_large(ds, ds->cols[1], NULL, &gu);
    CHECK(same(&dw, &gw, sizeof dw) && same(&du, &gu, sizeof du) && gu.cases > 0 && after_weighted > before,
          "%s: descriptives weighted and unweighted, bitwise those counted without a memo", how);
    CHECK(tally_mapping_memo_count(m) == after_weighted + !all_positive,
          "%s: the unweighted figures %s", how, all_positive ? "taken from the weighted run" : "counted and kept");
    /* whole years: the weighted and unweighted quartiles' values kept in one pass when every
     * weight is > 0, each set walked as if alone */
    stats_describe_large(plain, plain->cols[3], plain->cols[2]->num, &dw);
    stats_describe_large(plain, plain->cols[3], NULL, &du);
    stats_describe_large(ds, ds->cols[3], ds->cols[2]->num, &gw);
    after_weighted = tally_mapping_memo_count(m);
    stats_describe_large(ds, ds->cols[3], NULL, &gu);
    CHECK(same(&dw, &gw, sizeof dw) && same(&du, &gu, sizeof du) && dw.median > du.median && dw.q1 > du.q1,
          "%s: whole years, weighted quartiles above the unweighted: bitwise those counted without a memo", how);
    CHECK(tally_mapping_memo_count(m) == after_weighted + !all_positive, "%s: whole years, the unweighted figures %s",
          how, all_positive ? "counted in the weighted run's passes" : "counted apart");
    free(want);
    free(got);
    tally_dataset_free(plain);
    tally_dataset_free(ds);
}

int main(void)
{
    tally_log_set_level(0);
    check_spans();
    check_wide();
    check_figures(1);
    check_figures(0);
    CHECK_DONE();
}
