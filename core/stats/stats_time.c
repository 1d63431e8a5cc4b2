/* stats_time.c: counts over time (per year or decade) and top-N rankings with an "Other" row. */
#include "stats_int.h"
#include "util.h"
#include "expr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tally_timeline_opts_init(tally_timeline_opts *o)
{
    memset(o, 0, sizeof *o);
    tally_stats_opts_init(&o->base);
    o->decades_until = NAN;
    o->from = NAN;
    o->to = NAN;
}

void tally_ranking_opts_init(tally_ranking_opts *o)
{
    memset(o, 0, sizeof *o);
    tally_stats_opts_init(&o->base);
    o->top = 10;
}

#define MAX_YEARS 5000

/* The year of a category: a year variable's value, or the calendar year of a date or datetime. */
static double year_of(const tally_column *c, double code)
{
    if (c->is_date != TALLY_DATE_DAYS && c->is_date != TALLY_DATE_DATETIME) return floor(code);
    int y, m, d;
    tally_days_to_civil(floor(c->is_date == TALLY_DATE_DATETIME ? code / 86400.0 : code), &y, &m, &d);
    return y;
}

/* The first year of the period a year falls in. */
static long period_of(const tally_timeline_opts *o, long y, int *decade)
{
    *decade = o->by_decade || (o->decades_until == o->decades_until && y < o->decades_until);
    if (!*decade) return y;
    long d = y / 10 * 10;
    return y < 0 && d != y ? d - 10 : d;
}

tally_table *tally_stats_timeline(const tally_dataset *ds, int col, const tally_timeline_opts *o, char **err)
{
    tally_timeline_opts defaults;
    if (!o) {
        tally_timeline_opts_init(&defaults);
        o = &defaults;
    }
    if (col < 0 || (size_t)col >= ds->ncols || ds->cols[col]->type != TALLY_NUMERIC ||
        ds->cols[col]->is_date == TALLY_DATE_TIME) {
        *err = xasprintf("timeline: the year variable must be a numeric year, date or datetime variable of the dataset");
        return NULL;
    }
    const tally_column *c = ds->cols[col];
    const double *wts = stats_weights(ds, &o->base);
    stats_catmap m;
    stats_catmap_init(&m, c);
    stats_catmap_count(&m, ds, wts);
    stats_catmap_finish(&m);
    double lo = o->from, hi = o->to, total = 0, ntotal = 0;
    for (size_t i = 0; i < m.nvalid; i++) {
        const stats_cat *k = stats_catmap_at(&m, i);
        double y = year_of(c, k->code);
        if (!(lo <= y)) lo = y;
        if (!(hi >= y)) hi = y;
        total += k->w;
        ntotal += k->n;
    }
    if (lo == lo && hi - lo > MAX_YEARS) {
        stats_catmap_free(&m);
        *err = xasprintf("timeline: '%s' spans %.0f to %.0f, more than %d years; is it a year variable?",
                         c->name, lo, hi, MAX_YEARS);
        return NULL;
    }
    size_t nyears = lo == lo ? (size_t)(hi - lo) + 1 : 0;
    double *yw = xcalloc(nyears ? nyears : 1, sizeof *yw);
    for (size_t i = 0; i < m.nvalid; i++) {
        const stats_cat *k = stats_catmap_at(&m, i);
        yw[(size_t)(year_of(c, k->code) - lo)] += k->w;
    }

    char *id = stats_make_id("timeline", c->name);
    tally_table *t = tally_table_new(id, NULL);
    free(id);
    stats_set_meta(t, &o->base, t->id, c->name, c->label);
    tally_table_add_col(t, stats_tr(&o->base, "Period"), TALLY_COL_LABEL, 0);
    tally_table_add_col(t, stats_tr(&o->base, "Count"), TALLY_COL_COUNT, wts ? o->base.count_decimals : 0);
    tally_table_add_col(t, stats_tr(&o->base, "Percent"), TALLY_COL_PERCENT, 1);
    long cur = 0;
    int have = 0;
    size_t row = 0;
    double acc = 0;
    for (size_t i = 0; i <= nyears; i++) {
        int decade = 0;
        long p = i < nyears ? period_of(o, (long)lo + (long)i, &decade) : 0;
        if (have && (i == nyears || p != cur)) {
            tally_table_set_number(t, row, 1, acc);
            tally_table_set_number(t, row, 2, total > 0 ? 100 * acc / total : NAN);
            have = 0;
        }
        if (i == nyears) break;
        if (!have) {
            char label[32];
            /* a decade reads "1980s"; the catalogue has its other languages' form */
            snprintf(label, sizeof label, decade ? stats_tr(&o->base, "%lds") : "%ld", p);
            row = tally_table_add_row(t, TALLY_ROW_CATEGORY);
            tally_table_set_text(t, row, 0, label);
            cur = p;
            acc = 0;
            have = 1;
        }
        acc += yw[i];
    }
    size_t tr = tally_table_add_row(t, TALLY_ROW_TOTAL);
    tally_table_set_text(t, tr, 0, stats_tr(&o->base, "Total"));
    tally_table_set_number(t, tr, 1, total);
    tally_table_set_number(t, tr, 2, total > 0 ? 100.0 : NAN);
    stats_set_base(t, &o->base, wts != NULL, total, ntotal, NULL);
    if (o->base.chart != TALLY_CHART_NONE) {
        size_t series = 1;
        tally_table_set_chart(t, o->base.chart, NULL, &series, 1);
    }
    free(yw);
    stats_catmap_free(&m);
    return t;
}

