/* tokenize.c: the csv plugin's RFC 4180 tokenizer: one pass per chunk, no allocation per field. */
#include "csv.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/*
 * Grammar (RFC 4180, read leniently where no data is lost):
 *   row    = field *(delim field) term      (a blank line holds no data and is skipped)
 *   field  = '"' *(any byte but '"' | '""') '"' *plain  |  *plain
 * Line ends: with term '\n' a '\r' right before it is dropped and a lone '\r'
 * inside an unquoted field is data; with term '\r' (old Mac files) '\r' ends rows.
 * Text after a closing quote is kept ("ab"c reads as abc); a quote inside an
 * unquoted field is an ordinary character (5" screen).
 */

/* The row loop is specialised for each phase: its helpers must be inlined. */
#define CSV_HOT static inline __attribute__((always_inline))

/* The value of a field of at most two bytes, keyed by its bytes (little-endian) masked
 * to its length: 0..9 for one digit, 10..99 for two without a leading zero (07 is no
 * code: its column stays text), else 256 (the empty field, and anything else), whose
 * entry in a level table's small[] is CSV_CODE_NONE. */
static uint16_t small_value[65536];
static const uint16_t small_len_mask[3] = {0, 0xFF, 0xFFFF};
static pthread_once_t small_value_once = PTHREAD_ONCE_INIT;

static void small_value_fill(void)
{
    for (size_t i = 0; i < 65536; i++) small_value[i] = 256;
    for (unsigned a = 0; a <= 9; a++) {
        small_value['0' + a] = (uint16_t)a; /* one byte: fs[0] alone (the mask keeps the low, first byte) */
        for (unsigned c = 0; a && c <= 9; c++) {
            unsigned char b[2] = {(unsigned char)('0' + a), (unsigned char)('0' + c)};
            uint16_t key;
            memcpy(&key, b, 2);
            small_value[key] = (uint16_t)(a * 10 + c);
        }
    }
}

void csv_cfg_finish(csv_cfg *cfg)
{
    pthread_once(&small_value_once, small_value_fill);
    memset(cfg->special, 0, sizeof cfg->special);
    cfg->special[(unsigned char)cfg->delim] = 1;
    cfg->special[(unsigned char)cfg->term] = 1;
    cfg->special['\r'] = 1;
    cfg->classify = csv_kernel_fn(csv_kernel_current());
    cfg->miss_lenmask = 0;
    cfg->miss_num = 0;
    for (size_t i = 0; i < cfg->nmiss; i++) {
        if (cfg->miss_len[i] < 64) cfg->miss_lenmask |= (uint64_t)1 << cfg->miss_len[i];
        if (csv_is_number(cfg->miss[i], cfg->miss_len[i], cfg->decimal)) cfg->miss_num = 1;
    }
}

CSV_HOT int is_missing(const csv_cfg *cfg, const char *p, size_t n)
{
    if (n == 0) return 1; /* an empty field is always system-missing */
    if (n >= 64 || !((cfg->miss_lenmask >> n) & 1)) return 0;
    for (size_t i = 0; i < cfg->nmiss; i++)
        if (cfg->miss_len[i] == n && memcmp(cfg->miss[i], p, n) == 0) return 1;
    return 0;
}

/* A field's number: 1 with *v set, 0 for a missing token, -1 when it is not a
 * number. The fast forms come first unless a missing token could be one of them.
 * `strict` (a column not declared numeric): a number written like an identifier
 * (08123, 20 digits) is not one, so that its column stays text. */
CSV_HOT int field_number(const csv_cfg *cfg, const char *q, size_t n, int strict, double *v)
{
    if (n == 0) return 0;
    if (!cfg->miss_num && csv_fast_number(q, n, cfg->decimal, v)) return 1;
    if (is_missing(cfg, q, n)) return 0;
    if (cfg->miss_num && csv_fast_number(q, n, cfg->decimal, v)) return 1;
    if (csv_is_number(q, n, cfg->decimal)) {
        if (strict && csv_number_stays_text(q, n, cfg->decimal)) return -1;
        *v = csv_parse_number(q, n, cfg->decimal);
        return 1;
    }
    if (cfg->thousands && csv_grouped_number(q, n, cfg->decimal, cfg->thousands, v)) return 1;
    return -1;
}

/* A string cell: its text is copied (without quotes when `quoted`), so that the
 * file's pages need not stay in memory. */
static int add_cell(csv_chunk *c, size_t row, const char *p, size_t len, size_t col, int quoted)
{
    if (c->text_cap - c->text_len < len) {
        size_t cap = c->text_cap ? c->text_cap : 1 << 16;
        while (cap - c->text_len < len) cap *= 2;
        char *t = realloc(c->text, cap);
        if (!t) {
            c->oom = 1;
            return -1;
        }
        c->text = t;
        c->text_cap = cap;
    }
    if (c->ncells == c->cells_cap) {
        size_t cap = c->cells_cap ? c->cells_cap * 2 : 1024;
        csv_cell *n = realloc(c->cells, cap * sizeof *n);
        if (!n) {
            c->oom = 1;
            return -1;
        }
        c->cells = n;
        c->cells_cap = cap;
    }
    csv_cell *cell = &c->cells[c->ncells++];
    char *to = c->text + c->text_len;
    if (quoted) {
        len = csv_unquote(p, len, to);
    } else {
        memcpy(to, p, len);
    }
    cell->row = row;
    cell->off = c->text_len;
    cell->len = (uint32_t)len;
    cell->col = (uint32_t)col;
    c->text_len += len;
    return 0;
}

static void set_error(csv_chunk *c, csv_err_kind kind, size_t line, size_t col, size_t a, size_t b,
                      const char *ptr, size_t len)
{
    c->err = kind;
    c->err_line = line;
    c->err_col = col;
    c->err_a = a;
    c->err_b = b;
    c->err_ptr = ptr;
    c->err_len = len;
}

/* ---- finding bytes: 64-byte blocks as bit masks (kernels.c) ------------------------ */

/* The bytes of one 64-byte block that matter, as bit masks (bit i: base[i]). */
typedef struct finder {
    const char *base; /* the block, or NULL */
    uint64_t bits;    /* delimiter, row terminator or CR */
    uint64_t ends;    /* row terminator or CR */
    uint64_t quotes;  /* '"' */
    uint64_t inq;     /* prefix XOR of quotes (kernels.h) */
    csv_classify_fn classify;
    char delim, term;
} finder;

static inline finder finder_make(const csv_cfg *cfg)
{
    finder f;
    memset(&f, 0, sizeof f);
    f.delim = cfg->delim;
    f.term = cfg->term;
    f.classify = cfg->classify ? cfg->classify : csv_kernel_fn(CSV_KERNEL_PORTABLE);
    return f;
}

/* Loads the block at p (64 readable bytes). */
CSV_HOT void finder_load(finder *f, const char *p)
{
    csv_masks m;
    f->classify(p, f->delim, f->term, &m);
    f->base = p;
    f->bits = m.delim | m.ends;
    f->ends = m.ends;
    f->quotes = m.quotes;
    f->inq = m.inq;
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* The first '"' at or after p (e when none); adds the row terminators before it to *lines. */
CSV_HOT const char *find_quote(char term, const char *p, const char *e, size_t *lines)
{
    const __m128i vq = _mm_set1_epi8('"'), vt = _mm_set1_epi8(term);
    while (e - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vq));
        unsigned t = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vt));
        if (q) t &= (q & -q) - 1;
        for (; t; t &= t - 1) ++*lines;
        if (q) return p + __builtin_ctz(q);
        p += 16;
    }
    for (; p < e && *p != '"'; p++)
        if (*p == term) ++*lines;
    return p;
}
#else
CSV_HOT const char *find_quote(char term, const char *p, const char *e, size_t *lines)
{
    for (; p < e && *p != '"'; p++)
        if (*p == term) ++*lines;
    return p;
}
#endif

