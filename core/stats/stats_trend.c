/* stats_trend.c: one question wave by wave, and each wave's change from the one before with its test. */
#include "ci.h"
#include "stats_int.h"
#include "util.h"
#include "waves.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One wave's sums: per category (percent mode) or of x and x^2 (mean mode). */
typedef struct wsum {
    double code;
    double *cat;    /* weighted count per category */
    double sw, sw2, swx, n, mean, sd;
} wsum;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The distinct valid values of column c over ds's rows, ascending (caller frees). */
static double *distinct_values(const tally_dataset *ds, const tally_column *c, size_t *n)
{
    double *v = xmalloc((ds->nrows ? ds->nrows : 1) * sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < ds->nrows; i++) {
        double x = tally_col_num(c, tally_row(ds, i));
        if (stats_valid_number(c, x)) v[k++] = x;
    }
    qsort(v, k, sizeof *v, cmp_double);
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        if (!m || v[m - 1] != v[i]) v[m++] = v[i];
    *n = m;
    return v;
}

static size_t find_value(const double *v, size_t n, double x)
{
    const double *p = bsearch(&x, v, n, sizeof *v, cmp_double);
    return p ? (size_t)(p - v) : n;
}

static const char *value_text(const tally_column *c, double v, char *buf, size_t n)
{
    const char *l = tally_column_value_label(c, v);
    if (l) return l;
    snprintf(buf, n, "%g", v);
    return buf;
}

static void accumulate(const tally_dataset *ds, const tally_column *c, const tally_column *wc, const double *wts,
                       int means, const double *cats, size_t ncat, wsum *ws, const double *waves, size_t nw)
{
    for (size_t i = 0; i < ds->nrows; i++) {
        size_t p = tally_row(ds, i);
        double w = wts ? wts[p] : 1, x = tally_col_num(c, p), wv = tally_col_num(wc, p);
        if (!(w > 0) || !stats_valid_number(c, x) || !stats_valid_number(wc, wv)) continue;
        size_t k = find_value(waves, nw, wv);
        if (k == nw) continue;
        wsum *s = &ws[k];
        s->sw += w, s->sw2 += w * w, s->swx += w * x, s->n++;
        if (!means) s->cat[find_value(cats, ncat, x)] += w;
    }
    for (size_t k = 0; k < nw; k++) {
        wsum *s = &ws[k];
        s->mean = s->sw > 0 ? s->swx / s->sw : NAN;
    }
    for (size_t i = 0; means && i < ds->nrows; i++) { /* second pass: the spread around each wave's mean */
        size_t p = tally_row(ds, i);
        double w = wts ? wts[p] : 1, x = tally_col_num(c, p), wv = tally_col_num(wc, p);
        if (!(w > 0) || !stats_valid_number(c, x) || !stats_valid_number(wc, wv)) continue;
        wsum *s = &ws[find_value(waves, nw, wv)];
        s->sd += w * (x - s->mean) * (x - s->mean); /* sum of squares for now */
    }
    for (size_t k = 0; means && k < nw; k++) {
        wsum *s = &ws[k];
        double neff = s->sw2 > 0 ? s->sw * s->sw / s->sw2 : 0;
        s->sd = neff > 1 ? sqrt(s->sd / s->sw * neff / (neff - 1)) : NAN;
    }
}

static double neff_of(const wsum *s) { return s->sw2 > 0 ? s->sw * s->sw / s->sw2 : 0; }

/* Two proportions on effective bases: z with the pooled proportion; *p two-sided. */
static double z_test(double p1, double n1, double p2, double n2, double *p)
{
    double pool = (p1 * n1 + p2 * n2) / (n1 + n2);
    double se = sqrt(pool * (1 - pool) * (1 / n1 + 1 / n2));
    double z = se > 0 ? (p2 - p1) / se : NAN;
    *p = z == z ? tally_stats_normal_p2(z) : NAN;
    return z;
}

