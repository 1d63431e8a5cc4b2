/* test_stats_more.c: multiple response, column letters, banners, Likert, timelines and rankings (hand-computed). */
#include "check.h"
#include "fixtures.h"
#include "stats.h"
#include "util.h"

#include <stdlib.h>

static const char *cell_text(const tally_table *t, const char *row, const char *col)
{
    int r = tally_table_find_row(t, row), c = tally_table_find_col(t, col);
    if (r < 0 || c < 0) return NULL;
    return t->rows[r].cells[c].text;
}

static void test_multiresponse(void)
{
    /* five cases; dichotomies m1..m3 (1 = chosen), choices c1, c2 (9 = user-missing in c2) */
    tally_dataset *ds = tally_dataset_new("mr");
    const double m1[] = {1, 0, 1, 0, 1}, m2[] = {0, 0, 1, 1, 1}, m3[] = {1, 0, 0, NAN, 1};
    const double c1[] = {1, 2, 3, NAN, 1}, c2[] = {2, NAN, 3, NAN, 9}, w[] = {1, 2, 1, 1, 0};
    int cols[3] = {add_num(ds, "m1", m1, 5), add_num(ds, "m2", m2, 5), add_num(ds, "m3", m3, 5)};
    int cc[2] = {add_num(ds, "c1", c1, 5), add_num(ds, "c2", c2, 5)};
    int wc = add_num(ds, "w", w, 5);
    tally_column_set_label(ds->cols[cols[0]], "Trade");
    tally_column_add_missing(ds->cols[cc[1]], 9);
    tally_column_add_value_label(ds->cols[cc[1]], 1, "Culture");
    tally_dataset_add_mrset(ds, "partners", "Kinds of partnership", TALLY_MRSET_DICHOTOMY, 1, cols, 3);
    tally_dataset_add_mrset(ds, "choices", NULL, TALLY_MRSET_CATEGORY, 0, cc, 2);
    tally_stats_opts o;
    tally_stats_opts_init(&o);
    char *err = NULL;

    tally_table *t = tally_stats_multiresponse(ds, tally_dataset_find_mrset(ds, "partners"), 0, &o, &err);
    CHECK(t != NULL, "mr dichotomy: table built");
    CHECK_STR(t->title, "Kinds of partnership", "mr: title is the set label");
    CHECK_STR(t->base, "N = 4, more than one answer possible", "mr: base is the 4 answering cases");
    check_cells(t, "mr_dichotomy");
    tally_table_unref(t);

    t = tally_stats_multiresponse(ds, tally_dataset_find_mrset(ds, "partners"), 1, &o, &err);
    CHECK_NEAR(cell(t, "Trade", "Percent of cases"), 60, 1e-9, "mr base=all: percent of cases 3/5");
    CHECK_STR(t->base, "N = 5, more than one answer possible", "mr base=all: N = 5");
    tally_table_unref(t);

    t = tally_stats_multiresponse(ds, tally_dataset_find_mrset(ds, "choices"), 0, &o, &err);
    CHECK(t != NULL, "mr category set: table built");
    CHECK_NEAR(cell(t, "Culture", "Responses"), 2, 1e-9, "mr category: code 1 labelled from c2, 2 responses");
    CHECK_NEAR(cell(t, "3", "Responses"), 1, 1e-9, "mr category: duplicate answer counted once per case");
    CHECK(tally_table_find_row(t, "9") < 0, "mr category: user-missing code not counted");
    CHECK_NEAR(cell(t, "2", "Percent of responses"), 40, 1e-9, "mr category: percent of responses 2/5");
    CHECK_NEAR(cell(t, "2", "Percent of cases"), 50, 1e-9, "mr category: percent of cases 2/4");
    tally_table_unref(t);

    ds->weight = wc;
    t = tally_stats_multiresponse(ds, tally_dataset_find_mrset(ds, "partners"), 0, &o, &err);
    /* weights 1,2,1,1,0: case 5 drops out; m1 = 1+1, m2 = 1+1, m3 = 1; answering = cases 1, 3, 4 */
    CHECK_NEAR(cell(t, "Trade", "Responses"), 2, 1e-9, "mr weighted: m1 2");
    CHECK_NEAR(cell(t, "m2", "Percent of cases"), 200.0 / 3, 1e-9, "mr weighted: percent of cases 2/3");
    CHECK_NEAR(cell(t, "m3", "Percent of responses"), 20, 1e-9, "mr weighted: percent of responses 1/5");
    CHECK_STR(t->base, "N = 3 weighted, 3 unweighted, more than one answer possible", "mr weighted: both bases");
    tally_table_unref(t);

    tally_ranking_opts ro;
    tally_ranking_opts_init(&ro);
    ro.base.weighted = 0;
    t = tally_stats_ranking(ds, -1, tally_dataset_find_mrset(ds, "partners"), &ro, &err);
    CHECK(t && t->nrows == 3, "ranking of a set: 3 rows");
    CHECK(t && strcmp(t->rows[0].cells[0].text, "Trade") == 0 && strcmp(t->rows[1].cells[0].text, "m2") == 0,
          "ranking of a set: tie between m1 and m2 broken by set order");
    CHECK(t && t->rows[1].cells[1].num == 1, "ranking: ties share rank 1");
    CHECK(t && t->rows[2].cells[1].num == 3, "ranking: next rank after a tie is 3");
    tally_table_unref(t);
    tally_dataset_free(ds);
}

