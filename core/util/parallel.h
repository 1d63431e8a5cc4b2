/* parallel.h: splits a row range into parts and runs the parts on at most TALLY_PAR_MAX_PARTS threads, the caller's included. */
#ifndef TALLY_PARALLEL_H
#define TALLY_PARALLEL_H

#include <stddef.h>

/*
 * The number of parts depends on the row count alone (never on timing or on
 * whether a thread could start), and callers combine the parts' partial
 * results in part order: so a result is the same on every run and machine,
 * and inputs below TALLY_PAR_MIN_ROWS are one part, computed exactly as a
 * plain loop would.
 */
#define TALLY_PAR_MIN_ROWS 65536
#define TALLY_PAR_MAX_PARTS 2

/* Parts for n rows: 1 below TALLY_PAR_MIN_ROWS, else TALLY_PAR_MAX_PARTS. */
size_t tally_par_parts(size_t n);
/* Rows [*begin, *end) of part p when n rows are split in nparts (boundaries on multiples of 64). */
void tally_par_range(size_t n, size_t nparts, size_t p, size_t *begin, size_t *end);
/* Runs fn(ctx, p) for p = 0..nparts-1: part 0 on the calling thread, parts 1 to
 * TALLY_PAR_MAX_PARTS-1 on a thread each, and any later part (or one whose thread
 * cannot start) on the calling thread, one after another. Returns after every part
 * has finished; callers that want all parts at once ask for at most TALLY_PAR_MAX_PARTS. */
void tally_par_run(size_t nparts, void (*fn)(void *ctx, size_t part), void *ctx);

#endif
