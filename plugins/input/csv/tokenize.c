/* tokenize.c: the csv plugin's RFC 4180 tokenizer: one pass per chunk, no allocation per field. */
#include "csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

void csv_cfg_finish(csv_cfg *cfg)
{
    memset(cfg->special, 0, sizeof cfg->special);
    cfg->special[(unsigned char)cfg->delim] = 1;
    cfg->special[(unsigned char)cfg->term] = 1;
    cfg->special['\r'] = 1;
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
 * number. The fast forms come first unless a missing token could be one of them. */
CSV_HOT int field_number(const csv_cfg *cfg, const char *q, size_t n, double *v)
{
    if (n == 0) return 0;
    if (!cfg->miss_num && csv_fast_number(q, n, cfg->decimal, v)) return 1;
    if (is_missing(cfg, q, n)) return 0;
    if (cfg->miss_num && csv_fast_number(q, n, cfg->decimal, v)) return 1;
    if (!csv_is_number(q, n, cfg->decimal)) return -1;
    *v = csv_parse_number(q, n, cfg->decimal);
    return 1;
}

/* The code of value x in a categorical column; CSV_CODE_NONE when x is not a
 * level (only in rows that are skipped and overwritten later). */
static uint8_t code_of(const csv_colout *o, double x)
{
    if (x >= 0 && x < 256 && x == (double)(int)x) return o->small_code[(int)x];
    unsigned lo = 0, hi = o->nlevels;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (o->levels[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo < o->nlevels && o->levels[lo] == x ? (uint8_t)lo : CSV_CODE_NONE;
}

static int add_cell(csv_chunk *c, size_t row, const char *p, size_t len, size_t col, int quoted)
{
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
    cell->row = row;
    cell->p = p;
    cell->len = (uint32_t)len;
    cell->col = (uint32_t)col;
    cell->quoted = (uint32_t)quoted;
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

/* ---- finding bytes: 64-byte blocks as bit masks (SSE2, or a portable loop) ------ */

/* The bytes of one 64-byte block that matter, as bit masks (bit i: base[i]). */
typedef struct finder {
    const char *base; /* the block, or NULL */
    uint64_t bits;    /* delimiter, row terminator or CR */
    uint64_t ends;    /* row terminator or CR */
    uint64_t quotes;  /* '"' */
    char delim, term;
} finder;

static inline finder finder_make(const csv_cfg *cfg)
{
    finder f;
    memset(&f, 0, sizeof f);
    f.delim = cfg->delim;
    f.term = cfg->term;
    return f;
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* Loads the block at p (64 readable bytes). */
CSV_HOT void finder_load(finder *f, const char *p)
{
    const __m128i vd = _mm_set1_epi8(f->delim), vt = _mm_set1_epi8(f->term), vr = _mm_set1_epi8('\r'),
                  vq = _mm_set1_epi8('"');
    uint64_t d = 0, t = 0, q = 0;
    for (int i = 0; i < 64; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        d |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vd)) << i;
        t |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, vt), _mm_cmpeq_epi8(x, vr))) << i;
        q |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vq)) << i;
    }
    f->base = p;
    f->bits = d | t;
    f->ends = t;
    f->quotes = q;
}

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
CSV_HOT void finder_load(finder *f, const char *p)
{
    uint64_t d = 0, t = 0, q = 0;
    for (int i = 0; i < 64; i++) {
        char ch = p[i];
        d |= (uint64_t)(ch == f->delim) << i;
        t |= (uint64_t)(ch == f->term || ch == '\r') << i;
        q |= (uint64_t)(ch == '"') << i;
    }
    f->base = p;
    f->bits = d | t;
    f->ends = t;
    f->quotes = q;
}

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

/* A plain row at p (no quote, no lone CR, at most `max` fields, each at most
 * maxf bytes, 64 bytes to read past it): the end of each field into ends[],
 * the field count returned and *next set after the row end. 0 for any other
 * row, which the general loop then reads. */
