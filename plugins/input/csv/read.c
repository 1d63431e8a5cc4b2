/* read.c: the csv plugin's reader: maps the file, checks and converts text, parses chunks on all cores. */
#include "csv.h"
#include "csv_read.h"
#include "layout.h"
#include "csv_decode.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CHUNKS 64
#define MIN_AUTO_CHUNK (1u << 20) /* files under 1 MiB a chunk are read by one thread */

/* ---- the file in memory ------------------------------------------------------ */

typedef struct csv_file {
    const char *data; /* the file's bytes */
    size_t len;
    void *map;        /* mmap'ed region, or NULL */
    int guarded;      /* a SIGBUS guard covers the mapping (mapguard.c) */
    char *owned;      /* read() copy, or NULL */
} csv_file;

static int file_load(const char *path, csv_file *f, int *err)
{
    memset(f, 0, sizeof *f);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        *err = S_ISDIR(st.st_mode) ? EISDIR : errno;
        close(fd);
        return -1;
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
#ifdef CSV_TEST_HOOKS /* tests/e2e/hostile_crash.sh: another program shrinks the file once it is mapped */
        const char *shrink = getenv("TALLY_TEST_CSV_SHRINK_TO");
        if (m != MAP_FAILED && shrink && truncate(path, atol(shrink)) != 0) abort();
#endif
        if (m != MAP_FAILED) {
            f->map = m;
            f->data = m;
            f->len = (size_t)st.st_size;
            f->guarded = csv_mapguard_begin(m, f->len) == 0;
            close(fd);
            return 0;
        }
    }
    size_t cap = 1 << 16, len = 0; /* pipes and files mmap refuses */
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            *err = ENOMEM;
            close(fd);
            return -1;
        }
        ssize_t got = read(fd, buf + len, cap - len);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            *err = errno;
            free(buf);
            close(fd);
            return -1;
        }
        if (got == 0) break;
        len += (size_t)got;
        if (len == cap) {
            char *n = realloc(buf, cap * 2);
            if (!n) free(buf);
            buf = n;
            cap *= 2;
        }
    }
    close(fd);
    f->owned = buf;
    f->data = buf;
    f->len = len;
    return 0;
}

static void file_close(csv_file *f)
{
    if (f->guarded) csv_mapguard_end();
    f->guarded = 0;
    if (f->map) munmap(f->map, f->len);
    free(f->owned);
}

/* ---- running chunks in parallel ------------------------------------------------ */

typedef enum { JOB_CHECK, JOB_PARSE, JOB_REREAD } job_kind;

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
        if (c->drop) {
            uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, b = (uintptr_t)q & ~(uintptr_t)4095;
            if (b > a) madvise((void *)a, b - a, MADV_DONTNEED);
        }
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

static void run_parallel(job_kind kind, int utf8, csv_chunk *chunks, size_t n)
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

static size_t chunk_count(const csv_settings *s, size_t bytes)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = s->threads > 0 ? (size_t)s->threads : (cpus > 0 ? (size_t)cpus : 1);
    if (n > MAX_CHUNKS) n = MAX_CHUNKS;
    size_t min_chunk = s->threads > 0 ? 16 : MIN_AUTO_CHUNK;
    while (n > 1 && bytes / n < min_chunk) n--;
    return n ? n : 1;
}

/* Split points just after a `term` byte near equal shares of [a, b); returns the chunk count. */
static size_t split(const char *a, const char *b, char term, size_t want, const char **pts)
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

static size_t line_at(const char *buf, const char *at, char term)
{
    size_t line = 1;
    for (const char *p = buf; p < at && (p = memchr(p, term, (size_t)(at - p))) != NULL; p++) line++;
    return line;
}

/* ---- the reader ----------------------------------------------------------------- */

/* Where the merge writes one numeric column. */
typedef struct csv_colout {
    double *num;            /* borrowed from the dataset, or NULL */
    uint8_t *codes;         /* borrowed from the dataset, or NULL */
    int text;               /* a text column: its cells are stored */
    int date;               /* a date column: its text cells are stored as days or seconds in num */
    int adopt;              /* the first chunk's buffer becomes the column: the other chunks' rows are
                               merged into it, then it is handed over (-1: out of memory on the way) */
    const double *levels;   /* ascending; codes index them */
    unsigned nlevels;
} csv_colout;

typedef struct reader {
    const tally_host *h;
    tally_ctx *ctx;
    const csv_settings *s;
    csv_file file;
    int dictionary;         /* tally check: the header alone, the body not parsed */
    char *converted;        /* UTF-8 copy (encoding conversion or repair), or NULL */
    const char *buf, *end;  /* the text being parsed */
    csv_cfg cfg;
    char **names, **labels;
    size_t ncols;
    int *forced;
    char *want_date;        /* per column: types declares it a date */
    unsigned char *date_kind; /* per column: a tally_date_kind when its text cells are all dates */
    unsigned char *date_form; /* per column: the CSV_DATE_ form they use */
    csv_chunk chunks[MAX_CHUNKS];
    size_t nchunks;
    csv_colout *out;        /* per column: where the merge writes */
    double *levels;         /* the levels of all categorical columns */
    atomic_size_t next_col; /* the merge's next place in order[] */
    size_t *order;          /* the merge's columns: text ones first */
    tally_dataset *ds;      /* the merge's dataset (borrowed) */
    const int *idx;         /* its column index of each file column */
    atomic_int oom;         /* a text column could not be stored */
    size_t nrows;           /* rows in the dataset */
    size_t bom;             /* bytes of byte-order mark before buf (for offsets in messages) */
    int clean;              /* the text is known to hold no NUL and no invalid UTF-8 */
    const char *checked;    /* [buf, checked) is known to be clean */
    csv_layout layout;      /* the survey platform's layout found in the first rows */
} reader;

