/* fields.h: a field into its column, inlined into the row loop: missing tokens, numbers, codes, text cells, the one-pass row. */
#ifndef TALLY_CSV_FIELDS_H
#define TALLY_CSV_FIELDS_H

#include "finder.h"

#include <math.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/*
 * Codes are not stored straight into the ~50 column buffers, which would touch
 * ~50 cache lines a row: each row puts them in a small block (BLOCK rows per
 * column, column after column), and every BLOCK rows each column's 64 bytes go
 * to its buffer as one whole cache line, written past the cache (the merge
 * reads them much later).
 */

CSV_HOT void put_code(uint8_t *blk, size_t k, size_t r, uint8_t code) { blk[k * BLOCK + (r & (BLOCK - 1))] = code; }

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

/* A text field of column k in row r as a cell (nothing for a missing token). */
CSV_HOT int text_cell(csv_chunk *c, size_t r, size_t k, const char *fs, size_t len, const char *q, size_t n, int esc)
{
    if (esc) return csv_add_cell(c, r, fs, len, k, 1);
    if (is_missing(c->cfg, q, n)) return 0;
    return csv_add_cell(c, r, q, n, k, 0);
}

/* Phase 1 work on field k of row r: a code, a double or a text cell. `fs`/`len`
 * is the raw field, `q`/`n` its text without quotes, `esc` set when the quotes
 * cannot simply be dropped. Returns 0, or -1 after csv_set_error or out of memory. */
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
        if (csv_to_nums(c, k, r) != 0) {
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
        csv_set_error(c, CSV_ERR_NOT_NUMBER, fline, k + 1, 0, 0, q, n);
        return -1;
    }
    pd[(*npd)++] = (pending){k, fs, q, len, n, esc};
    return 0;
}

/* The mask that keeps a field's first n (0..2) bytes of the two read. */
static const uint16_t csv_small_len_mask[3] = {0, 0xFF, 0xFFFF};

/* The bytes ch in [p, p + n) (the row terminators inside a quoted field: few, found by memchr). */
static inline size_t count_byte(const char *p, size_t n, char ch)
{
    size_t k = 0;
    for (const char *e = p + n; (p = memchr(p, ch, (size_t)(e - p))) != NULL; p++) k++;
    return k;
}

/* A quoted code or number ("12", "3.5", "" as the questionnaire exports of survey platforms
 * write every field) in the one-pass row, tried only after its field failed as unquoted: its
 * text without the quotes taken as the general loop takes it (a quote inside, a value new to the
 * column or anything else is left to the general loop). 1 when taken, else 0. */
CSV_HOT int quoted_value(const csv_cfg *cfg, const int miss_num, csv_colbuf *b, uint8_t *blk, size_t k,
                         size_t r, const char *fs, size_t n)
{
    if (n < 2 || fs[0] != '"' || fs[n - 1] != '"') return 0;
    const char *q = fs + 1;
    size_t qn = n - 2;
    int missing = qn == 0 || (miss_num && is_missing(cfg, q, qn));
    if (b->kind == CSV_BUF_CODES) {
        unsigned v;
        uint8_t code = CSV_CODE_NONE;
        if (!missing && (!csv_small_int(q, qn, &v) || (code = b->lt.small[v]) == CSV_CODE_NONE)) return 0;
        blk[k * BLOCK + (r & (BLOCK - 1))] = code;
        return 1;
    }
    double x = NAN;
    if (!missing && !csv_fast_number_wide(q, qn, cfg->decimal, &x)) return 0;
    b->nums[r] = x;
    return 1;
}

/*
 * Most survey cells are one digit ("1,0,3,2,..."): from a one-byte field ending at
 * bit e0 of the block's field-end mask d, the fields that follow it are one byte each
 * as long as the ends fall on every other bit. Those fields are taken without a bit
 * scan each: a one-digit code the column has seen, in a column held as codes. Returns
 * how many fields (from column k on) were taken; 0 leaves the field to the one-field path.
 */
