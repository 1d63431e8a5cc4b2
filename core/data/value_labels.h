/* value_labels.h: a column's value labels found by code through a hash index, not a walk over all of them. */
#ifndef TALLY_VALUE_LABELS_H
#define TALLY_VALUE_LABELS_H

#include "dataset.h"

/*
 * A .sav file, an XLSForm's choices or a codebook can give one variable tens of thousands
 * of labels; adding each after a walk over the others was quadratic (40,000 labels: 0.8 s).
 * The index (owned by the column, made on first use) covers labels[0..n) and catches up with
 * labels appended since, however they were appended; labels are never removed or re-coded.
 */

/* The label of numeric code `code` (scode NULL) or of text code `scode`, the first one
 * added; NULL when none. NaN has no label. Brings the index up to date: for the one
 * thread that adds labels. */
tally_value_label *tally_value_label_find(tally_column *c, double code, const char *scode);
/* The same without changing the column (stages read labels on several threads): through
 * the index when it covers every label (as after labels were added), else by a walk. */
const tally_value_label *tally_value_label_lookup(const tally_column *c, double code, const char *scode);
/* Frees the column's index (NULL is fine). */
void tally_label_index_free(struct tally_label_index *ix);

#endif