/* What one reading of the text leaves: freed before a repaired copy is read again. */
static void reader_clear_parse(reader *r)
{
    for (size_t i = 0; i < r->nchunks; i++) csv_chunk_clear(&r->chunks[i]);
    memset(r->chunks, 0, sizeof r->chunks);
    r->nchunks = 0;
    csv_free_strings(r->names, r->ncols);
    csv_free_strings(r->labels, r->ncols);
    r->names = r->labels = NULL;
    r->ncols = 0;
    free(r->forced);
    free(r->want_date);
    free(r->date_kind);
    free(r->date_form);
    r->want_date = NULL;
    r->date_kind = r->date_form = NULL;
    free(r->out);
    free(r->levels);
    free(r->order);
    r->order = NULL;
    r->forced = NULL;
    r->out = NULL;
    r->levels = NULL;
    csv_layout_free(&r->layout);
}

static void reader_free(reader *r)
{
    reader_clear_parse(r);
    free(r->converted);
    file_close(&r->file);
}

/* A NUL byte or invalid UTF-8 at `at`: the error, or (invalid UTF-8 when allowed) the
 * whole text repaired into r->converted. 0 when repaired, -1 after the error. */
static int text_problem(reader *r, csv_err_kind kind, const char *at, size_t bom)
{
    const csv_settings *s = r->s;
    const char *a = r->buf, *b = r->end;
    size_t off = (size_t)(at - a) + bom, line = line_at(a, at, r->cfg.term);
    if (kind == CSV_ERR_NUL) {
        r->h->error(r->ctx, "%s:%zu: NUL byte at byte offset %zu; the file is damaged or is not a CSV file",
                    s->path, line, off);
        return -1;
    }
    if (!s->replace_invalid) {
        char a1[64], a3[64];
        r->h->error(r->ctx,
                    "%s:%zu: invalid UTF-8 at byte offset %zu; %s %s (Excel) or %s if the file is not UTF-8, or %s",
                    s->path, line, off, s->cli ? "add" : "set", csv_spell(s, a1, sizeof a1, "encoding", "windows-1252"),
                    s->cli ? "--set encoding=latin-1" : "\"latin-1\"",
                    csv_spell(s, a3, sizeof a3, "invalid_utf8", "replace"));
        return -1;
    }
    size_t len, bad;
    char *fixed = csv_utf8_repair(a, (size_t)(b - a), &len, &bad);
    if (!fixed) {
        r->h->error(r->ctx, "%s: out of memory repairing invalid UTF-8", s->path);
        return -1;
    }
    r->h->log(r->ctx, TALLY_LOG_WARN, "%s: replaced %zu invalid UTF-8 byte%s with U+FFFD (first at line %zu)",
              s->path, bad, bad == 1 ? "" : "s", line);
    free(r->converted);
    r->converted = fixed;
    r->buf = fixed;
    r->end = fixed + len;
    r->clean = 1;
    return 0;
}

/* Phase 0 on [a, b) (on all cores): NUL bytes and (for UTF-8 files) invalid
 * sequences; repairs when allowed. 0 when the text is fine or repaired. */
static int check_text(reader *r, const char *a, const char *b, size_t bom)
{
    const csv_settings *s = r->s;
    const char *pts[MAX_CHUNKS + 1];
    size_t n = split(a, b, r->cfg.term, chunk_count(s, (size_t)(b - a)), pts);
    csv_chunk ch[MAX_CHUNKS];
    memset(ch, 0, n * sizeof *ch);
    int mapped = r->file.map && a >= r->file.data && a < r->file.data + r->file.len;
    for (size_t i = 0; i < n; i++) {
        ch[i].check_start = pts[i];
        ch[i].check_end = pts[i + 1];
        ch[i].buf_end = r->end;
        ch[i].drop = mapped;
    }
    int utf8 = s->encoding == CSV_ENC_UTF8;
    run_parallel(JOB_CHECK, utf8, ch, n);
    for (size_t i = 0; i < n; i++)
        if (ch[i].err) return text_problem(r, ch[i].err, ch[i].err_ptr, bom);
    return 0;
}