/* The first delimiter, row terminator or CR at or after p (e when none). The
 * block's mask is kept, so the end of a short field is a shift and a bit scan. */
CSV_HOT const char *find_special(finder *f, const unsigned char *sp, const char *p, const char *e)
{
    for (;;) {
        uintptr_t off = (uintptr_t)p - (uintptr_t)f->base; /* huge when p is outside the block */
        if (off < 64) {
            uint64_t m = f->bits >> off;
            if (m) return p + __builtin_ctzll(m);
            p = f->base + 64;
        }
        if (e - p < 64) break;
        finder_load(f, p);
    }
    f->base = NULL;
    while (p < e && !sp[(unsigned char)*p]) p++;
    return p;
}

/* A plain row at p (no quote, no lone CR, exactly `max` fields, each at most
 * maxf bytes, 128 bytes to read past it): the end of each field into ends[]
 * (room for max + SPLIT_SLACK entries), the field count returned and *next set
 * after the row end. 0 for any other row, which the general loop then reads.
 * The field count and lengths are checked once a block and once a row, not
 * once a field. */
#define SPLIT_SLACK 66
CSV_HOT size_t split_plain(finder *f, const char *p, const char *e, const char **ends, size_t max, size_t maxf,
                           const char **next)
{
    const char *const row = p;
    size_t nf = 0;
    for (;;) {
        uintptr_t off = (uintptr_t)p - (uintptr_t)f->base;
        if (off >= 64) {
            if (e - p < 128) return 0;
            finder_load(f, p);
            off = 0;
        }
        const char *b = f->base;
        uint64_t t = f->ends >> off, d = (f->bits & ~f->ends) >> off, q = f->quotes >> off;
        if (t) {
            unsigned ti = (unsigned)__builtin_ctzll(t);
            uint64_t below = ti == 63 ? ~(uint64_t)0 : ((uint64_t)2 << ti) - 1;
            if (q & below) return 0;
            d &= below;
            for (; d; d &= d - 1) ends[nf++] = p + __builtin_ctzll(d);
            const char *s = p + ti;
            ends[nf++] = s;
            if (nf != max) return 0;
            if (*s == f->term) {
                *next = s + 1;
            } else if (f->term == '\n' && s[1] == '\n') { /* CRLF */
                *next = s + 2;
            } else {
                return 0;
            }
            if ((size_t)(s - row) > maxf) { /* a row longer than a field may be: each field */
                const char *fs = row;
                for (size_t k = 0; k < nf; fs = ends[k++] + 1)
                    if ((size_t)(ends[k] - fs) > maxf) return 0;
            }
            return nf;
        }
        if (q) return 0;
        for (; d; d &= d - 1) ends[nf++] = p + __builtin_ctzll(d);
        if (nf > max) return 0;
        p = b + 64;
    }
}

/* ---- chunk buffers ------------------------------------------------------------ */

/*
 * A chunk's code and number buffers start small (malloc). Once FIRST_ROWS rows
 * tell how many rows the chunk holds, they move into one slab: an anonymous
 * mapping reserved generously (untouched pages cost nothing) whose buffers are
 * mapped in one call when they are carved, rather than a page fault at a time
 * as they fill. Buffers are carved from it in order; a buffer outgrown or
 * merged gives its pages back at once (the peak memory stays that of the
 * data), and the mapping goes with the chunk. When no slab can be had, or it
 * is full, buffers come from malloc.
 *
 * The slab does not ask for transparent huge pages: on virtual machines whose
 * host takes back free guest memory (free page reporting), a huge page's
 * first touch was measured 2 to 4 times slower per byte than small pages in
 * a run that follows a pause, and only faster when the memory was just freed
 * by another run.
 */