CSV_HOT size_t split_plain(finder *f, const char *p, const char *e, const char **ends, size_t max, size_t maxf,
                           const char **next)
{
    const char *fs = p;
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
            for (; d; d &= d - 1) {
                const char *s = p + __builtin_ctzll(d);
                if (nf == max || (size_t)(s - fs) > maxf) return 0;
                ends[nf++] = s;
                fs = s + 1;
            }
            const char *s = p + ti;
            if (nf == max || (size_t)(s - fs) > maxf) return 0;
            ends[nf++] = s;
            if (*s == f->term) {
                *next = s + 1;
            } else if (f->term == '\n' && s[1] == '\n') { /* CRLF */
                *next = s + 2;
            } else {
                return 0;
            }
            return nf;
        }
        if (q) return 0;
        for (; d; d &= d - 1) {
            const char *s = p + __builtin_ctzll(d);
            if (nf == max || (size_t)(s - fs) > maxf) return 0;
            ends[nf++] = s;
            fs = s + 1;
        }
        p = b + 64;
    }
}

/* One value a row added to a column's levels, taken back if the row is skipped. */
typedef struct undo {
    size_t col;
    double x;
    int added;
} undo;

/* Phase 1 work on one field of a column that may still be numeric: checks it,
 * collects its value; returns 0, or -1 after set_error. */
CSV_HOT int scan_field(csv_chunk *c, size_t nf, const char *q, size_t n, int esc, size_t fline,
                             size_t *pend, size_t *npend, undo *un, size_t *nun)
{
    const csv_cfg *cfg = c->cfg;
    csv_levels *lv = &c->lv[nf];
    double x;
    int kind;
    if (esc) {
        kind = -1;
    } else if (n == 0) {
        return 0;
    } else {
        unsigned v;
        if (!cfg->miss_num && csv_small_int(q, n, &v)) { /* the common case: a small code */
            if (lv->over) return 0;
            uint64_t bit = (uint64_t)1 << (v & 63);
            if (lv->small[v >> 6] & bit) return 0;
            x = v;
            kind = 1;
        } else {
            kind = field_number(cfg, q, n, &x);
        }
    }
    if (kind < 0) {
        if (cfg->forced[nf] == TALLY_NUMERIC) {
            set_error(c, CSV_ERR_NOT_NUMBER, fline, nf + 1, 0, 0, q, n);
            return -1;
        }
        pend[(*npend)++] = nf;
        return 0;
    }
    if (kind == 0 || lv->over) return 0;
    int added = csv_levels_add(lv, x);
    if (added < 0) {
        c->oom = 1;
        return -1;
    }
    if (added) un[(*nun)++] = (undo){nf, x, added};
    return 0;
}

/* Phase 2 work on one field of a numeric column. */
CSV_HOT void fill_field(const csv_cfg *cfg, const csv_colout *o, size_t row, const char *q, size_t n)
{
    if (o->codes) {
        uint8_t k = CSV_CODE_NONE;
        unsigned v;
        double x;
        if (n == 0) k = CSV_CODE_NONE;
        else if (!cfg->miss_num && csv_small_int(q, n, &v)) k = o->small_code[v];
        else if (field_number(cfg, q, n, &x) > 0) k = code_of(o, x);
        o->codes[row] = k;
    } else {
        double x;
        o->num[row] = field_number(cfg, q, n, &x) > 0 ? x : NAN;
    }
}

/* The shared row loop; `fill` is a constant at each call site, so the compiler
 * makes one specialised copy for the scan and one for the fill. */