/* Welch's t for two means on effective bases; *df Welch-Satterthwaite, *p two-sided. */
static double t_test(const wsum *a, const wsum *b, double *df, double *p)
{
    double na = neff_of(a), nb = neff_of(b);
    double va = a->sd * a->sd / na, vb = b->sd * b->sd / nb;
    double se = sqrt(va + vb);
    *df = (va + vb) * (va + vb) / (va * va / (na - 1) + vb * vb / (nb - 1));
    double t = se > 0 ? (b->mean - a->mean) / se : NAN;
    *p = t == t && *df > 0 ? 2 * gsl_cdf_tdist_Q(fabs(t), *df) : NAN;
    return t;
}

static tally_table *figures_table(const tally_dataset *ds, const tally_column *c, const tally_column *wc,
                                  const tally_trend_opts *o, int weighted, const double *cats, size_t ncat,
                                  const wsum *ws, const double *waves, size_t nw)
{
    const tally_stats_opts *so = &o->base;
    char *id = so->id ? xstrdup(so->id) : stats_make_id("trend", c->name);
    tally_table *t = tally_table_new(id, NULL);
    free(id);
    stats_set_meta(t, so, t->id, c->name, c->label);
    tally_table_add_col(t, stats_tr(so, "Wave"), TALLY_COL_LABEL, 0);
    char buf[512];
    if (o->means) {
        tally_table_add_col(t, stats_tr(so, "Mean"), TALLY_COL_MEAN, 2);
        tally_table_add_col(t, stats_tr(so, "Std. deviation"), TALLY_COL_NUMBER, 2);
    } else {
        for (size_t k = 0; k < ncat; k++) tally_table_add_col(t, value_text(c, cats[k], buf, sizeof buf), TALLY_COL_PERCENT, 1);
    }
    size_t ncol = tally_table_add_col(t, "N", TALLY_COL_COUNT, 0);
    if (weighted) tally_table_add_col(t, stats_tr(so, "Effective base"), TALLY_COL_NUMBER, 1);
    for (size_t w = 0; w < nw; w++) {
        size_t r = tally_table_add_row(t, TALLY_ROW_CATEGORY);
        tally_table_set_text(t, r, 0, value_text(wc, waves[w], buf, sizeof buf));
        if (o->means) {
            tally_table_set_number(t, r, 1, ws[w].mean);
            tally_table_set_number(t, r, 2, ws[w].sd);
        } else {
            for (size_t k = 0; k < ncat; k++) tally_table_set_number(t, r, 1 + k, ws[w].sw > 0 ? 100 * ws[w].cat[k] / ws[w].sw : NAN);
        }
        tally_table_set_number(t, r, ncol, ws[w].n);
        if (weighted) tally_table_set_number(t, r, ncol + 1, neff_of(&ws[w]));
    }
    size_t nseries = o->means ? 1 : ncat;
    size_t *series = xmalloc(nseries * sizeof *series);
    for (size_t k = 0; k < nseries; k++) series[k] = 1 + k;
    tally_table_set_chart(t, TALLY_CHART_LINE, NULL, series, nseries);
    free(series);
    (void)ds;
    return t;
}

