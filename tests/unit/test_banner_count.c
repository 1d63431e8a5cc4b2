/* test_banner_count.c: the banner's joint-histogram counting against a row-by-row count written here (singles, sets, scales; nested and set columns; weighted), and its confidence intervals against hand computations. */
#include "check.h"
#include "banner.h"
#include "stats.h"
#include "util.h"

#include <stdlib.h>

#define N 3000
/* Columns: Total, g 1..4, h 1..3, g > h 4 x 3 (20), and with set columns the set's 6 items (26). */

static unsigned long long seed = 12345;
static double unif(void)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(seed >> 11) / 9007199254740992.0;
}

static int add_num(tally_dataset *ds, const char *name, const double *vals, int compact)
{
    int c = tally_dataset_add_column(ds, name, TALLY_NUMERIC);
    if (ds->phys_len < N) tally_dataset_resize(ds, N);
    for (size_t i = 0; i < N; i++) ds->cols[c]->num[i] = vals[i];
    if (compact) CHECK(tally_column_compact(ds->cols[c]) == 1, "fixture: column stored compactly");
    return c;
}

typedef struct fixture {
    double g[N], h[N], q[N], m[6][N], x[N], w[N];
} fixture;

/* Is row i in banner column c (in the order the specs below make them)? */
static int member(const fixture *d, size_t i, size_t c)
{
    if (c == 0) return 1;
    if (c <= 4) return d->g[i] == (double)c;
    if (c <= 7) return d->h[i] == (double)(c - 4);
    if (c <= 19) return d->g[i] == (double)((c - 8) / 3 + 1) && d->h[i] == (double)((c - 8) % 3 + 1);
    return d->m[c - 20][i] == 1;
}

static void fill(fixture *d)
{
    for (size_t i = 0; i < N; i++) {
        d->g[i] = unif() < 0.05 ? NAN : (double)(1 + (int)(unif() * 4));
        d->h[i] = (double)(1 + (int)(unif() * 3));
        d->q[i] = unif() < 0.1 ? NAN : (double)(1 + (int)(unif() * 5));
        for (int k = 0; k < 6; k++) d->m[k][i] = unif() < 0.15 * (k + 1) ? 1 : 0;
        d->x[i] = unif() < 0.08 ? NAN : (double)(int)(unif() * 40) / 2; /* halves: ties for the median */
        d->w[i] = i % 97 == 0 ? 0 : 0.25 + unif() * 2;
    }
}

static tally_table *book(tally_dataset *ds, int q, int x, int set_columns, tally_table **out)
{
    tally_bn_spec rows[3] = {{.var = q, .inner = -1}, {.var = -1, .set = &ds->mrsets[0], .inner = -1},
                             {.var = x, .scale = 1, .inner = -1}};
    int g = tally_dataset_find(ds, "g"), h = tally_dataset_find(ds, "h");
    tally_bn_spec cols[4] = {{.var = g, .inner = -1}, {.var = h, .inner = -1}, {.var = g, .inner = h},
                             {.var = -1, .set = &ds->mrsets[0], .inner = -1}};
    tally_bn_opts o;
    tally_bn_opts_init(&o);
    o.tests = 0;
    char *err = NULL;
    int rc = tally_stats_banner_book(ds, rows, 3, cols, set_columns ? 4 : 3, &o, out, &err);
    CHECK(rc == 0, "banner book built");
    free(err);
    return rc == 0 ? out[0] : NULL;
}

static double cell(const tally_table *t, const char *row, size_t c, int s)
{
    const tally_banner *b = tally_table_banner(t);
    for (size_t r = 0; b && r < b->nrows; r++)
        if (strcmp(b->rows[r].label, row) == 0) return tally_banner_cell((tally_banner *)b, r, c)[s];
    return NAN;
}

/* The weighted median as tally defines percentiles (PSPP's: position (W + 1) / 2 on the weights'
 * cumulation, between two values when it falls between them), over values v (ascending) with weights w. */