static int setup_columns(reader *r)
{
    const csv_settings *s = r->s;
    size_t nc = r->ncols ? r->ncols : 1;
    r->forced = calloc(nc, sizeof *r->forced);
    r->want_date = calloc(nc, 1);
    r->date_kind = calloc(nc, 1);
    r->date_form = calloc(nc, 1);
    if (!r->forced || !r->want_date || !r->date_kind || !r->date_form) {
        free(r->forced);
        r->forced = NULL;
        return -1;
    }
    for (size_t t = 0; t < s->ntypes; t++) {
        const char *item = s->types[t], *colon = strrchr(item, ':');
        size_t nlen = (size_t)(colon - item);
        size_t i = 0;
        while (i < r->ncols && !(strlen(r->names[i]) == nlen && memcmp(r->names[i], item, nlen) == 0)) i++;
        if (i == r->ncols) {
            r->h->error(r->ctx, "%s: types: the header has no column '%.*s'; check the name (columns: %s%s)",
                        s->path, (int)nlen, item, r->ncols ? r->names[0] : "", r->ncols > 1 ? ", ..." : "");
            return -1;
        }
        r->forced[i] = strcmp(colon + 1, "numeric") == 0 ? TALLY_NUMERIC : TALLY_STRING;
        r->want_date[i] = strcmp(colon + 1, "date") == 0; /* read as text, then as dates */
    }
    return 0;
}

static void report_error(reader *r, const csv_chunk *c, size_t line_base)
{
    const char *path = r->s->path;
    size_t line = line_base + c->err_line;
    switch (c->err) {
    case CSV_ERR_RAGGED: {
        char fix[64];
        r->h->error(r->ctx, "%s:%zu: row has %zu field%s, the header has %zu; fix the row or %s %s", path, line,
                    c->err_a, c->err_a == 1 ? "" : "s", c->err_b, r->s->cli ? "add" : "set",
                    csv_spell(r->s, fix, sizeof fix, "on_ragged", "skip"));
        break;
    }
    case CSV_ERR_UNTERMINATED:
        r->h->error(r->ctx, "%s:%zu:%zu: quoted field is never closed before the end of the file; add the "
                            "closing quote (a quote inside a quoted field is written twice: \"\")",
                    path, line, c->err_col);
        break;
    case CSV_ERR_TOO_LONG:
        r->h->error(r->ctx, "%s:%zu:%zu: field is longer than max_field_bytes (%zu bytes); raise "
                            "max_field_bytes or look for a quote that is never closed",
                    path, line, c->err_col, c->err_a);
        break;
    case CSV_ERR_NOT_NUMBER: {
        int shown = c->err_len > 40 ? 40 : (int)c->err_len;
        r->h->error(r->ctx, "%s:%zu:%zu: '%.*s%s' in column '%s' is not a number, but types declares it "
                            "numeric; fix the value, add it to 'missing', or declare the column string",
                    path, line, c->err_col, shown, c->err_ptr, c->err_len > 40 ? "..." : "",
                    r->names[c->err_col - 1]);
        break;
    }
    default:
        r->h->error(r->ctx, "%s:%zu: cannot parse this line", path, line);
    }
}

/* Phase 1 on all chunks, then the chunk-start guesses checked in order. 0,
 * 1 when the text was repaired (to be read again), -1 out of memory, -2 after an error. */
