/* test_category_order.c: the order of categories in frequencies and crosstabs: natural order of numbers in text, "don't know" answers last, codebook `order`. */
#include "check.h"
#include "codebook.h"
#include "dataops.h"
#include "stats.h"
#include "util.h"

#include <stdlib.h>
#include <unistd.h>

/* A string column filled with vals (the dataset resized to n). */
static int add_str(tally_dataset *ds, const char *name, const char *const *vals, size_t n)
{
    int c = tally_dataset_add_column(ds, name, TALLY_STRING);
    if (ds->phys_len < n) tally_dataset_resize(ds, n);
    for (size_t i = 0; i < n; i++) tally_dataset_set_string(ds, c, i, vals[i], strlen(vals[i]));
    return c;
}

/* The labels of the table's rows (column 0) joined by " | ", up to the first "Total" row. */
static char *row_order(const tally_table *t)
{
    sbuf b;
    sbuf_init(&b);
    for (size_t r = 0; t && r < t->nrows; r++) {
        const char *l = t->rows[r].cells[0].text;
        if (!l) break;
        if (strcmp(l, "Total") == 0 || strcmp(l, "Valid total") == 0) continue;
        sbuf_printf(&b, "%s%s", b.len ? " | " : "", l);
    }
    sbuf_puts(&b, "");
    return sbuf_take(&b);
}

static double cell(const tally_table *t, const char *row, const char *col)
{
    int r = tally_table_find_row(t, row), c = tally_table_find_col(t, col);
    return r < 0 || c < 0 ? NAN : t->rows[r].cells[c].num;
}

/* Frequencies of column `col` and the order of its rows. */
static char *freq_order(const tally_dataset *ds, int col, tally_table **out)
{
    tally_stats_opts o;
    tally_stats_opts_init(&o);
    char *err = NULL;
    tally_table *t = tally_stats_frequencies(ds, col, &o, &err);
    if (!t) printf("#   frequencies failed: %s\n", err ? err : "?");
    free(err);
    char *s = row_order(t);
    if (out) *out = t;
    else if (t) tally_table_unref(t);
    return s;
}

/* Checks that the frequencies of column `col` list their rows as `want` (labels joined by " | "). */
static void check_freq_order(const tally_dataset *ds, int col, const char *want, const char *what)
{
    char *s = freq_order(ds, col, NULL);
    CHECK_STR(s, want, what);
    free(s);
}

static void test_natural_order(void)
{
    tally_dataset *ds = tally_dataset_new("s");
    const char *income[] = {"$100,000+", "$25,000-$49,999", "$50,000-$99,999", "$25,000-$49,999", "No answer",
                            "$50,000-$99,999", "Prefer not to say", "$50,000-$99,999", "Don't know", "$5,000-$9,999"};
    const char *height[] = {"5'10\"", "5'2\"", "6'0\"", "5'2\"", "4'11\"", "5'10\"", "5'2\"", "6'0\"", "5'2\"", ""};
    const char *mixed[] = {"1", "10", "2", "x", "2", "1", "10", "2", "", "Other"};
    const char *german[] = {"Weiß nicht", "ja", "nein", "Keine Angabe", "ja", "ja", "nein", "", "Sonstiges", "ja"};
    const char *ages[] = {"65+", "18-24", "25-34", "35-44", "45-54", "55-64", "Under 18", "65+", "25-34", "Refused"};
    int ci = add_str(ds, "income", income, 10), ch = add_str(ds, "height", height, 10);
    int cm = add_str(ds, "mixed", mixed, 10), cg = add_str(ds, "german", german, 10);
    int ca = add_str(ds, "ages", ages, 10);
    tally_table *t = NULL;
    char *s = freq_order(ds, ci, &t);
    CHECK_STR(s, "$5,000-$9,999 | $25,000-$49,999 | $50,000-$99,999 | $100,000+ | Don't know | Prefer not to say | "
                 "No answer",
              "income bands in the order of their numbers, non-answers last");
    /* 10 valid answers: 1 + 2 + 3 + 1 in band order, then 1 + 1 + 1 */
    CHECK_NEAR(cell(t, "$25,000-$49,999", "Cumulative percent"), 30.0, 1e-9, "cumulative percent after the second band");
    CHECK_NEAR(cell(t, "$100,000+", "Cumulative percent"), 70.0, 1e-9, "cumulative percent after the top band");
    CHECK_NEAR(cell(t, "No answer", "Cumulative percent"), 100.0, 1e-9, "cumulative percent ends at the last answer");
    tally_table_unref(t);
    free(s);
    check_freq_order(ds, ch, "4'11\" | 5'2\" | 5'10\" | 6'0\" | System missing", "heights: 5'2\" before 5'10\"");
    check_freq_order(ds, cm, "1 | 2 | 10 | x | Other | System missing",
                     "a mixed column sorts 1, 2, 10, then text, Other last");
    check_freq_order(ds, cg, "ja | nein | Sonstiges | Weiß nicht | Keine Angabe | System missing",
                     "German non-answers last (Sonstiges, Weiß nicht, Keine Angabe)");
    check_freq_order(ds, ca, "Under 18 | 18-24 | 25-34 | 35-44 | 45-54 | 55-64 | 65+ | Refused",
                     "age bands in order (Under 18 first), Refused last");

    /* count_by (stages such as listing group by it) gives its groups in the same order */
    tally_counts cb;
    char *cerr = NULL;
    sbuf g;
    sbuf_init(&g);
    if (tally_data_count_by(ds, "mixed", NULL, &cb, &cerr) == 0) {
        for (size_t i = 0; i < cb.n; i++) sbuf_printf(&g, "%s%s", i ? " | " : "", cb.groups[i].text);
        tally_counts_free(&cb);
    }
    sbuf_puts(&g, "");
    char *gs = sbuf_take(&g);
    CHECK_STR(gs, "1 | 2 | 10 | x | Other | ", "count_by groups in display order, missing last");
    free(gs);
    free(cerr);

    /* a crosstab's rows and columns follow the same order */
    tally_xtab_opts xo;
    tally_xtab_opts_init(&xo);
    char *err = NULL;
    tally_table *x = tally_stats_crosstab(ds, ci, &cm, 1, &xo, NULL, &err);
    CHECK(x != NULL, "crosstab income by mixed");
    s = row_order(x);
    CHECK(strstr(s, "$5,000-$9,999") && strstr(s, "$5,000-$9,999") < strstr(s, "$25,000-$49,999") &&
              strstr(s, "$50,000-$99,999") < strstr(s, "$100,000+") && strstr(s, "$100,000+") < strstr(s, "No answer"),
          "crosstab rows in natural order, non-answers last: %s", s);
    int c1 = x ? tally_table_find_col(x, "1: Count") : -1, c2 = x ? tally_table_find_col(x, "2: Count") : -1,
        c10 = x ? tally_table_find_col(x, "10: Count") : -1;
    CHECK(c1 >= 0 && c1 < c2 && c2 < c10, "crosstab columns 1, 2, 10");
    free(s);
    free(err);
    if (x) tally_table_unref(x);
    tally_dataset_free(ds);
}

