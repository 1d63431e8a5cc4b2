/* test_stats_parallel.c: the two-thread kernel paths (large inputs, in parts) against plain serial loops. */
#include "check.h"
#include "parallel.h"
#include "stats.h"
#include "stats_int.h"
#include "util.h"

#include <math.h>
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NROWS 150001 /* above TALLY_PAR_MIN_ROWS, and odd: parts end in a partial group of four */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static double uniform(void) { return (double)(next_rand() >> 11) / 9007199254740992.0; }

/* ---- the helper ------------------------------------------------------------------ */

static void mark_part(void *ctx, size_t part) { ((int *)ctx)[part]++; }

static void test_helper(void)
{
    int ok = 1;
    const size_t ns[] = {0, 1, 63, 64, 65535, 65536, 65537, 150001, 1000000};
    for (size_t t = 0; t < sizeof ns / sizeof *ns; t++) {
        size_t n = ns[t], parts = tally_par_parts(n), next = 0;
        if ((n < TALLY_PAR_MIN_ROWS) != (parts == 1)) ok = 0;
        for (size_t p = 0; p < parts; p++) {
            size_t b, e;
            tally_par_range(n, parts, p, &b, &e);
            if (b != next || e < b || (p + 1 < parts && e % 64)) ok = 0;
            next = e;
        }
        if (next != n) ok = 0;
    }
    CHECK(ok, "parallel: parts cover the rows in order, boundaries on multiples of 64, 1 part below the threshold");
    int seen[5] = {0};
    tally_par_run(2, mark_part, seen);
    CHECK(seen[0] == 1 && seen[1] == 1, "parallel: every part runs exactly once");
    tally_par_run(5, mark_part, seen);
    CHECK(seen[0] == 2 && seen[1] == 2 && seen[2] == 1 && seen[3] == 1 && seen[4] == 1,
          "parallel: more parts than threads all run once");
}

/* ---- a large survey ----------------------------------------------------------------- */

enum { Q, G, M1, M2, M3, M4, X, Y, W, NCOLS };

static tally_dataset *big_dataset(void)
{
    static const char *names[NCOLS] = {"q", "g", "m1", "m2", "m3", "m4", "x", "y", "w"};
    tally_dataset *ds = tally_dataset_new("big");
    for (int c = 0; c < NCOLS; c++) tally_dataset_add_column(ds, names[c], TALLY_NUMERIC);
    tally_dataset_resize(ds, NROWS);
    for (size_t i = 0; i < NROWS; i++) {
        double u = uniform();
        ds->cols[Q]->num[i] = u < 0.03 ? NAN : u < 0.06 ? 9 : (double)(1 + next_rand() % 5);
        ds->cols[G]->num[i] = (double)(1 + next_rand() % 4);
        for (int c = M1; c <= M4; c++) ds->cols[c]->num[i] = uniform() < 0.02 ? NAN : (double)(uniform() < 0.3);
        u = uniform();
        /* ties, zeros of both signs, a wide spread and a few missing values */
        ds->cols[X]->num[i] = u < 0.02 ? NAN : u < 0.05 ? 0.0 : u < 0.06 ? -0.0 : u < 0.3 ? 42.5
                            : floor(exp(6 + 3 * uniform()) * 100) / 100;
        ds->cols[Y]->num[i] = floor(uniform() * 1000) / 10 - 20; /* >= 70 is user-missing */
        u = uniform();
        ds->cols[W]->num[i] = u < 0.01 ? 0 : u < 0.02 ? -1 : u < 0.03 ? NAN : 0.2 + 1.8 * uniform();
    }
    for (int c = Q; c <= M4; c++) CHECK(tally_column_compact(ds->cols[c]), "big: column %d stored compactly", c);
    tally_column_add_missing(ds->cols[Q], 9);
    ds->cols[Y]->has_range = 1;
    ds->cols[Y]->range_lo = 70;
    ds->cols[Y]->range_hi = 1e9;
    tally_dataset_set_weight(ds, W);
    return ds;
}

