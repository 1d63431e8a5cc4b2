/* test_dataops.c: filter, compute, recode, dedupe, join and count-by on shared columns and views. */
#include "check.h"
#include "fixtures.h"
#include "dataops.h"
#include "dataset.h"
#include "util.h"

#include <stdlib.h>

/* Six responses (fixtures.h) with a weight w and q's code 9 labelled. */
static tally_dataset *responses(void)
{
    tally_dataset *ds = six_responses();
    const double ws[] = {1, 2, 1, 0.5, 1, 1};
    add_num(ds, "w", ws, 6);
    tally_column_add_value_label(ds->cols[tally_dataset_find(ds, "q")], 9, "Refused");
    return ds;
}

static double num(const tally_dataset *ds, const char *var, size_t i)
{
    int c = tally_dataset_find(ds, var);
    return c < 0 ? -12345 : ds->cols[c]->num[tally_row(ds, i)];
}

static const char *str(const tally_dataset *ds, const char *var, size_t i)
{
    int c = tally_dataset_find(ds, var);
    return c < 0 ? "(none)" : tally_column_string(ds->cols[c], tally_row(ds, i));
}

static void test_filter(const tally_dataset *ds)
{
    char *err = NULL;
    tally_dataset *f = tally_data_filter(ds, "q == 1 or city == 'Hamburg'", &err);
    CHECK(f && f->nrows == 3, "filter keeps 3 of 6 rows");
    CHECK(f && f->sel && f->sel[0] == 0 && f->sel[1] == 1 && f->sel[2] == 3, "filter selects rows 1, 2, 4 by selection vector");
    CHECK(f && f->cols[0] == ds->cols[0] && ds->cols[0]->refs == 2, "filter shares columns (no copy)");
    CHECK(f && strcmp(f->name, "responses") == 0, "filter keeps the dataset name");
    /* a filter of a view composes */
    tally_dataset *g = f ? tally_data_filter(f, "age > 20", &err) : NULL;
    CHECK(g && g->nrows == 2 && g->sel[0] == 1 && g->sel[1] == 3, "filter of a filter maps to physical rows");
    tally_dataset_free(g);
    tally_dataset_free(f);
    /* the user-missing code 9 and the missing row are not selected either way */
    f = tally_data_filter(ds, "q ~= 1", &err);
    CHECK(f && f->nrows == 2, "comparison with missing selects nothing (q ~= 1 keeps 2 rows)");
    tally_dataset_free(f);
    f = tally_data_filter(ds, "has_china = 1", &err);
    CHECK(!f, "filter with a bad expression fails");
    CHECK_STR(err, "filter 'has_china = 1': at column 11: expected '==' (a comparison), found '='", "filter error names the expression and column");
    free(err);
}

static void test_compute(const tally_dataset *ds)
{
    char *err = NULL;
    size_t rows[] = {1, 3};
    tally_dataset *v = tally_dataset_view(ds, "responses", rows, 2);
    tally_dataset *c = tally_data_compute(v, "decade", "floor(age / 10) * 10", "Age decade", &err);
    CHECK(c && c->ncols == ds->ncols + 1 && c->nrows == 2, "compute adds one column to a copy of the view");
    CHECK(c && num(c, "decade", 0) == 20 && num(c, "decade", 1) == 70, "computed values on the view's rows");
    int d = c ? tally_dataset_find(c, "decade") : -1;
    CHECK(d >= 0 && c->cols[d]->len == ds->phys_len && isnan(c->cols[d]->num[0]), "rows outside the view are system-missing");
    CHECK_STR(d >= 0 ? c->cols[d]->label : NULL, "Age decade", "computed variable has its label");
    CHECK(tally_dataset_find(v, "decade") < 0, "the input view is unchanged");
    tally_dataset *r = c ? tally_data_compute(c, "age", "age + 1", NULL, &err) : NULL;
    CHECK(r && tally_dataset_find(r, "age") == 3 && num(r, "age", 0) == 26 && num(c, "age", 0) == 25,
          "compute replaces a variable in place, the source keeps its column");
    tally_dataset_free(r);
    tally_dataset_free(c);
    tally_dataset_free(v);
    c = tally_data_compute(ds, "x", "agee", NULL, &err);
    CHECK_STR(err, "compute 'agee': at column 1: unknown variable 'agee' in dataset 'responses' (did you mean 'age'?)",
              "compute error suggests the variable");
    free(err);
}

