/* test_banner.c: the banner kernel against hand-computed figures: bases, letters, Bonferroni, effective base, 0% columns, sets. */
#include "check.h"
#include "banner.h"
#include "fixtures.h"
#include "stats.h"
#include "util.h"

#include <stdlib.h>

/* Row r by label and column c by its letter ("" = Total) in the banner model. */
static int brow(const tally_banner *b, const char *label, int nth)
{
    for (size_t r = 0; r < b->nrows; r++)
        if (strcmp(b->rows[r].label, label) == 0 && nth-- == 0) return (int)r;
    return -1;
}
static int bcol(const tally_banner *b, const char *letter)
{
    for (size_t c = 0; c < b->ncols; c++)
        if (strcmp(b->cols[c].letter, letter) == 0 && (letter[0] || b->cols[c].is_total)) return (int)c;
    return -1;
}
static double stat(const tally_table *t, const char *row, const char *col, int s)
{
    const tally_banner *b = tally_table_banner(t);
    int r = b ? brow(b, row, 0) : -1, c = b ? bcol(b, col) : -1;
    return r < 0 || c < 0 ? NAN : b->stats[((size_t)r * b->ncols + (size_t)c) * TALLY_BN_NSTATS + s];
}
static const char *letters(const tally_table *t, const char *row, const char *col)
{
    const tally_banner *b = tally_table_banner(t);
    int r = b ? brow(b, row, 0) : -1, c = b ? bcol(b, col) : -1;
    if (r < 0 || c < 0) return "?";
    const char *l = b->letters[(size_t)r * b->ncols + (size_t)c];
    return l ? l : "";
}
static int flags(const tally_table *t, const char *row, const char *col)
{
    const tally_banner *b = tally_table_banner(t);
    int r = b ? brow(b, row, 0) : -1, c = b ? bcol(b, col) : -1;
    return r < 0 || c < 0 ? -1 : b->flags[(size_t)r * b->ncols + (size_t)c];
}
static int has_note(const tally_table *t, const char *text)
{
    for (size_t i = 0; i < t->nnotes; i++)
        if (strstr(t->notes[i], text)) return 1;
    return 0;
}

/* A dataset of groups: group g (1, 2, 3) with n[g] cases of which yes[g] answer q = 1, else 2. */
static tally_dataset *groups(const size_t *n, const size_t *yes, size_t ng, const double *wt)
{
    size_t total = 0;
    for (size_t g = 0; g < ng; g++) total += n[g];
    double *gv = xmalloc(total * sizeof *gv), *qv = xmalloc(total * sizeof *qv);
    size_t i = 0;
    for (size_t g = 0; g < ng; g++)
        for (size_t k = 0; k < n[g]; k++, i++) {
            gv[i] = (double)(g + 1);
            qv[i] = k < yes[g] ? 1 : 2;
        }
    tally_dataset *ds = tally_dataset_new("d");
    add_num(ds, "g", gv, total);
    int q = add_num(ds, "q", qv, total);
    tally_column_add_value_label(ds->cols[q], 1, "yes");
    tally_column_add_value_label(ds->cols[q], 2, "no");
    if (wt) tally_dataset_set_weight(ds, add_num(ds, "w", wt, total));
    free(gv);
    free(qv);
    return ds;
}

static tally_table *run(tally_dataset *ds, const char *row, const char *col, const tally_bn_opts *o)
{
    tally_bn_spec r = {.var = tally_dataset_find(ds, row), .inner = -1};
    tally_bn_spec c = {.var = tally_dataset_find(ds, col), .inner = -1};
    const tally_mrset *rs = tally_dataset_find_mrset(ds, row), *cs = tally_dataset_find_mrset(ds, col);
    if (rs) r.set = rs, r.var = -1;
    if (cs) c.set = cs, c.var = -1;
    char *err = NULL;
    tally_table *t = tally_stats_banner(ds, &r, 1, &c, 1, o, &err);
    if (!t) printf("# %s\n", err ? err : "?");
    free(err);
    return t;
}