static double weight_of(const tally_dataset *ds, size_t r, int weighted)
{
    return weighted ? ds->cols[W]->num[r] : 1.0;
}

static int near_rel(double got, double want, double tol)
{
    if (got != got || want != want) return got != got && want != want;
    return fabs(got - want) <= tol * (fabs(want) > 1 ? fabs(want) : 1);
}

static double cell(const tally_table *t, const char *row, const char *col)
{
    int r = tally_table_find_row(t, row), c = tally_table_find_col(t, col);
    return r < 0 || c < 0 ? NAN : t->rows[r].cells[c].num;
}

static void check_counts(const tally_dataset *ds, int weighted, const char *what)
{
    tally_stats_opts o;
    tally_stats_opts_init(&o);
    o.weighted = weighted;
    char *err = NULL, lab[32];
    /* frequencies of q */
    double fw[10] = {0}, sys = 0;
    for (size_t i = 0; i < ds->nrows; i++) {
        size_t r = tally_row(ds, i);
        double w = weight_of(ds, r, weighted), v = tally_col_num(ds->cols[Q], r);
        if (!(w > 0)) continue;
        if (v != v) sys += w;
        else fw[(int)v] += w;
    }
    tally_table *t = tally_stats_frequencies(ds, Q, &o, &err);
    int ok = t != NULL;
    for (int v = 1; v <= 9 && ok; v++) {
        if (v > 5 && v < 9) continue;
        snprintf(lab, sizeof lab, "%d", v);
        ok = near_rel(cell(t, lab, "Count"), fw[v], weighted ? 1e-12 : 0);
    }
    ok = ok && near_rel(cell(t, "System missing", "Count"), sys, weighted ? 1e-12 : 0);
    CHECK(ok, "%s: frequencies equal a serial count", what);
    tally_table_unref(t);

    /* crosstab q by g: cells of the cases valid on both */
    double xw[6][5] = {{0}}, grand = 0;
    for (size_t i = 0; i < ds->nrows; i++) {
        size_t r = tally_row(ds, i);
        double w = weight_of(ds, r, weighted), a = tally_col_num(ds->cols[Q], r);
        if (!(w > 0) || a != a || a == 9) continue;
        xw[(int)a][(int)tally_col_num(ds->cols[G], r)] += w;
        grand += w;
    }
    tally_xtab_opts xo;
    tally_xtab_opts_init(&xo);
    xo.base.weighted = weighted;
    xo.cells = TALLY_XTAB_COUNT;
    int g = G;
    tally_xtab_stats st;
    t = tally_stats_crosstab(ds, Q, &g, 1, &xo, &st, &err);
    ok = t != NULL && near_rel(st.n, grand, 1e-12);
    for (int a = 1; a <= 5 && ok; a++)
        for (int b = 1; b <= 4 && ok; b++) {
            char rl[8], cl[8];
            snprintf(rl, sizeof rl, "%d", a);
            snprintf(cl, sizeof cl, "%d", b);
            ok = near_rel(cell(t, rl, cl), xw[a][b], 1e-12);
        }
    CHECK(ok, "%s: crosstab cells and N equal a serial count", what);
    tally_table_unref(t);

    /* multiple response: m1..m4 counted 1 */
    int mcols[4] = {M1, M2, M3, M4};
    tally_mrset set = {"mset", NULL, TALLY_MRSET_DICHOTOMY, 1, mcols, 4};
    double iw[4] = {0}, in[4] = {0}, w_all = 0, w_ans = 0, n_ans = 0;
    for (size_t i = 0; i < ds->nrows; i++) {
        size_t r = tally_row(ds, i);
        double w = weight_of(ds, r, weighted);
        if (!(w > 0)) continue;
        int any = 0;
        for (int k = 0; k < 4; k++)
            if (tally_col_num(ds->cols[mcols[k]], r) == 1) {
                iw[k] += w;
                in[k] += 1;
                any = 1;
            }
        w_all += w;
        if (any) {
            w_ans += w;
            n_ans += 1;
        }
    }
    stats_mr_counts mc;
    ok = stats_mr_compute(ds, &set, weighted ? stats_weights(ds, &o) : NULL, NULL, &mc, &err) == 0;
    for (int k = 0; k < 4 && ok; k++) ok = near_rel(mc.w[k], iw[k], 1e-12) && mc.un[k] == in[k];
    ok = ok && near_rel(mc.w_all, w_all, 1e-12) && near_rel(mc.w_answering, w_ans, 1e-12) && mc.n_answering == n_ans;
    CHECK(ok, "%s: multiple-response counts equal a serial count", what);
    stats_mr_counts_free(&mc);

    /* likert: q on the scale 1..5, percent of valid answers */
    tally_likert_opts lo;
    tally_likert_opts_init(&lo);
    lo.base.weighted = weighted;
    int qc = Q;
    t = tally_stats_likert(ds, &qc, 1, &lo, &err);
    double valid = fw[1] + fw[2] + fw[3] + fw[4] + fw[5];
    ok = t != NULL;
    for (int v = 1; v <= 5 && ok; v++) ok = near_rel(t->rows[0].cells[v].num, 100 * fw[v] / valid, 1e-12);
    CHECK(ok, "%s: likert percents equal a serial count", what);
    tally_table_unref(t);
    t = tally_stats_likert(ds, &qc, 1, NULL, &err); /* the scale from the data: 1..5 (9 is user-missing) */
    ok = t != NULL && tally_table_find_col(t, "5") == 5 && tally_table_find_col(t, "9") < 0;
    CHECK(ok, "%s: likert scale found in the data", what);
    tally_table_unref(t);
}

