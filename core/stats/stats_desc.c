/* stats_desc.c: descriptives (N, mean, standard deviation, min, max) and HAVERAGE percentiles. */
#include "stats_int.h"
#include "parallel.h"
#include "util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef stats_vw vw;

/* HAVERAGE on distinct values with cumulative weights cc: the position is
 * tc = (W + 1) p; y1 is the last value with cc <= tc, y2 the next one with
 * weight c2; g = tc - cc(y1) and the result is (1 - g) y1 + g y2, where g is
 * divided by c2 when c2 < 1 (fractional weights), as PSPP does. Positions
 * before the first value give the minimum, positions after the last the maximum.
 * The walk starts after values summing to cc, the last of them `lower` (NaN: none). */
double stats_percentile_walk(const vw *a, size_t n, double tc, double cc, double lower)
{
    double cc_lower = cc;
    for (size_t i = 0; i < n;) {
        double y = a[i].v, c = 0;
        while (i < n && a[i].v == y) c += a[i++].w;
        if (cc + c <= tc) {
            cc += c;
            lower = y;
            cc_lower = cc;
            continue;
        }
        if (lower != lower) return y; /* before the first value */
        double g = tc - cc_lower;
        if (g >= 1) return y;
        if (c < 1) g /= c;
        return (1 - g) * lower + g * y;
    }
    return lower; /* at or after the last value */
}

double stats_percentile_sorted(const stats_vw *a, size_t n, double p)
{
    double W = 0;
    for (size_t i = 0; i < n; i++) W += a[i].w;
    return stats_percentile_walk(a, n, (W + 1) * p, 0, NAN);
}

/* Below 4096 values: a stable merge sort by stats_order_key, runs of 8 by insertion first, so
 * that both sizes give the one order (qsort promises no order for equal values, and
 * by value alone -0 and +0 are equal). */
static void sort_vw_small(vw *a, size_t n)
{
    for (size_t s = 0; s < n; s += 8) { /* runs of 8, each by insertion */
        size_t e = s + 8 < n ? s + 8 : n;
        for (size_t i = s + 1; i < e; i++) {
            vw x = a[i];
            uint64_t k = stats_order_key(x.v);
            size_t j = i;
            for (; j > s && stats_order_key(a[j - 1].v) > k; j--) a[j] = a[j - 1];
            a[j] = x;
        }
    }
    if (n <= 8) return;
    vw *tmp = xmalloc(n * sizeof *tmp), *src = a, *dst = tmp;
    for (size_t width = 8; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) dst[k++] = stats_order_key(src[j].v) < stats_order_key(src[i].v) ? src[j++] : src[i++];
            while (i < mid) dst[k++] = src[i++];
            while (j < hi) dst[k++] = src[j++];
        }
        vw *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, n * sizeof *a);
    free(tmp);
}

/* From 4096 values: an LSD radix sort on stats_order_key, 16 bits a pass (qsort's comparisons
 * dominated large descriptives). */
void stats_sort_vw(vw *a, size_t n)
{
    if (n < 4096) {
        sort_vw_small(a, n);
        return;
    }
    vw *tmp = xmalloc(n * sizeof *tmp);
    size_t *count = xmalloc(65536 * sizeof *count);
    vw *src = a, *dst = tmp;
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++) count[(stats_order_key(src[i].v) >> shift) & 0xFFFF]++;
        if (count[(stats_order_key(src[0].v) >> shift) & 0xFFFF] == n) continue; /* all the same digit */
        size_t sum = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) dst[count[(stats_order_key(src[i].v) >> shift) & 0xFFFF]++] = src[i];
        vw *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, n * sizeof *a);
    free(count);
    free(tmp);
}

double tally_stats_percentile(double *v, double *w, size_t n, double p)
{
    if (n == 0) return NAN;
    vw *a = xmalloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++) a[i] = (vw){v[i], w ? w[i] : 1.0};
    stats_sort_vw(a, n);
    double r = stats_percentile_sorted(a, n, p);
    for (size_t i = 0; i < n; i++) {
        v[i] = a[i].v;
        if (w) w[i] = a[i].w;
    }
    free(a);
    return r;
}

