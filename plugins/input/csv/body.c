/* body.c: the csv reader's body: phase 1 on all chunks and its errors, then the columns built and merged. */
#include "reader.h"

#include <stdlib.h>
#include <string.h>

static void report_error(reader *r, const csv_chunk *c, size_t line_base)
{
    const char *path = r->s->path;
    size_t line = line_base + c->err_line;
    switch (c->err) {
    case CSV_ERR_RAGGED: {
        char fix[64];
        r->call.h->error(r->call.ctx, "%s:%zu: row has %zu field%s, the header has %zu; fix the row or %s %s", path,
                         line, c->err_a, c->err_a == 1 ? "" : "s", c->err_b, r->s->cli ? "add" : "set",
                         csv_spell(r->s, fix, sizeof fix, "on_ragged", "skip"));
        break;
    }
    case CSV_ERR_UNTERMINATED:
        r->call.h->error(r->call.ctx,
                         "%s:%zu:%zu: quoted field is never closed before the end of the file; add the "
                         "closing quote (a quote inside a quoted field is written twice: \"\")",
                         path, line, c->err_col);
        break;
    case CSV_ERR_TOO_LONG:
        r->call.h->error(r->call.ctx,
                         "%s:%zu:%zu: field is longer than max_field_bytes (%zu bytes); raise "
                         "max_field_bytes or look for a quote that is never closed",
                         path, line, c->err_col, c->err_a);
        break;
    case CSV_ERR_NOT_NUMBER: {
        int shown = c->err_len > 40 ? 40 : (int)c->err_len;
        r->call.h->error(r->call.ctx,
                         "%s:%zu:%zu: '%.*s%s' in column '%s' is not a number, but types declares it "
                         "numeric; fix the value, add it to 'missing', or declare the column string",
                         path, line, c->err_col, shown, c->err_ptr, c->err_len > 40 ? "..." : "",
                         r->names[c->err_col - 1]);
        break;
    }
    default:
        r->call.h->error(r->call.ctx, "%s:%zu: cannot parse this line", path, line);
    }
}

/* Phase 1 on all chunks, then the chunk-start guesses checked in order. 0,
 * 1 when the text was repaired (to be read again), -1 out of memory, -2 after an error. */
static int parse(reader *r, size_t line_base, size_t *nrows, size_t *skipped, size_t *first_skip)
{
    for (size_t i = 0; i < r->nchunks; i++)
        if (csv_chunk_init(&r->chunks[i]) != 0) return -1;
    csv_run_parallel(JOB_PARSE, 0, r->chunks, r->nchunks, r->nthreads);
    size_t rows = 0;
    *skipped = 0;
    for (size_t i = 0; i < r->nchunks; i++) {
        csv_chunk *c = &r->chunks[i];
        const csv_chunk *prev = i > 0 ? &r->chunks[i - 1] : NULL;
        if (prev && (prev->err || prev->oom)) break; /* reported below; it checked the text to the end */
        if (prev && c->start != prev->end) { /* guessed wrong (a quoted line end): again */
            const char *start = prev->end;
            csv_chunk_clear(c);
            c->start = start;
            if (c->limit < start) c->limit = start;
            if (csv_chunk_init(c) != 0) return -1;
            csv_parse_chunk(c);
        }
    }
    /* A problem in the text wins over parse errors (it may have caused them): the first one. */
    const csv_chunk *bad = NULL;
    for (size_t i = 0; i < r->nchunks; i++) {
        const csv_chunk *c = &r->chunks[i];
        if ((c->err == CSV_ERR_NUL || c->err == CSV_ERR_UTF8) && (!bad || c->err_ptr < bad->err_ptr)) bad = c;
    }
    if (bad) return csv_text_problem(r, bad->err, bad->err_ptr, r->bom) == 0 ? 1 : -2;
    for (size_t i = 0; i < r->nchunks; i++) {
        csv_chunk *c = &r->chunks[i];
        if (c->oom) return -1;
        if (c->err) {
            report_error(r, c, line_base);
            return -2;
        }
        if (c->skipped && !*skipped) *first_skip = line_base + c->first_skip_line;
        *skipped += c->skipped;
        c->row0 = rows;
        rows += c->rows;
        line_base += c->lines;
    }
    *nrows = rows;
    return 0;
}