static int parse(reader *r, size_t line_base, size_t *nrows, size_t *skipped, size_t *first_skip)
{
    for (size_t i = 0; i < r->nchunks; i++)
        if (csv_chunk_init(&r->chunks[i]) != 0) return -1;
    run_parallel(JOB_PARSE, 0, r->chunks, r->nchunks);
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
    if (bad) return text_problem(r, bad->err, bad->err_ptr, r->bom) == 0 ? 1 : -2;
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

/* Column k is text: chunks that read (some of) it as numbers read those rows again. */
static void make_text(reader *r, size_t k)
{
    for (size_t i = 0; i < r->nchunks; i++) {
        csv_chunk *c = &r->chunks[i];
        csv_colbuf *b = &c->cols[k];
        if (b->kind != CSV_BUF_TEXT) {
            csv_colbuf_drop(c, b);
            b->kind = CSV_BUF_TEXT;
            b->text_from = c->rows;
        }
        b->reread = b->text_from;
        if (b->reread > c->reread_rows) c->reread_rows = b->reread;
    }
}

/* Stores the cells of text column k from every chunk (a column touches only its
 * own storage, so text columns are stored on all threads at once). */
static void store_column(reader *r, size_t k)
{
    for (size_t i = 0; i < r->nchunks; i++) {
        const csv_chunk *c = &r->chunks[i];
        for (size_t j = 0; j < c->ncells; j++) {
            const csv_cell *cell = &c->cells[j];
            if (cell->col != k) continue;
            if (r->h->ds_set_string(r->ds, r->idx[k], c->row0 + cell->row, c->text + cell->off, cell->len) != 0) {
                atomic_store(&r->oom, 1);
                return;
            }
        }
    }
}

/* Text columns whose every cell is a date of one form (ISO, or date_format's) become
 * date variables: date_kind and date_form set. A column types declares a date must
 * be one. 0, or -1 after the error. */
static int find_dates(reader *r)
{
    const csv_settings *s = r->s;
    for (size_t k = 0; k < r->ncols; k++) {
        int text = r->nchunks && r->chunks[0].cols[k].kind == CSV_BUF_TEXT;
        int asked = r->forced[k] != TALLY_STRING && s->date_format != CSV_DATE_NONE;
        r->date_form[k] = text && (asked || r->want_date[k]) ? 0 : CSV_DATE_NOT;
    }
    int fmt = s->date_format == CSV_DATE_NONE ? CSV_DATE_DOTS : s->date_format;
    size_t ci = 0;
    const csv_cell *bad = csv_dates_scan(r->chunks, r->nchunks, r->ncols, fmt, r->want_date, r->date_form,
                                         r->date_kind, &ci);
    if (bad) {
        const char *t = r->chunks[ci].text + bad->off;
        int shown = bad->len > 40 ? 40 : (int)bad->len;
        r->h->error(r->ctx, "%s: row %zu, column '%s': '%.*s%s' is not a date, but types declares it one; write "
                            "dates as yyyy-mm-dd (or set date_format), add the value to 'missing', or declare the "
                            "column string",
                    s->path, r->chunks[ci].row0 + bad->row + 1, r->names[bad->col], shown, t,
                    bad->len > 40 ? "..." : "");
        return -1;
    }
    for (size_t k = 0; k < r->ncols; k++)
        if (!r->date_form[k] && r->want_date[k]) /* declared, every cell missing */
            r->date_form[k] = CSV_DATE_ISO, r->date_kind[k] = TALLY_DATE_DAYS;
    return 0;
}

/* Text columns of a file not delimited by commas, read with decimal '.', whose every
 * cell is a number written with a decimal comma (2,5): a warning names them, since
 * decimal = "," would read them as numbers. */
static void hint_decimal_comma(reader *r)
{
    const csv_cfg *cfg = &r->cfg;
    if (cfg->decimal != '.' || cfg->delim == ',' || r->s->decimal || !r->nchunks) return;
    unsigned char *seen = malloc(r->ncols ? r->ncols : 1);
    if (!seen) return;
    for (size_t k = 0; k < r->ncols; k++)
        seen[k] = r->chunks[0].cols[k].kind == CSV_BUF_TEXT && !r->date_kind[k] && r->forced[k] != TALLY_STRING;
    csv_comma_number_columns(r->chunks, r->nchunks, seen);
    for (size_t k = 0; k < r->ncols; k++)
        if (seen[k] == 1)
            r->h->log(r->ctx, TALLY_LOG_WARN, "%s: column '%s' holds numbers written with a decimal comma (2,5) and "
                                              "is read as text; set decimal = \",\" to read them as numbers",
                      r->s->path, r->names[k]);
    free(seen);
}

/* Maps the pages of a column the merge is about to fill in one call, rather
 * than one page fault at a time. */
static void prefault(void *p, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, b = ((uintptr_t)p + bytes) & ~(uintptr_t)4095;
    if (b > a) madvise((void *)a, b - a, MADV_POPULATE_WRITE); /* a hint: an old kernel refuses, nothing lost */
#else
    (void)p;
    (void)bytes;
#endif
}

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* dst[j] = map[src[j]] for n cells whose codes are below nl or CSV_CODE_NONE. A
 * column with a handful of values (dichotomies, ratings) goes 16 cells at a
 * time, each value a compare and a mask; others a table lookup a cell. */
static void remap_codes(uint8_t *dst, const uint8_t *src, size_t n, const uint8_t map[256], unsigned nl)
{
    size_t j = 0;
#if defined(__SSE2__)
    if (nl <= 7) {
        __m128i want[8], put[8];
        for (unsigned k = 0; k < nl; k++) {
            want[k] = _mm_set1_epi8((char)k);
            put[k] = _mm_set1_epi8((char)map[k]);
        }
        want[nl] = _mm_set1_epi8((char)CSV_CODE_NONE);
        put[nl] = _mm_set1_epi8((char)map[CSV_CODE_NONE]);
        for (; j + 16 <= n; j += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(src + j)), acc = _mm_setzero_si128();
            for (unsigned k = 0; k <= nl; k++) acc = _mm_or_si128(acc, _mm_and_si128(_mm_cmpeq_epi8(x, want[k]), put[k]));
            _mm_storeu_si128((__m128i *)(void *)(dst + j), acc);
        }
    }
#endif
    for (; j < n; j++) dst[j] = map[src[j]];
}

/* Copies numeric column k from every chunk's buffer into the dataset, then frees those buffers. */
static void merge_column(reader *r, size_t k)
{
    csv_colout *o = &r->out[k];
    size_t first = 0; /* rows already in place */
    if (o->adopt) {
        csv_chunk *c0 = &r->chunks[0];
        csv_colbuf *b0 = &c0->cols[k];
        size_t n = r->nrows ? r->nrows : 1;
        if (b0->kind == CSV_BUF_CODES) {
            uint8_t *buf = c0->cap < n ? realloc(b0->codes, n) : b0->codes;
            if (!buf) {
                o->adopt = -1;
                return;
            }
            b0->codes = NULL; /* the column's from now on */
            o->codes = buf;
        } else {
            double *buf = c0->cap < n ? realloc(b0->nums, n * sizeof *buf) : b0->nums;
            if (!buf) {
                o->adopt = -1;
                return;
            }
            b0->nums = NULL;
            o->num = buf;
        }
        first = c0->rows;
    }
    if (o->codes) prefault(o->codes + first, r->nrows - first);
    else prefault(o->num + first, (r->nrows - first) * sizeof *o->num);
    for (size_t i = 0; i < r->nchunks; i++) {
        csv_chunk *c = &r->chunks[i];
        csv_colbuf *b = &c->cols[k];
        size_t n = c->rows;
        int own = i == 0 && o->adopt; /* the adopted buffer itself: codes remapped in place */
        if (n && o->codes && b->kind == CSV_BUF_CODES) {
            uint8_t map[256], *dst = o->codes + c->row0;
            const uint8_t *src = own ? dst : b->codes;
            csv_ltab_map(&b->lt, o->levels, o->nlevels, map);
            unsigned same = 0;
            while (same < b->lt.n && map[same] == same) same++;
            if (same == b->lt.n) {
                if (dst != src) memcpy(dst, src, n);
            } else {
                remap_codes(dst, src, n, map, b->lt.n);
            }
        } else if (n && o->num && b->kind == CSV_BUF_CODES) {
            double val[256], *dst = o->num + c->row0;
            const uint8_t *src = b->codes;
            for (int j = 0; j < 256; j++) val[j] = NAN;
            for (unsigned j = 0; j < b->lt.n; j++) val[j] = b->lt.vals[j];
            for (size_t j = 0; j < n; j++) dst[j] = val[src[j]];
        } else if (n && o->num && b->kind == CSV_BUF_NUMS && !own) {
            memcpy(o->num + c->row0, b->nums, n * sizeof *b->nums);
        }
        csv_colbuf_drop(c, b);
    }
}