/* ---- rankings ------------------------------------------------------------------------ */

typedef struct rank_item {
    char *label; /* owned */
    double w;
    size_t order; /* code or set order, the tie-break */
} rank_item;

static int cmp_rank(const void *a, const void *b)
{
    const rank_item *x = a, *y = b;
    if (x->w != y->w) return x->w > y->w ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

tally_table *tally_stats_ranking(const tally_dataset *ds, int col, const tally_mrset *set,
                                 const tally_ranking_opts *o, char **err)
{
    tally_ranking_opts defaults;
    if (!o) {
        tally_ranking_opts_init(&defaults);
        o = &defaults;
    }
    const tally_stats_opts *bo = &o->base;
    const double *wts = stats_weights(ds, bo);
    rank_item *items = NULL;
    size_t n = 0;
    double base = 0, nbase = 0;
    const char *name, *label;
    char buf[512];
    if (set) {
        stats_mr_counts mc;
        if (stats_mr_compute(ds, set, wts, bo->lang, &mc, err) < 0) return NULL;
        n = mc.n;
        items = xcalloc(n ? n : 1, sizeof *items);
        for (size_t i = 0; i < n; i++) items[i] = (rank_item){xstrdup(mc.labels[i]), mc.w[i], i};
        base = mc.w_answering;
        nbase = mc.n_answering;
        stats_mr_counts_free(&mc);
        name = set->name ? set->name : "set";
        label = set->label;
    } else {
        if (col < 0 || (size_t)col >= ds->ncols) {
            *err = xasprintf("ranking: no such variable (index %d)", col);
            return NULL;
        }
        const tally_column *c = ds->cols[col];
        stats_catmap m;
        stats_catmap_init(&m, c);
        stats_catmap_count(&m, ds, wts);
        stats_catmap_finish(&m);
        n = m.nvalid;
        items = xcalloc(n ? n : 1, sizeof *items);
        for (size_t i = 0; i < n; i++) {
            const stats_cat *k = stats_catmap_at(&m, i);
            items[i] = (rank_item){xstrdup(stats_cat_label(&m, k, bo->lang, buf, sizeof buf)), k->w, i};
            base += k->w;
            nbase += k->n;
        }
        stats_catmap_free(&m);
        name = c->name;
        label = c->label;
    }
    qsort(items, n, sizeof *items, cmp_rank);

    char *id = stats_make_id("ranking", name);
    tally_table *t = tally_table_new(id, NULL);
    free(id);
    stats_set_meta(t, bo, t->id, name, label);
    tally_table_add_col(t, "", TALLY_COL_LABEL, 0);
    tally_table_add_col(t, stats_tr(bo, "Rank"), TALLY_COL_NUMBER, 0);
    tally_table_add_col(t, stats_tr(bo, "Count"), TALLY_COL_COUNT, wts ? bo->count_decimals : 0);
    tally_table_add_col(t, stats_tr(bo, set ? "Percent of cases" : "Percent"), TALLY_COL_PERCENT, 1);
    size_t shown = o->top && o->top < n ? o->top : n;
    size_t rank = 0;
    double other = 0;
    for (size_t i = 0; i < n; i++) {
        if (i >= shown) {
            other += items[i].w;
            continue;
        }
        if (i == 0 || items[i].w != items[i - 1].w) rank = i + 1; /* ties share a rank: 1, 2, 2, 4 */
        size_t r = tally_table_add_row(t, TALLY_ROW_CATEGORY);
        tally_table_set_text(t, r, 0, items[i].label);
        tally_table_set_number(t, r, 1, (double)rank);
        tally_table_set_number(t, r, 2, items[i].w);
        tally_table_set_number(t, r, 3, base > 0 ? 100 * items[i].w / base : NAN);
    }
    if (o->other_row && shown < n) {
        size_t r = tally_table_add_row(t, TALLY_ROW_CATEGORY);
        tally_table_set_text(t, r, 0, stats_tr(bo, "Other"));
        tally_table_set_number(t, r, 2, other);
        tally_table_set_number(t, r, 3, base > 0 ? 100 * other / base : NAN);
    }
    for (size_t i = 0; i < n; i++) free(items[i].label);
    free(items);
    stats_set_base(t, bo, wts != NULL, base, nbase, set ? stats_tr(bo, "more than one answer possible") : NULL);
    if (bo->chart != TALLY_CHART_NONE) {
        size_t series = 2;
        tally_table_set_chart(t, bo->chart, NULL, &series, 1);
    }
    return t;
}
