/* rake_int.h: what stats_rake.c and rake_cells.c share: the raking variables and the groups of rows raking iterates over. */
#ifndef TALLY_RAKE_INT_H
#define TALLY_RAKE_INT_H

#include "rake.h"

#include <stdint.h>

#define CAT_MISSING (-1) /* a row without a valid value of the variable */
#define CAT_UNKNOWN (-2) /* a compact level with no target (an error if a row has it) */

/* One category of a raking variable, resolved against the column. */
typedef struct rcat {
    double code;        /* numeric variables */
    const char *scode;  /* string variables: the code (borrowed from the column or the spec) */
    const char *label;  /* shown in the table: the value label, else the code */
    double target;      /* share 0..1 */
    double given;       /* as the user gave it (percent, proportion or count) */
    size_t n;           /* unweighted cases */
    double w;           /* weighted sum, scratch */
} rcat;

typedef struct rvar {
    const char *name;
    const tally_column *col;
    rcat *cats;
    size_t ncat;
    int32_t *lut;       /* compact column whose every level has a target (or is missing): level -> category */
    int32_t *cat;       /* else, per dataset row: category index or CAT_MISSING (owned) */
    size_t nmissing;
    size_t first_missing;
} rvar;

/*
 * Raking scales every row of one combination of categories (a cell of the cross of the
 * raking variables) by the same factors, so it iterates over the occupied cells with the
 * sums of their start weights, not over the rows: a few hundred cells instead of a million
 * rows. Trimming caps each row's weight, start weight times factor: rows of a cell with
 * different start weights then part ways, so with caps the cells are keyed by the start
 * weight too (a compact start weight), or the rows are the groups.
 */
typedef struct rgroups {
    size_t n, nv;       /* groups; raking variables */
    int32_t *cat;       /* [g * nv + j]: group g's category of variable j, or CAT_MISSING */
    double *mass;       /* sum of its rows' start weights */
    double *cnt;        /* its rows */
    double *start;      /* its rows' common start weight (set when they share one: always with caps) */
    double *m;          /* the factor raking has given its rows so far, from 1 */
    unsigned char *trimmed; /* a cap moved its rows */
    uint32_t *key;      /* per dataset row: its cell key, or RAKE_NO_GROUP (left out) */
    int32_t *of_key;    /* cell key -> group, or NULL: key is the group itself (a group a row) */
    size_t nexcluded;   /* rows left out: no start weight, or missing with missing = "exclude" */
} rgroups;

#define RAKE_NO_GROUP UINT32_MAX

/* Groups the rows of ds (the variables resolved, their targets sorted): finds every row's
 * categories, the missing ones (nmissing, first_missing), the rows left out, and sums the
 * start weights. -1 with *err for a value without a target. Free with rake_groups_free. */
int rake_groups_build(const tally_dataset *ds, rvar *vars, size_t nv, const tally_rake_opts *o, rgroups *g,
                      char **err);
void rake_groups_free(rgroups *g);

/* Writes the weight of every row (start weight times its group's factor times scale, NaN when
 * left out) into w and their spread into r (wmin, wmax, wmean, deff, efficiency, neff, ncases). */
void rake_groups_gather(const tally_dataset *ds, const rgroups *g, const tally_rake_opts *o, double scale, double *w,
                        tally_rake_result *r);

#endif