#ifndef CSV_FIRST_ROWS          /* (both settable when building, to test the slab on small files) */
#define CSV_FIRST_ROWS 4096     /* rows a chunk's buffers start with */
#endif
#ifndef CSV_SLAB_MIN
#define CSV_SLAB_MIN (8u << 20) /* smaller chunks keep malloc'ed buffers */
#endif
#define FIRST_ROWS CSV_FIRST_ROWS
#define SLAB_MIN CSV_SLAB_MIN
#define BLOCK 64                /* rows of codes gathered before they go to the column buffers */

static void slab_open(csv_chunk *c, size_t bytes)
{
    void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return;
    c->slab = m;
    c->slab_size = bytes;
    c->slab_used = 0;
}

/* Maps [p, p + bytes) of the slab now, in one call (a hint: an old kernel refuses, nothing lost). */
static void slab_populate(const void *p, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095, b = ((uintptr_t)p + bytes + 4095) & ~(uintptr_t)4095;
    if (b > a) madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)bytes;
#endif
}

static void *buf_take(csv_chunk *c, size_t bytes)
{
    bytes = (bytes + 63) & ~(size_t)63;
    if (!c->direct && c->slab && c->slab_size - c->slab_used >= bytes) {
        void *p = c->slab + c->slab_used;
        c->slab_used += bytes;
        return p;
    }
    return malloc(bytes ? bytes : 1);
}

void csv_chunk_release(csv_chunk *c, void *p, size_t bytes)
{
    if (!p) return;
    char *q = p;
    if (!c->slab || q < c->slab || q >= c->slab + c->slab_size) {
        free(p);
        return;
    }
    uintptr_t a = ((uintptr_t)q + 4095) & ~(uintptr_t)4095, b = ((uintptr_t)q + bytes) & ~(uintptr_t)4095;
    if (b > a) madvise((void *)a, b - a, MADV_DONTNEED);
}

void csv_colbuf_drop(csv_chunk *c, csv_colbuf *b)
{
    csv_chunk_release(c, b->codes, c->cap);
    csv_chunk_release(c, b->nums, c->cap * sizeof *b->nums);
    csv_ltab_clear(&b->lt);
    b->codes = NULL;
    b->nums = NULL;
}

int csv_chunk_init(csv_chunk *c)
{
    const csv_cfg *cfg = c->cfg;
    size_t ncols = cfg->ncols, bytes = c->limit > c->start ? (size_t)(c->limit - c->start) : 0;
    size_t most = bytes / (ncols ? ncols : 1) + 2; /* a kept row takes at least ncols bytes */
    c->cap = ((most < FIRST_ROWS ? most : FIRST_ROWS) + BLOCK - 1) & ~(size_t)(BLOCK - 1);
    c->cols = calloc(ncols + 1, sizeof *c->cols);
    if (!c->cols) return -1;
    c->cols[ncols].kind = CSV_BUF_END;
    for (size_t k = 0; k < ncols; k++) {
        csv_colbuf *b = &c->cols[k];
        csv_ltab_init(&b->lt);
        if (cfg->forced[k] == TALLY_STRING) {
            b->kind = CSV_BUF_TEXT;
            continue;
        }
        b->kind = CSV_BUF_CODES;
        b->codes = buf_take(c, c->cap);
        if (!b->codes) return -1;
    }
    return 0;
}

void csv_chunk_clear(csv_chunk *c)
{
    for (size_t k = 0; c->cols && k < c->cfg->ncols; k++) csv_colbuf_drop(c, &c->cols[k]);
    free(c->cols);
    free(c->cells);
    free(c->text);
    if (c->slab) munmap(c->slab, c->slab_size);
    const csv_cfg *cfg = c->cfg;
    const char *buf_end = c->buf_end, *start = c->start, *limit = c->limit;
    int drop = c->drop, check = c->check, utf8 = c->utf8, direct = c->direct;
    size_t body_bytes = c->body_bytes;
    memset(c, 0, sizeof *c);
    c->cfg = cfg;
    c->buf_end = buf_end;
    c->start = start;
    c->limit = limit;
    c->drop = drop;
    c->check = check;
    c->utf8 = utf8;
    c->direct = direct;
    c->body_bytes = body_bytes;
}

/* Room for row `r` == c->cap in every code and number buffer; the new size is
 * guessed from the rows per byte so far (p: where the row starts). */