/* 200 cases: group g (1, 2), y1 (1 = yes) differs strongly, y2 at 90% only. */
static void test_letters(void)
{
    tally_dataset *ds = tally_dataset_new("letters");
    double g[200], y1[200], y2[200], h[200];
    for (int i = 0; i < 200; i++) {
        int a = i < 100, k = a ? i : i - 100;
        g[i] = a ? 1 : 2;
        y1[i] = k < (a ? 70 : 40) ? 1 : 2; /* 70% vs 40%: z = 4.26 */
        y2[i] = k < (a ? 60 : 48) ? 1 : 2; /* 60% vs 48%: z = 1.70, p = 0.089 */
        h[i] = i % 2 ? 1 : 2;
    }
    int gc = add_num(ds, "g", g, 200), c1 = add_num(ds, "y1", y1, 200), c2 = add_num(ds, "y2", y2, 200);
    int hc = add_num(ds, "h", h, 200);
    tally_column_add_value_label(ds->cols[gc], 1, "East");
    tally_column_add_value_label(ds->cols[gc], 2, "West");
    tally_column_add_value_label(ds->cols[c1], 1, "Yes");
    tally_column_add_value_label(ds->cols[c1], 2, "No");
    tally_column_add_value_label(ds->cols[c2], 1, "Yes");
    tally_column_add_value_label(ds->cols[c2], 2, "No");
    tally_xtab_opts o;
    tally_xtab_opts_init(&o);
    o.tests = 1;
    char *err = NULL;
    tally_table *t = tally_stats_crosstab(ds, c1, &gc, 1, &o, NULL, &err);
    CHECK_STR(cell_text(t, "Yes", "East (A) sig."), "B", "letters: East higher than West at 95% -> B");
    CHECK_STR(cell_text(t, "Yes", "West (B) sig."), "", "letters: West not higher -> none");
    CHECK_STR(cell_text(t, "No", "West (B) sig."), "A", "letters: West No higher -> A");
    CHECK_NEAR(cell(t, "Yes", "East (A): Column %"), 70, 1e-9, "letters: column percent beside");
    CHECK(t->cols[tally_table_find_col(t, "East (A) sig.")].type == TALLY_COL_LETTERS, "letters: column typed LETTERS");
    tally_table_unref(t);
    t = tally_stats_crosstab(ds, c2, &gc, 1, &o, NULL, &err);
    CHECK_STR(cell_text(t, "Yes", "East (A) sig."), "b", "letters: 90% only -> lower case b");
    tally_table_unref(t);
    o.min_base = 150;
    t = tally_stats_crosstab(ds, c1, &gc, 1, &o, NULL, &err);
    CHECK_STR(cell_text(t, "Yes", "East (A) sig."), "", "letters: no test below the minimum base");
    CHECK(t->nnotes >= 3 && strstr(t->notes[t->nnotes - 1], "base below 150"), "letters: minimum-base footnote");
    tally_table_unref(t);

    /* banner: g and h side by side plus Total */
    o.min_base = 30;
    int banner[2] = {gc, hc};
    t = tally_stats_crosstab(ds, c1, banner, 2, &o, NULL, &err);
    CHECK_STR(t->id, "banner_y1", "banner: id");
    int tc = tally_table_find_col(t, "Total: Count");
    CHECK(tc > 0 && t->cols[tc].group && strcmp(t->cols[tc].group, "Total") == 0, "banner: Total column group");
    CHECK_NEAR(cell(t, "Yes", "Total: Count"), 110, 1e-9, "banner: total count of Yes");
    int hcol = tally_table_find_col(t, "1 (A): Count");
    CHECK(hcol > 0 && strcmp(t->cols[hcol].group, "h") == 0, "banner: second variable's group");
    tally_table_unref(t);
    tally_dataset_free(ds);
}