static void test_recode(const tally_dataset *ds)
{
    char *err = NULL;
    /* value map with a labelled target; unmatched -> system-missing */
    tally_recode_rule map[] = {{.kind = TALLY_RECODE_VALUE, .from = 1, .to = 1},
                               {.kind = TALLY_RECODE_VALUE, .from = 2, .to = 0}};
    tally_value_label labels[] = {{.code = 1, .label = "Has partner"}, {.code = 0, .label = "None"}};
    tally_recode_spec sp = {.src = "q", .dst = "has_china", .rules = map, .nrules = 2, .labels = labels, .nlabels = 2};
    tally_dataset *r = tally_data_recode(ds, &sp, &err);
    CHECK(r && num(r, "has_china", 0) == 1 && num(r, "has_china", 1) == 0 && isnan(num(r, "has_china", 2)) &&
          isnan(num(r, "has_china", 4)), "value map: 1->1, 2->0, 9 and missing -> sysmis");
    int hc = r ? tally_dataset_find(r, "has_china") : -1;
    CHECK_STR(hc >= 0 ? tally_column_value_label(r->cols[hc], 0) : NULL, "None", "new codes carry their labels");
    CHECK_STR(hc >= 0 ? r->cols[hc]->label : NULL, "Partner city in China?", "target keeps the source's question text");
    tally_dataset_free(r);

    /* ranges with lowest/highest; else copy keeps user-missing 9 as user-missing */
    tally_recode_rule ranges[] = {{.kind = TALLY_RECODE_RANGE, .lo = -INFINITY, .hi = 17, .to = 1},
                                  {.kind = TALLY_RECODE_RANGE, .lo = 18, .hi = 39, .to = 2},
                                  {.kind = TALLY_RECODE_RANGE, .lo = 40, .hi = INFINITY, .to = 3}};
    tally_recode_spec ag = {.src = "age", .dst = "agegroup", .label = "Age group", .rules = ranges, .nrules = 3};
    r = tally_data_recode(ds, &ag, &err);
    CHECK(r && num(r, "agegroup", 0) == 1 && num(r, "agegroup", 1) == 2 && num(r, "agegroup", 3) == 3 &&
          num(r, "agegroup", 5) == 2, "ranges with lowest and highest");
    tally_dataset_free(r);

    tally_recode_rule flip[] = {{.kind = TALLY_RECODE_VALUE, .from = 2, .to = 0}};
    tally_recode_spec cp = {.src = "q", .rules = flip, .nrules = 1, .otherwise = TALLY_ELSE_COPY};
    r = tally_data_recode(ds, &cp, &err);
    int qi = r ? tally_dataset_find(r, "q") : -1;
    CHECK(qi == 2 && num(r, "q", 1) == 0 && num(r, "q", 2) == 9 && num(ds, "q", 1) == 2, "in-place recode with else copy");
    CHECK(qi >= 0 && tally_column_is_user_missing(r->cols[qi], 9), "copied user-missing code stays user-missing");
    CHECK(qi >= 0 && tally_column_value_label(r->cols[qi], 2) == NULL &&
          strcmp(tally_column_value_label(r->cols[qi], 1), "Yes") == 0, "labels of recoded codes are dropped, others kept");
    tally_dataset_free(r);

    /* missing rule and else value */
    tally_recode_rule mr[] = {{.kind = TALLY_RECODE_MISSING, .to = 99}};
    tally_recode_spec ms = {.src = "q", .dst = "q_m", .rules = mr, .nrules = 1, .otherwise = TALLY_ELSE_VALUE, .else_value = 0};
    r = tally_data_recode(ds, &ms, &err);
    CHECK(r && num(r, "q_m", 2) == 99 && num(r, "q_m", 4) == 99 && num(r, "q_m", 0) == 0, "missing rule catches 9 and sysmis; else value");
    tally_dataset_free(r);

    /* text to number */
    tally_recode_rule tx[] = {{.kind = TALLY_RECODE_TEXT, .text = "Berlin", .to = 1},
                              {.kind = TALLY_RECODE_TEXT, .text = "Hamburg", .to = 2}};
    tally_recode_spec ts = {.src = "city", .dst = "city_code", .rules = tx, .nrules = 2, .otherwise = TALLY_ELSE_VALUE, .else_value = 3};
    r = tally_data_recode(ds, &ts, &err);
    CHECK(r && num(r, "city_code", 0) == 1 && num(r, "city_code", 1) == 2 && num(r, "city_code", 3) == 3, "text recoded to numbers");
    tally_dataset_free(r);

    tally_recode_spec bad = {.src = "city", .dst = "x", .rules = map, .nrules = 1};
    r = tally_data_recode(ds, &bad, &err);
    CHECK_STR(err, "recode 'city': rule 1 maps a number but 'city' is text; quote the value (\"1\")", "numeric rule on text is refused");
    free(err);
    err = NULL;
    tally_recode_spec unk = {.src = "qq", .dst = "x"};
    r = tally_data_recode(ds, &unk, &err);
    CHECK_STR(err, "recode 'qq': unknown variable 'qq' in dataset 'responses' (did you mean 'q'?)", "unknown source variable");
    free(err);
}

