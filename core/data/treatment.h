/* treatment.h: how `tally report` (the overview stage) treats a variable, and its measurement level. */
#ifndef TALLY_TREATMENT_H
#define TALLY_TREATMENT_H

#include "dataset.h"

/* The overview stage's default for max_categories. */
#define TALLY_DEFAULT_MAX_CATEGORIES 20

typedef enum {
    TALLY_TREAT_CATEGORICAL = 1, /* a frequency table */
    TALLY_TREAT_SCALE,           /* a row of descriptives */
    TALLY_TREAT_TEXT,            /* free text: not tabulated */
    TALLY_TREAT_IDENTIFIER,      /* distinct whole numbers: not tabulated */
    TALLY_TREAT_DATE,            /* a date, datetime or time: not tabulated */
    TALLY_TREAT_METADATA         /* a survey platform's metadata field (host->var_set_metadata): not tabulated */
} tally_treatment;

/* The default report's treatment of column `col`, from metadata first:
 *   value labels, or a numeric nominal/ordinal variable -> categorical
 *   a date kind -> date;  measure scale -> scale
 * otherwise the values decide: values that repeat (some value given twice, at most
 * `max_categories` distinct values, and at most 10 or at most half as many as there
 * are answers) -> categorical; else a string is text, distinct whole numbers (10 or
 * more) an identifier, any other number a scale. */
tally_treatment tally_treatment_of(const tally_dataset *ds, int col, int max_categories);
/* "categorical", "scale", "text", "identifier", "date", "metadata". */
const char *tally_treatment_name(tally_treatment t);
/* Column c's measurement level; when the file gives none, the one its treatment `t`
 * implies (categorical, text, identifier: nominal; scale, date: scale), *inferred = 1. */
tally_measure tally_measure_of(const tally_column *c, tally_treatment t, int *inferred);

#endif
