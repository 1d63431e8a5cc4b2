/* share.c: the code columns of all chunks written straight into one buffer a column at its final size, so no chunk's rows are copied after the parse. */
#include "reader.h"
#include "tokenize.h"

#include <stdlib.h>
#include <string.h>

/*
 * Where the first chunk's buffers become the dataset's columns (direct), the
 * other chunks' codes would be parsed into buffers of their own, then copied
 * behind the first chunk's rows: every byte written twice and its pages
 * mapped twice. Instead, the line ends outside quotes of each chunk but the
 * last are counted first (on all cores; a data row ends at such a line end, so
 * a chunk holds at most as many rows as that; the last chunk's rows are
 * estimated from the others' with 10% to spare), and every chunk writes its
 * codes at its place in one buffer a column with room for all those rows.
 * The split points move on
 * by up to 63 lines so that each place is a multiple of 64 rows: the parse
 * stores whole 64-byte blocks of codes, aligned. A chunk with more rows than
 * lines (none is expected) takes buffers of its own when it grows; after the
 * parse, a chunk whose rows are not at their place (blank lines, skipped rows,
 * line ends inside quotes before it) gets a copy of its own, so the merge
 * moves it as before; when the file holds more rows than counted (a quote
 * inside an unquoted field misleads the count), every chunk does.
 */

/* Moves the split between chunk i and i + 1 on past `extra` row ends (line ends outside
 * quotes): 0, or -1 when the next chunk has too few. */
static int move_split(reader *r, size_t i, size_t extra)
{
    csv_chunk *c = &r->chunks[i], *next = &r->chunks[i + 1];
    const char *p = next->start;
    int inq = 0;
    for (size_t e = 0; e < extra;) {
        const char *nl = memchr(p, r->cfg.term, (size_t)(next->limit - p));
        if (!nl || nl + 1 >= next->limit) return -1;
        for (const char *q = p; (q = memchr(q, '"', (size_t)(nl - q))) != NULL; q++) inq ^= 1;
        p = nl + 1;
        e += !inq;
    }
    c->limit = next->start = p;
    c->count_lines += extra;
    next->count_lines -= extra;
    return 0;
}

void csv_share_setup(reader *r)
{
    size_t n = r->nchunks, nc = r->cfg.ncols;
    if (n < 2 || !r->chunks[0].direct || nc == 0) return;
    csv_run_parallel(JOB_COUNT, 0, r->chunks, n - 1); /* the last chunk's place needs no count of its own */
    size_t lines = 0, counted = (size_t)(r->chunks[n - 1].start - r->chunks[0].start);
    for (size_t i = 0; i + 1 < n; i++) lines += r->chunks[i].count_lines;
    csv_chunk *last = &r->chunks[n - 1]; /* its rows estimated from the others', with room to spare */
    last->count_lines = 
        (size_t)((double)(last->limit - last->start) * (double)lines / (double)(counted ? counted : 1) * 1.1) + 1024;
    lines = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        size_t extra = (BLOCK - (lines + r->chunks[i].count_lines) % BLOCK) % BLOCK;
        if (move_split(r, i, extra) != 0) return; /* chunks too small to matter */
        lines += r->chunks[i].count_lines;
    }
    lines += last->count_lines;
    size_t bytes = (lines + BLOCK - 1) / BLOCK * BLOCK;
    r->shared = calloc(nc, sizeof *r->shared);
    if (!r->shared) return;
    for (size_t k = 0; k < nc; k++) {
        void *p = NULL;
        if (r->cfg.forced[k] == TALLY_STRING) continue;
        if (posix_memalign(&p, 64, bytes) != 0) {
            csv_share_free(r);
            return;
        }
        r->shared[k] = p;
    }
    size_t row = 0;
    for (size_t i = 0; i < n; i++) {
        r->chunks[i].share = r->shared;
        r->chunks[i].share_row = row;
        r->chunks[i].share_rows = bytes;
        row += r->chunks[i].count_lines;
    }
}

int csv_share_settle(reader *r)
{
    r->in_place = 0;
    if (!r->shared) return 0;
    size_t rows = 0;
    for (size_t i = 0; i < r->nchunks; i++) rows += r->chunks[i].rows;
    int moved = rows > r->chunks[0].share_rows; /* more rows than counted (a stray quote): not even the first */
    for (size_t i = 0; i < r->nchunks; i++) {
        csv_chunk *c = &r->chunks[i];
        if (!c->share || c->row0 != c->share_row) moved = 1;
        if (moved && c->share && csv_chunk_unshare(c) != 0) return -1;
    }
    r->in_place = !moved;
    return 0;
}

void csv_share_free(reader *r)
{
    for (size_t i = 0; r->shared && i < r->nchunks; i++) { /* no chunk points into them any more */
        csv_chunk *c = &r->chunks[i];
        for (size_t k = 0; c->cols && k < r->cfg.ncols; k++)
            if (c->cols[k].shared) c->cols[k].codes = NULL, c->cols[k].shared = 0;
        c->share = NULL;
    }
    for (size_t k = 0; r->shared && k < r->cfg.ncols; k++) free(r->shared[k]);
    free(r->shared);
    r->shared = NULL;
    r->in_place = 0;
}