static int chunk_grow(csv_chunk *c, const char *p)
{
    size_t ncols = c->cfg->ncols, done = (size_t)(p - c->start), total = (size_t)(c->limit - c->start);
    if (c->direct && c->body_bytes > total) total = c->body_bytes; /* room for every row of the file */
    size_t cap = c->cap * 2, old = c->cap;
    if (done > 0) {
        double est = (double)old * (double)total / (double)done * 1.06 + 256;
        if (est > (double)cap) cap = (size_t)est;
    }
    size_t most = total / (ncols ? ncols : 1) + 2;
    if (cap > most) cap = most;
    cap = (cap + BLOCK - 1) & ~(size_t)(BLOCK - 1); /* a block of rows never straddles the end */
    if (cap <= old) cap = old + BLOCK;
    if (c->direct) { /* one malloc'ed buffer a column: the part this chunk fills is mapped at once */
        for (size_t k = 0; k < ncols; k++) {
            csv_colbuf *b = &c->cols[k];
            size_t unit = b->kind == CSV_BUF_CODES ? 1 : b->kind == CSV_BUF_NUMS ? sizeof(double) : 0;
            if (!unit) continue;
            void *n = realloc(b->kind == CSV_BUF_CODES ? (void *)b->codes : (void *)b->nums, cap * unit);
            if (!n) return -1;
            if (b->kind == CSV_BUF_CODES) b->codes = n;
            else b->nums = n;
            size_t mine = (size_t)((double)old * (double)(c->limit - c->start) / (double)(done ? done : 1) * 1.06);
            if (mine > cap) mine = cap;
            if (mine > old) slab_populate((char *)n + old * unit, (mine - old) * unit);
        }
        c->cap = cap;
        return 0;
    }
    if (!c->slab) {
        size_t ncodes = 0, nnums = 0;
        for (size_t k = 0; k < ncols; k++) {
            ncodes += c->cols[k].kind == CSV_BUF_CODES;
            nnums += c->cols[k].kind == CSV_BUF_NUMS;
        }
        /* Today's buffers and one regrowth; columns turning to numbers later may fall back to malloc. */
        size_t need = (ncodes + nnums * 8) * (cap + 64);
        if (need >= SLAB_MIN) slab_open(c, need * 2 + (8u << 20));
    }
    size_t carved_from = c->slab_used;
    for (size_t k = 0; k < ncols; k++) {
        csv_colbuf *b = &c->cols[k];
        if (b->kind == CSV_BUF_CODES) {
            uint8_t *n = buf_take(c, cap);
            if (!n) return -1;
            memcpy(n, b->codes, old);
            csv_chunk_release(c, b->codes, old);
            b->codes = n;
        } else if (b->kind == CSV_BUF_NUMS) {
            double *n = buf_take(c, cap * sizeof *n);
            if (!n) return -1;
            memcpy(n, b->nums, old * sizeof *n);
            csv_chunk_release(c, b->nums, old * sizeof *n);
            b->nums = n;
        }
    }
    if (c->slab && c->slab_used > carved_from) slab_populate(c->slab + carved_from, c->slab_used - carved_from);
    c->cap = cap;
    return 0;
}

/* ---- codes gathered in blocks ---------------------------------------------------- */

/*
 * Codes are not stored straight into the ~50 column buffers, which would touch
 * ~50 cache lines a row: each row puts them in a small block (BLOCK rows per
 * column, column after column), and every BLOCK rows each column's 64 bytes go
 * to its buffer as one whole cache line, written past the cache (the merge
 * reads them much later).
 */

CSV_HOT void put_code(uint8_t *blk, size_t k, size_t r, uint8_t code) { blk[k * BLOCK + (r & (BLOCK - 1))] = code; }

/* Column k's codes of the rows of the current block before row r, to its buffer. */
static void flush_col(csv_chunk *c, size_t k, size_t r)
{
    size_t r0 = r & ~(size_t)(BLOCK - 1);
    memcpy(c->cols[k].codes + r0, c->blk + k * BLOCK, r - r0);
}

/* The whole block ending with row r (r % BLOCK == BLOCK - 1), every code column. */
CSV_HOT void flush_block(csv_chunk *c, size_t r)
{
    size_t r0 = r & ~(size_t)(BLOCK - 1), ncols = c->cfg->ncols;
    const csv_colbuf *cols = c->cols;
    for (size_t k = 0; k < ncols; k++) {
        if (cols[k].kind != CSV_BUF_CODES) continue;
#if defined(__SSE2__)
        __m128i *dst = (__m128i *)(void *)(cols[k].codes + r0);
        const __m128i *src = (const __m128i *)(const void *)(c->blk + k * BLOCK);
        _mm_stream_si128(dst, _mm_loadu_si128(src));
        _mm_stream_si128(dst + 1, _mm_loadu_si128(src + 1));
        _mm_stream_si128(dst + 2, _mm_loadu_si128(src + 2));
        _mm_stream_si128(dst + 3, _mm_loadu_si128(src + 3));
#else
        memcpy(cols[k].codes + r0, c->blk + k * BLOCK, BLOCK);
#endif
    }
}

/* At the end of the chunk: the rows of the last, partial block. */
static void flush_end(csv_chunk *c, size_t r)
{
    for (size_t k = 0; k < c->cfg->ncols; k++)
        if (c->cols[k].kind == CSV_BUF_CODES) flush_col(c, k, r);
#if defined(__SSE2__)
    _mm_sfence(); /* the streamed lines are visible before another thread merges them */
#endif
}

/* A column whose chunk-local values went over CSV_MAX_LEVELS: its rows 0..rows-1 become doubles. */
static int to_nums(csv_chunk *c, size_t k, size_t rows)
{
    csv_colbuf *b = &c->cols[k];
    flush_col(c, k, rows);
    double *nums = buf_take(c, c->cap * sizeof *nums), val[256];
    if (!nums) return -1;
    for (int j = 0; j < 256; j++) val[j] = NAN;
    for (unsigned j = 0; j < b->lt.n; j++) val[j] = b->lt.vals[j];
    for (size_t i = 0; i < rows; i++) nums[i] = val[b->codes[i]];
    csv_colbuf_drop(c, b);
    b->nums = nums;
    b->kind = CSV_BUF_NUMS;
    return 0;
}

/* A field that is not a number, in a column still read as numbers: the column
 * turns text at the end of the row, if the row is kept. */
typedef struct pending {
    size_t col;
    const char *fs, *q; /* the raw field and its text without quotes */
    size_t len, n;
    int esc;
} pending;

