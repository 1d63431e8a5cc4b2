/* ci.h: confidence intervals: Wilson for proportions, t for means, on the effective (Kish) base when weighted. */
#ifndef TALLY_CI_H
#define TALLY_CI_H

#include "stats.h"

/* An estimate with its interval; percentages for proportions (0..100), the variable's unit for means. */
typedef struct tally_ci {
    double est, lo, hi;
    double moe;  /* half the interval's width for a mean; for a proportion the larger side (Wilson is not symmetric) */
    double n;    /* cases in the base (unweighted) */
    double neff; /* effective base: (sum w)^2 / sum w^2; n when unweighted */
} tally_ci;

/* The two-sided normal quantile for a confidence level in percent (95 -> 1.959964). NaN outside (0, 100). */
double tally_ci_z(double level);

/* Wilson score interval of a proportion p (0..1) on base n (may be fractional: an effective base). */
void tally_ci_wilson(double p, double n, double level, double *lo, double *hi);

/* t interval of a mean with standard deviation sd on base n (df n - 1, fractional allowed). */
void tally_ci_mean_t(double mean, double sd, double n, double level, double *lo, double *hi);

/* t interval of a weighted mean from its sums: ss = sum w (x - mean)^2, sw = sum w, on the effective
 * base neff (Bessel's correction by neff; the sample interval when every weight is 1). */
void tally_ci_mean_sums(double mean, double ss, double sw, double neff, double level, double *lo, double *hi);

/* Over the rows of ds where x is not NaN, weighted by ds's weight when o->weighted:
 * a proportion (x is 1 for "yes", 0 for "no") or a mean of x. 0, or -1 with a message in *err. */
int tally_ci_proportion(const tally_dataset *ds, const double *x, const tally_stats_opts *o, double level,
                        tally_ci *out, char **err);
int tally_ci_mean(const tally_dataset *ds, const double *x, const tally_stats_opts *o, double level, tally_ci *out,
                  char **err);

/* Adds "CI low"/"CI high" columns to a frequencies table of variable col: the Wilson interval of each
 * category's valid percent, on the valid cases' effective base; a note says how. */
void tally_ci_add_to_frequencies(tally_table *t, const tally_dataset *ds, int col, const tally_stats_opts *o,
                                 double level);

/* Adds "CI low"/"CI high" columns to a descriptives table (one row per variable of cols): the t
 * interval of each mean, on the effective base when weighted (the table's standard deviation
 * counts weights as cases, as SPSS does; the interval does not). */
void tally_ci_add_to_descriptives(tally_table *t, const tally_dataset *ds, const int *cols, size_t ncols,
                                  const tally_stats_opts *o, double level);

#endif