CSV_HOT size_t one_digit_run(const csv_colbuf *cols, size_t ncols, uint8_t *blk, size_t k, size_t slot,
                             const char *first, uint64_t d, unsigned e0)
{
    const uint64_t x = d >> e0, mismatch = x ^ 0x5555555555555555ull; /* bit 0 of x is the first field's end */
    size_t m = mismatch ? ((size_t)__builtin_ctzll(mismatch) + 1) / 2 : 32; /* fields of one byte */
    if (m > ncols - k) m = ncols - k; /* a field too many is the general loop's (k <= ncols here) */
    size_t t = 0;
    const csv_colbuf *b = cols + k;
    uint8_t *to = blk + k * BLOCK + slot;
    /* A byte that is no digit has the value 256, whose code is CSV_CODE_NONE; so has every value of
     * a column not held as codes, and of cols[ncols] (csv.h, csv_ltab): one test ends the run. */
    const unsigned char *u = (const unsigned char *)first;
    for (; t + 4 <= m; t += 4, b += 4, to += 4 * BLOCK) { /* four at a time while all four are codes */
        const uint8_t c0 = b[0].lt.small[csv_small_value[u[2 * t]]], c1 = b[1].lt.small[csv_small_value[u[2 * t + 2]]],
                      c2 = b[2].lt.small[csv_small_value[u[2 * t + 4]]], c3 = b[3].lt.small[csv_small_value[u[2 * t + 6]]];
        if ((c0 == CSV_CODE_NONE) | (c1 == CSV_CODE_NONE) | (c2 == CSV_CODE_NONE) | (c3 == CSV_CODE_NONE)) break;
        to[0] = c0;
        to[BLOCK] = c1;
        to[2 * BLOCK] = c2;
        to[3 * BLOCK] = c3;
    }
    for (; t < m; t++, b++, to += BLOCK) {
        uint8_t code = b->lt.small[csv_small_value[u[2 * t]]];
        if (code == CSV_CODE_NONE) break; /* not a digit, a value new to the column, or no code column */
        *to = code;
    }
    return t;
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
 * miss_num (a constant at each call): some missing token is itself a number
 * ("-9", "99"), so a code or number field is first compared with the tokens.
 *
 * Quotes: the block's prefix XOR of its quote mask (kernels.c) tells which
 * bytes lie inside quotes, so delimiters and line ends there are no field
 * ends. That reading equals the grammar's (tokenize.c's header) only when
 * every quote that opens follows a field end (or a closing quote: "" inside
 * quotes) and every quote that closes is followed by a field end or a quote;
 * a row where some quote breaks that (5" screen, "ab"c) goes to the general
 * loop from the field holding it.
 */
CSV_HOT int fast_row(finder *f, const csv_cfg *cfg, const int miss_num, const char *p, const char *e, csv_colbuf *cols,
                     uint8_t *blk, size_t r, const char **next, fast_text *text, size_t *ntext, size_t *pk,
                     const char **pfs, size_t *inner)
{
    const size_t ncols = cfg->ncols, maxf = cfg->max_field;
    const char dec = cfg->decimal;
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
            const unsigned e0 = (unsigned)__builtin_ctzll(d);
            const char *s = p + e0;
            size_t n = (size_t)(s - fs);
            csv_colbuf *b = &cols[k]; /* cols[ncols] is CSV_BUF_END: no test of k a field */
            if (!miss_num && n == 1) {
                size_t got = one_digit_run(cols, ncols, blk, k, slot, fs, d, e0);
                if (got) { /* fields k .. k+got-1 taken: their ends but the last cleared, that one below */
                    const unsigned last = e0 + 2 * (unsigned)(got - 1);
                    d &= ~(((uint64_t)1 << last) - 1);
                    k += got;
                    fs = p + last + 1;
                    continue;
                }
            }
            if (b->kind == CSV_BUF_CODES) {
                unsigned v;
                if (miss_num && n && is_missing(cfg, fs, n)) { /* "9" may be a token while 9.0 is a value */
                    blk[k * BLOCK + slot] = CSV_CODE_NONE;
                } else if (n <= 2) { /* empty, one or two digits: two table lookups, no branch on the bytes */
                    uint16_t two;
                    memcpy(&two, fs, 2); /* fs[1] is readable: the block has 64 bytes after it */
                    uint8_t code = b->lt.small[csv_small_value[two & csv_small_len_mask[n]]];
                    if (__builtin_expect((code == CSV_CODE_NONE) & (n != 0), 0)) { /* not a code, or a new one */
                        if (!quoted_value(cfg, miss_num, b, blk, k, r, fs, n)) goto partial;
                    } else {
                        blk[k * BLOCK + slot] = code;
                    }
                } else {
                    uint8_t code = csv_small_int(fs, n, &v) ? b->lt.small[v] : CSV_CODE_NONE;
                    if (__builtin_expect(code != CSV_CODE_NONE, 1)) blk[k * BLOCK + slot] = code;
                    else if (!quoted_value(cfg, miss_num, b, blk, k, r, fs, n)) goto partial;
                }
            } else if (b->kind == CSV_BUF_NUMS) {
                double x = NAN;
                if (__builtin_expect(
                        n && !(miss_num && is_missing(cfg, fs, n)) && !csv_fast_number_wide(fs, n, dec, &x), 0)) {
                    if (!quoted_value(cfg, miss_num, b, blk, k, r, fs, n)) goto partial;
                } else {
                    b->nums[r] = x;
                }
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

#endif