static void check_desc(const tally_dataset *ds, int col, int weighted, const char *where)
{
    char what[96];
    snprintf(what, sizeof what, "%s, %s", where, ds->cols[col]->name);
    size_t n = 0;
    double *v = xmalloc(ds->nrows * sizeof *v), *w = xmalloc(ds->nrows * sizeof *w), W = 0, sum = 0, ss = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < ds->nrows; i++) {
        size_t r = tally_row(ds, i);
        double x = tally_col_num(ds->cols[col], r), y = weight_of(ds, r, weighted);
        if (!(y > 0) || !stats_valid_number(ds->cols[col], x)) continue;
        v[n] = x;
        w[n++] = y;
        W += y;
        sum += x * y;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    double mean = sum / W;
    for (size_t i = 0; i < n; i++) ss += w[i] * (v[i] - mean) * (v[i] - mean);
    tally_stats_opts o;
    tally_stats_opts_init(&o);
    o.weighted = weighted;
    char *err = NULL;
    tally_table *t = tally_stats_descriptives(ds, &col, 1, &o, &err);
    const tally_cell *c = t->rows[0].cells;
    CHECK(near_rel(c[1].num, W, 1e-12) && near_rel(c[2].num, mean, 1e-12) &&
              near_rel(c[3].num, sqrt(ss / (W - 1)), 1e-10),
          "%s: N, mean and sd equal a serial two-pass computation", what);
    CHECK(c[4].num == lo && c[5].num == hi, "%s: minimum and maximum", what);
    int ok = 1;
    const double ps[3] = {0.5, 0.25, 0.75};
    for (int k = 0; k < 3; k++) { /* the full sort's HAVERAGE */
        double want = tally_stats_percentile(v, weighted ? w : NULL, n, ps[k]);
        if (!near_rel(c[6 + k].num, want, 1e-9)) {
            ok = 0;
            printf("#   p = %g: got %.17g want %.17g\n", ps[k], c[6 + k].num, want);
        }
    }
    CHECK(ok, "%s: median and quartiles equal those of a full sort", what);
    tally_table *t2 = tally_stats_descriptives(ds, &col, 1, &o, &err);
    int same = 1;
    for (int k = 1; k <= 8; k++) same = same && memcmp(&t2->rows[0].cells[k].num, &c[k].num, sizeof(double)) == 0;
    CHECK(same, "%s: a second run gives the same bits", what);
    tally_table_unref(t2);
    tally_table_unref(t);
    free(v);
    free(w);
}