CSV_HOT void run_chunk(csv_chunk *c, const int fill)
{
    const csv_cfg *cfg = c->cfg;
    const unsigned char *sp = cfg->special;
    finder fd = finder_make(cfg);
    const char *p = c->start, *const e = c->buf_end, *const limit = c->limit;
    const char term = cfg->term, delim = cfg->delim;
    const int lf = term == '\n';
    const size_t ncols = cfg->ncols, maxf = cfg->max_field;
    unsigned char *fail = c->fail;
    const csv_colout *out = c->out;
    size_t line = 0, r = 0, nrows = c->rows, row0 = c->row0;
    size_t *pend = NULL, npend = 0, nun = 0;
    undo *un = NULL;
    const char **ends = malloc((ncols ? ncols : 1) * sizeof *ends);

    if (!fill) {
        pend = malloc((ncols ? ncols : 1) * sizeof *pend);
        un = malloc((ncols ? ncols : 1) * sizeof *un);
    }
    if (!ends || (!fill && (!pend || !un))) {
        free(ends);
        free(pend);
        free(un);
        c->oom = 1;
        return;
    }
    while (p < limit) {
        size_t row_line = line;
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
        size_t nf = 0, cell_mark = c->ncells;
        npend = 0;
        nun = 0;
        const char *next = NULL;
        if (ncols && split_plain(&fd, p, e, ends, ncols, maxf, &next) == ncols) { /* the usual row */
            const char *fs = p;
            if (!fill) {
                for (size_t k = 0; k < ncols; k++) {
                    if (!fail[k] && scan_field(c, k, fs, (size_t)(ends[k] - fs), 0, line, pend, &npend, un, &nun) != 0)
                        goto out;
                    fs = ends[k] + 1;
                }
                for (size_t i = 0; i < npend; i++) fail[pend[i]] = 1;
            } else if (r < nrows) {
                for (size_t k = 0; k < ncols; k++) {
                    const csv_colout *o = &out[k];
                    size_t n = (size_t)(ends[k] - fs);
                    if (o->num || o->codes) fill_field(cfg, o, row0 + r, fs, n);
                    else if (!is_missing(cfg, fs, n) && add_cell(c, row0 + r, fs, n, k, 0) != 0) goto out;
                    fs = ends[k] + 1;
                }
            }
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
                        if (!fill) set_error(c, CSV_ERR_UNTERMINATED, fline, nf + 1, 0, 0, NULL, 0);
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
            if (!fill) {
                if (len > maxf) {
                    set_error(c, CSV_ERR_TOO_LONG, fline, nf + 1, maxf, 0, NULL, 0);
                    goto out;
                }
                if (nf < ncols && !fail[nf] && scan_field(c, nf, q, n, esc, fline, pend, &npend, un, &nun) != 0)
                    goto out;
            } else if (nf < ncols) {
                const csv_colout *o = &out[nf];
                if (o->num || o->codes) {
                    if (r < nrows) fill_field(cfg, o, row0 + r, q, n);
                } else if (esc) {
                    if (add_cell(c, row0 + r, fs, len, nf, 1) != 0) goto out;
                } else if (!is_missing(cfg, q, n)) {
                    if (add_cell(c, row0 + r, q, n, nf, 0) != 0) goto out;
                }
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
            for (size_t i = 0; i < npend; i++) fail[pend[i]] = 1;
            r++;
        } else if (fill) {
            c->ncells = cell_mark; /* a skipped row leaves nothing behind */
        } else if (!cfg->skip_ragged) {
            set_error(c, CSV_ERR_RAGGED, row_line, 0, nf, ncols, NULL, 0);
            goto out;
        } else {
            while (nun) { /* the row is skipped: so are the values it added */
                nun--;
                csv_levels_undo(&c->lv[un[nun].col], un[nun].x, un[nun].added);
            }
            if (!c->skipped) c->first_skip_line = row_line;
            c->skipped++;
        }
    }
    c->end = p;
    if (!fill) {
        c->rows = r;
        c->lines = line;
    }
    free(pend);
    free(un);
    free(ends);
    return;
out:
    free(pend);
    free(un);
    free(ends);
}

void csv_scan_chunk(csv_chunk *c) { run_chunk(c, 0); }
void csv_fill_chunk(csv_chunk *c) { run_chunk(c, 1); }

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