/* q by g over a dataset of groups, run with the default options (o, for the caller to change and run again). */
typedef struct {
    tally_dataset *ds;
    tally_bn_opts o;
    tally_table *t;
} group_run;

static group_run run_groups(const size_t *n, const size_t *yes, size_t ng, const double *wt)
{
    group_run g = {.ds = groups(n, yes, ng, wt)};
    tally_bn_opts_init(&g.o);
    g.t = run(g.ds, "q", "g", &g.o);
    return g;
}

/* Runs g's banner again with its (changed) options, in place of its table. */
static void group_rerun(group_run *g)
{
    tally_table_unref(g->t);
    g->t = run(g->ds, "q", "g", &g->o);
}

static void group_run_free(group_run *g)
{
    tally_table_unref(g->t);
    tally_dataset_free(g->ds);
}

static void test_letters_and_bonferroni(void)
{
    /* A 40/100 yes, B 25/100, C 32/100.
     * A vs B: pooled p = .325, se = sqrt(.325 * .675 * (1/100 + 1/100)) = .066238, z = .15 / .066238 = 2.2646,
     *         two-sided p = .0235: A gets "B"; with Bonferroni (3 pairs) p = .0706: A gets "b".
     * A vs C: z = .08 / sqrt(.36 * .64 * .02) = 1.1785, p = .239: nothing. C vs B: z = 1.0965, p = .273: nothing.
     * "no" row: B (75%) over A (60%) the same p: B gets "A" ("a" with Bonferroni). */
    size_t n[] = {100, 100, 100}, yes[] = {40, 25, 32};
    group_run g = run_groups(n, yes, 3, NULL);
    CHECK(g.t && tally_table_banner(g.t), "banner: table with a banner model");
    CHECK_NEAR(stat(g.t, "yes", "A", TALLY_BN_COUNT), 40, 1e-9, "banner: count of yes in A");
    CHECK_NEAR(stat(g.t, "yes", "A", TALLY_BN_COLPCT), 40, 1e-9, "banner: column % of yes in A");
    CHECK_NEAR(stat(g.t, "yes", "", TALLY_BN_COUNT), 97, 1e-9, "banner: Total count of yes 40 + 25 + 32");
    CHECK_NEAR(stat(g.t, "yes", "A", TALLY_BN_ROWPCT), 100.0 * 40 / 97, 1e-9, "banner: row % = 40 / 97");
    CHECK_NEAR(stat(g.t, "yes", "A", TALLY_BN_TOTPCT), 100.0 * 40 / 300, 1e-9, "banner: total % = 40 / 300");
    CHECK_NEAR(stat(g.t, "Base", "B", TALLY_BN_COUNT), 100, 1e-9, "banner: base row of B");
    CHECK_STR(letters(g.t, "yes", "A"), "B", "z-test: A (40%) over B (25%) at 95%, p = .0235");
    CHECK_STR(letters(g.t, "yes", "C"), "", "z-test: C (32%) not over B (p = .273)");
    CHECK_STR(letters(g.t, "no", "B"), "A", "z-test: B (75% no) over A (60%)");
    CHECK(has_note(g.t, "Pearson chi-square"), "banner: chi-square note");
    g.o.bonferroni = 1;
    group_rerun(&g);
    CHECK_STR(letters(g.t, "yes", "A"), "b", "Bonferroni: p = 3 x .0235 = .0706, lower case at 90%");
    CHECK_STR(letters(g.t, "no", "B"), "a", "Bonferroni: the no row likewise");
    CHECK(has_note(g.t, "Bonferroni"), "Bonferroni: the note says so");
    group_run_free(&g);
}

static void test_zero_column(void)
{
    /* 2/55 against 0/145: a z-test would flag it (z = 2.31, p = .021); a 0% column has no variance and is not tested */
    size_t n[] = {55, 145}, yes[] = {2, 0};
    group_run g = run_groups(n, yes, 2, NULL);
    CHECK_STR(letters(g.t, "yes", "A"), "", "0% column: A not lettered against B at 0%");
    CHECK(flags(g.t, "yes", "B") & TALLY_BN_EXTREME, "0%% column: B's cell marked not tested");
    CHECK(flags(g.t, "no", "B") & TALLY_BN_EXTREME, "100%% column: B's no cell marked not tested");
    CHECK(has_note(g.t, "0% or 100%"), "0%% column: the note says so");
    group_run_free(&g);
}