/* The AVX2 kernels against the portable loops: the same sums bit for bit (all rows: the
 * case they run for; five items, parts ending mid-step). */
static void check_mr_kernels(const tally_dataset *ds)
{
    int mcols[5] = {M1, M2, Q, M3, M4};
    tally_mrset set = {"mset", NULL, TALLY_MRSET_DICHOTOMY, 1, mcols, 5};
    tally_stats_opts o;
    tally_stats_opts_init(&o);
    o.weighted = 1;
    stats_mr_counts fast, port;
    char *err = NULL;
    stats_portable(0);
    int ok = stats_mr_compute(ds, &set, stats_weights(ds, &o), NULL, &fast, &err) == 0;
    stats_portable(1);
    ok = ok && stats_mr_compute(ds, &set, stats_weights(ds, &o), NULL, &port, &err) == 0;
    stats_portable(0);
    ok = ok && fast.n == 5 && memcmp(fast.w, port.w, 5 * sizeof *fast.w) == 0 &&
         memcmp(fast.un, port.un, 5 * sizeof *fast.un) == 0 && fast.responses == port.responses &&
         fast.w_answering == port.w_answering && fast.n_answering == port.n_answering && fast.w_all == port.w_all &&
         fast.n_all == port.n_all && memcmp(&fast.w_all, &port.w_all, sizeof fast.w_all) == 0 &&
         memcmp(&fast.w_answering, &port.w_answering, sizeof fast.w_answering) == 0;
    CHECK(ok, "multiple response: the AVX2 kernel (where the CPU has it) and the portable loops give the same bits");
    double sum = 0;
    for (int k = 0; k < 5 && ok; k++) sum += fast.w[k];
    CHECK(ok && sum > 0 && fast.un[2] > 0, "multiple response: the five items are counted (%.1f)", sum);
    stats_mr_counts_free(&fast);
    stats_mr_counts_free(&port);

    /* descriptives of a large column: x has ties, NaN and zeros of both signs; weights of 0, -1 and NaN */
    for (int weighted = 0; weighted < 2; weighted++) {
        stats_desc_result df, dp;
        const double *wts = weighted ? stats_weights(ds, &o) : NULL;
        stats_portable(0);
        stats_describe_large(ds, ds->cols[X], wts, &df);
        stats_portable(1);
        stats_describe_large(ds, ds->cols[X], wts, &dp);
        stats_portable(0);
        CHECK(memcmp(&df, &dp, sizeof df) == 0 && df.cases > 0 && df.min < df.max,
              "descriptives (%s): the AVX2 pass and the portable loops give the same bits", weighted ? "weighted" : "unweighted");
    }
}

/* The case totals (all cases, answering cases) of a weighted set, AVX2 against the portable
 * loops, with the weights of one bank of four a million times larger: a row added to
 * another bank, or the banks added in another order, changes the sums' last bits. */
static void check_mr_banks(tally_dataset *ds)
{
    int mcols[3] = {M1, M2, M3};
    tally_mrset set = {"banks", NULL, TALLY_MRSET_DICHOTOMY, 1, mcols, 3};
    double *w = ds->cols[W]->num;
    for (size_t i = 1; i < NROWS; i += 4) w[i] *= 1e6;
    stats_mr_counts fast, port;
    char *err = NULL;
    stats_portable(0);
    int ok = stats_mr_compute(ds, &set, w, NULL, &fast, &err) == 0;
    stats_portable(1);
    ok = ok && stats_mr_compute(ds, &set, w, NULL, &port, &err) == 0;
    stats_portable(0);
    ok = ok && memcmp(&fast.w_all, &port.w_all, sizeof fast.w_all) == 0 &&
         memcmp(&fast.w_answering, &port.w_answering, sizeof fast.w_answering) == 0 && fast.n_all == port.n_all &&
         fast.n_answering == port.n_answering && fast.w_answering > 1e9 && fast.n_answering < fast.n_all;
    CHECK(ok, "multiple response: the case totals of the AVX2 kernel and the portable loops are the same bits "
              "(one bank's weights a million times larger)");
    stats_mr_counts_free(&fast);
    stats_mr_counts_free(&port);
    for (size_t i = 1; i < NROWS; i += 4) w[i] /= 1e6;
}

