/* rake.h: rim weighting (raking by iterative proportional fitting) to population targets. */
#ifndef TALLY_RAKE_H
#define TALLY_RAKE_H

#include "stats.h"

/* One target of one raking variable: a category named by code or by text (a value
 * label, or a string variable's code), and its share (unit: tally_rake_opts.unit). */
typedef struct tally_rake_target {
    const char *text; /* NULL: the category is `code` */
    double code;
    double value;
} tally_rake_target;

typedef struct tally_rake_var {
    const char *name;
    const tally_rake_target *targets; /* borrowed */
    size_t ntargets;
} tally_rake_var;

enum { TALLY_RAKE_PERCENT, TALLY_RAKE_PROPORTION, TALLY_RAKE_COUNT };

/* A case without a valid value of a raking variable: an error (the default), left out
 * (its weight is missing, so every weighted table leaves it out), or raked on the
 * variables it has (the shares of a variable are then shares of the cases that answered it). */
enum { TALLY_RAKE_MISSING_ERROR, TALLY_RAKE_MISSING_EXCLUDE, TALLY_RAKE_MISSING_SKIP };

typedef struct tally_rake_opts {
    tally_stats_opts base;  /* lang, id and title of the weighting table */
    const char *weight_name;/* the new weight's name (for the table title) */
    int start_weight;       /* column of a starting (design) weight, -1: every case starts at 1 */
    int unit;               /* TALLY_RAKE_PERCENT (default), _PROPORTION or _COUNT */
    double tolerance;       /* largest |achieved - target| share (0..1) accepted; default 1e-6 */
    int max_iter;           /* iterations (one pass over every variable) per raking; default 100 */
    double trim_min, trim_max; /* caps in multiples of the mean weight, applied after each pass; NaN: none */
    int missing;            /* TALLY_RAKE_MISSING_* */
    double total;           /* weights sum to this; NaN: the count total, else the number of cases */
    int poststrat;          /* set by tally_poststratify: the tables say cell weighting, not raking */
} tally_rake_opts;

void tally_rake_opts_init(tally_rake_opts *o);

typedef struct tally_rake_result {
    double *weights;        /* one per dataset row (ds->nrows); NaN for a case left out. Owned. */
    int iterations;         /* passes over every variable (each followed by trimming when capped) */
    int converged;          /* 1: every margin within the tolerance, after the last trimming */
    double max_gap;         /* largest |achieved - target| share at the end */
    char *gap_var;          /* the variable with that gap (owned) */
    size_t ncases, nexcluded, ntrimmed;
    double wmin, wmax, wmean;
    double deff;            /* Kish: n sum(w^2) / sum(w)^2 */
    double efficiency;      /* 100 / deff, percent */
    double neff;            /* effective base: sum(w)^2 / sum(w^2) */
    tally_table *table;     /* target vs achieved per category (one reference) */
    tally_table *summary;   /* iterations, weights, design effect (one reference) */
    char *warning;          /* NULL, or what the user must know (no convergence); owned */
} tally_rake_result;

/* Rakes the rows of ds to the targets. Returns 0 and fills *res (free with
 * tally_rake_result_free), or -1 with a new message in *err naming the variable. */
int tally_rake(const tally_dataset *ds, const tally_rake_var *vars, size_t nvars, const tally_rake_opts *o,
               tally_rake_result *res, char **err);
void tally_rake_result_free(tally_rake_result *r);

/* The category a target names in column c (code, value label, or a string variable's code).
 * Sets *code (numeric) or *scode (string; borrowed), and *label (borrowed, may be NULL). */
int tally_rake_resolve(const tally_column *c, const char *var, const tally_rake_target *t, double *code,
                       const char **scode, const char **label, char **err);

/* ---- poststratification (stats_poststrat.c) ------------------------------------------
 * Cell weighting on the full cross of nvars variables: cells[i].keys holds one category per
 * variable (its value ignored), cells[i].value the cell's share. Every combination in the data
 * needs a cell. Options and result as tally_rake (one raking variable: the cell). */
typedef struct tally_poststrat_cell {
    const tally_rake_target *keys;
    double value;
} tally_poststrat_cell;

int tally_poststratify(const tally_dataset *ds, const char *const *vars, size_t nvars,
                       const tally_poststrat_cell *cells, size_t ncells, const tally_rake_opts *o,
                       tally_rake_result *res, char **err);

#endif
