/* parallel.c: the csv reader's phases on all cores: chunk split points, one thread a chunk, and phase 0's text check. */
#include "reader.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MIN_AUTO_CHUNK (1u << 20) /* files under 1 MiB a chunk are read by one thread */

/*
 * The body's chunks: PIECES_PER_THREAD pieces a thread, taken in turn by whichever
 * thread is free (their rows go to one shared buffer a column, csv.h, so more chunks
 * copy nothing more). On a machine that other programs use, one thread is often
 * slowed down: with one chunk a thread, the other waited 20 to 45 ms for it at
 * 1,000,000 rows; now it waits at most for one piece. The pieces shrink linearly
 * (piece k of P takes 2(P - k) - 1 parts of P * P), so the last ones taken, whose
 * end the other thread may wait for, are the smallest (on two threads: 16% of the
 * file first, 0.7% last).
 */
#define PIECES_PER_THREAD 6
/* A chunk start is guessed at a line end whose next SPLIT_ROWS rows have the header's
 * width (within SPLIT_LOOK bytes each), trying SPLIT_TRIES line ends. */
#define SPLIT_ROWS 4
#define SPLIT_LOOK 65536
#define SPLIT_TRIES 64

/* ---- running chunks in parallel ------------------------------------------------ */

typedef struct job {
    job_kind kind;
    int utf8;
    csv_chunk *chunks;
    size_t n;
    atomic_size_t next; /* the next chunk to take */
} job;

#ifndef CSV_CHECK_STEP /* settable when building, to test with small files */
#define CSV_CHECK_STEP (8u << 20)
#endif
#define CHECK_STEP ((size_t)CSV_CHECK_STEP)

/* Phase 0 on one chunk. On the mapped file it goes CHECK_STEP bytes at a time
 * and gives the pages it checked back (phase 1 maps them again from the page
 * cache), so the file is never all in memory along with what is read from it. */
static void check_chunk(csv_chunk *c, int utf8)
{
    const char *p = c->check_start, *end = c->check_end;
    while (p < end) {
        const char *q = end;
        if (c->drop && (size_t)(end - p) > CHECK_STEP) {
            q = p + CHECK_STEP;
            while (q < end && ((unsigned char)*q & 0xC0) == 0x80) q++; /* not inside a UTF-8 sequence */
        }
        size_t n = (size_t)(q - p);
        csv_err_kind kind = CSV_OK;
        size_t off = csv_check_text(p, n, (size_t)(c->buf_end - p), utf8, &kind);
        if (off < n) {
            c->err = kind;
            c->err_ptr = p + off;
            return;
        }
        if (c->drop) csv_advise_pages(p, q, MADV_DONTNEED);
        p = q;
    }
}

/* One chunk of the job. */
static void chunk_run(const job *j, csv_chunk *c)
{
    if (j->kind == JOB_CHECK) {
        check_chunk(c, j->utf8);
    } else if (j->kind == JOB_PARSE) {
        csv_parse_chunk(c);
    } else if (c->reread_rows) {
        csv_reread_chunk(c);
    }
}

/* Takes the job's chunks in order until none is left: a thread slowed down
 * (another program on its core) takes fewer, instead of the others waiting for it. */
static void *job_run(void *arg)
{
    job *j = arg;
    for (size_t i; (i = atomic_fetch_add(&j->next, 1)) < j->n;) chunk_run(j, &j->chunks[i]);
    return NULL;
}

void csv_run_parallel(job_kind kind, int utf8, csv_chunk *chunks, size_t n, size_t nthreads)
{
    job j = {.kind = kind, .utf8 = utf8, .chunks = chunks, .n = n};
    atomic_init(&j.next, 0);
    pthread_t tids[MAX_CHUNKS];
    int started[MAX_CHUNKS] = {0};
    if (nthreads > n) nthreads = n;
    if (nthreads > MAX_CHUNKS) nthreads = MAX_CHUNKS;
    for (size_t i = 1; i < nthreads; i++) started[i] = pthread_create(&tids[i], NULL, job_run, &j) == 0;
    job_run(&j); /* no thread to be had: the chunks are all taken here */
    for (size_t i = 1; i < nthreads; i++)
        if (started[i]) pthread_join(tids[i], NULL);
}

size_t csv_chunk_count(const csv_settings *s, size_t bytes)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = s->threads > 0 ? (size_t)s->threads : (cpus > 0 ? (size_t)cpus : 1);
    if (n > MAX_CHUNKS) n = MAX_CHUNKS;
    size_t min_chunk = s->threads > 0 ? 16 : MIN_AUTO_CHUNK;
    while (n > 1 && bytes / n < min_chunk) n--;
    return n ? n : 1;
}

size_t csv_split_points(const char *a, const char *b, char term, size_t want, const char **pts)
{
    size_t n = 0, bytes = (size_t)(b - a);
    pts[n++] = a;
    for (size_t k = 1; k < want; k++) {
        const char *t = a + bytes / want * k;
        if (t <= pts[n - 1]) continue;
        const char *nl = memchr(t, term, (size_t)(b - t));
        if (!nl || nl + 1 >= b) break;
        pts[n++] = nl + 1;
    }
    pts[n] = b;
    return n;
}

/* 1 when the rows from p look like rows read from their start: SPLIT_ROWS rows (or those
 * before b) of the header's width, each within SPLIT_LOOK bytes. */
