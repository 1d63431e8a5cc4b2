/* test_stats.c: the statistics kernels on small hand-built datasets with hand-computed and PSPP figures. */
#include "check.h"
#include "fixtures.h"
#include "stats.h"
#include "util.h"

#include <stdlib.h>

/* The survey of tests/data/stats/small.sps (PSPP's figures are quoted below). */
static tally_dataset *small_dataset(void)
{
    tally_dataset *ds = tally_dataset_new("small");
    const double q1[] = {1, 2, 2, 3, 9, NAN, 1, 3}, q2[] = {1, 1, 2, 2, 1, 2, 3, 3};
    const double w[] = {1.5, .5, 1, 2, 1, 1, 1, .8}, age[] = {20, 30, 40, 25, 33, 41, 50, 60};
    int c1 = add_num(ds, "q1", q1, 8), c2 = add_num(ds, "q2", q2, 8);
    add_num(ds, "w", w, 8);
    add_num(ds, "age", age, 8);
    tally_column_set_label(ds->cols[c1], "Question one");
    tally_column_add_value_label(ds->cols[c1], 1, "Yes");
    tally_column_add_value_label(ds->cols[c1], 2, "No");
    tally_column_add_value_label(ds->cols[c1], 3, "Maybe");
    tally_column_add_value_label(ds->cols[c1], 4, "Unused");
    tally_column_add_value_label(ds->cols[c1], 9, "No answer");
    tally_column_add_missing(ds->cols[c1], 9);
    tally_column_add_value_label(ds->cols[c2], 1, "A");
    tally_column_add_value_label(ds->cols[c2], 2, "B");
    tally_column_add_value_label(ds->cols[c2], 3, "C");
    return ds;
}

static void test_frequencies(void)
{
    tally_dataset *ds = small_dataset();
    tally_stats_opts o;
    tally_stats_opts_init(&o);
    char *err = NULL;
    tally_table *t = tally_stats_frequencies(ds, 0, &o, &err);
    CHECK(t != NULL, "frequencies: unweighted table built");
    CHECK_STR(t->id, "freq_q1", "frequencies: id");
    CHECK_STR(t->title, "Question one", "frequencies: title is the variable label");
    CHECK_STR(t->base, "N = 8", "frequencies: base text");
    check_cells(t, "freq_unweighted");
    CHECK(tally_table_find_row(t, "Unused") < 0, "frequencies: labelled value without data left out (as PSPP)");
    CHECK_NEAR(cell(t, "Valid total", "Count"), 6, 1e-9, "frequencies: valid total");
    CHECK_NEAR(cell(t, "No answer", "Percent"), 12.5, 1e-9, "frequencies: user-missing row by label");
    CHECK_NEAR(cell(t, "System missing", "Count"), 1, 1e-9, "frequencies: system-missing row");
    int r = tally_table_find_row(t, "No answer");
    CHECK(r >= 0 && t->rows[r].type == TALLY_ROW_MISSING, "frequencies: missing row typed MISSING");
    CHECK(t->nrows == 7 && t->rows[6].type == TALLY_ROW_TOTAL, "frequencies: grand total last (7 rows)");
    CHECK_NEAR(t->rows[6].cells[1].num, 8, 1e-9, "frequencies: grand total count");
    tally_table_unref(t);

    ds->weight = 2;
    t = tally_stats_frequencies(ds, 0, &o, &err);
    /* PSPP 1.6.2 WEIGHT BY w. FREQUENCIES q1: Yes 2.50 28.4% 36.8% 36.8%; No 1.50 17.0% 22.1% 58.8% */
    check_cells(t, "freq_weighted");
    CHECK_STR(t->base, "N = 9 weighted, 8 unweighted",
              "frequencies weighted: both bases stated, the weighted one with the count decimals (default 0)");
    tally_table_unref(t);

    o.weighted = 0;
    t = tally_stats_frequencies(ds, 0, &o, &err);
    CHECK_NEAR(cell(t, "Yes", "Count"), 2, 1e-9, "frequencies: weighted=0 ignores the weight");
    tally_table_unref(t);

    /* a view: rows 0, 1, 2 only */
    size_t rows[] = {0, 1, 2};
    tally_dataset *v = tally_dataset_view(ds, "v", rows, 3);
    t = tally_stats_frequencies(v, 0, &o, &err);
    CHECK_NEAR(cell(t, "No", "Count"), 2, 1e-9, "frequencies: a view counts its selected rows only");
    CHECK_NEAR(cell(t, "Total", "Count"), 3, 1e-9, "frequencies: a view's total");
    tally_table_unref(t);
    tally_dataset_free(v);

    /* a string variable */
    int sc = tally_dataset_add_column(ds, "city", TALLY_STRING);
    const char *cities[] = {"Bonn", "Aachen", "Bonn", "", "Köln", "Bonn", "Aachen", "Köln"};
    for (size_t i = 0; i < 8; i++) tally_dataset_set_string(ds, sc, i, cities[i], strlen(cities[i]));
    t = tally_stats_frequencies(ds, sc, &o, &err);
    CHECK(t && t->rows[0].cells[0].text && strcmp(t->rows[0].cells[0].text, "Aachen") == 0,
          "frequencies: string categories in byte order");
    CHECK_NEAR(cell(t, "Bonn", "Valid percent"), 300.0 / 7, 1e-9, "frequencies: string valid percent");
    CHECK_NEAR(cell(t, "System missing", "Count"), 1, 1e-9, "frequencies: empty string is system-missing");
    tally_table_unref(t);
    tally_dataset_free(ds);
}

