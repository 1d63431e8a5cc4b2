/* stats_likert.c: rating scales: distribution, mean, top-box, bottom-box and net for several items. */
#include "stats_int.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tally_likert_opts_init(tally_likert_opts *o)
{
    memset(o, 0, sizeof *o);
    tally_stats_opts_init(&o->base);
    o->box = 2;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The scale: given codes, or every valid code any item holds (sorted). Returns a new array. */
static double *scale_codes(const tally_dataset *ds, const int *cols, size_t ncols, const tally_likert_opts *o,
                           size_t *n)
{
    if (o->scale && o->nscale) {
        double *s = xmalloc(o->nscale * sizeof *s);
        memcpy(s, o->scale, o->nscale * sizeof *s);
        *n = o->nscale;
        return s;
    }
    stats_catmap m;
    stats_catmap_init(&m, ds->cols[cols[0]]);
    for (size_t k = 0; k < ncols; k++) {
        const tally_column *c = ds->cols[cols[k]];
        if (c->codes) { /* the codes that occur, from a histogram */
            stats_code_hist *h = xmalloc(sizeof *h);
            stats_hist_codes(ds, c, NULL, 1, h);
            for (unsigned l = 0; l < c->nlevels; l++)
                if (h->n[l] && stats_valid_number(c, c->levels[l])) stats_catmap_slot_code(&m, c->levels[l]);
            free(h);
            continue;
        }
        for (size_t i = 0; i < ds->nrows; i++) {
            double v = tally_col_num(c, tally_row(ds, i));
            if (stats_valid_number(c, v)) stats_catmap_slot_code(&m, v);
        }
    }
    double *s = xmalloc((m.ncats ? m.ncats : 1) * sizeof *s);
    for (size_t i = 0; i < m.ncats; i++) s[i] = m.cats[i].code;
    *n = m.ncats;
    stats_catmap_free(&m);
    qsort(s, *n, sizeof *s, cmp_double);
    return s;
}

/* The label of a set whose variables are exactly `cols` (in any order), NULL if none. */
static const char *grid_label(const tally_dataset *ds, const int *cols, size_t ncols)
{
    for (size_t s = 0; s < ds->nmrsets; s++) {
        const tally_mrset *m = &ds->mrsets[s];
        if (m->ncols != ncols || !m->label || !*m->label) continue;
        size_t found = 0;
        for (size_t i = 0; i < ncols; i++)
            for (size_t k = 0; k < m->ncols; k++)
                if (m->cols[k] == cols[i]) {
                    found++;
                    break;
                }
        if (found == ncols) return m->label;
    }
    return NULL;
}

/* The columns of a Likert table beside its scale points. */
typedef struct likert_cols {
    size_t mean, top, bot, net, n, un;
} likert_cols;

/* The Likert table's frame: id, question and columns (one per scale point, then the
 * figures whose places land in lc). */
static tally_table *likert_frame(const tally_dataset *ds, const int *cols, size_t ncols, const tally_stats_opts *bo,
                                 const double *scale, size_t ns, size_t box, int weighted, likert_cols *lc)
{
    char *id = stats_make_id("likert", ds->cols[cols[0]]->name);
    tally_table *t = tally_table_new(id, NULL);
    free(id);
    if (ncols == 1) {
        stats_set_meta(t, bo, t->id, ds->cols[cols[0]]->name, ds->cols[cols[0]]->label);
    } else {
        /* a grid's question is its own text (the option, else the label of a set of exactly its
         * items), never one item's: the items are the rows */
        const char *grid = bo->question ? bo->question : grid_label(ds, cols, ncols);
        tally_stats_opts g = *bo;
        g.question = grid;
        stats_set_meta(t, &g, t->id, ds->cols[cols[0]]->name, grid ? grid : ds->cols[cols[0]]->label);
        if (!grid) tally_table_set_question(t, NULL);
        else if (!bo->title) tally_table_set_question(t, NULL); /* the title already says it */
    }
    tally_table_add_col(t, "", TALLY_COL_LABEL, 0);
    const tally_column *first = ds->cols[cols[0]];
    char buf[512];
    for (size_t s = 0; s < ns; s++) {
        const char *l = tally_column_value_label(first, scale[s]);
        if (!l) {
            snprintf(buf, sizeof buf, "%.15g", scale[s]);
            l = buf;
        }
        tally_table_add_col(t, l, TALLY_COL_PERCENT, 1);
    }
    lc->mean = tally_table_add_col(t, stats_tr(bo, "Mean"), TALLY_COL_MEAN, 2);
    char *lt = xasprintf(stats_tr(bo, "Top %d box"), (int)box);
    char *lb = xasprintf(stats_tr(bo, "Bottom %d box"), (int)box);
    lc->top = tally_table_add_col(t, lt, TALLY_COL_PERCENT, 1);
    lc->bot = tally_table_add_col(t, lb, TALLY_COL_PERCENT, 1);
    lc->net = tally_table_add_col(t, stats_tr(bo, "Net"), TALLY_COL_PERCENT, 1);
    lc->n = tally_table_add_col(t, "N", TALLY_COL_COUNT, weighted ? bo->count_decimals : 0);
    lc->un = weighted ? tally_table_add_col(t, stats_tr(bo, "Unweighted N"), TALLY_COL_COUNT, 0) : 0;
    free(lt);
    free(lb);
    return t;
}

tally_table *tally_stats_likert(const tally_dataset *ds, const int *cols, size_t ncols,
                                const tally_likert_opts *o, char **err)
{
    tally_likert_opts defaults;
    if (!o) {
        tally_likert_opts_init(&defaults);
        o = &defaults;
    }
    if (ncols == 0) {
        *err = xasprintf("likert: no items given");
        return NULL;
    }
    for (size_t k = 0; k < ncols; k++) {
        if (cols[k] < 0 || (size_t)cols[k] >= ds->ncols || ds->cols[cols[k]]->type != TALLY_NUMERIC) {
            *err = xasprintf("likert: item %zu is not a numeric variable of the dataset", k + 1);
            return NULL;
        }
    }
    const tally_stats_opts *bo = &o->base;
    const double *wts = stats_weights(ds, bo);
    size_t ns;
    double *scale = scale_codes(ds, cols, ncols, o, &ns);
    size_t box = o->box > 0 ? (size_t)o->box : 2;
    if (box > ns) box = ns;

    likert_cols lc;
    tally_table *t = likert_frame(ds, cols, ncols, bo, scale, ns, box, wts != NULL, &lc);

    /* the items' weighted histograms in one pass over the weights (kept with a mapped cache's or a frozen dataset's memo) */
    tally_stats_prefetch(ds, cols, ncols, bo);

    double *cnt = xmalloc((ns ? ns : 1) * sizeof *cnt);
    double maxw = 0, maxn = 0, minw = INFINITY, minn = INFINITY;
    for (size_t k = 0; k < ncols; k++) {
        const tally_column *c = ds->cols[cols[k]];
        stats_catmap m;
        stats_catmap_init(&m, c);
        stats_catmap_count(&m, ds, wts);
        stats_catmap_finish(&m);
        double W = 0, N = 0, sum = 0;
        for (size_t s = 0; s < ns; s++) {
            cnt[s] = 0;
            for (size_t i = 0; i < m.nvalid; i++) { /* few categories: a linear match is enough */
                const stats_cat *cat = stats_catmap_at(&m, i);
                if (cat->code == scale[s]) {
                    cnt[s] = cat->w;
                    N += cat->n;
                }
            }
            W += cnt[s];
            sum += cnt[s] * scale[s];
        }
        size_t r = tally_table_add_row(t, TALLY_ROW_CATEGORY);
        tally_table_set_text(t, r, 0, c->label && *c->label ? c->label : c->name);
        double top = 0, bot = 0;
        for (size_t s = 0; s < ns; s++) {
            tally_table_set_number(t, r, 1 + s, W > 0 ? 100 * cnt[s] / W : NAN);
            if (s < box) bot += cnt[s];
            if (s >= ns - box) top += cnt[s];
        }
        tally_table_set_number(t, r, lc.mean, W > 0 ? sum / W : NAN);
        tally_table_set_number(t, r, lc.top, W > 0 ? 100 * top / W : NAN);
        tally_table_set_number(t, r, lc.bot, W > 0 ? 100 * bot / W : NAN);
        tally_table_set_number(t, r, lc.net, W > 0 ? 100 * (top - bot) / W : NAN);
        tally_table_set_number(t, r, lc.n, W);
        if (wts) tally_table_set_number(t, r, lc.un, N);
        if (W > maxw) maxw = W;
        if (N > maxn) maxn = N;
        minw = fmin(minw, W), minn = fmin(minn, N);
        stats_catmap_free(&m);
    }
    stats_set_base_range(t, bo, wts != NULL, ncols ? minw : 0, maxw, ncols ? minn : 0, maxn, NULL); /* per item: "N = 5 to 6" */
    tally_table_add_note(t, stats_tr(bo, "Percent of valid answers per item; answers outside the scale and "
                                         "missing values are left out. Net = top box - bottom box."));
    if (bo->chart != TALLY_CHART_NONE) {
        size_t *series = xmalloc((ns ? ns : 1) * sizeof *series);
        for (size_t s = 0; s < ns; s++) series[s] = 1 + s;
        /* a grid's chart is 100%-stacked bars: one bar per item, the scale points in order */
        tally_table_set_chart(t, bo->chart == TALLY_CHART_BAR ? TALLY_CHART_STACKED_BAR : bo->chart, NULL, series, ns);
        free(series);
    }
    free(cnt);
    free(scale);
    return t;
}