static void test_effective_base(void)
{
    /* A: 100 cases, weights 1 and 3 alternating, 20 of each weight say yes: weighted 80 of 200 = 40%,
     * sum of squared weights 50 + 450 = 500, effective base 200^2 / 500 = 80.
     * B: 100 cases of weight 1, 28 yes: 28%, effective base 100.
     * Effective bases: pooled p = (32 + 28) / 180 = .3333, se = sqrt(.3333 * .6667 * (1/80 + 1/100)) = .070711,
     * z = .12 / .070711 = 1.697, p = .0897: "b" (90%). With the weighted counts as n (200, 100) it would be
     * z = 2.041, p = .041: "B", which overstates the evidence. */
    size_t n[] = {100, 100}, yes[] = {40, 28};
    double w[200];
    for (size_t i = 0; i < 100; i++) w[i] = i % 2 ? 3 : 1; /* first 40 (yes) hold 20 of each weight */
    for (size_t i = 100; i < 200; i++) w[i] = 1;
    group_run g = run_groups(n, yes, 2, w);
    const tally_banner *b = tally_table_banner(g.t);
    CHECK_NEAR(b->cols[bcol(b, "A")].base_eff, 80, 1e-9, "Kish: effective base of A = 200^2 / 500");
    CHECK_NEAR(b->cols[bcol(b, "A")].base_w, 200, 1e-9, "weighted base of A");
    CHECK_NEAR(stat(g.t, "Effective base", "A", TALLY_BN_COUNT), 80, 1e-9, "Kish: effective base row");
    CHECK_NEAR(stat(g.t, "Unweighted base", "A", TALLY_BN_COUNT), 100, 1e-9, "unweighted base row");
    CHECK_NEAR(stat(g.t, "yes", "A", TALLY_BN_COLPCT), 40, 1e-9, "weighted column %");
    CHECK_STR(letters(g.t, "yes", "A"), "b", "effective base: p = .0897, lower case");
    CHECK(has_note(g.t, "effective base"), "effective base: the note says so");
    group_run_free(&g);
}