/* A text field of column k in row r as a cell (nothing for a missing token). */
CSV_HOT int text_cell(csv_chunk *c, size_t r, size_t k, const char *fs, size_t len, const char *q, size_t n, int esc)
{
    if (esc) return add_cell(c, r, fs, len, k, 1);
    if (is_missing(c->cfg, q, n)) return 0;
    return add_cell(c, r, q, n, k, 0);
}

/* The pending columns of kept row r turn text from r on; their numbers are dropped. */
static int to_text(csv_chunk *c, size_t r, const pending *pd, size_t npd)
{
    for (size_t i = 0; i < npd; i++) {
        csv_colbuf *b = &c->cols[pd[i].col];
        csv_colbuf_drop(c, b);
        b->kind = CSV_BUF_TEXT;
        b->text_from = r;
        if (text_cell(c, r, pd[i].col, pd[i].fs, pd[i].len, pd[i].q, pd[i].n, pd[i].esc) != 0) return -1;
    }
    return 0;
}

/* Phase 1 work on field k of row r: a code, a double or a text cell. `fs`/`len`
 * is the raw field, `q`/`n` its text without quotes, `esc` set when the quotes
 * cannot simply be dropped. Returns 0, or -1 after set_error or out of memory. */
CSV_HOT int take_field(csv_chunk *c, csv_colbuf *cols, uint8_t *blk, size_t k, size_t r, const char *fs, size_t len,
                       const char *q, size_t n, int esc, size_t fline, pending *pd, size_t *npd, size_t *un,
                       size_t *nun)
{
    const csv_cfg *cfg = c->cfg;
    const int miss_num = cfg->miss_num;
    csv_colbuf *b = &cols[k];
    double x;
    if (b->kind == CSV_BUF_CODES) {
        if (esc) goto not_number;
        if (n == 0) {
            put_code(blk, k, r, CSV_CODE_NONE);
            return 0;
        }
        unsigned v;
        if (!miss_num && csv_small_int(q, n, &v)) { /* the common case: a small code */
            uint8_t code = b->lt.small[v];
            if (code != CSV_CODE_NONE) {
                put_code(blk, k, r, code);
                return 0;
            }
            x = v;
        } else {
            int kind = field_number(cfg, q, n, cfg->forced[k] != TALLY_NUMERIC, &x);
            if (kind == 0) {
                put_code(blk, k, r, CSV_CODE_NONE);
                return 0;
            }
            if (kind < 0) goto not_number;
        }
        int added, code = csv_ltab_code(&b->lt, x, &added);
        if (code < 0) {
            c->oom = 1;
            return -1;
        }
        if (code < CSV_MAX_LEVELS) {
            put_code(blk, k, r, (uint8_t)code);
            if (added) un[(*nun)++] = k;
            return 0;
        }
        if (to_nums(c, k, r) != 0) {
            c->oom = 1;
            return -1;
        }
        b->nums[r] = x;
        return 0;
    }
    if (b->kind == CSV_BUF_NUMS) {
        if (esc) goto not_number;
        int kind = field_number(cfg, q, n, cfg->forced[k] != TALLY_NUMERIC, &x);
        if (kind < 0) goto not_number;
        b->nums[r] = kind > 0 ? x : NAN;
        return 0;
    }
    if (text_cell(c, r, k, fs, len, q, n, esc) != 0) return -1;
    return 0;
not_number:
    if (cfg->forced[k] == TALLY_NUMERIC) {
        set_error(c, CSV_ERR_NOT_NUMBER, fline, k + 1, 0, 0, q, n);
        return -1;
    }
    pd[(*npd)++] = (pending){k, fs, q, len, n, esc};
    return 0;
}

/*
 * The common row in one pass: fields that are each a code the column has seen
 * (one to three digits), an empty cell, a plain number of a column held as
 * doubles, or text of a text column (quoted or not), each taken as its end is
 * found. Returns 1 when the row is done (*next set after it); 2 when field *pk,
 * at *pfs, needs the general loop (a value new to its column, text in a number
 * column, a quote where the grammar does not open or close one...): fields
 * before it are taken, the general loop goes on from there; 0 when the row is
 * to be read from its start (a wrong field count or line end): what this wrote
 * for row r (codes into the block, doubles into nums[r]) is written again then.
 * Text cells are only listed in text[], and stored by the caller once the row
 * is taken. *inner counts the row terminators inside the quoted fields taken.
 *
 * Quotes: the block's prefix XOR of its quote mask (kernels.c) tells which
 * bytes lie inside quotes, so delimiters and line ends there are no field
 * ends. That reading equals the grammar's (tokenize.c's header) only when
 * every quote that opens follows a field end (or a closing quote: "" inside
 * quotes) and every quote that closes is followed by a field end or a quote;
 * a row where some quote breaks that (5" screen, "ab"c) goes to the general
 * loop from the field holding it.
 */
#define FAST_TEXT 8 /* text cells with text a row may list */
typedef struct fast_text {
    size_t col, len;
    const char *fs;
} fast_text;

/* The quote facts carried from one block to the next within a row. */
typedef struct quote_carry {
    uint64_t inside; /* all ones when the block starts inside quotes */
    uint64_t after;  /* 1 when the byte before the block ends a field or closes quotes (a quote may open) */
    uint64_t closed; /* 1 when the byte before the block closed quotes (a quote or field end must follow) */
} quote_carry;

/* Masks d (field and row ends) and t (row ends) of the block part at offset off lose
 * what lies inside quotes; returns 0, or 1 when a quote up to the row's end breaks
 * the rule above. */