/* Takes columns from the shared queue until it is empty: text columns first
 * (the longest jobs), then the numeric ones. */
static void merge_columns(reader *r)
{
    for (;;) {
        size_t q = atomic_fetch_add(&r->next_col, 1);
        if (q >= r->ncols) break;
        size_t k = r->order[q];
        if (r->out[k].text) store_column(r, k);
        else if (r->out[k].date)
            csv_dates_store(r->chunks, r->nchunks, k, r->date_form[k], r->date_kind[k], r->out[k].num, r->nrows);
        else if (r->out[k].codes || r->out[k].num || r->out[k].adopt) merge_column(r, k);
    }
}

static void *merge_worker(void *arg)
{
    merge_columns(arg);
    return NULL;
}

static int read_body(reader *r, tally_dataset *out, const char *body, size_t line_base)
{
    const csv_settings *s = r->s;
    const char *pts[MAX_CHUNKS + 1];
    r->nchunks = split(body, r->end, r->cfg.term, chunk_count(s, (size_t)(r->end - body)), pts);
    /* Pages of the mapped file can be given back once parsed (the strings are copied). */
    int mapped = r->file.map && r->buf >= r->file.data && r->buf < r->file.data + r->file.len;
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
    /* The first chunk's buffers become the dataset's columns where the host can take them. */
    const tally_host *host = r->h;
    r->chunks[0].direct = TALLY_HOST_HAS(host, ds_adopt_numeric) && host->ds_adopt_codes && host->ds_adopt_numeric;
    r->chunks[0].body_bytes = (size_t)(r->end - body);
    size_t nrows = 0, skipped = 0, first_skip = 0;
    int rc = parse(r, line_base, &nrows, &skipped, &first_skip);
    if (rc == -1) r->h->error(r->ctx, "%s: out of memory while reading", s->path);
    if (rc == 1) return 1;
    if (rc) return -1;

    const tally_host *h = r->h;
    size_t nc = r->ncols ? r->ncols : 1;
    int *idx = malloc(nc * sizeof *idx);
    int *nlev = malloc(nc * sizeof *nlev); /* per column: its level count, -1 for doubles, -2 for text */
    r->out = calloc(nc, sizeof *r->out);
    int codes_ok = TALLY_HOST_HAS(h, ds_codes_data) && h->ds_codes_data;
    r->levels = codes_ok ? malloc(nc * CSV_MAX_LEVELS * sizeof *r->levels) : NULL;
    if (!idx || !nlev || !r->out || (codes_ok && !r->levels)) {
        free(idx);
        free(nlev);
        h->error(r->ctx, "%s: out of memory while reading", s->path);
        return -1;
    }
    int reread = 0;
    r->nrows = nrows;
    for (size_t k = 0; k < r->ncols; k++) {
        int numeric = r->forced[k] == TALLY_NUMERIC;
        if (!r->forced[k]) {
            numeric = 1;
            for (size_t i = 0; i < r->nchunks; i++)
                if (r->chunks[i].cols[k].kind == CSV_BUF_TEXT) numeric = 0;
        }
        if (!numeric) {
            make_text(r, k);
            for (size_t i = 0; i < r->nchunks; i++) reread |= r->chunks[i].reread_rows > 0;
        }
        nlev[k] = !numeric   ? -2
                  : codes_ok ? csv_levels_merge(r->chunks, r->nchunks, k, r->levels + k * CSV_MAX_LEVELS)
                             : -1;
    }
    if (reread) { /* text columns that some chunk read as numbers: those rows again, as text */
        run_parallel(JOB_REREAD, 0, r->chunks, r->nchunks);
        for (size_t i = 0; i < r->nchunks; i++)
            if (r->chunks[i].oom) rc = -1;
        if (rc) {
            free(idx);
            free(nlev);
            h->error(r->ctx, "%s: out of memory while reading", s->path);
            return -1;
        }
    }
    if (find_dates(r) != 0) {
        free(idx);
        free(nlev);
        return -1;
    }
    hint_decimal_comma(r);
    int dates_ok = TALLY_HOST_HAS(h, var_set_date) && h->var_set_date;
    for (size_t k = 0; k < r->ncols; k++) {
        if (!dates_ok) r->date_kind[k] = 0;
        int numeric = nlev[k] != -2 || r->date_kind[k];
        idx[k] = h->ds_add_column(out, r->names[k], numeric ? TALLY_NUMERIC : TALLY_STRING);
        if (idx[k] < 0) {
            h->error(r->ctx, "%s: cannot add column '%s' (the dataset already has it?)", s->path, r->names[k]);
            free(idx);
            free(nlev);
            return -1;
        }
        if (r->labels[k]) h->var_set_label(out, idx[k], r->labels[k]);
        if (r->date_kind[k]) {
            int dt = r->date_kind[k] == TALLY_DATE_DATETIME;
            h->var_set_date(out, idx[k], r->date_kind[k]);
            h->log(r->ctx, TALLY_LOG_INFO, "%s: column '%s' read as %s (%s)%s", s->path, r->names[k],
                   dt ? "datetimes" : "dates", csv_date_form_name(r->date_form[k], dt),
                   r->want_date[k] ? "" : "; declare it string in 'types' to keep the text");
        }
    }
    /* Every numeric cell is written below, so a host that can skips the NaN fill. */
    int uninit = TALLY_HOST_HAS(h, ds_resize_uninit) && h->ds_resize_uninit;
    if ((uninit ? h->ds_resize_uninit(out, nrows) : h->ds_resize(out, nrows)) != 0) {
        free(idx);
        free(nlev);
        h->error(r->ctx, "%s: out of memory for %zu rows x %zu columns", s->path, nrows, r->ncols);
        return -1;
    }
    for (size_t k = 0; k < r->ncols; k++) {
        csv_colout *o = &r->out[k];
        if (h->var_type(out, idx[k]) != TALLY_NUMERIC) {
            o->text = 1;
            continue;
        }
        if (r->date_kind[k]) {
            o->date = 1;
            if (!(o->num = h->ds_numeric_data(out, idx[k]))) {
                free(idx);
                free(nlev);
                h->error(r->ctx, "%s: out of memory for %zu rows x %zu columns", s->path, nrows, r->ncols);
                return -1;
            }
            continue;
        }
        csv_buf_kind kind0 = r->chunks[0].cols[k].kind;
        int direct = r->chunks[0].direct && nrows > 0;
        if (nlev[k] >= 0) { /* categorical: one byte a cell */
            o->levels = r->levels + k * CSV_MAX_LEVELS;
            o->nlevels = (unsigned)nlev[k];
            if (direct && kind0 == CSV_BUF_CODES) o->adopt = 1;
            else o->codes = h->ds_codes_data(out, idx[k], o->levels, o->nlevels);
        } else if (direct && kind0 == CSV_BUF_NUMS) {
            o->adopt = 1;
        }
        if (!o->codes && !o->adopt) o->num = h->ds_numeric_data(out, idx[k]);
        if (!o->codes && !o->num && !o->adopt) {
            free(idx);
            free(nlev);
            h->error(r->ctx, "%s: out of memory for %zu rows x %zu columns", s->path, nrows, r->ncols);
            return -1;
        }
    }
    free(nlev);
    /* Numeric columns on every thread; the main thread stores the strings first. */
    size_t nthreads = r->nchunks < r->ncols ? r->nchunks : r->ncols;
    pthread_t tids[MAX_CHUNKS];
    int started[MAX_CHUNKS] = {0};
    r->order = malloc(nc * sizeof *r->order);
    if (!r->order) {
        free(idx);
        h->error(r->ctx, "%s: out of memory while reading", s->path);
        return -1;
    }
    size_t no = 0;
    for (size_t k = 0; k < r->ncols; k++)
        if (r->out[k].text || r->out[k].date) r->order[no++] = k;
    for (size_t k = 0; k < r->ncols; k++)
        if (!r->out[k].text && !r->out[k].date) r->order[no++] = k;
    r->ds = out;
    r->idx = idx;
    atomic_store(&r->oom, 0);
    atomic_store(&r->next_col, 0);
    for (size_t t = 1; t < nthreads && nrows; t++) started[t] = pthread_create(&tids[t], NULL, merge_worker, r) == 0;
    merge_columns(r);
    for (size_t t = 1; t < nthreads && nrows; t++)
        if (started[t]) pthread_join(tids[t], NULL);
    rc = atomic_load(&r->oom) ? -1 : 0;
    for (size_t k = 0; k < r->ncols; k++) { /* the filled buffers handed over */
        csv_colout *o = &r->out[k];
        if (o->adopt < 0) rc = -1;
        if (o->adopt <= 0) continue;
        int took = -1;
        if (rc == 0)
            took = o->codes ? h->ds_adopt_codes(out, idx[k], o->codes, o->levels, o->nlevels)
                            : h->ds_adopt_numeric(out, idx[k], o->num);
        if (took != 0) {
            free(o->codes ? (void *)o->codes : (void *)o->num);
            rc = -1;
        }
        o->adopt = 0;
        o->codes = NULL;
        o->num = NULL;
    }
    r->idx = NULL;
    free(idx);
    if (rc) {
        r->h->error(r->ctx, "%s: out of memory while reading", s->path);
        return -1;
    }
    if (skipped)
        r->h->log(r->ctx, TALLY_LOG_WARN,
                  "%s: skipped %zu row%s whose field count differs from the header's %zu (first at line %zu)",
                  s->path, skipped, skipped == 1 ? "" : "s", r->ncols, first_skip);
    if (nrows == 0 && !r->dictionary)
        r->h->log(r->ctx, TALLY_LOG_WARN, "%s: no data rows, only the header; the dataset has %zu columns and 0 rows",
                  s->path, r->ncols);
    return 0;
}