static double walk_median(const double *v, const double *w, size_t n)
{
    double W = 0, cc = 0, lower = NAN, cc_lower = 0;
    for (size_t i = 0; i < n; i++) W += w[i];
    double tc = (W + 1) / 2;
    for (size_t i = 0; i < n;) {
        double y = v[i], g = 0;
        while (i < n && v[i] == y) g += w[i++];
        if (cc + g <= tc) {
            cc += g, lower = y, cc_lower = cc;
            continue;
        }
        if (lower != lower || tc - cc_lower >= 1) return y;
        double f = tc - cc_lower;
        if (g < 1) f /= g;
        return (1 - f) * lower + f * y;
    }
    return lower;
}

/* Adds value x with weight wt to v/w kept ascending (insertion; equal values keep their order). */
static void insert_sorted(double *v, double *w, size_t *n, double x, double wt)
{
    size_t j = (*n)++;
    while (j > 0 && v[j - 1] > x) v[j] = v[j - 1], w[j] = w[j - 1], j--;
    v[j] = x, w[j] = wt;
}

/* The median of column c's values, sorted here. */
static double median_by_hand(const fixture *d, size_t c)
{
    static double v[N], w[N];
    size_t n = 0;
    for (size_t i = 0; i < N; i++)
        if (member(d, i, c) && d->x[i] == d->x[i] && d->w[i] > 0) insert_sorted(v, w, &n, d->x[i], d->w[i]);
    return walk_median(v, w, n);
}

static void check_against_rows(const fixture *d, tally_table **t, size_t ncols, const char *how)
{
    char msg[200];
    int bad_cnt = 0, bad_base = 0, bad_set = 0, bad_scale = 0, bad_median = 0;
    for (size_t c = 0; c < ncols; c++) {
        double base = 0, cnt[6] = {0}, sbase = 0, item[6] = {0}, sw = 0, sx = 0;
        for (size_t i = 0; i < N; i++) {
            if (!(d->w[i] > 0) || !member(d, i, c)) continue;
            double w = d->w[i];
            if (d->q[i] == d->q[i]) base += w, cnt[(int)d->q[i]] += w;
            int any = 0;
            for (int k = 0; k < 6; k++) any |= d->m[k][i] == 1, item[k] += d->m[k][i] == 1 ? w : 0;
            if (any) sbase += w;
            if (d->x[i] == d->x[i]) sw += w, sx += w * d->x[i];
        }
        bad_base += fabs(cell(t[0], "Base", c, TALLY_BN_COUNT) - base) > 1e-9 * (base + 1);
        for (int k = 1; k <= 5; k++) {
            char lab[8];
            snprintf(lab, sizeof lab, "%d", k);
            bad_cnt += fabs(cell(t[0], lab, c, TALLY_BN_COUNT) - cnt[k]) > 1e-9 * (base + 1);
        }
        bad_set += fabs(cell(t[1], "Respondents who answered", c, TALLY_BN_COUNT) - sbase) > 1e-9 * (sbase + 1);
        for (int k = 0; k < 6; k++) {
            char lab[8];
            snprintf(lab, sizeof lab, "m%d", k + 1);
            bad_set += fabs(cell(t[1], lab, c, TALLY_BN_COUNT) - item[k]) > 1e-9 * (sbase + 1);
        }
        double mean = sw > 0 ? sx / sw : NAN, ss = 0;
        for (size_t i = 0; i < N; i++)
            if (d->w[i] > 0 && member(d, i, c) && d->x[i] == d->x[i]) ss += d->w[i] * (d->x[i] - mean) * (d->x[i] - mean);
        bad_scale += fabs(cell(t[2], "Mean", c, TALLY_BN_MEAN) - mean) > 1e-9;
        bad_scale += fabs(cell(t[2], "Std. deviation", c, TALLY_BN_MEAN) - sqrt(ss / (sw - 1))) > 1e-9;
        bad_median += fabs(cell(t[2], "Median", c, TALLY_BN_MEAN) - median_by_hand(d, c)) > 1e-9;
    }
    snprintf(msg, sizeof msg, "%s: single row: counts of %zu columns as counted row by row", how, ncols);
    CHECK(bad_cnt == 0 && bad_base == 0, msg);
    snprintf(msg, sizeof msg, "%s: set row: bases and item counts of %zu columns as counted row by row", how, ncols);
    CHECK(bad_set == 0, msg);
    snprintf(msg, sizeof msg, "%s: scale row: means and standard deviations of %zu columns as computed row by row", how, ncols);
    CHECK(bad_scale == 0, msg);
    snprintf(msg, sizeof msg, "%s: scale row: weighted medians of %zu columns as walked by hand", how, ncols);
    CHECK(bad_median == 0, msg);
}