CSV_HOT int quote_mask(const finder *f, unsigned off, uint64_t q, uint64_t *d, uint64_t *t, quote_carry *qc)
{
    const uint64_t valid = ~(uint64_t)0 >> off, top = (uint64_t)1 << (63 - off);
    const uint64_t below = off ? (uint64_t)0 - ((f->inq >> (off - 1)) & 1) : 0; /* quotes before off: odd? */
    const uint64_t in = ((f->inq >> off) ^ below ^ qc->inside) & valid;
    *d &= ~in;
    *t &= ~in;
    const uint64_t upto = *t ? (*t ^ (*t - 1)) : valid;
    const uint64_t open = q & in, close = q & ~in;
    uint64_t bad = open & ~(((*d | close) << 1) | qc->after);
    bad |= close & ~((*d | q) >> 1) & ~top;
    bad |= qc->closed & ~(*d | q) & 1;
    qc->after = ((*d | close) & top) != 0;
    qc->closed = (close & top) != 0;
    qc->inside = (in & top) ? ~(uint64_t)0 : 0;
    return (bad & upto) != 0;
}

/* The row terminators in [p, p + n). */
static inline size_t count_byte(const char *p, size_t n, char ch)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += p[i] == ch;
    return k;
}

CSV_HOT int fast_row(finder *f, const char *p, const char *e, csv_colbuf *cols, uint8_t *blk, size_t r, size_t ncols,
                     size_t maxf, char dec, const char **next, fast_text *text, size_t *ntext, size_t *pk,
                     const char **pfs, size_t *inner)
{
    const char *fs = p;
    size_t k = 0;
    const size_t slot = r & (BLOCK - 1);
    quote_carry qc = {0, 1, 0};
    *ntext = 0;
    *inner = 0;
    for (;;) {
        uintptr_t off = (uintptr_t)p - (uintptr_t)f->base;
        if (off >= 64) {
            if (e - p < 128) goto partial;
            finder_load(f, p);
            off = 0;
        }
        uint64_t t = f->ends >> off, d = f->bits >> off, q = f->quotes >> off;
        if (q | qc.inside | qc.closed) {
            if (quote_mask(f, (unsigned)off, q, &d, &t, &qc)) goto partial;
        } else {
            qc.after = (d >> (63 - off)) & 1;
        }
        uint64_t upto = t ? (t ^ (t - 1)) : ~(uint64_t)0; /* bits up to the first row end */
        for (d &= upto; d; d &= d - 1) {
            const char *s = p + __builtin_ctzll(d);
            size_t n = (size_t)(s - fs);
            csv_colbuf *b = &cols[k]; /* cols[ncols] is CSV_BUF_END: no test of k a field */
            if (b->kind == CSV_BUF_CODES) {
                unsigned v;
                if (n <= 2) { /* empty, one or two digits: two table lookups, no branch on the bytes */
                    uint16_t two;
                    memcpy(&two, fs, 2); /* fs[1] is readable: the block has 64 bytes after it */
                    uint8_t code = b->lt.small[small_value[two & small_len_mask[n]]];
                    if ((code == CSV_CODE_NONE) & (n != 0)) goto partial; /* not a code, or a new one */
                    blk[k * BLOCK + slot] = code;
                } else {
                    if (!csv_small_int(fs, n, &v)) goto partial;
                    uint8_t code = b->lt.small[v];
                    if (code == CSV_CODE_NONE) goto partial;
                    blk[k * BLOCK + slot] = code;
                }
            } else if (b->kind == CSV_BUF_NUMS) {
                double x = NAN;
                if (n && !csv_fast_number(fs, n, dec, &x)) goto partial;
                b->nums[r] = x;
            } else if (b->kind == CSV_BUF_END) { /* a field too many: the general loop says so */
                goto partial;
            } else if (n) { /* a text cell with text: stored once the row is taken */
                if (*ntext == FAST_TEXT || n > maxf) goto partial; /* too long: the general loop says so */
                if (*fs == '"') *inner += count_byte(fs, n, f->term);
                text[*ntext].col = k;
                text[*ntext].fs = fs;
                text[(*ntext)++].len = n;
            }
            k++;
            fs = s + 1;
        }
        if (t) {
            const char *s = fs - 1; /* the row end just taken as the last field's end */
            if (k != ncols) return 0;
            if (*s == f->term) {
                *next = s + 1;
            } else if (f->term == '\n' && s[1] == '\n') { /* CRLF */
                *next = s + 2;
            } else {
                return 0;
            }
            return 1;
        }
        p = f->base + 64;
    }
partial:
    *pk = k;
    *pfs = fs;
    return 2;
}

/* A text cell fast_row listed: a quoted one loses its quotes (and "" is read as "). */
static int fast_text_cell(csv_chunk *c, size_t r, const fast_text *ft)
{
    const char *fs = ft->fs;
    size_t len = ft->len;
    if (*fs != '"') return text_cell(c, r, ft->col, fs, len, fs, len, 0);
    int esc = memchr(fs + 1, '"', len - 2) != NULL; /* quotes inside: csv_unquote */
    return text_cell(c, r, ft->col, fs, len, fs + 1, len - 2, esc);
}

/*
 * Phase 1 reads the buffer through a window that moves ahead STEP bytes at a
 * time: on the mapped file the next pages are mapped in one call and those
 * behind the parse given back (a later read maps them again from the page
 * cache), so the file does not add its size to the peak memory; and when
 * c->check is set each step is checked for NUL bytes and invalid UTF-8 just
 * before it is parsed, while it is still in the cache.
 */
#ifndef CSV_STEP /* settable when building, to test with small files */
#define CSV_STEP (8u << 20)
#endif
#define STEP ((size_t)CSV_STEP)
#define STEP_MARGIN (STEP / 8) /* the window moves on when the parse is this close to its end */

