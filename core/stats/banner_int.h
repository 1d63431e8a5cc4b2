/* banner_int.h: what the banner kernel's files share: questions as items over rows, columns as member lists. */
#ifndef TALLY_BANNER_INT_H
#define TALLY_BANNER_INT_H

#include <stdint.h>
#include "banner.h"
#include "stats_int.h"

/* A question or a banner variable as items over the dataset's rows (row i = i-th selected row). */
typedef struct bn_items {
    size_t n;             /* items: categories, or the set's items */
    char **labels;        /* owned */
    double *codes;        /* single variables: each item's code */
    int32_t *cat;         /* single variable: the item of each row, -1 none; NULL for sets */
    uint8_t *hit;         /* sets: n x nrows, 1 when the row chose the item */
    uint8_t *valid;       /* per row: answered (a valid category; a set: at least one item) */
    char *title;          /* label, else name; owned */
    int is_set;
} bn_items;

int bn_items_build(const tally_dataset *ds, int var, const tally_mrset *set, const char *lang, bn_items *it,
                   char **err);
void bn_items_free(bn_items *it);
static inline int bn_hit(const bn_items *it, size_t k, size_t i, size_t nrows)
{
    return it->cat ? it->cat[i] == (int32_t)k : it->hit[k * nrows + i];
}

/* The rows of one banner column (indices of rows with a weight > 0). */
typedef struct bn_members {
    uint32_t *rows;
    size_t n;
} bn_members;

/* Per column figures of one section, used by the tests and the notes. */
typedef struct bn_colstat {
    double bw, bn, bw2;   /* base: weighted, unweighted, sum of squared weights */
    double eff;           /* effective base (bw^2 / bw2) */
    double mean, sd;      /* scale sections */
} bn_colstat;

/* Letters of the proportion tests of banner row r (counts in the COUNT stat). */
void bn_test_props(tally_banner *b, size_t r, const bn_colstat *cs, const tally_bn_opts *o);
/* Letters of the means test of banner row r (scale section's Mean row). */
void bn_test_means(tally_banner *b, size_t r, const bn_colstat *cs, const tally_bn_opts *o);
/* Pearson chi-square of one question's counts (nr x nc, weighted) with the
 * expected-count figures; NaN when it cannot run. */
typedef struct bn_chisq {
    double chisq, p, min_expected;
    int df;
    size_t cells, cells_below5;
} bn_chisq;
void bn_chisq_compute(const double *cnt, size_t nr, size_t nc, bn_chisq *out);

/* The flat table of a banner (the fallback every output renders). */
void bn_flat_render(tally_table *t, const tally_banner *b, const tally_bn_opts *o);

#endif
