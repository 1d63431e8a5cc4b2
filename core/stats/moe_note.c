/* moe_note.c: the report-level note with the largest 95% margin of error of the report's percentages. */
#include "banner.h"
#include "ci.h"
#include "dataset.h"
#include "result.h"
#include "stats.h"
#include "stats_int.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The smallest base a percentage of the report rests on: unweighted cases, its effective base
 * where the table knows it (banners), and whether it is weighted. */
typedef struct moe_base {
    double n, neff;
    int weighted;
} moe_base;

static int has_percent(const tally_table *t)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (t->cols[c].type == TALLY_COL_PERCENT) return 1;
    return 0;
}

/* 1 when some cell of the banner holds a column percent (a banner of counts or means has none). */
static int banner_has_col_pct(const tally_banner *bn)
{
    for (size_t i = 0; i < bn->nrows * bn->ncols; i++)
        if (bn->stats[i * TALLY_BN_NSTATS + TALLY_BN_COLPCT] == bn->stats[i * TALLY_BN_NSTATS + TALLY_BN_COLPCT]) return 1;
    return 0;
}

static void consider(moe_base *b, double n, double neff, int weighted)
{
    if (!(n > 0) || (b->n > 0 && n >= b->n)) return;
    b->n = n, b->weighted = weighted;
    b->neff = !weighted ? n : neff > 0 ? neff : NAN;
}

static void smallest_base(const tally_report *r, moe_base *b)
{
    for (size_t i = 0; i < r->ntables; i++) {
        const tally_table *t = r->tables[i];
        if (t->banner && banner_has_col_pct(t->banner)) { /* column percentages: every column's base, with its effective base, whatever
                          * cell style laid the flat table out (stacked and combined cells are text) */
            for (size_t c = 0; c < t->banner->ncols; c++)
                consider(b, t->banner->cols[c].base_n, t->banner->cols[c].base_eff, t->pct_weighted);
            continue;
        }
        if (!t->banner && has_percent(t)) consider(b, t->pct_n, NAN, t->pct_weighted);
    }
}

/* Kish's design effect (stats_kish_deff, as rake reports it) of a dataset's weight over its cases
 * with a weight above 0; 1 unweighted. */
static double weight_deff(const tally_dataset *ds)
{
    if (ds->weight < 0) return 1;
    const tally_column *c = ds->cols[ds->weight];
    double s = 0, s2 = 0, n = 0;
    for (size_t i = 0; i < ds->nrows; i++) {
        double w = tally_col_num(c, tally_row(ds, i));
        if (w > 0) s += w, s2 += w * w, n++;
    }
    double deff = stats_kish_deff(n, s, s2);
    return deff == deff ? deff : 1;
}

void tally_report_moe_note(tally_report *r, const char *lang)
{
    moe_base b = {0, NAN, 0};
    smallest_base(r, &b);
    if (!(b.n > 0)) return;
    if (b.weighted && !(b.neff > 0)) {
        /* the table knows no effective base: the weighting's largest design effect among the
         * report's datasets makes it smaller, so the note errs on the side of a wider margin */
        double deff = 1;
        for (size_t i = 0; i < r->ndatasets; i++) {
            double d = weight_deff(r->datasets[i]);
            if (d > deff) deff = d;
        }
        b.neff = b.n / deff;
    }
    double moe = 100 * tally_ci_z(95) * sqrt(0.25 / b.neff); /* percentage points, at p = 50%: the widest */
    char m[64], n[64], e[64];
    tally_format_value(lang, TALLY_VALUE_NUMBER, moe, 1, m, sizeof m);
    tally_format_value(lang, TALLY_VALUE_COUNT, b.n, 0, n, sizeof n);
    tally_format_value(lang, TALLY_VALUE_NUMBER, b.neff, 1, e, sizeof e);
    tally_report_set_value(r, "moe_max", moe, TALLY_VALUE_NUMBER, m);
    tally_report_set_value(r, "moe_base", b.n, TALLY_VALUE_COUNT, n);
    tally_report_set_value(r, "moe_neff", b.neff, TALLY_VALUE_NUMBER, e);
    char *note = b.weighted
                     ? xasprintf(tally_tr(lang, "Largest margin of error (95%% confidence): ±%s percentage points, "
                                                "for a percentage of 50%% on the smallest base of this report's "
                                                "percentages (N = %s unweighted, effective base %s)."), m, n, e)
                     : xasprintf(tally_tr(lang, "Largest margin of error (95%% confidence): ±%s percentage points, "
                                                "for a percentage of 50%% on the smallest base of this report's "
                                                "percentages (N = %s)."), m, n);
    tally_report_set_text(r, "moe_note", note);
    free(note);
}