/* The same data stored as doubles and compactly (one byte a cell): each path counts what the rows say. */
static void test_paths(int compact, int set_columns)
{
    static fixture d;
    seed = 12345;
    fill(&d);
    tally_dataset *ds = tally_dataset_new("d");
    int q = add_num(ds, "q", d.q, compact);
    add_num(ds, "g", d.g, 1);
    add_num(ds, "h", d.h, 1);
    int m[6];
    for (int k = 0; k < 6; k++) {
        char name[8];
        snprintf(name, sizeof name, "m%d", k + 1);
        m[k] = add_num(ds, name, d.m[k], compact);
    }
    tally_dataset_add_mrset(ds, "set", NULL, TALLY_MRSET_DICHOTOMY, 1, m, 6);
    int x = add_num(ds, "x", d.x, compact);
    tally_dataset_set_weight(ds, add_num(ds, "w", d.w, 0));
    tally_table *t[3] = {NULL, NULL, NULL};
    char how[96];
    snprintf(how, sizeof how, "%s, %s", compact ? "compact columns" : "columns of doubles",
             set_columns ? "with set columns (member lists)" : "partitions only (joint cells)");
    if (book(ds, q, x, set_columns, t)) check_against_rows(&d, t, set_columns ? 26 : 20, how);
    for (int k = 0; k < 3; k++)
        if (t[k]) tally_table_unref(t[k]);
    tally_dataset_free(ds);
}

/* The book of a single row q and a scale row x by cols (tests off; ci a level or 0) into t[0..1]; 1 when built. */
static int two_row_book(tally_dataset *ds, int qc, int xc, const tally_bn_spec *cols, size_t ncols, double ci,
                        tally_table **t, const char *what)
{
    tally_bn_spec rows[2] = {{.var = qc, .inner = -1}, {.var = xc, .scale = 1, .inner = -1}};
    tally_bn_opts o;
    tally_bn_opts_init(&o);
    o.tests = 0;
    o.ci = ci;
    char *err = NULL;
    int rc = tally_stats_banner_book(ds, rows, 2, cols, ncols, &o, t, &err);
    CHECK(rc == 0, what);
    free(err);
    return rc == 0;
}

/* Wilson's score interval, written out: (p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n). */
static void wilson_by_hand(double p, double n, double *lo, double *hi)
{
    const double z = 1.959963984540054; /* the normal quantile of .975 */
    double d = 1 + z * z / n, center = (p + z * z / (2 * n)) / d;
    double half = z / d * sqrt(p * (1 - p) / n + z * z / (4 * n * n));
    *lo = 100 * (center - half), *hi = 100 * (center + half);
}

/* ci = 95 in a banner: group A (10 cases of weight 1), group B (10 cases, weights 1 and 3 by turns: Kish
 * base 20^2 / 50 = 8). q: 4 of A say yes (p = .4 on 10); in B two of weight 3 and two of weight 1
 * (8 of 20, p = .4 on the effective base 8). x = 1..10 in each group. */