static int rows_fit(const csv_cfg *cfg, const char *p, const char *b)
{
    for (int i = 0; i < SPLIT_ROWS && p < b; i++) {
        const char *next = NULL, *end = (size_t)(b - p) > SPLIT_LOOK ? p + SPLIT_LOOK : b;
        size_t lines = 0;
        if (csv_split_row(cfg, p, end, NULL, NULL, NULL, 0, &next, &lines) != (long)cfg->ncols) return 0;
        if (next >= end && end < b) return 0; /* cut off by the look-ahead: no row end seen */
        p = next;
    }
    return 1;
}

/* A chunk start at a line end from t on: the first whose next rows fit the header
 * (a line end inside a quoted field seldom gives such rows), else the first line end;
 * NULL when there is none before b. The guess is checked after the parse all the same. */
static const char *chunk_start(const csv_cfg *cfg, const char *t, const char *b)
{
    const char *first = NULL;
    for (int tries = 0; tries < SPLIT_TRIES && t < b; tries++) {
        const char *nl = memchr(t, cfg->term, (size_t)(b - t));
        if (!nl || nl + 1 >= b) break;
        if (!first) first = nl + 1;
        if (!cfg->ncols || rows_fit(cfg, nl + 1, b)) return nl + 1;
        t = nl + 1;
    }
    return first;
}

size_t csv_body_split(const csv_settings *s, const csv_cfg *cfg, const char *a, const char *b, size_t nthreads,
                      const char **pts)
{
    size_t bytes = (size_t)(b - a), min_chunk = s->threads > 0 ? 16 : MIN_AUTO_CHUNK;
    size_t pieces = nthreads * PIECES_PER_THREAD;
    if (pieces > MAX_CHUNKS) pieces = MAX_CHUNKS;
    while (pieces > nthreads && bytes / pieces < min_chunk) pieces--;
    if (nthreads <= 1 || pieces <= nthreads) return csv_split_points(a, b, cfg->term, nthreads, pts);
    size_t n = 1;
    pts[0] = a;
    for (size_t k = 1; k < pieces; k++) { /* smaller and smaller */
        double done = (double)k * (double)(2 * pieces - k) / ((double)pieces * (double)pieces);
        const char *t = a + (size_t)((double)bytes * done);
        if (t <= pts[n - 1]) continue;
        const char *at = chunk_start(cfg, t, b);
        if (!at) break;
        pts[n++] = at;
    }
    pts[n] = b;
    return n;
}

size_t csv_line_at(const char *buf, const char *at, char term)
{
    size_t line = 1;
    for (const char *p = buf; p < at && (p = memchr(p, term, (size_t)(at - p))) != NULL; p++) line++;
    return line;
}

int csv_text_problem(reader *r, csv_err_kind kind, const char *at, size_t bom)
{
    const csv_settings *s = r->s;
    const char *a = r->buf, *b = r->end;
    size_t off = (size_t)(at - a) + bom, line = csv_line_at(a, at, r->cfg.term);
    if (kind == CSV_ERR_NUL) {
        r->call.h->error(r->call.ctx, "%s:%zu: NUL byte at byte offset %zu; the file is damaged or is not a CSV file",
                         s->path, line, off);
        return -1;
    }
    if (!s->replace_invalid) {
        char a1[64], a3[64];
        r->call.h->error(
            r->call.ctx,
            "%s:%zu: invalid UTF-8 at byte offset %zu; %s %s (Excel) or %s if the file is not UTF-8, or %s", s->path,
            line, off, s->cli ? "add" : "set", csv_spell(s, a1, sizeof a1, "encoding", "windows-1252"),
            s->cli ? "--set encoding=latin-1" : "\"latin-1\"", csv_spell(s, a3, sizeof a3, "invalid_utf8", "replace"));
        return -1;
    }
    size_t len, bad;
    char *fixed = csv_utf8_repair(a, (size_t)(b - a), &len, &bad);
    if (!fixed) {
        r->call.h->error(r->call.ctx, "%s: out of memory repairing invalid UTF-8", s->path);
        return -1;
    }
    r->call.h->log(r->call.ctx, TALLY_LOG_WARN, "%s: replaced %zu invalid UTF-8 byte%s with U+FFFD (first at line %zu)",
                   s->path, bad, bad == 1 ? "" : "s", line);
    free(r->converted);
    r->converted = fixed;
    r->buf = fixed;
    r->end = fixed + len;
    r->clean = 1;
    return 0;
}

int csv_reader_check(reader *r, const char *a, const char *b, size_t bom)
{
    const csv_settings *s = r->s;
    const char *pts[MAX_CHUNKS + 1];
    size_t n = csv_split_points(a, b, r->cfg.term, csv_chunk_count(s, (size_t)(b - a)), pts);
    csv_chunk ch[MAX_CHUNKS];
    memset(ch, 0, n * sizeof *ch);
    int mapped = csv_file_maps(&r->file, a);
    for (size_t i = 0; i < n; i++) {
        ch[i].check_start = pts[i];
        ch[i].check_end = pts[i + 1];
        ch[i].buf_end = r->end;
        ch[i].drop = mapped;
    }
    int utf8 = s->encoding == CSV_ENC_UTF8;
    csv_run_parallel(JOB_CHECK, utf8, ch, n, n);
    for (size_t i = 0; i < n; i++)
        if (ch[i].err) return csv_text_problem(r, ch[i].err, ch[i].err_ptr, bom);
    return 0;
}