/* A delimiter as messages show it, and as the option is written. */
static const char *delim_name(char d)
{
    return d == '\t' ? "tab" : d == ';' ? "';'" : d == ',' ? "','" : "'|'";
}

static const char *delim_option(char d)
{
    return d == '\t' ? "\"tab\"" : d == ';' ? "\";\"" : d == ',' ? "\",\"" : "\"|\"";
}

/* decimal = "auto" in a file not delimited by commas: ',' when the first rows write
 * numbers 12,5 (and none 1.5), said in a warning since it changes what is read. */
static int detect_decimal(reader *r)
{
    csv_cfg *cfg = &r->cfg;
    char example[48];
    size_t line = 0;
    if (csv_detect_decimal(cfg, r->buf, r->end, example, sizeof example, &line) != ',') return 0;
    if (cfg->thousands == ',') return 0;
    cfg->decimal = ',';
    csv_cfg_finish(cfg); /* whether a missing token is a number depends on the mark */
    r->h->log(r->ctx, TALLY_LOG_WARN, "%s: decimal = \",\" detected from numbers written like '%s' (line %zu); "
                                      "set decimal = \",\" to confirm or decimal = \".\" to read them as text",
              r->s->path, example, line);
    return 0;
}

/* Reads the header and body of r->buf into `out`: 0, 1 when the text was
 * repaired and is to be read again, -1 after an error. */