static void test_sets(void)
{
    /* eight cases; g: 1 1 1 1 2 2 2 2; dichotomies m1..m3 (1 chosen); case 4 and case 8 chose nothing */
    const double g[] = {1, 1, 1, 1, 2, 2, 2, 2};
    const double m1[] = {1, 1, 0, 0, 1, 0, 0, 0}, m2[] = {1, 0, 1, 0, 1, 1, 1, 0}, m3[] = {0, 0, 1, 0, 0, 0, 1, 0};
    tally_dataset *ds = tally_dataset_new("d");
    add_num(ds, "g", g, 8);
    int m[3] = {add_num(ds, "m1", m1, 8), add_num(ds, "m2", m2, 8), add_num(ds, "m3", m3, 8)};
    tally_dataset_add_mrset(ds, "kinds", "Kinds", TALLY_MRSET_DICHOTOMY, 1, m, 3);
    tally_bn_opts o;
    tally_bn_opts_init(&o);
    o.min_base = 1;
    /* rows: base of A = cases 1-3 (case 4 chose nothing) = 3; m2 in A: cases 1 and 3 = 2 of 3 */
    tally_table *t = run(ds, "kinds", "g", &o);
    CHECK(t != NULL, "set as rows: table built");
    CHECK_NEAR(stat(t, "Respondents who answered", "A", TALLY_BN_COUNT), 3, 1e-9, "set as rows: base of A = 3 who answered");
    CHECK_NEAR(stat(t, "Respondents who answered", "", TALLY_BN_COUNT), 6, 1e-9, "set as rows: Total base 6");
    CHECK_NEAR(stat(t, "m2", "A", TALLY_BN_COLPCT), 100.0 * 2 / 3, 1e-9, "set as rows: m2 in A = 2 of 3");
    CHECK_NEAR(stat(t, "m2", "B", TALLY_BN_COLPCT), 100.0, 1e-9, "set as rows: m2 in B = 3 of 3");
    CHECK_NEAR(stat(t, "m1", "", TALLY_BN_COLPCT), 50.0, 1e-9, "set as rows: m1 in Total = 3 of 6");
    CHECK(has_note(t, "Multiple-response"), "set as rows: the base note");
    tally_table_unref(t);
    /* columns: m1 (A) = cases 1, 2, 5; m2 (B) = 1, 3, 5, 6, 7; m3 (C) = 3, 7 -- overlapping */
    t = run(ds, "g", "kinds", &o);
    CHECK(t != NULL, "set as columns: table built");
    const tally_banner *b = tally_table_banner(t);
    CHECK_NEAR(b->cols[bcol(b, "A")].base_n, 3, 1e-9, "set as columns: m1's base = 3 who chose it");
    CHECK_NEAR(b->cols[bcol(b, "B")].base_n, 5, 1e-9, "set as columns: m2's base = 5");
    CHECK_NEAR(stat(t, "1", "B", TALLY_BN_COUNT), 2, 1e-9, "set as columns: g = 1 among m2 = cases 1, 3");
    CHECK_NEAR(stat(t, "2", "C", TALLY_BN_COLPCT), 50, 1e-9, "set as columns: g = 2 among m3 = 1 of 2");
    CHECK(!has_note(t, "chi-square"), "set as columns: no chi-square over overlapping columns");
    tally_table_unref(t);
    /* a scale row by the set's columns: v = case number; m1 = cases 1, 2, 5: mean 8/3, median 2 */
    add_num(ds, "v", (const double[]){1, 2, 3, 4, 5, 6, 7, 8}, 8);
    tally_bn_spec sr = {.var = tally_dataset_find(ds, "v"), .scale = 1, .inner = -1};
    tally_bn_spec sc = {.var = -1, .set = tally_dataset_find_mrset(ds, "kinds"), .inner = -1};
    char *err = NULL;
    t = tally_stats_banner(ds, &sr, 1, &sc, 1, &o, &err);
    CHECK_NEAR(stat(t, "Mean", "A", TALLY_BN_MEAN), 8.0 / 3, 1e-9, "scale by set columns: mean of m1's cases 1, 2, 5");
    CHECK_NEAR(stat(t, "Median", "A", TALLY_BN_MEAN), 2, 1e-9, "scale by set columns: median of m1's cases");
    CHECK_NEAR(stat(t, "Median", "", TALLY_BN_MEAN), 4.5, 1e-9, "scale: Total median of 1..8");
    CHECK_NEAR(stat(t, "Std. deviation", "C", TALLY_BN_MEAN), sqrt(8), 1e-9, "scale by set columns: sd of cases 3, 7");
    tally_table_unref(t);
    free(err);
    tally_dataset_free(ds);
}

