/* stats_int.h: helpers shared by the statistics kernels (category maps, weights, base texts). */
#ifndef TALLY_STATS_INT_H
#define TALLY_STATS_INT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "stats.h"
#include "numfmt.h"

/* One distinct value of a column with its weighted and unweighted counts. */
typedef struct stats_cat {
    double code;      /* numeric code (NaN for system-missing) */
    const char *str;  /* string variables: borrowed from the column's arena */
    double w, n;      /* weighted and unweighted count */
    int miss;         /* 0 valid, 1 user-missing, 2 system-missing */
} stats_cat;

/*
 * The distinct values of one column. Values are added in the order met
 * ("slots"); stats_catmap_finish sorts them for display: valid values in code
 * order, user-missing in code order, system-missing last. Lookups take O(1):
 * small integer codes index an array, other values go through a hash.
 */
typedef struct stats_catmap {
    const tally_column *col; /* borrowed */
    stats_cat *cats;         /* by slot */
    size_t ncats, cap;
    int32_t *direct;         /* integer codes 0..STATS_DIRECT-1: slot + 1, 0 when absent */
    size_t *hash;            /* open addressing: slot + 1, 0 when empty */
    size_t hcap;
    size_t nan_slot;         /* slot + 1 of system-missing, 0 when none */
    size_t *order;           /* after finish: slots in display order */
    size_t *pos;             /* after finish: display position of each slot */
    size_t nvalid, nuser, nsys;
} stats_catmap;

#define STATS_DIRECT 4096

void stats_catmap_init(stats_catmap *m, const tally_column *col);
void stats_catmap_free(stats_catmap *m);
/* The slot of the value at physical row `phys`, added when new. */
size_t stats_catmap_slot(stats_catmap *m, size_t phys);
/* The slot of a numeric code or of a string, added when new. */
size_t stats_catmap_slot_code(stats_catmap *m, double v);
size_t stats_catmap_slot_string(stats_catmap *m, const char *s);
/* Counts every row of ds (weights may be NULL; rows with weight <= 0 or NaN are skipped). */
void stats_catmap_count(stats_catmap *m, const tally_dataset *ds, const double *wts);
/* Classifies missing values and sorts the display order. */
void stats_catmap_finish(stats_catmap *m);
/* The display label of a category: its value label, else its code; written to buf. */
const char *stats_cat_label(const stats_catmap *m, const stats_cat *c, const char *lang, char *buf, size_t n);
/* The category at display position i. */
static inline stats_cat *stats_catmap_at(const stats_catmap *m, size_t i) { return &m->cats[m->order[i]]; }

/* Per-code sums of a compact column (stats_hist.c): w[k] the weights and n[k]
 * the rows (with a weight > 0) holding code k. */
typedef struct stats_code_hist {
    double w[256], n[256];
} stats_code_hist;

/* Histogram of the cells of c (a compact column of ds) over the rows of ds; wts may
 * be NULL. banked = 1: weights summed in four banks by row modulo 4, added as
 * (b0 + b1) + (b2 + b3); 0: one running sum per code in row order. Large
 * inputs run in parts (parallel.h), added in part order. */
void stats_hist_codes(const tally_dataset *ds, const tally_column *c, const double *wts, int banked,
                      stats_code_hist *out);
/* For a table of several compact columns weighted alike (a Likert grid): the banked
 * weighted histograms of those of cols[0..n) (compact columns of ds) that a memo (a mapped
 * cache's, or a frozen dataset's: tally_memo_for) can keep and does not yet, counted in one pass over the weights (each column's figures bit for bit
 * those of stats_hist_codes) and kept, so that stats_hist_codes finds them. Does
 * nothing without weights, for a selection of rows or without a memo. */
void stats_hist_codes_prefetch(const tally_dataset *ds, const tally_column *const *cols, size_t n, const double *wts);
/* The mapping whose memo may keep a result made of the codes and weights alone, or NULL:
 * all rows (no selection), c a compact column of ds, its codes and the weights (if any) in
 * its file mapping or in ds's frozen cells (tally_memo_for). Costs a few steps at any
 * number of columns. */
tally_mapping *stats_memo_mapping(const tally_dataset *ds, const tally_column *c, const double *wts);
/* Whether every one of the n weights (in m) is > 0, none NaN; asked once a mapping. */
int stats_weights_all_positive(tally_mapping *m, const double *wts, size_t n);

/* The joint histogram of two compact columns (stats_joint.c), by dense index:
 * a code's level, or nlevels for system-missing. Rows with a weight > 0 only. */
typedef struct stats_joint {
    size_t nr, nc;       /* row column's nlevels + 1, column column's nlevels + 1 */
    double *w, *n;       /* nr x nc: summed weights (running sums in row order) and counts */
    double *roww;        /* per row index: weights of the rows valid on the column variable (its cells') */
    double *colw;        /* per column index: weights of the rows valid on the row variable (its cells') */
    double grand;        /* weights of the rows valid on both (the cells') */
} stats_joint;

void stats_joint_count(const tally_dataset *ds, const tally_column *rc, const tally_column *cc, const double *wts,
                       stats_joint *j);
void stats_joint_free(stats_joint *j);

/* Total weight and count of the rows with a weight > 0 (wts NULL: every row
 * counts 1); a running sum in row order, by parts over large inputs. */
void stats_weight_total(const tally_dataset *ds, const double *wts, double *w, double *n);
/* Kish's design effect of npos weights above 0 with sum s and sum of squares s2:
 * npos s2 / s^2 (1 for equal weights); NAN when s is not above 0. Used by rake's summary and
 * by the report's margin-of-error note, so both speak of the same figure. */