static int read_text(reader *r, tally_dataset *out)
{
    const tally_host *h = r->h;
    const csv_settings *s = r->s;
    csv_cfg *cfg = &r->cfg;
    cfg->path = s->path;
    char tie = 0;
    cfg->delim = s->delim ? s->delim : csv_detect_delim(r->buf, (size_t)(r->end - r->buf), cfg->term, &tie);
    if (tie)
        h->log(r->ctx, TALLY_LOG_WARN, "%s: delimiter: %s and %s each split every one of the first rows into "
                                       "equally many fields; using %s (set delimiter = %s or %s to choose)",
               s->path, delim_name(cfg->delim), delim_name(tie), delim_name(cfg->delim), delim_option(cfg->delim),
               delim_option(tie));
    cfg->decimal = s->decimal ? s->decimal : '.';
    cfg->thousands = s->thousands;
    if (cfg->delim == cfg->decimal || cfg->delim == cfg->thousands) {
        h->error(r->ctx, "%s: the delimiter looks like '%c', which is also the %s separator; set delimiter",
                 s->path, cfg->delim, cfg->delim == cfg->decimal ? "decimal" : "thousands");
        return -1;
    }
    cfg->skip_ragged = s->skip_ragged;
    cfg->max_field = s->max_field;
    cfg->nmiss = 0;
    for (size_t i = 0; i < s->nmissing; i++) {
        cfg->miss[cfg->nmiss] = s->missing[i];
        cfg->miss_len[cfg->nmiss++] = strlen(s->missing[i]);
    }
    csv_cfg_finish(cfg);
    if (!s->decimal && cfg->delim != ',' && detect_decimal(r) != 0) return -1;
    const char *pos = r->buf;
    size_t lines = 0;
    cfg->cli = s->cli;
    if (csv_layout_detect(h, r->ctx, cfg, s, r->buf, r->end, &r->layout) != 0) return -1;
    cfg->layout = r->layout.kind;
    if (csv_read_header(h, r->ctx, cfg, r->layout.header_rows, &pos, r->end, &lines, &r->names, &r->labels,
                        &r->ncols) != 0)
        return -1;
    if (!r->clean && pos > r->checked) { /* header rows longer than the part checked first */
        if (check_text(r, r->checked, pos, r->bom) != 0) return -1;
        if (r->clean) return 1;
    }
    if (setup_columns(r) != 0) {
        if (!r->forced) h->error(r->ctx, "%s: out of memory", s->path);
        return -1;
    }
    csv_layout_force_types(&r->layout, r->names, r->ncols, r->forced);
    cfg->ncols = r->ncols;
    cfg->forced = r->forced;
    /* tally check wants the dictionary alone: the body is not parsed, the columns come out without rows */
    r->dictionary = TALLY_HOST_HAS(h, read_dictionary_only) && h->read_dictionary_only(r->ctx);
    int rc = read_body(r, out, r->dictionary ? r->end : pos, lines + 1);
    if (rc == 0 && csv_layout_apply(h, r->ctx, s, &r->layout, out) != 0) return -1;
    if (rc == 0) csv_layout_info(h, out, s, cfg, &r->layout, r->bom != 0);
    return rc;
}

#ifndef CSV_HEAD_CHECK /* bytes checked before the header is read (the body is checked as it is parsed) */
#define CSV_HEAD_CHECK (4u << 20)
#endif
#define HEAD_CHECK ((size_t)CSV_HEAD_CHECK)

/* The host's error(), except once the mapped file shrank: what was parsed from
 * the zeros that replaced its lost pages is no cause, the shrinking is. */