enum { D_N = 1, D_MEAN, D_SD, D_MIN, D_MAX, D_MEDIAN, D_Q1, D_Q3, D_UNW };

typedef stats_desc_result desc_result;

/* One variable's statistics. Compact columns come from the per-code histogram
 * (levels are already in order); columns of doubles are sorted, or, when large,
 * described without a sort (stats_quantile.c). */
static void describe_column(const tally_dataset *ds, const tally_column *c, const double *wts, desc_result *d)
{
    if (!c->codes && tally_par_parts(ds->nrows) > 1) {
        stats_describe_large(ds, c, wts, d);
        return;
    }
    size_t n = 0, cases = 0;
    double W = 0, sum = 0;
    vw *a;
    if (c->codes) {
        /* one (level, summed weight) pair a level; per-code sums run in row order */
        stats_code_hist *h = xmalloc(sizeof *h);
        stats_hist_codes(ds, c, wts, 0, h);
        a = xmalloc_rows((c->nlevels ? c->nlevels : 1) * sizeof *a);
        for (unsigned l = 0; l < c->nlevels; l++) {
            if (!h->n[l] || !stats_valid_number(c, c->levels[l])) continue;
            a[n++] = (vw){c->levels[l], h->w[l]};
            W += h->w[l];
            sum += h->w[l] * c->levels[l];
            cases += (size_t)h->n[l];
        }
        free(h);
    } else {
        a = xmalloc_rows((ds->nrows ? ds->nrows : 1) * sizeof *a);
        for (size_t i = 0; i < ds->nrows; i++) {
            size_t r = tally_row(ds, i);
            double w = stats_w(wts, r), v = c->num[r];
            if (!(w > 0) || !stats_valid_number(c, v)) continue;
            a[n++] = (vw){v, w};
            W += w;
            sum += w * v;
        }
        cases = n;
        stats_sort_vw(a, n);
    }
    double mean = W > 0 ? sum / W : NAN, ss = 0;
    for (size_t i = 0; i < n; i++) ss += a[i].w * (a[i].v - mean) * (a[i].v - mean);
    d->W = W;
    d->mean = mean;
    d->sd = W > 1 ? sqrt(ss / (W - 1)) : NAN;
    d->min = n ? a[0].v : NAN;
    d->max = n ? a[n - 1].v : NAN;
    d->median = n ? stats_percentile_sorted(a, n, 0.5) : NAN;
    d->q1 = n ? stats_percentile_sorted(a, n, 0.25) : NAN;
    d->q3 = n ? stats_percentile_sorted(a, n, 0.75) : NAN;
    d->cases = cases;
    free_rows(a);
}

