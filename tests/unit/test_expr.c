/* test_expr.c: the expression language: parsing, pinned errors, SPSS missing semantics, functions, views. */
#include "check.h"
#include "dataset.h"
#include "expr.h"
#include "fixtures.h"
#include "util.h"

#include <stdlib.h>

/* Five rows: age (9 = user-missing "refused"), q (3 cities have code 1), city text, day (dates). */
static tally_dataset *sample(void)
{
    static const double ages[] = {30, NAN, 9, 45, 60}, qs[] = {1, 0, 1, NAN, 1}, days[] = {0, 18000, 18262, NAN, -1};
    static const char *const cities[] = {"Berlin", "Hamburg", "", "Köln", "Berlin"};
    tally_dataset *ds = tally_dataset_new("responses");
    int age = add_num(ds, "age", ages, 5);
    add_num(ds, "has_china", qs, 5);
    add_text(ds, "city", cities, 5);
    int day = add_num(ds, "submitted", days, 5);
    tally_column_add_missing(ds->cols[age], 9);
    ds->cols[day]->is_date = 1;
    return ds;
}

/* Evaluates `src` over ds; returns the values (static) or NULL and prints the error. */
static double *run(const tally_dataset *ds, const char *src)
{
    static double *last;
    free(last);
    char *err = NULL;
    last = tally_expr_run(NULL, src, ds, &err);
    if (!last) {
        printf("# %s: %s\n", src, err);
        free(err);
    }
    return last;
}

/* "1 0 . 1 ." for values (. = missing), to compare whole columns at once. */
static const char *show(const double *v, size_t n)
{
    static char buf[256];
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; v && i < n && len < sizeof buf - 32; i++) {
        if (v[i] != v[i]) len += (size_t)snprintf(buf + len, sizeof buf - len, "%s.", i ? " " : "");
        else len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%g", i ? " " : "", v[i]);
    }
    return v ? buf : "(error)";
}

static void expect(const tally_dataset *ds, const char *src, const char *want)
{
    char what[200];
    snprintf(what, sizeof what, "%s -> %s", src, want);
    CHECK_STR(show(run(ds, src), ds->nrows), want, what);
}

static void expect_error(const tally_dataset *ds, const char *what, const char *src, const char *want)
{
    char *err = NULL;
    double *v = tally_expr_run(what, src, ds, &err);
    char label[200];
    snprintf(label, sizeof label, "error for \"%s\"", src);
    CHECK_STR(err, want, label);
    free(v);
    free(err);
}