static inline double stats_kish_deff(double npos, double s, double s2) { return s > 0 ? npos * s2 / (s * s) : NAN; }

/* Two doubles a bin or a cell keeps side by side (a weight and a count, a weight and its square),
 * so that a row adds to both with one load, addition and store instead of two; each half adds as
 * a double alone would (the same bits). */
typedef double stats_pair __attribute__((vector_size(16)));

/* A value and its weight (descriptives, percentiles). */
typedef struct stats_vw {
    double v, w;
} stats_vw;

/* The order-preserving key of a double: keys compare as unsigned integers as the values compare
 * (-0 below +0; NaNs past the infinities by sign), for radix sorts and buckets of values. */
static inline uint64_t stats_order_key(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return (b >> 63) ? ~b : b | (UINT64_C(1) << 63);
}

/* The HAVERAGE percentile (p in 0..1) of n values already sorted by value; NaN when n == 0. */
double stats_percentile_sorted(const stats_vw *a, size_t n, double p);
/* Sorts by value, stably (equal values keep their order), -0 before +0: a merge sort below 4096
 * values, a radix sort from there. */
void stats_sort_vw(stats_vw *a, size_t n);
/* The HAVERAGE walk over sorted values a[0..n-1] for position tc, starting after
 * values of cumulative weight cc, the last of which is `lower` (NaN: none). */
double stats_percentile_walk(const stats_vw *a, size_t n, double tc, double cc, double lower);

/* One row of descriptives. */
typedef struct stats_desc_result {
    double W, mean, sd, min, max, median, q1, q3;
    size_t cases;
} stats_desc_result;

/* A column of doubles over many rows, without sorting it (stats_quantile.c):
 * moments in one pass, then the quartiles by a histogram of the values and a
 * sort of the few bins around each target. */
void stats_describe_large(const tally_dataset *ds, const tally_column *c, const double *wts,
                          stats_desc_result *d);

/* Counts of a multiple-response set (stats_mr.c), items in display order. */
typedef struct stats_mr_counts {
    size_t n;
    char **labels;       /* owned */
    double *w, *un;      /* weighted and unweighted responses per item */
    double responses;    /* weighted responses, all items */
    double w_answering, n_answering; /* cases with at least one answer */
    double w_all, n_all;             /* all cases (with a valid weight) */
} stats_mr_counts;

int stats_mr_compute(const tally_dataset *ds, const tally_mrset *set, const double *wts, const char *lang,
                     stats_mr_counts *out, char **err);
void stats_mr_counts_free(stats_mr_counts *c);

/* Whether the kernels' AVX2 paths run (stats_common.c): the CPU has AVX2 and
 * stats_portable has not turned them off. Every AVX2 path gives the same bits as
 * the portable loops. */
int stats_avx2(void);
/* Tests: on, the kernels run their portable loops only; off, AVX2 where the CPU has it. */
void stats_portable(int on);

/* The weight column to use, or NULL for unweighted. */
const double *stats_weights(const tally_dataset *ds, const tally_stats_opts *o);
/* Weight of physical row `phys`: 1 when unweighted; callers skip rows where !(w > 0). */
static inline double stats_w(const double *wts, size_t phys) { return wts ? wts[phys] : 1.0; }

/* A text column's cells as small codes, kept in the memo of a frozen dataset (stats_hist.c) so that
 * what one stage hashed the next reads by code: 0 an empty cell, 1..n the column's distinct non-empty
 * texts in the order they first appear. Made for a column of at most STATS_TEXT_CODES distinct texts. */
#define STATS_TEXT_CODES 254
typedef struct stats_text_codes {
    uint32_t n;
    uint8_t code[]; /* per row of the dataset */
} stats_text_codes;
/* Keeps t (code[] for each of ds's rows) for text column c, when ds's memo covers c's cells. */
void stats_text_codes_put(const tally_dataset *ds, const tally_column *c, const stats_text_codes *t);
/* A copy of text column c's kept codes (the caller frees it), or NULL when none is kept. */
stats_text_codes *stats_text_codes_get(const tally_dataset *ds, const tally_column *c);

/* 1 when the numeric value v of column c is valid (not system- or user-missing). */
int stats_valid_number(const tally_column *c, double v);

/* Formats a count: whole numbers without decimals, else one decimal. */
void stats_fmt_count(char *buf, size_t n, double v);
/* The base line when rows use different bases: "N = 835 to 836" (equal ends: "N = 835"). */
void stats_set_base_range(tally_table *t, const tally_stats_opts *o, int weighted, double wlo, double whi,
                          double nlo, double nhi, const char *extra);
/* Sets the base text: "N = 46" or "N = 45.8 weighted, 46 unweighted", plus `extra`
 * (already translated, may be NULL) after a comma. */
void stats_set_base(tally_table *t, const tally_stats_opts *o, int weighted, double wbase, double nbase,
                    const char *extra);
/* Sets id (o->id or def_id), title (o->title, else label, else name) and question. */
void stats_set_meta(tally_table *t, const tally_stats_opts *o, const char *def_id, const char *name,
                    const char *label);
/* A new identifier-safe id "prefix_name" (caller frees). */
char *stats_make_id(const char *prefix, const char *name);
/* Translated UI text. */
const char *stats_tr(const tally_stats_opts *o, const char *english);
/* The column heads of a cell's count and percents, in English (stats_tr translates them),
 * in the order of tally_bn_stat: count, column, row and total percent. */
extern const char *const stats_cell_heads[4];

#endif
