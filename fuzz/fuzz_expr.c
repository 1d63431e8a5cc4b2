/* fuzz_expr.c: fuzzes the expression language (parse, bind against a small survey, evaluate, free). */
#include "fuzz_common.h"
#include "dataset.h"
#include "expr.h"
#include "host.h"

#include <math.h>

/* Six rows: numbers with a user-missing code, a date, text with an empty cell, a long name. */
static tally_dataset *fixture(void)
{
    tally_dataset *ds = tally_dataset_new("responses");
    int age = tally_dataset_add_column(ds, "age", TALLY_NUMERIC);
    int q = tally_dataset_add_column(ds, "q1", TALLY_NUMERIC);
    int day = tally_dataset_add_column(ds, "day", TALLY_NUMERIC);
    int city = tally_dataset_add_column(ds, "city", TALLY_STRING);
    int odd = tally_dataset_add_column(ds, "a b", TALLY_NUMERIC);
    tally_dataset_resize(ds, 6);
    const double ages[] = {30, NAN, 9, 45, 1e308, -0.0}, days[] = {0, 18000, NAN, -1e9, 19782, 1e15};
    const char *cities[] = {"Berlin", "", "Köln", "Berlin", "\xff", "x"};
    for (size_t i = 0; i < 6; i++) {
        ds->cols[age]->num[i] = ages[i];
        ds->cols[q]->num[i] = (double)(i % 3);
        ds->cols[day]->num[i] = days[i];
        ds->cols[odd]->num[i] = (double)i - 2.5;
        tally_dataset_set_string(ds, city, i, cities[i], strlen(cities[i]));
    }
    tally_column_add_missing(ds->cols[age], 9);
    ds->cols[day]->is_date = 1;
    return ds;
}

/* Input: the expression text. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tally_dataset *ds;
    if (!ds) {
        tally_log_set_level(0);
        ds = fixture(); /* read-only while evaluating; kept for the whole run */
    }
    char *src = fuzz_cstr(data, size);
    char *err = NULL;
    tally_expr *e = tally_expr_parse(src, &err);
    FUZZ_ASSERT(e ? err == NULL : err != NULL && *err, "a parse error comes with a message, success without");
    if (e) {
        int rc = tally_expr_bind(e, ds, &err);
        FUZZ_ASSERT(rc == 0 ? err == NULL : err != NULL && strncmp(err, "at column ", 10) == 0,
                    "a binding error names its column");
        if (rc == 0 && !tally_expr_is_string(e)) {
            double out[6];
            tally_expr_eval(e, ds, out);
        }
        tally_expr_free(e);
    }
    free(err);
    err = NULL;
    double *v = tally_expr_run("filter", src, ds, &err);
    FUZZ_ASSERT(v ? err == NULL : err != NULL && strncmp(err, "filter '", 8) == 0, "run errors name the operation");
    free(v);
    free(err);
    free(src);
    return 0;
}