/* The chunks of [body, r->end) set up for phase 1. */
static void chunks_setup(reader *r, tally_dataset *out, const char *body)
{
    const char *pts[MAX_CHUNKS + 1];
    r->nthreads = csv_chunk_count(r->s, (size_t)(r->end - body));
    r->nchunks = csv_body_split(r->s, &r->cfg, body, r->end, r->nthreads, pts);
    /* Pages of the mapped file can be given back once parsed (the strings are copied). */
    int mapped = csv_file_maps(&r->file, r->buf);
    for (size_t i = 0; i < r->nchunks; i++) {
        csv_chunk *c = &r->chunks[i];
        memset(c, 0, sizeof *c);
        c->cfg = &r->cfg;
        c->buf_end = r->end;
        c->start = pts[i];
        c->limit = pts[i + 1];
        c->drop = mapped;
        c->check = !r->clean;
        c->utf8 = 1; /* the text is checked here only when it is meant to be UTF-8 */
    }
    /* Where the host can take a buffer as a column: the chunks share one a column (csv.h),
     * else the first chunk's buffers have room for every row and become the columns. */
    const tally_host *host = r->call.h;
    int adopt = TALLY_HOST_HAS(host, ds_adopt_numeric) && host->ds_adopt_codes && host->ds_adopt_numeric;
    int shared = adopt && !r->dictionary;
#ifdef CSV_TEST_HOOKS /* tests/e2e/csv_small_steps.sh: the first chunk's own buffers, as when no shared ones can be had */
    if (getenv("TALLY_TEST_CSV_NO_SHARED")) shared = 0;
#endif
    if (shared && csv_shared_open(&r->shared, r->chunks, r->nchunks, host, out) == 0) return;
    r->chunks[0].direct = adopt;
    r->chunks[0].body_bytes = (size_t)(r->end - body);
}

/* After phase 1: types, columns, merge (idx and nlev: room for a column each). 0, or -1 after the error. */
static int build_columns(reader *r, tally_dataset *out, int *idx, int *nlev, int codes_ok)
{
    if (csv_decide_types(r, nlev, codes_ok) != 0) return -1;
    if (csv_add_columns(r, out, idx, nlev) != 0) return -1;
    if (csv_plan_outputs(r, out, idx, nlev) != 0) return -1;
    if (csv_merge_run(r, out, idx) != 0) {
        r->call.h->error(r->call.ctx, "%s: out of memory while reading", r->s->path);
        return -1;
    }
    return 0;
}

int csv_read_body(reader *r, tally_dataset *out, const char *body, size_t line_base)
{
    const csv_settings *s = r->s;
    const tally_host *h = r->call.h;
    chunks_setup(r, out, body);
    size_t nrows = 0, skipped = 0, first_skip = 0;
    int rc = parse(r, line_base, &nrows, &skipped, &first_skip);
    if (rc == -1) h->error(r->call.ctx, "%s: out of memory while reading", s->path);
    if (rc == 1) return 1;
    if (rc) return -1;

    size_t nc = r->ncols ? r->ncols : 1;
    int *idx = malloc(nc * sizeof *idx);
    int *nlev = malloc(nc * sizeof *nlev); /* per column: its level count, -1 for doubles, -2 for text */
    r->out = calloc(nc, sizeof *r->out);
    int codes_ok = TALLY_HOST_HAS(h, ds_codes_data) && h->ds_codes_data;
    r->levels = codes_ok ? malloc(nc * CSV_MAX_LEVELS * sizeof *r->levels) : NULL;
    r->nrows = nrows;
    if (!idx || !nlev || !r->out || (codes_ok && !r->levels)) {
        h->error(r->call.ctx, "%s: out of memory while reading", s->path);
        rc = -1;
    } else {
        rc = build_columns(r, out, idx, nlev, codes_ok);
    }
    free(idx);
    free(nlev);
    if (rc) return -1;
    if (skipped)
        h->log(r->call.ctx, TALLY_LOG_WARN,
               "%s: skipped %zu row%s whose field count differs from the header's %zu (first at line %zu)", s->path,
               skipped, skipped == 1 ? "" : "s", r->ncols, first_skip);
    if (nrows == 0 && !r->dictionary)
        h->log(r->call.ctx, TALLY_LOG_WARN, "%s: no data rows, only the header; the dataset has %zu columns and 0 rows",
               s->path, r->ncols);
    return 0;
}
