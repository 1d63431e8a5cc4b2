/* waves.h: survey waves: stacking datasets with a wave variable, and one question's figures wave by wave. */
#ifndef TALLY_WAVES_H
#define TALLY_WAVES_H

#include "stats.h"

/* Stacks n datasets (their selected rows, in order) into a NEW dataset `name` with a numeric
 * variable `wave` coded 1..n, labelled labels[i]. Columns are matched by name; a column missing
 * from a wave is system-missing there; value labels and missing codes are merged (the first
 * wave's label wins a conflict). Every such fact is added to *notes (new strings, caller frees
 * them and the array). NULL with a message in *err when a variable is numeric in one wave and
 * text in another, or `wave` is already a variable. */
tally_dataset *tally_waves_append(const tally_dataset *const *parts, const char *const *labels, size_t n,
                                  const char *name, const char *wave, char ***notes, size_t *nnotes, char **err);

typedef struct tally_trend_opts {
    tally_stats_opts base;
    int means;  /* 0: the valid categories' percentages, z tests; 1: the mean, Welch t tests */
} tally_trend_opts;

/* Variable col wave by wave (the waves are the valid codes of wavecol, in order). *change gets
 * a second NEW table: each wave against the one before, with the test of the change (z for a
 * percentage, Welch t for a mean; effective bases when weighted). */
tally_table *tally_stats_trend(const tally_dataset *ds, int col, int wavecol, const tally_trend_opts *o,
                               tally_table **change, char **err);

#endif