static void test_confidence_intervals(void)
{
    double g[20], q[20], x[20], w[20];
    for (int i = 0; i < 20; i++) {
        g[i] = i < 10 ? 1 : 2;
        x[i] = (double)(i % 10 + 1);
        w[i] = i < 10 || i % 2 == 0 ? 1 : 3; /* B: x odd weight 1, x even weight 3 */
        q[i] = 2;
    }
    q[0] = q[1] = q[2] = q[3] = 1;      /* A: 4 of 10 */
    q[11] = q[13] = q[10] = q[12] = 1;  /* B: x = 2, 4 (weight 3) and 1, 3 (weight 1): 8 of 20 */
    tally_dataset *ds = tally_dataset_new("d");
    int qc = tally_dataset_add_column(ds, "q", TALLY_NUMERIC), gc = tally_dataset_add_column(ds, "g", TALLY_NUMERIC);
    int xc = tally_dataset_add_column(ds, "x", TALLY_NUMERIC), wc = tally_dataset_add_column(ds, "w", TALLY_NUMERIC);
    tally_dataset_resize(ds, 20);
    for (int i = 0; i < 20; i++)
        ds->cols[qc]->num[i] = q[i], ds->cols[gc]->num[i] = g[i], ds->cols[xc]->num[i] = x[i], ds->cols[wc]->num[i] = w[i];
    tally_column_add_value_label(ds->cols[qc], 1, "yes");
    tally_column_add_value_label(ds->cols[qc], 2, "no");
    tally_dataset_set_weight(ds, wc);
    tally_bn_spec cols[1] = {{.var = gc, .inner = -1}};
    tally_table *t[2] = {NULL, NULL};
    if (!two_row_book(ds, qc, xc, cols, 1, 95, t, "ci: banner built")) return;
    double lo, hi;
    /* unweighted: 4 of 10, the textbook Wilson interval 16.8% to 68.7% */
    wilson_by_hand(0.4, 10, &lo, &hi);
    CHECK_NEAR(cell(t[0], "yes", 1, TALLY_BN_CI_LO), lo, 1e-9, "ci: column A, 4 of 10: Wilson low as written out");
    CHECK_NEAR(cell(t[0], "yes", 1, TALLY_BN_CI_HI), hi, 1e-9, "ci: column A, 4 of 10: Wilson high as written out");
    CHECK_NEAR(cell(t[0], "yes", 1, TALLY_BN_CI_LO), 16.82, 0.01, "ci: column A: 16.8% (textbook)");
    CHECK_NEAR(cell(t[0], "yes", 1, TALLY_BN_CI_HI), 68.73, 0.01, "ci: column A: 68.7% (textbook)");
    /* weighted: p = .4 on the effective base 8 (not the weighted 20, not the 10 cases) */
    wilson_by_hand(0.4, 8, &lo, &hi);
    CHECK_NEAR(cell(t[0], "yes", 2, TALLY_BN_CI_LO), lo, 1e-9, "ci: column B (weighted): Wilson on the effective base 8, low");
    CHECK_NEAR(cell(t[0], "yes", 2, TALLY_BN_CI_HI), hi, 1e-9, "ci: column B (weighted): Wilson on the effective base 8, high");
    CHECK(isnan(cell(t[0], "Base", 1, TALLY_BN_CI_LO)), "ci: base rows carry no interval");
    /* means by t: A is 1..10 (mean 5.5, sd 3.0277, t(.975, 9) = 2.262157): 3.334 to 7.666 */
    double half = 2.262157 * sqrt(55.0 / 6) / sqrt(10);
    CHECK_NEAR(cell(t[1], "Mean", 1, TALLY_BN_CI_LO), 5.5 - half, 1e-5, "ci: mean of A by t: low");
    CHECK_NEAR(cell(t[1], "Mean", 1, TALLY_BN_CI_HI), 5.5 + half, 1e-5, "ci: mean of A by t: high");
    /* B weighted: mean 115 / 20 = 5.75; sum w (x - m)^2 over the ten; SD with Bessel by the effective base:
     * sqrt(ss / 20 * 8 / 7); t(.975, 7) = 2.364624 on 8 */
    double m = 5.75, ss = 0;
    for (int i = 10; i < 20; i++) ss += w[i] * (x[i] - m) * (x[i] - m);
    half = 2.364624 * sqrt(ss / 20 * 8 / 7) / sqrt(8);
    CHECK_NEAR(cell(t[1], "Mean", 2, TALLY_BN_MEAN), m, 1e-12, "ci: weighted mean of B");
    CHECK_NEAR(cell(t[1], "Mean", 2, TALLY_BN_CI_LO), m - half, 1e-5, "ci: weighted mean of B by t on the effective base: low");
    CHECK_NEAR(cell(t[1], "Mean", 2, TALLY_BN_CI_HI), m + half, 1e-5, "ci: weighted mean of B by t on the effective base: high");
    int noted = 0;
    for (size_t i = 0; i < t[0]->nnotes; i++) noted |= strstr(t[0]->notes[i], "Confidence intervals (95%)") != NULL;
    CHECK(noted, "ci: the table's note says how the intervals are made");
    tally_table_unref(t[0]);
    tally_table_unref(t[1]);
    tally_dataset_free(ds);
}

