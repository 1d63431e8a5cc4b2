/* fuzz_expr.c: fuzzes the expression language (parse, bind against a small survey, evaluate, free). */
#include "fuzz_common.h"
#include "dataset.h"
#include "expr.h"
#include "host.h"
#include "fixtures.h" /* add_num, add_str: shared with the unit tests */

#include <math.h>

/* Six rows: numbers with a user-missing code, a date, text with an empty cell, a long name. */
static tally_dataset *fixture(void)
{
    static const double ages[] = {30, NAN, 9, 45, 1e308, -0.0}, qs[] = {0, 1, 2, 0, 1, 2},
                        days[] = {0, 18000, NAN, -1e9, 19782, 1e15}, odds[] = {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5};
    static const char *const cities[] = {"Berlin", "", "Köln", "Berlin", "\xff", "x"};
    tally_dataset *ds = tally_dataset_new("responses");
    int age = add_num(ds, "age", ages, 6);
    add_num(ds, "q1", qs, 6);
    int day = add_num(ds, "day", days, 6);
    add_str(ds, "city", cities, 6);
    add_num(ds, "a b", odds, 6);
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