static char *write_codebook(const char *text)
{
    char *path = xstrdup("/tmp/tally-order-test.XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) exit(1);
    close(fd);
    return path;
}

static void test_codebook_order(void)
{
    tally_dataset *ds = tally_dataset_new("s");
    const char *size[] = {"large", "small", "huge", "medium", "small", "Schwer zu sagen", "large"};
    int cs = add_str(ds, "size", size, 7);
    int cq = tally_dataset_add_column(ds, "q", TALLY_NUMERIC);
    const double qv[] = {1, 2, 3, 3, 2, 1, 9};
    for (int i = 0; i < 7; i++) ds->cols[cq]->num[i] = qv[i];
    tally_column_add_value_label(ds->cols[cq], 1, "agree");
    tally_column_add_value_label(ds->cols[cq], 2, "disagree");
    tally_column_add_value_label(ds->cols[cq], 3, "neither");
    check_freq_order(ds, cs, "huge | large | medium | Schwer zu sagen | small",
                     "without a codebook: alphabetical, case aside");
    char *path = write_codebook("variable \"size\" { order = { \"small\", \"medium\", \"large\" } }\n"
                                "variable \"q\" { order = { 1, 3, 2 } }\n"
                                "last_answers { \"Schwer zu sagen\" }\n");
    char *err = NULL;
    CHECK(tally_codebook_apply(path, ds, "en", &err) == 0, "codebook with order reads: %s", err ? err : "");
    free(err);
    check_freq_order(ds, cs, "small | medium | large | huge | Schwer zu sagen",
                     "codebook order first, unlisted values after it, codebook last_answers last");
    check_freq_order(ds, cq, "agree | neither | disagree | 9", "numeric codes in the codebook's order, unlisted after");
    unlink(path);
    free(path);

    path = write_codebook("variable \"size\" {\n  order = \"small\"\n}\n");
    err = NULL;
    CHECK(tally_codebook_apply(path, ds, "en", &err) != 0 && err && strstr(err, ":1:") && strstr(err, "order"),
          "order that is not a list: error names file:line: %s", err ? err : "");
    free(err);
    unlink(path);
    free(path);
    path = write_codebook("variable \"q\" { order = { 1, \"two\" } }\n");
    err = NULL;
    CHECK(tally_codebook_apply(path, ds, "en", &err) != 0 && err && strstr(err, "'two'"),
          "a text code in the order of a numeric column is an error: %s", err ? err : "");
    free(err);
    unlink(path);
    free(path);
    tally_dataset_free(ds);
}

int main(void)
{
    test_natural_order();
    test_codebook_order();
    CHECK_DONE();
}