tally_table *tally_stats_descriptives(const tally_dataset *ds, const int *cols, size_t ncols,
                                      const tally_stats_opts *o, char **err)
{
    if (ncols == 0) {
        *err = xasprintf("descriptives: no variables given");
        return NULL;
    }
    for (size_t k = 0; k < ncols; k++) {
        if (cols[k] < 0 || (size_t)cols[k] >= ds->ncols) {
            *err = xasprintf("descriptives: variable %zu is not in the dataset", k + 1);
            return NULL;
        }
        if (ds->cols[cols[k]]->type != TALLY_NUMERIC) {
            *err = xasprintf("descriptives: variable '%s' is a string; descriptives need numbers",
                             ds->cols[cols[k]]->name);
            return NULL;
        }
    }
    const double *wts = stats_weights(ds, o);
    char *id = stats_make_id("desc", ds->cols[cols[0]]->name);
    tally_table *t = tally_table_new(id, NULL);
    free(id);
    stats_set_meta(t, o, t->id, stats_tr(o, "Descriptive statistics"), NULL);
    tally_table_add_col(t, "", TALLY_COL_LABEL, 0);
    tally_table_add_col(t, "N", TALLY_COL_COUNT, wts ? o->count_decimals : 0);
    tally_table_add_col(t, stats_tr(o, "Mean"), TALLY_COL_MEAN, 2);
    tally_table_add_col(t, stats_tr(o, "Std. deviation"), TALLY_COL_NUMBER, 2);
    tally_table_add_col(t, stats_tr(o, "Minimum"), TALLY_COL_NUMBER, 2);
    tally_table_add_col(t, stats_tr(o, "Maximum"), TALLY_COL_NUMBER, 2);
    tally_table_add_col(t, stats_tr(o, "Median"), TALLY_COL_NUMBER, 2);
    tally_table_add_col(t, stats_tr(o, "25th percentile"), TALLY_COL_NUMBER, 2);
    tally_table_add_col(t, stats_tr(o, "75th percentile"), TALLY_COL_NUMBER, 2);
    if (wts) tally_table_add_col(t, stats_tr(o, "Unweighted N"), TALLY_COL_COUNT, 0);

    /* one variable after the other: each runs on both cores over large inputs */
    desc_result *res = xcalloc(ncols, sizeof *res);
    for (size_t k = 0; k < ncols; k++) describe_column(ds, ds->cols[cols[k]], wts, &res[k]);
    int sd_in_days = 0;
    for (size_t k = 0; k < ncols; k++) {
        const tally_column *c = ds->cols[cols[k]];
        const desc_result *d = &res[k];
        size_t r = tally_table_add_row(t, TALLY_ROW_STAT);
        tally_table_set_text(t, r, 0, c->label && *c->label ? c->label : c->name);
        tally_table_set_number(t, r, D_N, d->W);
        /* dates: location statistics are dates; the spread of dates is given in days */
        int dk = c->is_date;
        tally_table_set_date(t, r, D_MEAN, d->mean, dk);
        if (dk == TALLY_DATE_TIME) tally_table_set_date(t, r, D_SD, d->sd, dk);
        else tally_table_set_number(t, r, D_SD, dk == TALLY_DATE_DATETIME ? d->sd / 86400.0 : d->sd);
        if (dk == TALLY_DATE_DAYS || dk == TALLY_DATE_DATETIME) sd_in_days = 1;
        tally_table_set_date(t, r, D_MIN, d->min, dk);
        tally_table_set_date(t, r, D_MAX, d->max, dk);
        tally_table_set_date(t, r, D_MEDIAN, d->median, dk);
        tally_table_set_date(t, r, D_Q1, d->q1, dk);
        tally_table_set_date(t, r, D_Q3, d->q3, dk);
        if (wts) tally_table_set_number(t, r, D_UNW, (double)d->cases);
    }
    /* the base the rows use: each variable's valid cases, from the fewest to the most */
    double wlo = INFINITY, whi = 0, nlo = INFINITY, nhi = 0;
    for (size_t k = 0; k < ncols; k++) {
        wlo = fmin(wlo, res[k].W), whi = fmax(whi, res[k].W);
        nlo = fmin(nlo, (double)res[k].cases), nhi = fmax(nhi, (double)res[k].cases);
    }
    free(res);
    stats_set_base_range(t, o, wts != NULL, wlo, whi, nlo, nhi, NULL);
    tally_table_add_note(t, stats_tr(o, "Standard deviation with n - 1 (weighted: sum of weights - 1). "
                                        "Percentiles: weighted average at (N + 1)p (HAVERAGE, as SPSS and PSPP EXAMINE)."));
    if (sd_in_days) tally_table_add_note(t, stats_tr(o, "The standard deviation of a date is given in days."));
    if (o && o->chart != TALLY_CHART_NONE) {
        size_t series = D_MEAN;
        tally_table_set_chart(t, o->chart, NULL, &series, 1);
    }
    return t;
}