static void test_dedupe(const tally_dataset *ds)
{
    char *err = NULL;
    tally_dedupe_result res;
    const char *key[] = {"id"};
    tally_dataset *d = tally_data_dedupe(ds, key, 1, 0, NULL, &res, &err);
    CHECK(d && d->nrows == 4 && res.dropped == 2, "keep first: 2 of 3 rows with id 1 dropped");
    CHECK(d && d->sel[0] == 0 && d->sel[1] == 1 && d->sel[2] == 3 && d->sel[3] == 4, "kept rows stay in file order");
    CHECK(res.ndups == 1 && strcmp(res.dups[0].key, "1") == 0 && res.dups[0].rows == 3, "the duplicated key and its row count");
    CHECK(res.missing_keys == 1, "a row with a missing key is kept, never a duplicate");
    tally_dedupe_result_free(&res);
    tally_dataset_free(d);

    d = tally_data_dedupe(ds, key, 1, 1, "submitted", &res, &err);
    CHECK(d && d->nrows == 4 && d->sel[0] == 1 && d->sel[1] == 2, "keep last by submitted keeps the latest id-1 row (row 3)");
    tally_dedupe_result_free(&res);
    tally_dataset_free(d);

    const char *two[] = {"city", "q"};
    d = tally_data_dedupe(ds, two, 2, 0, NULL, &res, &err);
    CHECK(d && res.dropped == 0 && d->nrows == 6, "two keys: no duplicates");
    tally_dedupe_result_free(&res);
    tally_dataset_free(d);

    const char *ck[] = {"city"};
    d = tally_data_dedupe(ds, ck, 1, 1, NULL, &res, &err);
    CHECK(d && res.dropped == 2 && strcmp(res.dups[0].key, "Berlin") == 0 && d->sel[0] == 1, "text key, keep last in file order");
    tally_dedupe_result_free(&res);
    tally_dataset_free(d);

    const char *bad[] = {"idd"};
    d = tally_data_dedupe(ds, bad, 1, 0, NULL, &res, &err);
    CHECK_STR(err, "dedupe: unknown variable 'idd' in dataset 'responses' (did you mean 'id'?)", "dedupe unknown key");
    free(err);
}

static tally_dataset *partners(int dup)
{
    tally_dataset *p = tally_dataset_new("partners");
    int c = tally_dataset_add_column(p, "city", TALLY_STRING);
    int n = tally_dataset_add_column(p, "partner", TALLY_STRING);
    int y = tally_dataset_add_column(p, "since", TALLY_NUMERIC);
    tally_dataset_resize(p, 3);
    const char *cs[] = {"Köln", "Berlin", dup ? "Köln" : "Hamburg"}, *ns[] = {"Peking", "Peking", "Shanghai"};
    for (size_t i = 0; i < 3; i++) {
        tally_dataset_set_string(p, c, i, cs[i], strlen(cs[i]));
        tally_dataset_set_string(p, n, i, ns[i], strlen(ns[i]));
        p->cols[y]->num[i] = 1980 + (double)i;
    }
    tally_column_set_label(p->cols[y], "Partner since");
    return p;
}