typedef struct window {
    const char *dropped; /* pages before this were given back */
    const char *checked; /* [c->start, checked) is checked (and mapped) */
    const char *next;    /* a row starting at or after this moves the window on */
} window;

static void window_check(csv_chunk *c, window *w, const char *to, const char *e)
{
    if (!c->check || w->checked >= to || c->err == CSV_ERR_NUL || c->err == CSV_ERR_UTF8) return;
    size_t n = (size_t)(to - w->checked);
    csv_err_kind kind = CSV_OK;
    size_t off = csv_check_text(w->checked, n, (size_t)(e - w->checked), c->utf8, &kind);
    if (off < n) { /* this problem is reported, even over a parse error it may have caused */
        c->err = kind;
        c->err_ptr = w->checked + off;
        return;
    }
    w->checked = to;
}

/* Moves the window on from row start p; returns -1 when the new step holds a NUL or invalid UTF-8. */
static int window_move(csv_chunk *c, window *w, const char *p, const char *e)
{
    if (c->drop) {
        uintptr_t a = ((uintptr_t)w->dropped + 4095) & ~(uintptr_t)4095, b = (uintptr_t)p & ~(uintptr_t)4095;
        if (b > a) madvise((void *)a, b - a, MADV_DONTNEED);
        w->dropped = p;
    }
    const char *from = w->checked > p ? w->checked : p, *to = e;
    if ((size_t)(e - from) > STEP) {
        to = from + STEP;
        while (to < e && ((unsigned char)*to & 0xC0) == 0x80) to++; /* not inside a UTF-8 sequence */
    }
#ifdef MADV_POPULATE_READ /* the step's pages in one call rather than a fault at a time */
    if (c->drop) {
        uintptr_t a = (uintptr_t)from & ~(uintptr_t)4095, b = (uintptr_t)to;
        if (b > a) madvise((void *)a, b - a, MADV_POPULATE_READ);
    }
#endif
    window_check(c, w, to, e); /* from w->checked: rows longer than the margin were read past it */
    if (c->err) return -1;
    if (!c->check) w->checked = to;
    w->next = to >= e ? e + 1 : to - ((size_t)(to - from) > STEP_MARGIN ? STEP_MARGIN : 0);
    return 0;
}

/* The shared row loop; `reread` is a constant at each call site, so the
 * compiler makes one specialised copy for phase 1 and one for reading columns
 * again as text. */
