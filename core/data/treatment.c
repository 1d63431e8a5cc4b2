/* treatment.c: how the default report treats each variable (categorical, scale, text, identifier, date). */
#include "treatment.h"
#include "stats_int.h"

#include <math.h>
#include <stdlib.h>

/* The distinct valid values of a column: how many, how many answers, all whole, any repeated.
 * Counted by the frequencies kernels' category map (one pass; compact columns by histogram). */
static void shape(const tally_dataset *ds, int col, size_t *distinct, size_t *answers, int *whole, int *repeats)
{
    *distinct = *answers = 0;
    *whole = 1;
    *repeats = 0;
    stats_catmap m;
    stats_catmap_init(&m, ds->cols[col]);
    stats_catmap_count(&m, ds, NULL);
    stats_catmap_finish(&m);
    for (size_t i = 0; i < m.nvalid; i++) {
        const stats_cat *k = stats_catmap_at(&m, i);
        (*distinct)++;
        *answers += (size_t)k->n;
        if (k->n > 1) *repeats = 1;
        if (k->str || k->code != floor(k->code)) *whole = 0;
    }
    stats_catmap_free(&m);
}

tally_treatment tally_treatment_of(const tally_dataset *ds, int col, int max_categories)
{
    const tally_column *c = ds->cols[col];
    if (c->is_metadata) return TALLY_TREAT_METADATA;
    if (c->nlabels > 0) return TALLY_TREAT_CATEGORICAL;
    /* SPSS and PSPP call every string nominal unless told otherwise: for a string without
     * value labels that says little, so its values decide below. */
    if ((c->measure == TALLY_NOMINAL || c->measure == TALLY_ORDINAL) && c->type == TALLY_NUMERIC)
        return TALLY_TREAT_CATEGORICAL;
    if (c->is_date) return TALLY_TREAT_DATE;
    /* a string marked scale (PSPP and SPSS allow it) has no mean: its values decide, below */
    if (c->measure == TALLY_SCALE && c->type == TALLY_NUMERIC) return TALLY_TREAT_SCALE;
    size_t distinct, answers;
    int whole, repeats;
    shape(ds, col, &distinct, &answers, &whole, &repeats);
    if (repeats && distinct <= (size_t)(max_categories < 0 ? 0 : max_categories) &&
        (distinct <= 10 || 2 * distinct <= answers))
        return TALLY_TREAT_CATEGORICAL;
    if (c->type != TALLY_NUMERIC) return TALLY_TREAT_TEXT;
    if (whole && !repeats && distinct >= 10) return TALLY_TREAT_IDENTIFIER;
    return TALLY_TREAT_SCALE;
}

const char *tally_treatment_name(tally_treatment t)
{
    switch (t) {
    case TALLY_TREAT_CATEGORICAL: return "categorical";
    case TALLY_TREAT_SCALE: return "scale";
    case TALLY_TREAT_TEXT: return "text";
    case TALLY_TREAT_IDENTIFIER: return "identifier";
    case TALLY_TREAT_DATE: return "date";
    case TALLY_TREAT_METADATA: return "metadata";
    }
    return "scale";
}

tally_measure tally_measure_of(const tally_column *c, tally_treatment t, int *inferred)
{
    *inferred = 0;
    if (c->measure != TALLY_MEASURE_UNKNOWN) return c->measure;
    *inferred = 1;
    switch (t) {
    case TALLY_TREAT_SCALE:
    case TALLY_TREAT_DATE: return TALLY_SCALE;
    case TALLY_TREAT_METADATA: return c->is_date ? TALLY_SCALE : TALLY_NOMINAL;
    default: return TALLY_NOMINAL;
    }
}