/* Two banner variables of 40 and 30 categories: 41 x 31 joint cells pass the joint's limit, so each
 * gets a joint of its own (two passes); counts, means and medians still as counted row by row. */
static void test_two_joints(void)
{
    static double a[N], b[N], q[N], x[N], w[N];
    seed = 777;
    for (size_t i = 0; i < N; i++) {
        a[i] = (double)(1 + (int)(unif() * 40));
        b[i] = (double)(1 + (int)(unif() * 30));
        q[i] = (double)(1 + (int)(unif() * 4));
        x[i] = (double)(int)(unif() * 300) / 4; /* 300 values: stored as doubles */
        w[i] = 0.5 + unif();
    }
    tally_dataset *ds = tally_dataset_new("d");
    int qc = add_num(ds, "q", q, 1), ac = add_num(ds, "a", a, 1), bc = add_num(ds, "b", b, 1), xc = add_num(ds, "x", x, 0);
    tally_dataset_set_weight(ds, add_num(ds, "w", w, 0));
    tally_bn_spec cols[2] = {{.var = ac, .inner = -1}, {.var = bc, .inner = -1}};
    tally_table *t[2] = {NULL, NULL};
    two_row_book(ds, qc, xc, cols, 2, 0, t, "two joints: banner built");
    int bad = 0, badm = 0;
    for (size_t c = 0; c < 71 && t[0] && t[1]; c++) { /* Total, a 1..40, b 1..30 */
        double cnt[5] = {0}, sw = 0, sx = 0;
        static double v[N], vw[N];
        size_t n = 0;
        for (size_t i = 0; i < N; i++) {
            int in = c == 0 || (c <= 40 ? a[i] == (double)c : b[i] == (double)(c - 40));
            if (!in) continue;
            cnt[(int)q[i]] += w[i];
            sw += w[i], sx += w[i] * x[i];
            insert_sorted(v, vw, &n, x[i], w[i]);
        }
        for (int k = 1; k <= 4; k++) {
            char lab[8];
            snprintf(lab, sizeof lab, "%d", k);
            bad += fabs(cell(t[0], lab, c, TALLY_BN_COUNT) - cnt[k]) > 1e-9 * sw;
        }
        badm += fabs(cell(t[1], "Mean", c, TALLY_BN_MEAN) - sx / sw) > 1e-9;
        double med = walk_median(v, vw, n);
        badm += fabs(cell(t[1], "Median", c, TALLY_BN_MEAN) - med) > 1e-9;
    }
    CHECK(bad == 0, "two joints: counts of 71 columns as counted row by row");
    CHECK(badm == 0, "two joints: means and medians of 71 columns as computed row by row");
    for (int k = 0; k < 2; k++)
        if (t[k]) tally_table_unref(t[k]);
    tally_dataset_free(ds);
}

