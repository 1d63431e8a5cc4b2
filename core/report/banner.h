/* banner.h: the banner table model: row sections by nested column headers, each cell's statistics apart. */
#ifndef TALLY_BANNER_H
#define TALLY_BANNER_H

#include <stddef.h>
#include <stdint.h>
#include "tally/plugin.h"

/* One column: Total or a category of a banner variable (nested: outer x inner). */
typedef struct tally_bn_col {
    char *label;            /* the category's label, "Total" */
    char *header[2];        /* header text per level ("Gender"; nested: "East", "Gender") */
    size_t span[2];         /* span index per level: equal neighbours merge */
    char letter[4];         /* "A".."Z", "" for Total or beyond Z */
    size_t test_group;      /* columns compared with each other share it; (size_t)-1: Total */
    double base_w, base_n, base_eff; /* respondents of the column (weight > 0) */
    int flags;              /* TALLY_BN_* */
    int is_total;
} tally_bn_col;

typedef struct tally_bn_row {
    tally_row_type type;
    char *label;
} tally_bn_row;

/* One comparison of two columns on one row (the column with the higher figure first). */
typedef struct tally_bn_test {
    size_t row, a, b;
    char kind;              /* 'z' proportions, 't' means */
    double stat, df, p, p_adjusted; /* df: NaN for z; p_adjusted: Bonferroni, else p */
} tally_bn_test;

typedef struct tally_banner {
    size_t nlevels;         /* 1, or 2 when a banner variable is nested in another */
    tally_bn_col *cols;
    size_t ncols;
    tally_bn_row *rows;
    size_t nrows, cap;
    double *stats;          /* nrows x ncols x TALLY_BN_NSTATS; NaN empty */
    char **letters;         /* nrows x ncols; NULL: none */
    uint8_t *flags;         /* nrows x ncols */
    tally_bn_test *tests;   /* every comparison made, in row order */
    size_t ntests, tests_cap;
    double low_base, very_low_base; /* the bases under which cells are marked * and ** (0: unknown) */
} tally_banner;

/* A banner with no columns and rows (owned by the caller until attached to a table). */
tally_banner *tally_banner_new(size_t nlevels);
void tally_banner_free(tally_banner *b);
/* Adds a column; call before any row is added. Returns its index. */
size_t tally_banner_add_col(tally_banner *b, const char *label, const char *h0, size_t span0, const char *h1,
                            size_t span1, size_t test_group, int is_total);
/* Adds a row of empty cells; returns its index. */
size_t tally_banner_add_row(tally_banner *b, tally_row_type type, const char *label);
static inline double *tally_banner_cell(tally_banner *b, size_t r, size_t c)
{
    return &b->stats[(r * b->ncols + c) * TALLY_BN_NSTATS];
}
void tally_banner_add_test(tally_banner *b, const tally_bn_test *t);
void tally_banner_set_letters(tally_banner *b, size_t r, size_t c, const char *letters);

/* Attaches b to t (t owns it then). */
struct tally_table;
void tally_table_set_banner(struct tally_table *t, tally_banner *b);
const tally_banner *tally_table_banner(const struct tally_table *t); /* NULL if none */

#endif