int main(void)
{
    tally_dataset *ds = sample();

    /* arithmetic and precedence */
    expect(ds, "1 + 2 * 3", "7 7 7 7 7");
    expect(ds, "(1 + 2) * 3 - -1", "10 10 10 10 10");
    expect(ds, "7 % 4 + 10 / 4", "5.5 5.5 5.5 5.5 5.5");
    expect(ds, "age / 0", ". . . . .");
    expect(ds, "age * 2", "60 . . 90 120");

    /* comparisons with missing are missing; user-missing 9 reads as missing */
    expect(ds, "age > 40", "0 . . 1 1");
    expect(ds, "age == 9", "0 . . 0 0");
    expect(ds, "has_china == 1", "1 0 1 . 1");
    expect(ds, "has_china ~= 1", "0 1 0 . 0");
    expect(ds, "has_china != 1", "0 1 0 . 0");
    expect(ds, "has_china <> 1", "0 1 0 . 0");

    /* three-valued logic: false and missing = false, true or missing = true */
    expect(ds, "age > 40 and has_china == 1", "0 0 . . 1");
    expect(ds, "age > 40 or has_china == 1", "1 . 1 1 1");
    expect(ds, "not has_china == 1", "0 1 0 . 0");
    expect(ds, "NOT (age < 50) AND true", "0 . . 0 1");

    /* missing functions see the stored code */
    expect(ds, "missing(age)", "0 1 1 0 0");
    expect(ds, "sysmis(age)", "0 1 0 0 0");
    expect(ds, "valid(age)", "1 0 0 1 1");
    expect(ds, "value(age)", "30 . 9 45 60");
    expect(ds, "missing(age) or age > 50", "0 1 1 0 1");
    expect(ds, "missing(city)", "0 0 1 0 0");

    /* in lists, both bracket styles */
    expect(ds, "age in {30, 60}", "1 . . 0 1");
    expect(ds, "age in (45)", "0 . . 1 0");
    expect(ds, "city in ('Berlin', \"Köln\")", "1 0 . 1 1");

    /* text comparisons */
    expect(ds, "city == 'Berlin'", "1 0 . 0 1");
    expect(ds, "city < 'C'", "1 0 . 0 1");
    expect(ds, "city ~= \"Berlin\" and has_china == 1", "0 0 . . 0");

    /* functions */
    expect(ds, "sum(age, has_china)", "31 0 1 45 61");
    expect(ds, "mean(age, has_china, 2)", "11 1 1.5 23.5 21");
    expect(ds, "min(age, 50) + max(1, has_china)", "31 51 51 46 51");
    expect(ds, "abs(-age) + floor(2.7)", "32 . . 47 62");
    expect(ds, "round(2.5) + round(-2.5)", "0 0 0 0 0");
    expect(ds, "round(2.675, 2)", "2.68 2.68 2.68 2.68 2.68");
    expect(ds, "round(age / 7, 1)", "4.3 . . 6.4 8.6");
    expect(ds, "year(submitted)", "1970 2019 2020 . 1969");
    expect(ds, "year(1e308) + month(-1e300) + year(1e10)", ". . . . .");
    expect(ds, "year(9e9) > 2e7 and month(-9e9) >= 1", "1 1 1 1 1");
    expect(ds, "month(submitted)", "1 4 1 . 12");
    expect(ds, "year('2019-05-03') + month('3.5.2019')", "2024 2024 2024 2024 2024");
    expect(ds, "count(has_china, age, 1)", "1 0 1 0 1");
    expect(ds, "count(city, 'Berlin', 'Berlin')", "2 1 1 1 2");
    expect(ds, "`has_china` * 10", "10 0 10 . 10");

    /* evaluation on a view reads through the selection vector */
    size_t rows[] = {4, 0};
    tally_dataset *v = tally_dataset_view(ds, "v", rows, 2);
    expect(v, "age + 1", "61 31");
    tally_dataset_free(v);

    /* more than one block of rows */
    tally_dataset *big = tally_dataset_new("big");
    int x = tally_dataset_add_column(big, "x", TALLY_NUMERIC);
    tally_dataset_resize(big, 1000);
    for (int i = 0; i < 1000; i++) big->cols[x]->num[i] = i;
    double *bv = run(big, "x * 2 + (x % 2 == 1)");
    double total = 0;
    for (int i = 0; bv && i < 1000; i++) total += bv[i];
    CHECK(bv && bv[999] == 1999 && total == 999000 + 500, "1000 rows evaluated across blocks (sum %g)", total);
    tally_dataset_free(big);

    /* pinned parse and binding errors */
    expect_error(ds, "filter", "has_china = 1",
                 "filter 'has_china = 1': at column 11: expected '==' (a comparison), found '='");
    expect_error(ds, NULL, "age > ", "at column 7: expected a number, a string, a variable or '(', found the end of the expression");
    expect_error(ds, NULL, "(age > 1", "at column 9: expected ')' to close the '(' at column 1, found the end of the expression");
    expect_error(ds, NULL, "age > 1 && city == 'x'", "at column 9: unexpected character '&' (write 'and')");
    expect_error(ds, NULL, "city == 'Berlin", "at column 9: unterminated string (missing closing ')");
    expect_error(ds, NULL, "flor(age)", "at column 1: unknown function 'flor' (did you mean 'floor'?)");
    expect_error(ds, NULL, "round(age, 1, 2)", "at column 1: round() takes 1 or 2 arguments, found 3");
    expect_error(ds, NULL, "age in 1, 2", "at column 8: expected '{' or '(' after 'in', found '1'");
    expect_error(ds, NULL, "age in {1, 2", "at column 13: expected ',' or '}' in the list after 'in', found the end of the expression");
    expect_error(ds, NULL, "age 1", "at column 5: expected an operator, 'and', 'or' or the end of the expression, found '1'");
    expect_error(ds, NULL, "1 < age < 3", "at column 9: expected 'and', 'or' or the end, found '<' (comparisons do not chain)");
    expect_error(ds, "compute", "agee * 2",
                 "compute 'agee * 2': at column 1: unknown variable 'agee' in dataset 'responses' (did you mean 'age'?)");
    expect_error(ds, NULL, "city == 1", "at column 6: cannot compare text with a number (put numbers without quotes, text in quotes)");
    expect_error(ds, NULL, "city + 1", "at column 1: arithmetic needs a number, found text");
    expect_error(ds, NULL, "city", "the expression gives text; a number or a condition is needed");
    expect_error(ds, NULL, "year(age)", "at column 6: year() needs a date; 'age' is not a date variable");
    expect_error(ds, NULL, "sysmis(city)", "at column 8: sysmis() needs a numeric variable, found text");
    expect_error(ds, NULL, "age in {1, 'a'}", "at column 12: 'in' list item is text but the value tested is a number");
    expect_error(ds, NULL, "größe > 1", "at column 1: unknown variable 'größe' in dataset 'responses'");
    expect_error(ds, NULL, "größe ! 1", "at column 7: unexpected character '!' (write 'not')");

    /* deep nesting is refused, not a stack overflow */
    sbuf deep;
    sbuf_init(&deep);
    for (int i = 0; i < 500; i++) sbuf_putc(&deep, '(');
    sbuf_putc(&deep, '1');
    for (int i = 0; i < 500; i++) sbuf_putc(&deep, ')');
    char *err = NULL;
    tally_expr *e = tally_expr_parse(deep.data, &err);
    CHECK(!e && err && strstr(err, "nested too deeply"), "500 nested parentheses are refused: %s", err ? err : "");
    free(err);
    sbuf_free(&deep);

    /* long chains are flat, not deep: 5,000 'or' terms (95 KB) bind, evaluate and free */
    sbuf chain;
    sbuf_init(&chain);
    for (int i = 0; i < 5000; i++) sbuf_printf(&chain, "%shas_china == %d", i ? " or " : "", i % 2 ? 1 : 7 + i);
    double *cv = run(ds, chain.data);
    CHECK(cv && cv[0] == 1 && cv[1] == 0 && cv[4] == 1 && isnan(cv[3]), "5,000 'or' terms (%zu bytes) evaluate", chain.len);
    sbuf_free(&chain);
    sbuf_init(&chain);
    for (int i = 0; i < 20000; i++) sbuf_printf(&chain, "%s1", i == 0 ? "" : i % 2 ? " + " : " - ");
    cv = run(ds, chain.data);
    CHECK(cv && cv[0] == 2, "20,000 alternating '+' and '-' terms fold left to right: %g", cv ? cv[0] : -1);
    sbuf_free(&chain);
    sbuf_init(&chain);
    sbuf_putc(&chain, '2');
    for (int i = 0; i < 3000; i++) sbuf_puts(&chain, " * 3 / 3");
    cv = run(ds, chain.data);
    CHECK(cv && cv[0] == 2, "3,000 pairs of '* 3 / 3' fold left to right: %g", cv ? cv[0] : -1);
    sbuf_free(&chain);
    cv = run(ds, "1 - 2 - 3 == -4 and 2 / 2 / 2 == 0.5 and 1 - (2 - 3) == 2 and 7 % 4 % 2 == 1");
    CHECK(cv && cv[0] == 1, "left association kept by the flat chains");
    expect_error(ds, NULL, "age + 1 + city > 2", "at column 11: arithmetic needs a number, found text");
    expect_error(ds, NULL, "age > 1 or has_china == 1 and city", "at column 31: 'and' needs a number, found text");

    /* nesting through 'in' lists and function arguments counts too */
    sbuf_init(&chain);
    for (int i = 0; i < 3000; i++) sbuf_puts(&chain, "1 in {");
    sbuf_putc(&chain, '1');
    for (int i = 0; i < 3000; i++) sbuf_putc(&chain, '}');
    err = NULL;
    tally_expr *deep_in = tally_expr_parse(chain.data, &err);
    CHECK(!deep_in && err && strstr(err, "nested too deeply"), "3,000 nested 'in' lists are refused: %s", err ? err : "");
    free(err);
    sbuf_free(&chain);
    sbuf_init(&chain);
    for (int i = 0; i < 3000; i++) sbuf_puts(&chain, "abs(");
    sbuf_putc(&chain, '1');
    for (int i = 0; i < 3000; i++) sbuf_putc(&chain, ')');
    err = NULL;
    deep_in = tally_expr_parse(chain.data, &err);
    CHECK(!deep_in && err && strstr(err, "nested too deeply"), "3,000 nested calls are refused: %s", err ? err : "");
    free(err);
    sbuf_free(&chain);

    /* size: more than 256 KiB of expression is refused before parsing */
    sbuf_init(&chain);
    for (int i = 0; i < 30000; i++) sbuf_printf(&chain, "%sage == %d", i ? " or " : "", i);
    err = NULL;
    deep_in = tally_expr_parse(chain.data, &err);
    CHECK_STR(err, "the expression is 468,886 bytes long; the limit is 262,144 (split it into several steps)",
              "an expression over the size limit is refused with its size");
    CHECK(!deep_in, "and gives no tree");
    free(err);
    sbuf_free(&chain);

    /* a parsed tree is reused over two datasets sharing columns */
    err = NULL;
    e = tally_expr_parse("age >= 45", &err);
    CHECK(e && tally_expr_bind(e, ds, &err) == 0 && !tally_expr_is_string(e), "parse once, bind to the dataset");
    double out[5];
    tally_expr_eval(e, ds, out);
    CHECK(out[3] == 1 && out[0] == 0, "evaluated without reparsing");
    tally_expr_free(e);

    int y, m, d;
    tally_days_to_civil(19782, &y, &m, &d); /* 2024-02-29 */
    CHECK(y == 2024 && m == 2 && d == 29, "days to civil date: %d-%02d-%02d", y, m, d);

    tally_dataset_free(ds);
    CHECK_DONE();
}