static tally_table *change_table(const tally_column *c, const tally_column *wc, const tally_trend_opts *o,
                                 int weighted, const double *cats, size_t ncat, const wsum *ws, const double *waves,
                                 size_t nw)
{
    const tally_stats_opts *so = &o->base;
    char *base = so->id ? xstrdup(so->id) : stats_make_id("trend", c->name);
    char *id = xasprintf("%s_change", base);
    free(base);
    char *title = xasprintf("%s: %s", stats_tr(so, "Change between waves"), c->label ? c->label : c->name);
    tally_table *t = tally_table_new(id, title);
    free(id), free(title);
    tally_table_add_col(t, "", TALLY_COL_LABEL, 0);
    char buf[512], a[256], b[256];
    size_t groups = o->means ? 1 : ncat;
    for (size_t k = 0; k < groups; k++) {
        const char *g = o->means ? stats_tr(so, "Mean") : value_text(c, cats[k], buf, sizeof buf);
        size_t c0 = tally_table_add_col(t, stats_tr(so, o->means ? "Change" : "Change (points)"), TALLY_COL_NUMBER, o->means ? 2 : 1);
        size_t c1 = tally_table_add_col(t, o->means ? "t" : "z", TALLY_COL_NUMBER, 2);
        size_t c2 = o->means ? tally_table_add_col(t, "df", TALLY_COL_NUMBER, 1) : 0;
        size_t c3 = tally_table_add_col(t, "p", TALLY_COL_NUMBER, 3);
        tally_table_set_col_group(t, c0, g), tally_table_set_col_group(t, c1, g), tally_table_set_col_group(t, c3, g);
        if (o->means) tally_table_set_col_group(t, c2, g);
    }
    for (size_t w = 1; w < nw; w++) {
        size_t r = tally_table_add_row(t, TALLY_ROW_CATEGORY);
        char *label = xasprintf("%s %s %s", value_text(wc, waves[w], a, sizeof a), stats_tr(so, "vs"),
                                value_text(wc, waves[w - 1], b, sizeof b));
        tally_table_set_text(t, r, 0, label);
        free(label);
        const wsum *x = &ws[w - 1], *y = &ws[w];
        if (o->means) {
            double df, p, tv = t_test(x, y, &df, &p);
            tally_table_set_number(t, r, 1, y->mean - x->mean);
            tally_table_set_number(t, r, 2, tv);
            tally_table_set_number(t, r, 3, df);
            tally_table_set_number(t, r, 4, p);
            continue;
        }
        for (size_t k = 0; k < ncat; k++) {
            double p1 = x->sw > 0 ? x->cat[k] / x->sw : NAN, p2 = y->sw > 0 ? y->cat[k] / y->sw : NAN, p;
            double z = z_test(p1, neff_of(x), p2, neff_of(y), &p);
            tally_table_set_number(t, r, 1 + 3 * k, 100 * (p2 - p1));
            tally_table_set_number(t, r, 2 + 3 * k, z);
            tally_table_set_number(t, r, 3 + 3 * k, p);
        }
    }
    const char *how = o->means ? "Welch t test of two means; p two-sided"
                               : "z test of two proportions (pooled); p two-sided";
    char *n = xasprintf("%s%s.", stats_tr(so, how), weighted ? stats_tr(so, "; on effective bases (Kish)") : "");
    tally_table_add_note(t, n);
    free(n);
    return t;
}

tally_table *tally_stats_trend(const tally_dataset *ds, int col, int wavecol, const tally_trend_opts *o,
                               tally_table **change, char **err)
{
    const tally_column *c = ds->cols[col], *wc = ds->cols[wavecol];
    if (c->type != TALLY_NUMERIC || wc->type != TALLY_NUMERIC) {
        *err = xasprintf("trend: '%s' is text; the question and the wave variable must be numeric codes",
                         c->type != TALLY_NUMERIC ? c->name : wc->name);
        return NULL;
    }
    size_t nw, ncat = 0;
    double *waves = distinct_values(ds, wc, &nw);
    double *cats = o->means ? NULL : distinct_values(ds, c, &ncat);
    if (nw < 2) {
        *err = xasprintf("trend: the wave variable '%s' has %zu wave%s with answers; a trend needs two or more",
                         wc->name, nw, nw == 1 ? "" : "s");
        free(waves), free(cats);
        return NULL;
    }
    wsum *ws = xcalloc(nw, sizeof *ws);
    for (size_t w = 0; w < nw; w++) ws[w].cat = xcalloc(ncat ? ncat : 1, sizeof *ws[w].cat);
    const double *wts = stats_weights(ds, &o->base);
    accumulate(ds, c, wc, wts, o->means, cats, ncat, ws, waves, nw);
    tally_table *t = figures_table(ds, c, wc, o, wts != NULL, cats, ncat, ws, waves, nw);
    *change = change_table(c, wc, o, wts != NULL, cats, ncat, ws, waves, nw);
    for (size_t w = 0; w < nw; w++) free(ws[w].cat);
    free(ws), free(waves), free(cats);
    return t;
}