static void test_chisq_footnote_and_p(void)
{
    /* 2 x 2: A 1 yes of 5, B 4 yes of 5: row totals 5, 5; expected 2.5 in every cell: 4 cells (100%) below 5 */
    size_t n[] = {5, 5}, yes[] = {1, 4};
    group_run g = run_groups(n, yes, 2, NULL);
    /* chi-square = 4 * (1.5^2 / 2.5) = 3.6, df 1 */
    CHECK(has_note(g.t, "Pearson chi-square = 3.60, df = 1, p = .058;"), "chi-square 3.60 on 1 df, p = .058 (no leading zero)");
    CHECK(has_note(g.t, "4 cells (100.0%) have expected count less than 5. The minimum expected count is 2.50."),
          "SPSS's expected-count footnote");
    CHECK(has_note(g.t, "* unweighted base below 30; ** unweighted base below 10"), "low-base legend");
    CHECK(flags(g.t, "yes", "A") & TALLY_BN_VERYLOW, "base 5: marked **");
    group_run_free(&g);
    {   /* 90/100 against 10/100: p far below .001; the note as the report's language writes it */
        size_t n2[] = {100, 100}, y2[] = {90, 10};
        group_run big = run_groups(n2, y2, 2, NULL);
        CHECK(big.t && has_note(big.t, "p < .001;"), "banner note (en): p < .001, not 0.000");
        big.o.base.lang = "de";
        group_rerun(&big);
        CHECK(big.t && has_note(big.t, "p < ,001;"), "banner note (de): p < ,001");
        CHECK(big.t && has_note(big.t, "= 128,00, df = 1"), "banner note (de): chi-square with a decimal comma");
        group_run_free(&big);
    }
    {   /* the crosstab note too: 90/100 against 10/100 gives p far below .001 */
        size_t n2[] = {100, 100}, y2[] = {90, 10};
        tally_dataset *d2 = groups(n2, y2, 2, NULL);
        int gv = tally_dataset_find(d2, "g");
        char *e2 = NULL;
        tally_table *x = tally_stats_crosstab(d2, tally_dataset_find(d2, "q"), &gv, 1, NULL, NULL, &e2);
        CHECK(x && has_note(x, "p < .001;"), "crosstab note: p < .001, not 0.000");
        tally_table_unref(x);
        free(e2);
        tally_dataset_free(d2);
    }
    CHECK_NEAR(tally_stats_normal_p2(1.959963985), 0.05, 1e-8, "GSL normal: z = 1.96 is p = .05");
    CHECK_NEAR(tally_stats_t_p2(2.228138852, 10), 0.05, 1e-8, "GSL t: t(10) = 2.228 is p = .05");
    CHECK_NEAR(tally_stats_chisq_p(3.841458821, 1), 0.05, 1e-8, "GSL chi-square: 3.84 on 1 df is p = .05");
}

static void test_sort_hide_nets(void)
{
    /* q codes 1..5 with labels; 5 = "Don't know"; counts 1:2, 2:5, 3:0 (no case), 4:8, 5:9 */
    const double q[] = {1, 1, 2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5};
    const double g[] = {1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2};
    tally_dataset *ds = tally_dataset_new("d");
    int qc = add_num(ds, "q", q, 24);
    add_num(ds, "g", g, 24);
    tally_column_add_value_label(ds->cols[qc], 5, "Don't know");
    tally_bn_opts o;
    tally_bn_opts_init(&o);
    o.sort = 1;
    const double top[] = {4, 5}, bottom[] = {1, 2};
    tally_bn_net nets[] = {{"Bottom 2", bottom, 2}, {"Top 2", top, 2}};
    o.nets = nets;
    o.nnets = 2;
    tally_table *t = run(ds, "q", "g", &o);
    const tally_banner *b = tally_table_banner(t);
    CHECK(brow(b, "4", 0) >= 0 && brow(b, "4", 0) < brow(b, "2", 0) && brow(b, "2", 0) < brow(b, "1", 0),
          "sort: 4 (8), 2 (5), 1 (2) by the Total column");
    CHECK(brow(b, "Don't know", 0) > brow(b, "1", 0), "sort: Don't know (9) stays at the bottom");
    CHECK(brow(b, "Top 2", 0) > brow(b, "Don't know", 0), "nets after the categories");
    CHECK_NEAR(stat(t, "Top 2", "", TALLY_BN_COUNT), 17, 1e-9, "net Top 2 = codes 4 and 5 = 8 + 9");
    CHECK_NEAR(stat(t, "Bottom 2", "A", TALLY_BN_COUNT), 4, 1e-9, "net Bottom 2 in A = codes 1, 2 with g = 1");
    tally_table_unref(t);
    tally_dataset_free(ds);
}