/* A book of 70,000 rows (above TALLY_PAR_MIN_ROWS) is made by two threads taking the questions in turn:
 * each of its tables equals the same question's banner made alone (one thread). */
static void test_book_in_threads(void)
{
    enum { R = 70000, Q = 5 };
    tally_dataset *ds = tally_dataset_new("d");
    tally_dataset_resize(ds, R);
    int qc[Q], g = tally_dataset_add_column(ds, "g", TALLY_NUMERIC), wc = tally_dataset_add_column(ds, "w", TALLY_NUMERIC);
    seed = 99;
    for (int k = 0; k < Q; k++) {
        char name[8];
        snprintf(name, sizeof name, "q%d", k);
        qc[k] = tally_dataset_add_column(ds, name, TALLY_NUMERIC);
    }
    for (size_t i = 0; i < R; i++) {
        ds->cols[g]->num[i] = (double)(1 + (int)(unif() * 6));
        ds->cols[wc]->num[i] = 0.5 + unif();
        for (int k = 0; k < Q; k++) ds->cols[qc[k]]->num[i] = k == Q - 1 ? unif() * 100 : (double)(1 + (int)(unif() * 5));
    }
    for (int k = 0; k < Q - 1; k++) tally_column_compact(ds->cols[qc[k]]);
    tally_column_compact(ds->cols[g]);
    tally_dataset_set_weight(ds, wc);
    tally_bn_spec rows[Q], cols[1] = {{.var = g, .inner = -1}};
    for (int k = 0; k < Q; k++) rows[k] = (tally_bn_spec){.var = qc[k], .scale = k == Q - 1, .inner = -1};
    tally_bn_opts o;
    tally_bn_opts_init(&o);
    tally_table *book[Q] = {NULL};
    char *err = NULL;
    CHECK(tally_stats_banner_book(ds, rows, Q, cols, 1, &o, book, &err) == 0, "threads: the book is made");
    int same = 1;
    for (int k = 0; k < Q && book[k]; k++) {
        tally_table *one = tally_stats_banner(ds, &rows[k], 1, cols, 1, &o, &err);
        const tally_banner *a = tally_table_banner(book[k]), *b = one ? tally_table_banner(one) : NULL;
        same &= b && a->nrows == b->nrows && a->ncols == b->ncols &&
                memcmp(a->stats, b->stats, a->nrows * a->ncols * TALLY_BN_NSTATS * sizeof *a->stats) == 0 &&
                a->ntests == b->ntests && book[k]->nnotes == one->nnotes;
        if (one) tally_table_unref(one);
    }
    CHECK(same, "threads: each table of the book equals its question made alone, figure for figure (bitwise)");
    for (int k = 0; k < Q; k++)
        if (book[k]) tally_table_unref(book[k]);
    free(err);
    tally_dataset_free(ds);
}

/* Rows of test_wide_book: enough that a column's median bucket holds thousands of values. */
#define WR 24000

typedef struct wide_row {
    double x, w;
    size_t i;
} wide_row;

static int cmp_wide(const void *a, const void *b)
{
    const wide_row *p = a, *q = b;
    return p->x < q->x ? -1 : p->x > q->x ? 1 : (p->i > q->i) - (p->i < q->i);
}

/* The median of the rows of banner code gv (0: all) by hand: valid x (not missing, not the user-missing
 * value um), weight > 0, sorted (ties in row order) and walked. */
static double wide_median_by_hand(const double *g, const double *x, const double *w, double gv, double um)
{
    static wide_row r[WR];
    static double v[WR], wt[WR];
    size_t n = 0;
    for (size_t i = 0; i < WR; i++)
        if ((gv == 0 || g[i] == gv) && x[i] == x[i] && x[i] != um && w[i] > 0) r[n] = (wide_row){x[i], w[i], i}, n++;
    qsort(r, n, sizeof *r, cmp_wide);
    for (size_t i = 0; i < n; i++) v[i] = r[i].x, wt[i] = r[i].w;
    return n ? walk_median(v, wt, n) : NAN;
}

