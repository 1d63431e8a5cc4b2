/* dataops.h: vectorised dataset operations: filter, compute, recode, dedupe, join, count by group. */
#ifndef TALLY_DATAOPS_H
#define TALLY_DATAOPS_H

#include <stddef.h>
#include "dataset.h"

/*
 * Every operation leaves its input untouched and returns a new dataset (free
 * with tally_dataset_free) that shares the input's columns: a filter or a
 * de-duplication is a view (selection vector), compute, recode and join add
 * new columns to a copy. The new dataset keeps the input's name.
 * On failure they return NULL with a new message in *err (caller frees).
 */

/* Rows where `expr` is true (missing counts as not true). */
tally_dataset *tally_data_filter(const tally_dataset *ds, const char *expr, char **err);

/* A copy of ds with numeric variable `name` = expr (replacing a variable of that
 * name in place). `label` may be NULL (a replaced variable keeps its label). */
tally_dataset *tally_data_compute(const tally_dataset *ds, const char *name, const char *expr,
                                  const char *label, char **err);

/* ---- recode ---- */

typedef enum {
    TALLY_RECODE_VALUE = 1, /* value == from (also matches a user-missing code) */
    TALLY_RECODE_RANGE,     /* lo <= value <= hi, valid values only (-INFINITY/INFINITY: lowest/highest) */
    TALLY_RECODE_TEXT,      /* text variables: cell == text */
    TALLY_RECODE_MISSING    /* system- or user-missing (text: empty or a user-missing code) */
} tally_recode_kind;

typedef struct tally_recode_rule {
    tally_recode_kind kind;
    double from, lo, hi;
    const char *text;       /* borrowed */
    double to;              /* NaN: system-missing */
} tally_recode_rule;

typedef enum {
    TALLY_ELSE_SYSMIS = 0,  /* unmatched values become system-missing */
    TALLY_ELSE_COPY,        /* unmatched values are kept (text: read as a number when it is one) */
    TALLY_ELSE_VALUE        /* unmatched values become else_value */
} tally_recode_else;

typedef struct tally_recode_spec {
    const char *src;        /* source variable */
    const char *dst;        /* target variable; NULL or == src: recode in place */
    const char *label;      /* target's variable label; NULL: the source's */
    const tally_recode_rule *rules; /* first match wins, as SPSS RECODE */
    size_t nrules;
    tally_recode_else otherwise;
    double else_value;
    const tally_value_label *labels; /* value labels of the new codes (code, label) */
    size_t nlabels;
} tally_recode_spec;

tally_dataset *tally_data_recode(const tally_dataset *ds, const tally_recode_spec *spec, char **err);

/* ---- de-duplication ---- */

typedef struct tally_dup_key {
    char *key;              /* the key values, ", "-separated */
    size_t rows;            /* rows that shared it (one kept) */
} tally_dup_key;

typedef struct tally_dedupe_result {
    size_t dropped;
    tally_dup_key *dups;    /* keys that had duplicates, in key order */
    size_t ndups;
    size_t missing_keys;    /* rows kept because a key value was missing (never duplicates) */
} tally_dedupe_result;

/* Keeps one row per key: the first or last (keep_last) by `order` (a variable,
 * NULL: file order; missing order values sort first). Kept rows stay in file order. */
tally_dataset *tally_data_dedupe(const tally_dataset *ds, const char *const *keys, size_t nkeys, int keep_last,
                                 const char *order, tally_dedupe_result *res, char **err);
void tally_dedupe_result_free(tally_dedupe_result *r);

/* ---- join ---- */

typedef struct tally_join_result {
    size_t matched, unmatched; /* rows of ds with / without a partner in other */
} tally_join_result;

/* Left join, many-to-one: adds variables `vars` of `other` (NULL: every variable
 * of other that ds lacks, except the key) matched on ds.key == other.other_key
 * (other_key NULL: the same name). A key value twice in `other` is an error;
 * a requested variable that ds already has is an error. */
tally_dataset *tally_data_join(const tally_dataset *ds, const tally_dataset *other, const char *key,
                               const char *other_key, const char *const *vars, size_t nvars,
                               tally_join_result *res, char **err);

/* ---- count by group ---- */

typedef struct tally_group_count {
    double code;            /* numeric groups; NaN for system-missing */
    const char *text;       /* text groups (borrowed from the column), else NULL */
    const char *label;      /* value label, NULL if none (borrowed) */
    int missing;            /* 1: system- or user-missing group */
    double count;           /* weighted when a weight is used */
    size_t rows;            /* unweighted */
} tally_group_count;

typedef struct tally_counts {
    tally_group_count *groups; /* valid values in display order (category_order.h), then user-missing, then
                                  system-missing */
    size_t n;
} tally_counts;

/* Counts rows per value of `var`, weighted by variable `weight` (NULL: none;
 * rows with a missing, zero or negative weight are left out). Returns 0 or -1. */
int tally_data_count_by(const tally_dataset *ds, const char *var, const char *weight, tally_counts *out, char **err);
void tally_counts_free(tally_counts *c);

/* The index of variable `name`, or -1 with "`what`: unknown variable 'x' in
 * dataset 'd' (did you mean 'y'?)" in *err. */
int tally_data_find_var(const tally_dataset *ds, const char *name, const char *what, char **err);

#endif