static void test_nesting_and_layouts(void)
{
    /* g (1, 2) with h (1, 2) nested inside: four columns, each tested only against its sibling */
    const double g[] = {1, 1, 1, 1, 2, 2, 2, 2, 2, 2}, h[] = {1, 1, 2, 2, 1, 1, 1, 2, 2, 2};
    const double q[] = {1, 2, 1, 1, 1, 2, 2, 1, 1, 1};
    tally_dataset *ds = tally_dataset_new("d");
    int qc = add_num(ds, "q", q, 10);
    add_num(ds, "g", g, 10);
    add_num(ds, "h", h, 10);
    int m[2] = {add_num(ds, "chosen", (const double[]){1, 0, 1, 0, 1, 0, 1, 0, 1, 0}, 10),
                add_num(ds, "never", (const double[]){0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 10)};
    tally_dataset_add_mrset(ds, "set", NULL, TALLY_MRSET_DICHOTOMY, 1, m, 2);
    tally_bn_spec r = {.var = qc, .inner = -1};
    tally_bn_spec c = {.var = tally_dataset_find(ds, "g"), .inner = tally_dataset_find(ds, "h")};
    tally_bn_opts o;
    tally_bn_opts_init(&o);
    o.min_base = 1;
    char *err = NULL;
    tally_table *t = tally_stats_banner(ds, &r, 1, &c, 1, &o, &err);
    const tally_banner *b = tally_table_banner(t);
    CHECK(b && b->nlevels == 2 && b->ncols == 5, "nesting: Total and 2 x 2 columns on two header levels");
    CHECK(b && b->cols[bcol(b, "A")].test_group == b->cols[bcol(b, "B")].test_group &&
              b->cols[bcol(b, "A")].test_group != b->cols[bcol(b, "C")].test_group,
          "nesting: columns compared within their outer category only");
    CHECK(b && strcmp(b->cols[bcol(b, "C")].header[1], "2") == 0 && b->cols[bcol(b, "C")].base_n == 3,
          "nesting: g = 2, h = 1 has 3 cases under the header '2'");
    CHECK_NEAR(stat(t, "1", "D", TALLY_BN_COUNT), 3, 1e-9, "nesting: q = 1 among g = 2, h = 2 is 3");
    tally_table_unref(t);
    /* flat layouts: stacked puts the column % under the count, combined one cell, separate numbers */
    c.inner = -1;
    o.cell_style = "combined";
    t = tally_stats_banner(ds, &r, 1, &c, 1, &o, &err);
    CHECK(t && t->ncols == 4 && t->cols[1].type == TALLY_COL_TEXT, "combined: one text column per banner column");
    int row = t ? tally_table_find_row(t, "1") : -1;
    CHECK(row >= 0 && t->rows[row].cells[1].text && strchr(t->rows[row].cells[1].text, '%'), "combined: the percent in the cell");
    tally_table_unref(t);
    o.cell_style = "separate";
    t = tally_stats_banner(ds, &r, 1, &c, 1, &o, &err);
    CHECK(t && tally_table_find_col(t, "1 (A): Count") > 0 && tally_table_find_col(t, "1 (A) sig.") > 0,
          "separate: count, column %% and letters columns");
    tally_table_unref(t);
    o.cell_style = "stacked";
    r.set = tally_dataset_find_mrset(ds, "set");
    r.var = -1;
    t = tally_stats_banner(ds, &r, 1, &c, 1, &o, &err);
    b = tally_table_banner(t);
    CHECK(b && brow(b, "never", 0) >= 0, "a set item nobody chose is shown by default");
    tally_table_unref(t);
    o.hide_empty = 1;
    t = tally_stats_banner(ds, &r, 1, &c, 1, &o, &err);
    b = tally_table_banner(t);
    CHECK(b && brow(b, "never", 0) < 0 && brow(b, "chosen", 0) >= 0, "hide_empty: the item zero everywhere is left out");
    tally_table_unref(t);
    free(err);
    tally_dataset_free(ds);
}

int main(void)
{
    test_letters_and_bonferroni();
    test_zero_column();
    test_effective_base();
    test_sets();
    test_chisq_footnote_and_p();
    test_sort_hide_nets();
    test_nesting_and_layouts();
    return check_failures != 0;
}