static void test_likert_time_rank(void)
{
    tally_dataset *ds = tally_dataset_new("misc");
    const double l1[] = {1, 2, 3, 4, 5, 5, 4, 4, 9}, l2[] = {1, 1, 2, 2, 3, 3, 4, 5, NAN};
    const double yr[] = {1985, 1987, 1993, 2000, 2000, 2003, NAN, 1999, 1980};
    const double k[] = {1, 2, 2, 3, 2, 1, 2, 4, 1};
    int a = add_num(ds, "l1", l1, 9), b = add_num(ds, "l2", l2, 9), y = add_num(ds, "year", yr, 9);
    int kc = add_num(ds, "kind", k, 9);
    tally_column_add_missing(ds->cols[a], 9);
    tally_column_set_label(ds->cols[a], "Service");
    const char *names[] = {"Very poor", "Poor", "Neutral", "Good", "Very good"};
    for (int i = 0; i < 5; i++) tally_column_add_value_label(ds->cols[a], i + 1, names[i]);
    char *err = NULL;
    tally_likert_opts lo;
    tally_likert_opts_init(&lo);
    int items[2] = {a, b};
    tally_table *t = tally_stats_likert(ds, items, 2, &lo, &err);
    CHECK(t != NULL, "likert: table built");
    check_cells(t, "likert");
    tally_table_unref(t);

    tally_timeline_opts to;
    tally_timeline_opts_init(&to);
    to.decades_until = 2000;
    to.to = 2005;
    t = tally_stats_timeline(ds, y, &to, &err);
    CHECK(t != NULL, "timeline: table built");
    check_cells(t, "timeline");
    CHECK(t->nrows == 9, "timeline: 1980s, 1990s, 2000..2005, Total");
    tally_table_unref(t);

    tally_ranking_opts ro;
    tally_ranking_opts_init(&ro);
    ro.top = 2;
    ro.other_row = 1;
    t = tally_stats_ranking(ds, kc, NULL, &ro, &err);
    /* kind: 1 x3, 2 x4, 3 x1, 4 x1 */
    CHECK(t && t->nrows == 3, "ranking: top 2 plus Other");
    CHECK(t && strcmp(t->rows[0].cells[0].text, "2") == 0, "ranking: most frequent first");
    CHECK_NEAR(cell(t, "Other", "Count"), 2, 1e-9, "ranking: Other sums the rest");
    CHECK_NEAR(cell(t, "1", "Percent"), 100.0 / 3, 1e-9, "ranking: percent of valid cases");
    tally_table_unref(t);
    tally_dataset_free(ds);
}

int main(void)
{
    test_multiresponse();
    test_letters();
    test_likert_time_rank();
    CHECK_DONE();
}
