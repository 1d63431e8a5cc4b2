/* fixtures.h: small hand-built datasets, column fillers, and the table-cell reader and cell-case check that several unit tests share. */
#ifndef TALLY_TEST_FIXTURES_H
#define TALLY_TEST_FIXTURES_H

#include "case_file.h"
#include "check.h"
#include "dataset.h"
#include "result.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Adds a numeric column filled from vals (n values; the dataset is resized to n). */
static inline int add_num(tally_dataset *ds, const char *name, const double *vals, size_t n)
{
    int c = tally_dataset_add_column(ds, name, TALLY_NUMERIC);
    if (ds->phys_len < n) tally_dataset_resize(ds, n);
    for (size_t i = 0; i < n; i++) ds->cols[c]->num[i] = vals[i];
    return c;
}

/* Adds numeric column PREFIX<k> (its cells NaN until set); returns its index. */
static inline int add_numbered(tally_dataset *ds, const char *prefix, int k)
{
    char name[32];
    snprintf(name, sizeof name, "%s%d", prefix, k);
    return tally_dataset_add_column(ds, name, TALLY_NUMERIC);
}

/* A dataset of `rows` rows for the column-cache tests, compact: columns q0..q<ncoded-1> of the
 * codes 1 to 4 (row r of qk holds (r + k) % 4 + 1, every 11th row missing), then text column
 * "city" with "Halle" or "Bonn" every 1,000th row (else empty). */
static inline tally_dataset *fixture_cache_dataset(size_t rows, int ncoded)
{
    tally_dataset *ds = tally_dataset_new("d");
    tally_dataset_resize(ds, rows);
    for (int k = 0; k < ncoded; k++) {
        int c = add_numbered(ds, "q", k);
        for (size_t r = 0; r < rows; r++) ds->cols[c]->num[r] = r % 11 == 0 ? NAN : (double)((r + (size_t)k) % 4 + 1);
    }
    int s = tally_dataset_add_column(ds, "city", TALLY_STRING);
    for (size_t r = 0; r < rows; r += 1000) tally_dataset_set_string(ds, s, r, r % 2000 ? "Bonn" : "Halle", 4 + !(r % 2000));
    tally_dataset_compact(ds, 1);
    return ds;
}

/* Adds a text column filled from vals (n values; the dataset is resized to n). */
static inline int add_str(tally_dataset *ds, const char *name, const char *const *vals, size_t n)
{
    int c = tally_dataset_add_column(ds, name, TALLY_STRING);
    if (ds->phys_len < n) tally_dataset_resize(ds, n);
    for (size_t i = 0; i < n; i++) tally_dataset_set_string(ds, c, i, vals[i], strlen(vals[i]));
    return c;
}

/* Cell (row label, column label) of t as a number; NaN when absent. */
static inline double cell(const tally_table *t, const char *row, const char *col)
{
    int r = tally_table_find_row(t, row), c = tally_table_find_col(t, col);
    if (r < 0 || c < 0) return NAN;
    return t->rows[r].cells[c].num;
}

/* The expected cells of section `section` of tests/data/stats/cell_cases.txt: one CHECK_NEAR a
 * case that table t's cell (row, col) is its value within its tolerance (needs case_file.o). */
static inline void check_cells(const tally_table *t, const char *section)
{
    static const char *const fields[] = {"row", "col", "want", "tol", "what", NULL};
    case_list *cases = case_list_read("tests/data/stats/cell_cases.txt", section, fields);
    for (size_t i = 0; i < cases->ncases; i++) {
        int failed = check_failures;
        CHECK_NEAR(cell(t, case_text(cases, i, 0), case_text(cases, i, 1)), case_number(cases, i, 2), case_number(cases, i, 3),
                   case_text(cases, i, 4));
        if (check_failures > failed) case_where(cases, i);
    }
    case_list_free(cases);
}

/* Six responses: id (a duplicate, a missing one), city (one empty), q (1 yes, 2 no,
 * 9 refused = user-missing), age and submitted (an order); the caller adds the rest. */
static inline tally_dataset *six_responses(void)
{
    tally_dataset *ds = tally_dataset_new("responses");
    const char *cities[] = {"Berlin", "Hamburg", "Berlin", "Köln", "", "Berlin"};
    const double ids[] = {1, 2, 1, 3, NAN, 1}, qs[] = {1, 2, 9, 1, NAN, 2}, ages[] = {17, 25, 33, 70, 41, 18},
                 subs[] = {5, 1, 7, 2, 3, 6};
    add_num(ds, "id", ids, 6);
    add_str(ds, "city", cities, 6);
    int q = add_num(ds, "q", qs, 6);
    add_num(ds, "age", ages, 6);
    add_num(ds, "submitted", subs, 6);
    tally_column_set_label(ds->cols[q], "Partner city in China?");
    tally_column_add_value_label(ds->cols[q], 1, "Yes");
    tally_column_add_value_label(ds->cols[q], 2, "No");
    tally_column_add_missing(ds->cols[q], 9);
    return ds;
}

#endif
