/* describe.h: `tally describe`: prints a dataset's dictionary (variables, labels, missing values, sets). */
#ifndef TALLY_DESCRIBE_H
#define TALLY_DESCRIBE_H

#include <stdio.h>
#include "tally/plugin.h"

/* Prints the dictionary of `ds` (borrowed) to `out`, in the spirit of PSPP's
 * DISPLAY DICTIONARY: source and row count, then every variable with its
 * position, type (and string width), measurement level, format, label, missing
 * values (codes and range) and value labels, then the multiple-response sets
 * with label, kind and variables. The text is deterministic: value labels are
 * sorted by code, numbers printed with up to 15 significant digits. */
void tally_describe_print(FILE *out, const tally_dataset *ds);

#endif