/* A book whose scale's values crowd into one bucket of the median's selection (thousands of values a
 * column, walked in sub-buckets), with a user-missing value, NaNs, zero weights, and a banner column
 * whose rows all weigh 0 (empty): medians as walked by hand; a compact question with a code only rows
 * of weight 0 hold and missing codes: counts as counted row by row. */
static void test_wide_book(int compact_x)
{
    static double g[WR], x[WR], w[WR], q[WR];
    const double um = 1002.5;
    seed = 7;
    for (size_t i = 0; i < WR; i++) {
        w[i] = i % 50 == 0 ? 0 : 0.5 + unif();
        g[i] = w[i] > 0 ? (double)(1 + (int)(unif() * 3)) : 4; /* 4: an empty column */
        x[i] = unif() < 0.05 ? NAN : i % 40 == 1 ? um : 1000 + (double)(int)(unif() * (compact_x ? 200 : 4000)) / (compact_x ? 50 : 1000);
        q[i] = unif() < 0.1 ? NAN : w[i] > 0 ? (double)(1 + (int)(unif() * 3)) : 9; /* 9: weight-0 rows only */
    }
    tally_dataset *ds = tally_dataset_new("d");
    tally_dataset_resize(ds, WR);
    int cols[4];
    const char *names[4] = {"g", "x", "w", "q"};
    double *vals[4] = {g, x, w, q};
    for (int k = 0; k < 4; k++) {
        cols[k] = tally_dataset_add_column(ds, names[k], TALLY_NUMERIC);
        memcpy(ds->cols[cols[k]]->num, vals[k], WR * sizeof *x);
    }
    tally_column_add_missing(ds->cols[cols[1]], um);
    tally_column_compact(ds->cols[cols[0]]);
    tally_column_compact(ds->cols[cols[3]]);
    if (compact_x) CHECK(tally_column_compact(ds->cols[cols[1]]) == 1, "wide: fixture: x stored compactly");
    tally_dataset_set_weight(ds, cols[2]);
    tally_bn_spec bc[1] = {{.var = cols[0], .inner = -1}};
    tally_table *t[2] = {NULL, NULL};
    char msg[160];
    if (!two_row_book(ds, cols[3], cols[1], bc, 1, 0, t, "wide: banner built")) return;
    int bad_med = 0, bad_cnt = 0;
    for (size_t c = 0; c < 5; c++) { /* Total, g = 1..4 */
        double hand = wide_median_by_hand(g, x, w, (double)c, um), got = cell(t[1], "Median", c, TALLY_BN_MEAN);
        bad_med += hand == hand ? !(fabs(got - hand) <= 1e-9 * fabs(hand)) : got == got;
        double cnt[10] = {0};
        for (size_t i = 0; i < WR; i++)
            if ((c == 0 || g[i] == (double)c) && w[i] > 0 && q[i] == q[i]) cnt[(int)q[i]] += w[i];
        for (int k = 1; k <= 3; k++) {
            char lab[8];
            snprintf(lab, sizeof lab, "%d", k);
            bad_cnt += !(fabs(cell(t[0], lab, c, TALLY_BN_COUNT) - cnt[k]) <= 1e-9 * (cnt[k] + 1));
        }
        bad_cnt += cell(t[0], "9", c, TALLY_BN_COUNT) != 0;
    }
    snprintf(msg, sizeof msg, "wide (%s x): medians of crowded values as walked by hand; the empty column's is NaN",
             compact_x ? "compact" : "double");
    CHECK(bad_med == 0, msg);
    snprintf(msg, sizeof msg, "wide (%s x): counts as counted row by row; a code of weight-0 rows only is a row of 0s",
             compact_x ? "compact" : "double");
    CHECK(bad_cnt == 0, msg);
    for (int k = 0; k < 2; k++)
        if (t[k]) tally_table_unref(t[k]);
    tally_dataset_free(ds);
}