static const tally_host *guarded_host;

static void error_unless_shrunk(tally_ctx *ctx, const char *fmt, ...)
{
    if (csv_mapguard_hit()) return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    guarded_host->error(ctx, "%s", msg);
}

static int report_shrink(const tally_host *h, tally_ctx *ctx, const csv_settings *s)
{
    if (!csv_mapguard_hit()) return 0;
    h->error(ctx, "%s: the file shrank while tally read it (another program is writing it?); read it again once "
                  "it is complete", s->path);
    return 1;
}

/* -v names the tokenizer's kernel, and whether TALLY_CSV_KERNEL (a testing knob) chose it. */
static void log_kernel(const tally_host *h, tally_ctx *ctx, const char *path)
{
    int forced = 0;
    csv_kernel_id chosen = csv_kernel_chosen(&forced), k = csv_kernel_current();
    h->log(ctx, TALLY_LOG_INFO, "%s: tokenizer kernel %s%s", path, csv_kernel_name(k),
           k != chosen              ? " (set by a test)"
           : forced > 0             ? " (TALLY_CSV_KERNEL)"
           : forced < 0             ? " (TALLY_CSV_KERNEL ignored: it names no kernel this CPU runs; portable, sse2 "
                                      "or avx2)"
                                    : "");
}

int csv_read_file(const tally_host *host, tally_ctx *ctx, const csv_settings *s, tally_dataset *out)
{
    tally_host guarded = *host;
    guarded_host = host;
    guarded.error = error_unless_shrunk;
    const tally_host *h = &guarded;
    reader rd;
    memset(&rd, 0, sizeof rd);
    rd.h = h;
    rd.ctx = ctx;
    rd.s = s;
    int err = 0, rc = -1;
    if (file_load(s->path, &rd.file, &err) != 0) {
        h->error(ctx, "%s: cannot open: %s; check the path (relative paths start at the config file's folder)",
                 s->path, strerror(err));
        return -1;
    }
    char *decoded = NULL; /* gzip inflated, UTF-16 converted (decode.c): read as the file from here on */
    size_t dlen = 0;
    int dk = csv_decode(h, ctx, s->path, s->utf16, s->replace_invalid, rd.file.data, rd.file.len, &decoded, &dlen);
    if (dk < 0) goto done;
    if (dk > 0) {
        file_close(&rd.file);
        rd.file = (csv_file){.data = decoded, .len = dlen, .owned = decoded};
    }
    const char *a = rd.file.data, *b = a + rd.file.len;
    size_t bom = 0;
    if (b - a >= 3 && memcmp(a, "\xEF\xBB\xBF", 3) == 0) a += bom = 3;
    size_t where;
    if (a == b) {
        h->error(ctx, "%s: the file is empty; export the data again or point 'path' at the right file", s->path);
        goto done;
    }
    if (csv_looks_binary(a, (size_t)(b - a), &where)) {
        const char *hint = csv_binary_hint(rd.file.data, rd.file.len);
        h->error(ctx, "%s: not a text file (binary data at byte %zu); the csv plugin reads delimited text: %s",
                 s->path, where + bom, hint ? hint : "for SPSS, Stata or SAS files use plugin = \"readstat\"");
        goto done;
    }
    rd.buf = a;
    rd.end = b;
    rd.bom = bom;
    log_kernel(h, ctx, s->path);
    rd.cfg.term = csv_detect_term(a, (size_t)(b - a));
    if (s->encoding != CSV_ENC_UTF8) { /* NUL bytes first, then the whole text to UTF-8 */
        if (check_text(&rd, rd.buf, rd.end, bom) != 0) goto done;
        size_t len;
        char *u = csv_to_utf8(rd.buf, (size_t)(rd.end - rd.buf), s->encoding == CSV_ENC_CP1252, &len);
        if (!u) {
            h->error(ctx, "%s: out of memory converting to UTF-8", s->path);
            goto done;
        }
        rd.converted = u;
        rd.buf = u;
        rd.end = u + len;
        rd.clean = 1;
    } else { /* the start (and so the header rows) now; the body as it is parsed */
        const char *to = rd.end;
        if ((size_t)(rd.end - rd.buf) > HEAD_CHECK) {
            to = rd.buf + HEAD_CHECK;
            while (to < rd.end && ((unsigned char)*to & 0xC0) == 0x80) to++;
        }
        if (check_text(&rd, rd.buf, to, bom) != 0) goto done;
        rd.checked = rd.clean ? rd.end : to;
        if (to == rd.end) rd.clean = 1;
    }
    int got = read_text(&rd, out);
    if (got == 1) { /* invalid UTF-8 replaced: the repaired copy, from the start */
        reader_clear_parse(&rd);
        got = read_text(&rd, out);
    }
    if (got != 0) goto done;
    const char *base = strrchr(s->path, '/');
    size_t blen = strlen(base ? base + 1 : s->path);
    char *src = malloc(blen + 8);
    if (src) {
        memcpy(src, base ? base + 1 : s->path, blen);
        memcpy(src + blen, " (csv)", 7);
        h->ds_set_source(out, src);
        free(src);
    }
    rc = 0;
done:
    if (report_shrink(host, ctx, s)) rc = -1;
    reader_free(&rd);
    return rc;
}