static void test_join(const tally_dataset *ds)
{
    char *err = NULL;
    tally_join_result res;
    tally_dataset *p = partners(0);
    size_t rows[] = {3, 4, 5};
    tally_dataset *v = tally_dataset_view(ds, "responses", rows, 3);
    tally_dataset *j = tally_data_join(v, p, "city", NULL, NULL, 0, &res, &err);
    CHECK(j && j->ncols == ds->ncols + 2 && j->nrows == 3, "join adds partner and since to a view");
    CHECK(j && strcmp(str(j, "partner", 0), "Peking") == 0 && num(j, "since", 0) == 1980 && num(j, "since", 2) == 1981,
          "values matched by key");
    CHECK(j && isnan(num(j, "since", 1)) && *str(j, "partner", 1) == '\0', "an unmatched row gets missing values");
    CHECK(res.matched == 2 && res.unmatched == 1, "matched 2, unmatched 1");
    int s = j ? tally_dataset_find(j, "since") : -1;
    CHECK_STR(s >= 0 ? j->cols[s]->label : NULL, "Partner since", "joined variables keep their metadata");
    tally_dataset_free(j);
    const char *only[] = {"since"};
    j = tally_data_join(ds, p, "city", NULL, only, 1, &res, &err);
    CHECK(j && j->ncols == ds->ncols + 1 && res.matched == 5 && res.unmatched == 1, "join with chosen vars over all rows");
    tally_dataset_free(j);
    const char *clash[] = {"city"};
    j = tally_data_join(ds, p, "city", NULL, clash, 1, &res, &err);
    CHECK_STR(err, "join: variable 'city' is in both 'responses' and 'partners'; leave it out of vars or rename it first", "name clash refused");
    free(err);
    tally_dataset_free(p);

    p = partners(1);
    j = tally_data_join(ds, p, "city", NULL, NULL, 0, &res, &err);
    CHECK(!j, "duplicate key in the lookup dataset fails");
    CHECK_STR(err, "join: key 'city' has the value 'Köln' twice in dataset 'partners' (rows 1 and 3); a lookup needs one row per key",
              "duplicate key error names the key and rows");
    free(err);
    j = tally_data_join(ds, p, "id", "city", NULL, 0, &res, &err);
    CHECK_STR(err, "join: key 'id' is numeric in dataset 'responses' but text in dataset 'partners'", "key type mismatch");
    free(err);
    tally_dataset_free(p);
    tally_dataset_free(v);
}

static void test_count(const tally_dataset *ds)
{
    char *err = NULL;
    tally_counts c;
    int rc = tally_data_count_by(ds, "q", NULL, &c, &err);
    CHECK(rc == 0 && c.n == 4, "q has groups 1, 2, 9 (user-missing) and sysmis");
    CHECK(c.n == 4 && c.groups[0].code == 1 && c.groups[0].count == 2 && strcmp(c.groups[0].label, "Yes") == 0,
          "code 1 'Yes' counted twice");
    CHECK(c.n == 4 && c.groups[2].code == 9 && c.groups[2].missing && c.groups[3].missing && isnan(c.groups[3].code),
          "user-missing then system-missing last");
    tally_counts_free(&c);
    rc = tally_data_count_by(ds, "city", "w", &c, &err);
    CHECK(rc == 0 && c.n == 4 && strcmp(c.groups[0].text, "Berlin") == 0 && c.groups[0].count == 3 && c.groups[0].rows == 3,
          "text groups sorted, weighted");
    CHECK(c.n == 4 && strcmp(c.groups[2].text, "Köln") == 0 && c.groups[2].count == 0.5 && c.groups[3].missing,
          "weight 0.5 and the empty text as missing");
    tally_counts_free(&c);
    rc = tally_data_count_by(ds, "cty", NULL, &c, &err);
    CHECK_STR(err, "count_by: unknown variable 'cty' in dataset 'responses' (did you mean 'city'?)", "count_by unknown variable");
    free(err);
}

int main(void)
{
    tally_dataset *ds = responses();
    test_filter(ds);
    test_compute(ds);
    test_recode(ds);
    test_dedupe(ds);
    test_join(ds);
    test_count(ds);
    CHECK(ds->nrows == 6 && ds->cols[0]->refs == 1, "the source dataset is unchanged and holds the only references");
    tally_dataset_free(ds);
    CHECK_DONE();
}
