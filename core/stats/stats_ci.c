/* stats_ci.c: margins of error: Wilson intervals for proportions, t intervals for means, Kish effective bases. */
#include "ci.h"
#include "stats_int.h"
#include "util.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double tally_ci_z(double level)
{
    if (!(level > 0 && level < 100)) return NAN;
    return gsl_cdf_ugaussian_Pinv(0.5 + level / 200.0);
}

void tally_ci_wilson(double p, double n, double level, double *lo, double *hi)
{
    double z = tally_ci_z(level);
    if (!(n > 0) || p != p || z != z) {
        *lo = *hi = NAN;
        return;
    }
    double z2 = z * z, d = 1 + z2 / n;
    double center = (p + z2 / (2 * n)) / d;
    double half = z / d * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    *lo = fmax(0, center - half);
    *hi = fmin(1, center + half);
}

void tally_ci_mean_t(double mean, double sd, double n, double level, double *lo, double *hi)
{
    if (!(n > 1) || !(level > 0 && level < 100) || mean != mean || sd != sd) {
        *lo = *hi = NAN;
        return;
    }
    double t = gsl_cdf_tdist_Pinv(0.5 + level / 200.0, n - 1);
    double half = t * sd / sqrt(n);
    *lo = mean - half;
    *hi = mean + half;
}

void tally_ci_mean_sums(double mean, double ss, double sw, double neff, double level, double *lo, double *hi)
{
    double sd = neff > 1 && sw > 0 ? sqrt(ss / sw * neff / (neff - 1)) : NAN;
    tally_ci_mean_t(mean, sd, neff, level, lo, hi);
}

/* A row's weight: 1 unweighted; NaN when the weight leaves the case out (missing, 0, negative). */
static double row_weight(const tally_dataset *ds, const double *wts, size_t i)
{
    if (!wts) return 1;
    double w = wts[tally_row(ds, i)];
    return w > 0 ? w : NAN;
}

static int check_level(double level, char **err)
{
    if (level > 0 && level < 100) return 0;
    *err = xasprintf("confidence level must be a percentage between 0 and 100 (e.g. 95), not %g", level);
    return -1;
}

/* The weighted sums over the cases where x and the weight are valid: of weights, squared weights,
 * w x, and the weights of the cases where x is not 0 (a proportion's yes). */
typedef struct ci_sums {
    double sw, sw2, swx, yes, n;
} ci_sums;

static ci_sums weighted_sums(const tally_dataset *ds, const double *x, const double *wts)
{
    ci_sums t = {0, 0, 0, 0, 0};
    for (size_t i = 0; i < ds->nrows; i++) {
        double w = row_weight(ds, wts, i);
        if (x[i] != x[i] || w != w) continue;
        t.sw += w, t.sw2 += w * w, t.swx += w * x[i], t.n++;
        if (x[i] != 0) t.yes += w;
    }
    return t;
}

int tally_ci_proportion(const tally_dataset *ds, const double *x, const tally_stats_opts *o, double level,
                        tally_ci *out, char **err)
{
    if (check_level(level, err)) return -1;
    ci_sums t = weighted_sums(ds, x, stats_weights(ds, o));
    memset(out, 0, sizeof *out);
    out->n = t.n;
    out->neff = t.sw2 > 0 ? t.sw * t.sw / t.sw2 : 0;
    double p = t.sw > 0 ? t.yes / t.sw : NAN;
    tally_ci_wilson(p, out->neff, level, &out->lo, &out->hi);
    out->est = 100 * p, out->lo *= 100, out->hi *= 100;
    out->moe = fmax(out->hi - out->est, out->est - out->lo);
    return 0;
}

/* The weighted variance uses the effective base for Bessel's correction: sum w (x - m)^2 / sum w
 * * neff / (neff - 1), which is the sample variance when every weight is 1. */
int tally_ci_mean(const tally_dataset *ds, const double *x, const tally_stats_opts *o, double level, tally_ci *out,
                  char **err)
{
    if (check_level(level, err)) return -1;
    const double *wts = stats_weights(ds, o);
    ci_sums t = weighted_sums(ds, x, wts);
    double sw = t.sw;
    memset(out, 0, sizeof *out);
    out->n = t.n;
    out->neff = t.sw2 > 0 ? sw * sw / t.sw2 : 0;
    double m = sw > 0 ? t.swx / sw : NAN, ss = 0;
    for (size_t i = 0; i < ds->nrows && sw > 0; i++) {
        double w = row_weight(ds, wts, i);
        if (x[i] == x[i] && w == w) ss += w * (x[i] - m) * (x[i] - m);
    }
    out->est = m;
    tally_ci_mean_sums(m, ss, sw, out->neff, level, &out->lo, &out->hi);
    out->moe = (out->hi - out->lo) / 2;
    return 0;
}