static void test_crosstab_and_desc(void)
{
    tally_dataset *ds = small_dataset();
    ds->weight = 2;
    tally_xtab_opts o;
    tally_xtab_opts_init(&o);
    o.cells = TALLY_XTAB_COUNT | TALLY_XTAB_COL | TALLY_XTAB_ROW | TALLY_XTAB_TOTAL;
    int colvar = 1;
    tally_xtab_stats s;
    char *err = NULL;
    tally_table *t = tally_stats_crosstab(ds, 0, &colvar, 1, &o, &s, &err);
    CHECK(t != NULL, "crosstab: weighted table built");
    /* PSPP: Pearson Chi-Square 3.95, df 4, sig .413; Cramer's V .54; N 6.80 */
    CHECK_NEAR(s.chisq, 3.95, 0.005, "crosstab: chi-square (PSPP 3.95)");
    CHECK(s.df == 4, "crosstab: df 4");
    CHECK_NEAR(s.p, 0.413, 0.0005, "crosstab: p (PSPP .413)");
    CHECK_NEAR(s.cramers_v, 0.54, 0.005, "crosstab: Cramér's V (PSPP .54)");
    CHECK_NEAR(s.n, 6.8, 1e-9, "crosstab: N of valid cases (PSPP 6.80)");
    check_cells(t, "crosstab");
    CHECK(t->nnotes >= 1 && strstr(t->notes[0], "p = .413; Cramér's V = 0.54."), "crosstab: chi-square note, p as journals print it");
    CHECK(t->cols[1].group && strcmp(t->cols[1].group, "q2") == 0, "crosstab: column group names the variable");
    tally_table_unref(t);

    int age = 3;
    tally_stats_opts d;
    tally_stats_opts_init(&d);
    t = tally_stats_descriptives(ds, &age, 1, &d, &err);
    /* PSPP DESCRIPTIVES: N 8.80 mean 34.89 sd 13.11 min 20 max 60;
     * EXAMINE /PERCENTILES(25,50,75)=HAVERAGE: 24.75 32.70 44.15 */
    check_cells(t, "descriptives");
    tally_table_unref(t);
    double v[] = {4, 1, 3, 2};
    CHECK_NEAR(tally_stats_percentile(v, NULL, 4, 0.5), 2.5, 1e-12, "percentile: unweighted median of 1..4");
    CHECK_NEAR(tally_stats_percentile(v, NULL, 4, 0.25), 1.25, 1e-12, "percentile: HAVERAGE Q1 of 1..4");
    int q1 = 0;
    CHECK(tally_stats_descriptives(ds, &q1, 0, &d, &err) == NULL && err, "descriptives: no variables is an error");
    free(err);
    tally_dataset_free(ds);
}

static void test_distributions(void)
{
    CHECK_NEAR(tally_stats_chisq_p(3.841458820694124, 1), 0.05, 1e-9, "chi-square p: 3.84 on 1 df is 0.05");
    CHECK_NEAR(tally_stats_chisq_p(10, 4), 0.04042768199451279, 1e-10, "chi-square p: 10 on 4 df");
    CHECK_NEAR(tally_stats_chisq_p(100, 50), 3.4549313834e-05, 1e-13, "chi-square p: 100 on 50 df (continued fraction)");
    CHECK_NEAR(tally_stats_gamma_p(2.5, 1.0) + tally_stats_gamma_q(2.5, 1.0), 1, 1e-12, "gamma: P + Q = 1");
    CHECK_NEAR(tally_stats_normal_p2(1.959963984540054), 0.05, 1e-9, "normal: two-sided p of 1.96");
}

int main(void)
{
    test_frequencies();
    test_crosstab_and_desc();
    test_distributions();
    CHECK_DONE();
}