/* ---- the sort of the descriptives ------------------------------------------------- */

static int by_value_then_place(const void *x, const void *y)
{
    const stats_vw *a = x, *b = y;
    /* the order stats_sort_vw promises: -inf < ... < -0 < +0 < ... < +inf, equal values
     * in their first order (w holds each value's first place) */
    int sa = signbit(a->v) != 0, sb = signbit(b->v) != 0;
    if (a->v < b->v || (a->v == b->v && sa > sb)) return -1;
    if (a->v > b->v || (a->v == b->v && sa < sb)) return 1;
    return (a->w > b->w) - (a->w < b->w);
}

/* stats_sort_vw's merge sort (below 4096 values) and radix sort: by value, stable (ties
 * keep their order), both zeros (-0 first), infinities, negatives, values that share
 * their low bits and values that differ there only; against qsort by (value, first place). */
static void check_sort(void)
{
    const size_t sizes[] = {0, 1, 2, 7, 8, 9, 17, 100, 1000, 4095, 4096, 5001, 300001};
    int ok = 1;
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        size_t n = sizes[t];
        stats_vw *a = xmalloc(n * sizeof *a), *want = xmalloc(n * sizeof *want);
        for (size_t i = 0; i < n; i++) {
            uint64_t r = next_rand() % 100;
            double v = r < 30 ? (double)(next_rand() % 50) - 25              /* many ties */
                       : r < 35 ? (r & 1 ? -0.0 : 0.0)                        /* both zeros */
                       : r < 37 ? (r & 1 ? -INFINITY : INFINITY)
                       : r < 60 ? 1.0 + (double)(next_rand() % 1000) * DBL_EPSILON /* low bits only */
                                : (uniform() - 0.5) * 1e6;
            a[i] = want[i] = (stats_vw){v, (double)i};
        }
        qsort(want, n, sizeof *want, by_value_then_place);
        stats_sort_vw(a, n);
        for (size_t i = 0; i < n && ok; i++)
            ok = memcmp(&a[i].v, &want[i].v, sizeof a[i].v) == 0 && a[i].w == want[i].w;
        free(a);
        free(want);
    }
    CHECK(ok, "sort: the merge and the radix sort by value, stable, -0 before +0, as qsort by value and place");
}

int main(void)
{
    test_helper();
    tally_dataset *ds = big_dataset();
    size_t *rows = xmalloc(NROWS * sizeof *rows), nv = 0;
    for (size_t i = 0; i < NROWS; i++)
        if (i % 3 != 1) rows[nv++] = i;
    check_mr_kernels(ds);
    check_sort();
    check_mr_banks(ds);
    tally_dataset *view = tally_dataset_view(ds, "view", rows, nv);
    CHECK(nv >= TALLY_PAR_MIN_ROWS, "view: large enough to run in parts");
    const char *names[2][2] = {{"all rows, unweighted", "all rows, weighted"},
                               {"view, unweighted", "view, weighted"}};
    for (int s = 0; s < 2; s++)
        for (int wt = 0; wt < 2; wt++) {
            const tally_dataset *d = s ? view : ds;
            check_counts(d, wt, names[s][wt]);
            check_desc(d, X, wt, names[s][wt]);
            check_desc(d, Y, wt, names[s][wt]);
        }
    tally_dataset_free(view);
    tally_dataset_free(ds);
    free(rows);
    CHECK_DONE();
}
