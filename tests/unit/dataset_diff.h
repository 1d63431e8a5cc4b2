/* dataset_diff.h: the first cell-by-cell difference between two datasets (shared by test_csv_kernels and fuzz_csv). */
#ifndef TALLY_DATASET_DIFF_H
#define TALLY_DATASET_DIFF_H

#include <stdio.h>
#include <string.h>

#include "dataset.h"

/* NULL when a and b have the same columns (names, types, date kinds) and cells (NaN
 * equal to NaN); else a description of the first difference, written into why. */
static inline const char *dataset_diff(const tally_dataset *a, const tally_dataset *b, char *why, size_t size)
{
    if (a->ncols != b->ncols || a->nrows != b->nrows) {
        snprintf(why, size, "shape %zux%zu / %zux%zu", a->nrows, a->ncols, b->nrows, b->ncols);
        return why;
    }
    for (size_t c = 0; c < a->ncols; c++) {
        const tally_column *x = a->cols[c], *y = b->cols[c];
        if (strcmp(x->name, y->name) != 0 || x->type != y->type || x->is_date != y->is_date) {
            snprintf(why, size, "column %zu: '%.100s' / '%.100s' or its type", c + 1, x->name, y->name);
            return why;
        }
        for (size_t r = 0; r < a->nrows; r++) {
            int same;
            if (x->type == TALLY_STRING) {
                same = strcmp(tally_column_string(x, r), tally_column_string(y, r)) == 0;
            } else {
                double u = tally_col_num(x, r), v = tally_col_num(y, r);
                same = (u != u && v != v) || u == v;
            }
            if (!same) {
                snprintf(why, size, "row %zu, column '%.100s'", r + 1, x->name);
                return why;
            }
        }
    }
    return NULL;
}

#endif