/* A banner variable of 230 categories is refused with the same error whether it is stored compactly
 * (its items made from its codes) or as doubles (from its rows). */
static void test_too_many_categories(void)
{
    for (int compact = 0; compact <= 1; compact++) {
        tally_dataset *ds = tally_dataset_new("d");
        tally_dataset_resize(ds, 1000);
        int g = tally_dataset_add_column(ds, "many", TALLY_NUMERIC), q = tally_dataset_add_column(ds, "q", TALLY_NUMERIC);
        for (size_t i = 0; i < 1000; i++) ds->cols[g]->num[i] = (double)(i % 230), ds->cols[q]->num[i] = (double)(i % 3);
        if (compact) CHECK(tally_column_compact(ds->cols[g]) == 1, "too many: fixture: stored compactly");
        tally_bn_spec rows[1] = {{.var = q, .inner = -1}}, cols[1] = {{.var = g, .inner = -1}};
        tally_table *t[1] = {NULL};
        char *err = NULL, msg[120];
        int rc = tally_stats_banner_book(ds, rows, 1, cols, 1, NULL, t, &err);
        snprintf(msg, sizeof msg, "too many (%s): 230 categories refused, the error names the variable and the limit",
                 compact ? "compact" : "doubles");
        CHECK(rc == -1 && err && strstr(err, "variable 'many' has 230 categories") && strstr(err, "at most 200"), msg);
        free(err);
        if (t[0]) tally_table_unref(t[0]);
        tally_dataset_free(ds);
    }
}

/* A book of 70,000 rows (two threads) whose second and fourth questions fail (230 categories): the
 * threads take the long questions first, yet the error names the first that fails in the book's order,
 * and no table is returned. */
static void test_book_error_order(void)
{
    enum { R = 70000 };
    tally_dataset *ds = tally_dataset_new("d");
    tally_dataset_resize(ds, R);
    const char *names[5] = {"g", "q", "many_b", "x", "many_a"};
    int c[5];
    for (int k = 0; k < 5; k++) c[k] = tally_dataset_add_column(ds, names[k], TALLY_NUMERIC);
    for (size_t i = 0; i < R; i++) {
        ds->cols[c[0]]->num[i] = (double)(1 + i % 4);
        ds->cols[c[1]]->num[i] = (double)(1 + i % 3);
        ds->cols[c[2]]->num[i] = (double)(i % 230);
        ds->cols[c[3]]->num[i] = (double)(i % 1000) / 7;
        ds->cols[c[4]]->num[i] = (double)(i % 231);
    }
    tally_column_compact(ds->cols[c[0]]);
    tally_column_compact(ds->cols[c[1]]);
    tally_bn_spec rows[4] = {{.var = c[1], .inner = -1}, {.var = c[2], .inner = -1}, {.var = c[3], .scale = 1, .inner = -1},
                             {.var = c[4], .inner = -1}};
    tally_bn_spec cols[1] = {{.var = c[0], .inner = -1}};
    tally_table *book[4] = {NULL, NULL, NULL, NULL};
    char *err = NULL;
    int rc = tally_stats_banner_book(ds, rows, 4, cols, 1, NULL, book, &err);
    CHECK(rc == -1 && err && strstr(err, "variable 'many_b' has 230 categories"),
          "book error: the first question that fails in the book's order names the error");
    CHECK(!book[0] && !book[1] && !book[2] && !book[3], "book error: no table is returned");
    free(err);
    tally_dataset_free(ds);
}

int main(void)
{
    test_book_error_order();
    test_too_many_categories();
    test_wide_book(0);
    test_wide_book(1);
    test_book_in_threads();
    test_confidence_intervals();
    test_two_joints();
    for (int compact = 0; compact <= 1; compact++)
        for (int set_columns = 0; set_columns <= 1; set_columns++) test_paths(compact, set_columns);
    return check_failures != 0;
}
