/* input_options.h: option readers the file input plugins share (where, path, missing tokens, type overrides). */
#ifndef TALLY_INPUT_OPTIONS_H
#define TALLY_INPUT_OPTIONS_H

#include <stddef.h>

#include "tally/plugin.h"

/* Where messages about the options point: the input's place in the config (host->opt_where),
 * or `fallback` (the plugin's name) when the host names none. Borrowed. */
const char *input_opt_where(const tally_host *h, const tally_options *o, const char *fallback);

/* Option 'path' (borrowed from `o`); NULL after host->error "WHERE: input needs a 'path' naming
 * WHAT" when it is unset or empty. */
const char *input_opt_path(const tally_host *h, tally_ctx *ctx, const tally_options *o, const char *where,
                           const char *what);

/* Reads list option 'missing' into missing[0..*n) (at most `max`; the strings are borrowed from
 * `o`); { "NA" } when it is not set. -1 after host->error naming `where` when it lists too many. */
int input_opt_missing(const tally_host *h, tally_ctx *ctx, const tally_options *o, const char *where,
                      const char **missing, size_t max, size_t *n);

/* Reads list option 'types' ("name:KIND") into types[0..*n) (at most `max`; borrowed from `o`).
 * `kinds` is the NULL-terminated list of the KINDs the plugin reads ("numeric", "string", ...).
 * -1 after host->error naming `where` when it lists too many or an entry has another shape. */
int input_opt_types(const tally_host *h, tally_ctx *ctx, const tally_options *o, const char *where,
                    const char *const *kinds, const char **types, size_t max, size_t *n);

#endif
