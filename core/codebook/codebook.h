/* codebook.h: codebook files: labels, value labels, missing codes and multiple-response sets for data without metadata. */
#ifndef TALLY_CODEBOOK_H
#define TALLY_CODEBOOK_H

#include "dataset.h"

/*
 * A codebook is a Lua-syntax file (the config's family) evaluated in an empty
 * environment where only its declarations exist: variable, variables, mrset,
 * weight. The syntax is documented atop codebook.c and in docs/codebook.md.
 *
 * tally_codebook_apply reads `path` and applies it to `ds` (a base dataset,
 * borrowed): metadata on existing columns; new 0/1 columns for split
 * multiple-choice columns; checkbox text columns declared as dichotomies are
 * replaced by 0/1 numeric columns of the same name and position. `language`
 * ("en", "de"; NULL for "en") picks bilingual labels, falling back to "en".
 * Returns 0, or -1 with a new message ("codebook.lua:12: ...") in *err (caller
 * frees). After an error `ds` may hold part of the codebook; the run stops.
 */
int tally_codebook_apply(const char *path, tally_dataset *ds, const char *language, char **err);

#endif
