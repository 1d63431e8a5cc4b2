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

void csv_cfg_finish(csv_cfg *cfg)
{
    memset(cfg->special, 0, sizeof cfg->special);
    cfg->special[(unsigned char)cfg->delim] = 1;
    cfg->special[(unsigned char)cfg->term] = 1;
    cfg->special['\r'] = 1;
    cfg->miss_lenmask = 0;
    for (size_t i = 0; i < cfg->nmiss; i++)
        if (cfg->miss_len[i] < 64) cfg->miss_lenmask |= (uint64_t)1 << cfg->miss_len[i];
}

static inline int is_missing(const csv_cfg *cfg, const char *p, size_t n)
{
    if (n == 0) return 1; /* an empty field is always system-missing */
    if (n >= 64 || !((cfg->miss_lenmask >> n) & 1)) return 0;
    for (size_t i = 0; i < cfg->nmiss; i++)
        if (cfg->miss_len[i] == n && memcmp(cfg->miss[i], p, n) == 0) return 1;
    return 0;
}

/* Plain unsigned integers of up to 9 digits are most survey cells: no call for those. */
static inline int quick_is_number(const char *p, size_t n, char dec)
{
    if (n <= 9) {
        size_t i = 0;
        while (i < n && (unsigned)(p[i] - '0') <= 9) i++;
        if (i == n) return 1;
    }
    return csv_is_number(p, n, dec);
}

static inline double quick_number(const char *p, size_t n, char dec)
{
    if (n <= 9) {
        uint32_t v = 0;
        size_t i = 0;
        for (; i < n; i++) {
            unsigned d = (unsigned)(p[i] - '0');
            if (d > 9) break;
            v = v * 10 + d;
        }
        if (i == n) return (double)v;
    }
    return csv_parse_number(p, n, dec);
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

/* The shared row loop; `fill` is a constant at each call site, so the compiler
 * makes one specialised copy for the scan and one for the fill. */
static inline void run_chunk(csv_chunk *c, const int fill)
{
    const csv_cfg *cfg = c->cfg;
    const unsigned char *sp = cfg->special;
    const char *p = c->start, *const e = c->buf_end, *const limit = c->limit;
    const char term = cfg->term, delim = cfg->delim, dec = cfg->decimal;
    const int lf = term == '\n';
    const size_t ncols = cfg->ncols, maxf = cfg->max_field;
    const int *forced = cfg->forced;
    unsigned char *fail = c->fail;
    double *const *num = c->num;
    size_t line = 0, r = 0, nrows = c->rows, row0 = c->row0;
    size_t *pend = NULL, npend = 0;

    if (!fill) {
        pend = malloc((ncols ? ncols : 1) * sizeof *pend);
        if (!pend) {
            c->oom = 1;
            return;
        }
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
        for (;;) {
            const char *fs = p;
            size_t fline = line;
            int quoted = 0, esc = 0;
            if (p < e && *p == '"') {
                quoted = 1;
                p++;
                for (;;) {
                    if (p >= e) {
                        if (!fill) set_error(c, CSV_ERR_UNTERMINATED, fline, nf + 1, 0, 0, NULL, 0);
                        free(pend);
                        c->end = e;
                        return;
                    }
                    char ch = *p;
                    if (ch == '"') {
                        if (p + 1 < e && p[1] == '"') {
                            esc = 1;
                            p += 2;
                            continue;
                        }
                        p++;
                        break;
                    }
                    if (ch == term) line++;
                    p++;
                }
            }
            const char *qend = p;
            for (;;) {
                while (p < e && !sp[(unsigned char)*p]) p++;
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
                    free(pend);
                    return;
                }
                if (nf < ncols && !fail[nf]) {
                    int numeric = !esc && (is_missing(cfg, q, n) || quick_is_number(q, n, dec));
                    if (!numeric) {
                        if (forced[nf] == TALLY_NUMERIC) {
                            set_error(c, CSV_ERR_NOT_NUMBER, fline, nf + 1, 0, 0, q, n);
                            free(pend);
                            return;
                        }
                        pend[npend++] = nf;
                    }
                }
            } else if (nf < ncols) {
                double *dst = num[nf];
                if (dst) {
                    if (r < nrows) dst[row0 + r] = is_missing(cfg, q, n) ? NAN : quick_number(q, n, dec);
                } else if (esc) {
                    if (add_cell(c, row0 + r, fs, len, nf, 1) != 0) return;
                } else if (!is_missing(cfg, q, n)) {
                    if (add_cell(c, row0 + r, q, n, nf, 0) != 0) return;
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
            free(pend);
            return;
        } else {
            if (!c->skipped) c->first_skip_line = row_line;
            c->skipped++;
        }
    }
    free(pend);
    c->end = p;
    if (!fill) {
        c->rows = r;
        c->lines = line;
    }
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
