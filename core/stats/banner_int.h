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
/* 1 when set is a dichotomy set of at most 64 compact columns (of a dataset without a selection):
 * counted from its codes; its items then come from bn_items_set_header (no per-row arrays). */
int bn_set_by_codes(const tally_dataset *ds, const tally_mrset *set);
void bn_items_set_header(const tally_dataset *ds, const tally_mrset *set, bn_items *it);
/* The items of compact column var whose codes present[] holds, without per-row arrays (it->cat NULL);
 * map[code]: the code's item, -1 for none. */
void bn_items_from_codes(const tally_dataset *ds, int var, const char *lang, const uint8_t present[256],
                         int32_t map[256], bn_items *it);
/* The items of compact column var (0 <= var < ds->ncols) as bn_items_build makes them, but without
 * per-row arrays (it->cat NULL); map[code]: the code's item, -1 none. -1 with *err past 200 items. */
int bn_items_by_codes(const tally_dataset *ds, int var, const char *lang, int32_t map[256], bn_items *it, char **err);
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

/* A partition is a banner variable, or a nesting of two, whose columns no two share a row: each row's
 * column in it, or -1. Partitions are counted together through a joint: a row's joint cell numbers its
 * column in each of the joint's partitions (0 for none), so one pass over the rows fills a histogram of
 * question item x joint cell, and every column's figures are sums of that histogram's cells. */
typedef struct bn_joint {
    size_t J;             /* cells: the product of (columns + 1) over its partitions */
    uint32_t *cell;       /* per row: its cell; J for a row left out (weight 0) */
    size_t part0, npart;  /* its partitions: part0 .. part0 + npart - 1 */
    int32_t *colmap;      /* npart x J: each cell's column in each partition, -1 none */
} bn_joint;

/* The banner's columns over the dataset's rows. */
typedef struct bn_frame {
    tally_banner *b;
    bn_members *mem;      /* per column: its rows (used for columns outside every partition) */
    double *w;            /* per row: its weight, 0 when left out */
    size_t N;
    int weighted;
    size_t ngroups;       /* test groups */
    int *exclusive;       /* per group: categories of one variable (a chi-square applies) */
    char **gname;         /* per group: the banner variable's title (owned) */
    size_t total;         /* the Total column */
    size_t npart;
    int32_t **pcol;       /* per partition: each row's column, -1 none (owned) */
    size_t *pfirst, *pwidth; /* per partition: its columns, pfirst .. pfirst + pwidth - 1 */
    char *in_part;        /* per column: 1 when counted through a partition (the Total too) */
    bn_joint *joints;     /* at least one; the first also counts the Total column */
    size_t njoints;
} bn_frame;

/* Builds the joints of f's partitions (after its columns). */
/* The frame of a banner over ds: the weights, then the banner's columns and their members
 * (the template in f->b) and their bases; -1 with *err (banner_frame.c). */
int bn_frame_build(bn_frame *f, const tally_dataset *ds, const tally_bn_spec *cols, size_t ncols,
                   const tally_bn_opts *o, char **err);
/* Frees what bn_frame_build made but the banner template f->b. */
void bn_frame_free(bn_frame *f);
/* The banner's Total column (0 when it has none). */
size_t bn_total_col(const tally_banner *b);

void bn_joints_build(bn_frame *f);
void bn_joints_free(bn_frame *f);
/* Bases (cs) and counts (cnt, K x ncols) of a question in every column; K = it->n. A compact single
 * variable is counted from its codes (var >= 0, it filled here with its items); a set without per-row
 * arrays (it->hit NULL) from its columns' codes (set); else from it. */
void bn_count_question(const bn_frame *f, const tally_dataset *ds, int var, const tally_mrset *set,
                       const char *lang, bn_items *it, double **cnt, bn_colstat *cs);
/* Weighted means, standard deviations and bases of values x (NaN: not counted) per column. */
void bn_scale_moments(const bn_frame *f, const double *x, bn_colstat *cs);
/* Medians per column of variable var's values x (per row, NaN: not counted). */
void bn_column_medians(const bn_frame *f, const tally_dataset *ds, int var, const double *x, const bn_colstat *cs,
                       double *med);

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