/* The effective base of the valid cases of a column (missing as the frequencies kernel counts it). */
static double valid_effective_base(const tally_dataset *ds, int col, const double *wts)
{
    const tally_column *c = ds->cols[col];
    double sw = 0, sw2 = 0;
    for (size_t i = 0; i < ds->nrows; i++) {
        double w = row_weight(ds, wts, i);
        if (w != w) continue;
        size_t p = tally_row(ds, i);
        int valid;
        if (c->type == TALLY_STRING) {
            const char *s = tally_column_string(c, p);
            valid = (*s || c->blank_valid) && !tally_column_is_user_missing_string(c, s);
        } else {
            valid = stats_valid_number(c, tally_col_num(c, p));
        }
        if (valid) sw += w, sw2 += w * w;
    }
    return sw2 > 0 ? sw * sw / sw2 : 0;
}

void tally_ci_add_to_frequencies(tally_table *t, const tally_dataset *ds, int col, const tally_stats_opts *o,
                                 double level)
{
    const double *wts = stats_weights(ds, o);
    double neff = valid_effective_base(ds, col, wts);
    int vcol = tally_table_find_col(t, stats_tr(o, "Valid percent"));
    if (vcol < 0) return;
    char *l = xasprintf("%s (%g%%)", stats_tr(o, "CI low"), level), *h = xasprintf("%s (%g%%)", stats_tr(o, "CI high"), level);
    size_t lo = tally_table_add_col(t, l, TALLY_COL_PERCENT, 1), hi = tally_table_add_col(t, h, TALLY_COL_PERCENT, 1);
    free(l), free(h);
    for (size_t r = 0; r < t->nrows; r++) {
        if (t->rows[r].type != TALLY_ROW_CATEGORY) continue;
        double pct = t->rows[r].cells[vcol].num, a, b;
        tally_ci_wilson(pct / 100, neff, level, &a, &b);
        tally_table_set_number(t, r, lo, 100 * a);
        tally_table_set_number(t, r, hi, 100 * b);
    }
    char num[64];
    char *note = xasprintf("%s, %g%%; %s: %s.", stats_tr(o, "Confidence interval of the valid percent (Wilson)"),
                           level, stats_tr(o, wts ? "effective base (Kish)" : "base"),
                           tally_format_fixed(neff, wts ? 1 : 0, num, sizeof num));
    tally_table_add_note(t, note);
    free(note);
}

void tally_ci_add_to_descriptives(tally_table *t, const tally_dataset *ds, const int *cols, size_t ncols,
                                  const tally_stats_opts *o, double level)
{
    if (t->nrows != ncols) return; /* one row a variable, as the kernel makes it */
    int mcol = tally_table_find_col(t, stats_tr(o, "Mean"));
    int dec = mcol >= 0 ? t->cols[mcol].decimals : 2;
    char *l = xasprintf("%s (%g%%)", stats_tr(o, "CI low"), level), *h = xasprintf("%s (%g%%)", stats_tr(o, "CI high"), level);
    size_t lo = tally_table_add_col(t, l, TALLY_COL_MEAN, dec), hi = tally_table_add_col(t, h, TALLY_COL_MEAN, dec);
    free(l), free(h);
    double *x = xmalloc_rows((ds->nrows ? ds->nrows : 1) * sizeof *x);
    for (size_t r = 0; r < ncols; r++) {
        const tally_column *c = ds->cols[cols[r]];
        if (c->type != TALLY_NUMERIC || c->is_date) continue; /* a date's interval is not shown */
        for (size_t i = 0; i < ds->nrows; i++) {
            double v = tally_col_num(c, tally_row(ds, i));
            x[i] = stats_valid_number(c, v) ? v : NAN;
        }
        tally_ci ci;
        char *err = NULL;
        if (tally_ci_mean(ds, x, o, level, &ci, &err)) {
            free(err);
            continue;
        }
        tally_table_set_number(t, r, lo, ci.lo);
        tally_table_set_number(t, r, hi, ci.hi);
    }
    free_rows(x);
    char *note = xasprintf("%s, %g%%%s.", stats_tr(o, "Confidence interval of the mean (t)"), level,
                           stats_weights(ds, o) ? stats_tr(o, "; on the effective base (Kish) of the weighted cases") : "");
    tally_table_add_note(t, note);
    free(note);
}