CSV_HOT void run_chunk(csv_chunk *c, const int reread)
{
    const csv_cfg *cfg = c->cfg;
    const unsigned char *sp = cfg->special;
    finder fd = finder_make(cfg);
    const char *p = c->start, *const e = c->buf_end, *const limit = c->limit;
    const char term = cfg->term, delim = cfg->delim;
    const int lf = term == '\n';
    const size_t ncols = cfg->ncols, maxf = cfg->max_field;
    const size_t stop = reread ? c->reread_rows : (size_t)-1;
    csv_colbuf *const cols = c->cols;
    size_t line = 0, r = 0, npd = 0, nun = 0;
    size_t *un = NULL;
    pending *pd = NULL;
    const char **ends = malloc((ncols + SPLIT_SLACK) * sizeof *ends);

    if (!reread) {
        pd = malloc((ncols ? ncols : 1) * sizeof *pd);
        un = malloc((ncols ? ncols : 1) * sizeof *un);
        c->blk = malloc((ncols ? ncols : 1) * BLOCK);
    }
    if (!ends || (!reread && (!pd || !un || !c->blk))) {
        c->oom = 1;
        goto out;
    }
    uint8_t *const blk = c->blk;
    /* The one-pass row (fast_row) where no missing token can look like a number
     * or a code, and codes and numbers (at most 17 bytes) cannot be too long;
     * text longer than max_field_bytes it leaves to the general loop. */
    const int fast = !reread && ncols && !cfg->miss_num && maxf >= 64;
    fast_text ftext[FAST_TEXT];
    size_t nftext = 0;
    window win = {c->start, c->start, c->start};
    if (reread) win.next = e + 1; /* phase 1 has checked the text; pages are mapped as read */
    while (p < limit && r < stop) {
        size_t row_line = line;
        if (p >= win.next && window_move(c, &win, p, e) != 0) goto out;
        if (*p == term) { /* blank line */
            p++;
            line++;
            continue;
        }
        if (lf && *p == '\r' && p + 1 < e && p[1] == '\n') {
            p += 2;
            line++;
            continue;
        }
        if (!reread && r == c->cap && chunk_grow(c, p) != 0) {
            c->oom = 1;
            goto out;
        }
        size_t nf = 0, cell_mark = c->ncells, text_mark = c->text_len;
        npd = 0;
        nun = 0;
        const char *next = NULL;
        int got = 0;
        if (fast) {
            size_t fk = 0;
            const char *ffs = p;
            size_t inner = 0;
            got = fast_row(&fd, p, e, cols, blk, r, ncols, maxf, cfg->decimal, &next, ftext, &nftext, &fk, &ffs,
                           &inner);
            for (size_t i = 0; got && i < nftext; i++)
                if (fast_text_cell(c, r, &ftext[i]) != 0) goto out;
            if (got == 1) {
                if ((r & (BLOCK - 1)) == BLOCK - 1) flush_block(c, r);
                r++;
                line += 1 + inner;
                p = next;
                continue;
            }
            if (got == 2) { /* the general loop from field fk */
                nf = fk;
                p = ffs;
                line += inner;
            }
        }
        if (got == 0 && ncols && split_plain(&fd, p, e, ends, ncols, maxf, &next) == ncols) { /* the usual row */
            const char *fs = p;
            for (size_t k = 0; k < ncols; k++) {
                size_t n = (size_t)(ends[k] - fs);
                if (reread) {
                    if (cols[k].reread > r && !is_missing(cfg, fs, n) && add_cell(c, r, fs, n, k, 0) != 0) goto out;
                } else if (take_field(c, cols, blk, k, r, fs, n, fs, n, 0, line, pd, &npd, un, &nun) != 0) {
                    goto out;
                }
                fs = ends[k] + 1;
            }
            if (npd && to_text(c, r, pd, npd) != 0) goto out;
            if (!reread && (r & (BLOCK - 1)) == BLOCK - 1) flush_block(c, r);
            r++;
            line++;
            p = next;
            continue;
        }
        for (;;) {
            const char *fs = p;
            size_t fline = line;
            int quoted = 0, esc = 0;
            if (p < e && *p == '"') {
                quoted = 1;
                p++;
                for (;;) {
                    p = find_quote(term, p, e, &line);
                    if (p >= e) {
                        if (!reread) set_error(c, CSV_ERR_UNTERMINATED, fline, nf + 1, 0, 0, NULL, 0);
                        c->end = e;
                        goto out;
                    }
                    if (p + 1 < e && p[1] == '"') {
                        esc = 1;
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
            }
            const char *qend = p;
            for (;;) {
                p = find_special(&fd, sp, p, e);
                if (lf && p < e && *p == '\r' && !(p + 1 < e && p[1] == '\n')) {
                    p++;
                    continue;
                }
                break;
            }
            if (quoted && p != qend) esc = 1;
            size_t len = (size_t)(p - fs);
            const char *q = fs;
            size_t n = len;
            if (quoted && !esc) {
                q++;
                n -= 2;
            }
            if (reread) {
                if (nf < ncols && cols[nf].reread > r && text_cell(c, r, nf, fs, len, q, n, esc) != 0) goto out;
            } else {
                if (len > maxf) {
                    set_error(c, CSV_ERR_TOO_LONG, fline, nf + 1, maxf, 0, NULL, 0);
                    goto out;
                }
                if (nf < ncols && take_field(c, cols, blk, nf, r, fs, len, q, n, esc, fline, pd, &npd, un, &nun) != 0) goto out;
            }
            nf++;
            if (p >= e) break;
            char ch = *p++;
            if (ch == delim) continue;
            if (lf && ch == '\r') p++; /* "\r\n": lone '\r' was taken as data above */
            line++;
            break;
        }
        if (nf == ncols) {
            if (npd && to_text(c, r, pd, npd) != 0) goto out;
            if (!reread && (r & (BLOCK - 1)) == BLOCK - 1) flush_block(c, r);
            r++;
        } else if (reread) {
            c->ncells = cell_mark; /* a skipped row leaves nothing behind */
            c->text_len = text_mark;
        } else if (!cfg->skip_ragged) {
            set_error(c, CSV_ERR_RAGGED, row_line, 0, nf, ncols, NULL, 0);
            goto out;
        } else {
            c->ncells = cell_mark; /* the row is skipped: so are its cells and the values it added */
            c->text_len = text_mark;
            while (nun) csv_ltab_undo(&cols[un[--nun]].lt);
            if (!c->skipped) c->first_skip_line = row_line;
            c->skipped++;
        }
    }
    if (!reread) {
        flush_end(c, r);
        c->end = p;
        c->rows = r;
        c->lines = line;
    }
out:
    /* Every byte read is checked, and a problem in the text wins over a parse
     * error (which it may have caused): on an error, the rest of the buffer too. */
    if (!reread) window_check(c, &win, c->err || c->oom ? e : c->end, e);
    free(pd);
    free(un);
    free(ends);
    if (!reread) {
        free(c->blk);
        c->blk = NULL;
    }
}

void csv_parse_chunk(csv_chunk *c) { run_chunk(c, 0); }
void csv_reread_chunk(csv_chunk *c) { run_chunk(c, 1); }

long csv_split_row(const csv_cfg *cfg, const char *p, const char *end, const char **starts, size_t *lens,
                   unsigned char *quoted, size_t max, const char **next, size_t *lines)
{
    const int lf = cfg->term == '\n';
    size_t nf = 0, nl = 0;
    for (;;) {
        const char *fs = p;
        int q = 0;
        if (p < end && *p == '"') {
            q = 1;
            for (p++;; p++) {
                if (p >= end) return -1;
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        p++;
                        continue;
                    }
                    p++;
                    break;
                }
                if (*p == cfg->term) nl++;
            }
        }
        while (p < end && *p != cfg->delim && *p != cfg->term &&
               !(lf && *p == '\r' && p + 1 < end && p[1] == '\n'))
            p++;
        if (nf < max) {
            starts[nf] = fs;
            lens[nf] = (size_t)(p - fs);
            quoted[nf] = (unsigned char)q;
        }
        nf++;
        if (p >= end) break;
        char ch = *p++;
        if (ch == cfg->delim) continue;
        if (lf && ch == '\r') p++;
        nl++;
        break;
    }
    *next = p;
    *lines = nl;
    return (long)nf;
}

size_t csv_unquote(const char *p, size_t len, char *out)
{
    size_t i = 0, o = 0;
    if (len && p[0] == '"') {
        for (i = 1; i < len;) {
            if (p[i] == '"') {
                if (i + 1 < len && p[i + 1] == '"') {
                    out[o++] = '"';
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            out[o++] = p[i++];
        }
    }
    while (i < len) out[o++] = p[i++];
    return o;
}
