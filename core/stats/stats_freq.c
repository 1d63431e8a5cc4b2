/* stats_freq.c: the frequencies kernel (SPSS FREQUENCIES layout: count, percent, valid and cumulative percent). */
#include "stats_int.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>

static void put_row(tally_table *t, tally_row_type type, const char *label, double count, double pct,
                    double valid, double cum)
{
    size_t r = tally_table_add_row(t, type);
    tally_table_set_text(t, r, 0, label);
    tally_table_set_number(t, r, 1, count);
    tally_table_set_number(t, r, 2, pct);
    tally_table_set_number(t, r, 3, valid);
    tally_table_set_number(t, r, 4, cum);
}

tally_table *tally_stats_frequencies(const tally_dataset *ds, int col, const tally_stats_opts *o, char **err)
{
    if (col < 0 || (size_t)col >= ds->ncols) {
        *err = xasprintf("frequencies: no such variable (index %d)", col);
        return NULL;
    }
    const tally_column *c = ds->cols[col];
    const double *wts = stats_weights(ds, o);
    stats_catmap m;
    stats_catmap_init(&m, c);
    stats_catmap_count(&m, ds, wts);
    stats_catmap_finish(&m);

    double total = 0, valid = 0, ntotal = 0, nvalid = 0;
    for (size_t i = 0; i < m.ncats; i++) {
        const stats_cat *k = stats_catmap_at(&m, i);
        total += k->w;
        ntotal += k->n;
        if (!k->miss) valid += k->w, nvalid += k->n;
    }

    char *id = stats_make_id("freq", c->name);
    tally_table *t = tally_table_new(id, NULL);
    free(id);
    stats_set_meta(t, o, t->id, c->name, c->label);
    tally_table_add_col(t, "", TALLY_COL_LABEL, 0);
    tally_table_add_col(t, stats_tr(o, "Count"), TALLY_COL_COUNT, wts ? o->count_decimals : 0);
    tally_table_add_col(t, stats_tr(o, "Percent"), TALLY_COL_PERCENT, 1);
    tally_table_add_col(t, stats_tr(o, "Valid percent"), TALLY_COL_PERCENT, 1);
    tally_table_add_col(t, stats_tr(o, "Cumulative percent"), TALLY_COL_PERCENT, 1);

    char buf[512];
    double cum = 0;
    for (size_t i = 0; i < m.nvalid; i++) {
        const stats_cat *k = stats_catmap_at(&m, i);
        cum += k->w;
        put_row(t, TALLY_ROW_CATEGORY, stats_cat_label(&m, k, o ? o->lang : NULL, buf, sizeof buf), k->w,
                total > 0 ? 100.0 * k->w / total : NAN, valid > 0 ? 100.0 * k->w / valid : NAN,
                valid > 0 ? 100.0 * cum / valid : NAN);
    }
    /* When every case is valid the valid total is the grand total: one Total row. */
    if (m.nvalid < m.ncats) {
        put_row(t, TALLY_ROW_TOTAL, stats_tr(o, "Valid total"), valid, total > 0 ? 100.0 * valid / total : NAN,
                valid > 0 ? 100.0 : NAN, NAN);
        for (size_t i = m.nvalid; i < m.ncats; i++) {
            const stats_cat *k = stats_catmap_at(&m, i);
            put_row(t, TALLY_ROW_MISSING, stats_cat_label(&m, k, o ? o->lang : NULL, buf, sizeof buf), k->w,
                    total > 0 ? 100.0 * k->w / total : NAN, NAN, NAN);
        }
        put_row(t, TALLY_ROW_TOTAL, stats_tr(o, "Total"), total, total > 0 ? 100.0 : NAN, NAN, NAN);
    } else {
        put_row(t, TALLY_ROW_TOTAL, stats_tr(o, "Total"), total, total > 0 ? 100.0 : NAN,
                valid > 0 ? 100.0 : NAN, NAN);
    }
    stats_set_base(t, o, wts != NULL, total, ntotal, NULL);
    if (nvalid > 0) t->pct_n = nvalid; /* valid percents rest on the valid cases */
    if (o && o->chart != TALLY_CHART_NONE) {
        size_t series = 3; /* valid percent: what a chart of answers shows */
        tally_table_set_chart(t, o->chart, NULL, &series, 1);
    }
    stats_catmap_free(&m);
    return t;
}
