/* parallel.c: the csv reader's phases on all cores: chunk split points, one thread a chunk, and phase 0's text check. */
#include "reader.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MIN_AUTO_CHUNK (1u << 20) /* files under 1 MiB a chunk are read by one thread */

/* ---- running chunks in parallel ------------------------------------------------ */

typedef struct job {
    job_kind kind;
    int utf8;
    csv_chunk *chunk;
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

static void *job_run(void *arg)
{
    job *j = arg;
    csv_chunk *c = j->chunk;
    if (j->kind == JOB_CHECK) {
        check_chunk(c, j->utf8);
    } else if (j->kind == JOB_PARSE) {
        csv_parse_chunk(c);
    } else if (c->reread_rows) {
        csv_reread_chunk(c);
    }
    return NULL;
}

void csv_run_parallel(job_kind kind, int utf8, csv_chunk *chunks, size_t n)
{
    job jobs[MAX_CHUNKS];
    pthread_t tids[MAX_CHUNKS];
    int started[MAX_CHUNKS] = {0};
    for (size_t i = 0; i < n; i++) jobs[i] = (job){kind, utf8, &chunks[i]};
    for (size_t i = 1; i < n; i++) started[i] = pthread_create(&tids[i], NULL, job_run, &jobs[i]) == 0;
    job_run(&jobs[0]);
    for (size_t i = 1; i < n; i++) {
        if (started[i]) pthread_join(tids[i], NULL);
        else job_run(&jobs[i]); /* no thread to be had: run it here */
    }
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
    csv_run_parallel(JOB_CHECK, utf8, ch, n);
    for (size_t i = 0; i < n; i++)
        if (ch[i].err) return csv_text_problem(r, ch[i].err, ch[i].err_ptr, bom);
    return 0;
}
