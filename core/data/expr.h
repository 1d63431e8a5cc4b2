/* expr.h: tally's expression language: parsed once into a tree, evaluated a column at a time. */
#ifndef TALLY_EXPR_H
#define TALLY_EXPR_H

#include <stddef.h>
#include "dataset.h"

/*
 * Syntax (docs/expressions.md): numbers, "strings" or 'strings', variables
 * (letters, digits, _ . @ # $ and UTF-8; `back quoted` for any other name),
 * + - * / %, == ~= != <> < <= > >=, and or not, parentheses,
 * x in {1, 2, 3} / x in (1, 2, 3), true, false and the functions
 * missing sysmis valid value sum mean min max abs round floor year month count.
 *
 * Values are doubles; NaN is missing. Truth is 1 or 0; a comparison with a
 * missing operand is missing, which a filter does not select (as SPSS).
 * User-missing codes of a variable read as missing except inside missing(),
 * sysmis(), valid() and value().
 *
 * Ownership: a tally_expr owns its tree and the source copy. Binding stores
 * borrowed column pointers: the dataset bound to (or any dataset sharing its
 * columns) must outlive evaluation.
 */

typedef struct tally_expr tally_expr;

/* Parses `src`. Returns a new tree, or NULL with a new message in *err:
 * "at column 11: expected '==' (a comparison), found '='". */
tally_expr *tally_expr_parse(const char *src, char **err);
void tally_expr_free(tally_expr *e);

/* Resolves variable names against `ds` and checks types. Returns 0, or -1 with
 * a new message in *err: "at column 1: unknown variable 'x' in dataset 'd' (did you mean 'y'?)". */
int tally_expr_bind(tally_expr *e, const tally_dataset *ds, char **err);

/* 1 when the bound expression gives text rather than a number. */
int tally_expr_is_string(const tally_expr *e);

/* Evaluates a bound numeric expression over rows 0..ds->nrows-1 of `ds` into
 * out[0..ds->nrows-1]; NaN is missing. */
void tally_expr_eval(const tally_expr *e, const tally_dataset *ds, double *out);

/* Parse, bind and evaluate in one call for operation `what` ("filter").
 * Returns a new array of ds->nrows values, or NULL with a new message in *err:
 * "filter 'has_china = 1': at column 11: expected '==' (a comparison), found '='". */
double *tally_expr_run(const char *what, const char *src, const tally_dataset *ds, char **err);

/* Days since 1970-01-01 to the civil year and month (proleptic Gregorian), for
 * |days| < TALLY_MAX_DAY_NUMBER (about 27 million years); others give 1970-01-01. */
#define TALLY_MAX_DAY_NUMBER 1e10
void tally_days_to_civil(double days, int *year, int *month, int *day);

#endif
