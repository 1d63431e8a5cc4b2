/* test_csv_wide.c: the csv plugin's column names on a 100,000-column header: continued, written and duplicate names. */
#include "check.h"
#include "test_csv_helpers.h"

#include <unistd.h>

/*
 * Header row 1 names column 1 "q", column 11 "q_5" and the right half "x" in every
 * cell; the other cells are empty, so with a label row each continues the name to
 * its left. The suffix of the n-th copy of a name was once searched from _2 on for
 * every copy: n^2 / 2 look-ups for a run of n, about 2.5 * 10^9 here (minutes); now
 * each name remembers where its copies got to. The size is the test: the alarm in
 * main turns a return of that search into a failure (killed) instead of a make test
 * that never ends; read linearly, the file takes well under a second.
 */
enum { NCOLS = 100000, HALF = NCOLS / 2 };

/* The name column c (from 0) must get. */
static void want_name(size_t c, char *buf, size_t n)
{
    if (c == 0) snprintf(buf, n, "q");
    else if (c < 10) snprintf(buf, n, "q_%zu", c < 4 ? c + 1 : c + 2); /* q_5 is the file's own: skipped */
    else if (c == 10) snprintf(buf, n, "q_5");
    else if (c < HALF) snprintf(buf, n, "q_5_%zu", c - 10 + 1);        /* continues "q_5" */
    else if (c == HALF) snprintf(buf, n, "x");
    else snprintf(buf, n, "x_%zu", c - HALF + 1);
}

static void test_wide_header(void)
{
    size_t cap = (size_t)NCOLS * 16 + 64, len = 0;
    char *text = malloc(cap);
    for (size_t c = 0; c < NCOLS; c++)
        len += (size_t)snprintf(text + len, cap - len, "%s%s", c ? "," : "", c == 0 ? "q" : c == 10 ? "q_5" : c >= HALF ? "x" : "");
    len += (size_t)snprintf(text + len, cap - len, "\n");
    for (size_t c = 0; c < NCOLS; c++) len += (size_t)snprintf(text + len, cap - len, "%sl%zu", c ? "," : "", c % 3);
    len += (size_t)snprintf(text + len, cap - len, "\n");
    for (size_t c = 0; c < NCOLS; c++) len += (size_t)snprintf(text + len, cap - len, "%s%zu", c ? "," : "", c);
    len += (size_t)snprintf(text + len, cap - len, "\n");
    char *path = csv_tmpfile(text, len), *err = NULL;
    free(text);
    tally_dataset *ds = csv_load(path, &err, "header_rows=2", "threads=1");
    int same = ds && ds->ncols == NCOLS && ds->nrows == 1;
    for (size_t c = 0; same && c < NCOLS; c++) {
        char want[32], label[8];
        want_name(c, want, sizeof want);
        snprintf(label, sizeof label, "l%zu", c % 3);
        same = strcmp(ds->cols[c]->name, want) == 0 && tally_col_num(ds->cols[c], 0) == (double)c &&
               ds->cols[c]->label && strcmp(ds->cols[c]->label, label) == 0;
        if (!same) printf("#   column %zu: '%s', want '%s'\n", c + 1, ds->cols[c]->name, want);
    }
    CHECK(same, "100,000 columns: q_2 .. past the file's own q_5, q_5_2 .., x_2 .. x_50000, labels and values in "
                "place (%s)", err ? err : "read");
    CHECK_CONTAINS(csv_warnings, "column 50002: duplicate name 'x' (also column 50001) renamed to 'x_2'",
                   "a written duplicate is warned");
    CHECK(!strstr(csv_warnings, "duplicate name 'q'"), "a continued name is not warned as a duplicate");
    tally_dataset_free(ds);
    free(err);
    csv_tmpfile_remove(path);
}

int main(void)
{
    CHECK_WATCHDOG(300); /* a watchdog for the file's size, not a timing: see above */
    test_wide_header();
    CHECK_DONE();
}
