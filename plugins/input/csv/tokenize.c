/* tokenize.c: the csv plugin's RFC 4180 row loop: one pass per chunk, no allocation per field. */
#include "fields.h"

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

/*
 * The files of the tokenizer: kernels.c (64-byte classification), finder.h (the
 * masks read: next special byte, plain rows, quote state), fields.h and fields.c
 * (a field into its column, the one-pass row), slab.c (column buffers), window.c
 * (the checked, mapped part of the buffer), cfg.c (settings finished), rowsplit.c
 * (one row split slowly, for the header and sniffing). This file: the row loop.
 */

/* What the row loop carries from row to row, handed to its parts. */
typedef struct row_state {
    csv_chunk *c;
    finder fd;
    const char *p, *e;
    size_t line, r;   /* chunk-relative line of p; rows kept */
    pending *pd;      /* phase 1: fields of the row that turn their columns text */
    size_t npd;
    size_t *un;       /* phase 1: columns the row added a value to */
    size_t nun;
    const char **ends; /* field ends of a plain row */
    fast_text ftext[FAST_TEXT];
    size_t nftext;
} row_state;

/* The row is kept: pending text columns turned, a full block of codes written out. */
CSV_HOT int row_kept(row_state *s, const int reread)
{
    if (!reread && s->npd && csv_to_text(s->c, s->r, s->pd, s->npd) != 0) return -1;
    if (!reread && (s->r & (BLOCK - 1)) == BLOCK - 1) flush_block(s->c, s->r);
    s->r++;
    return 0;
}

/* Phase 1's one-pass row (fast_row): 1 when taken, 0 when the row is to be read from
 * its start, 2 when the general loop goes on from field *nf (s->p moved there), -1 out of memory. */
CSV_HOT int row_fast(row_state *s, size_t *nf)
{
    csv_chunk *c = s->c;
    const csv_cfg *cfg = c->cfg;
    size_t fk = 0, inner = 0;
    const char *ffs = s->p, *next = NULL;
    int got = cfg->miss_num ? fast_row(&s->fd, cfg, 1, s->p, s->e, c->cols, c->blk, s->r, &next, s->ftext, &s->nftext,
                                       &fk, &ffs, &inner)
                            : fast_row(&s->fd, cfg, 0, s->p, s->e, c->cols, c->blk, s->r, &next, s->ftext, &s->nftext,
                                       &fk, &ffs, &inner);
    for (size_t i = 0; got && i < s->nftext; i++)
        if (csv_fast_text_cell(c, s->r, &s->ftext[i]) != 0) return -1;
    if (got == 1) {
        if ((s->r & (BLOCK - 1)) == BLOCK - 1) flush_block(c, s->r);
        s->r++;
        s->line += 1 + inner;
        s->p = next;
    } else if (got == 2) {
        *nf = fk;
        s->p = ffs;
        s->line += inner;
    }
    return got;
}

/* The usual row, without quotes and with the header's field count (split_plain): 1 when
 * taken, 0 when it is not such a row, -1 after an error. */
CSV_HOT int row_plain(row_state *s, const int reread)
{
    csv_chunk *c = s->c;
    const csv_cfg *cfg = c->cfg;
    const size_t ncols = cfg->ncols;
    const char *next = NULL;
    if (!ncols || split_plain(&s->fd, s->p, s->e, s->ends, ncols, cfg->max_field, &next) != ncols) return 0;
    const char *fs = s->p;
    for (size_t k = 0; k < ncols; k++) {
        size_t n = (size_t)(s->ends[k] - fs);
        if (reread) {
            if (c->cols[k].reread > s->r && !is_missing(cfg, fs, n) && csv_add_cell(c, s->r, fs, n, k, 0) != 0)
                return -1;
        } else if (take_field(c, c->cols, c->blk, k, s->r, fs, n, fs, n, 0, s->line, s->pd, &s->npd, s->un,
                              &s->nun) != 0) {
            return -1;
        }
        fs = s->ends[k] + 1;
    }
    if (row_kept(s, reread) != 0) return -1;
    s->line++;
    s->p = next;
    return 1;
}

/* The end of a quoted field's quotes from just after its opening quote; *esc set for a
 * doubled quote. NULL when the file ends first (the error set in phase 1). */
CSV_HOT const char *quoted_end(row_state *s, const int reread, const char *p, size_t fline, size_t nf, int *esc)
{
    for (;;) {
        p = find_quote(s->c->cfg->term, p, s->e, &s->line);
        if (p >= s->e) {
            if (!reread) csv_set_error(s->c, CSV_ERR_UNTERMINATED, fline, nf + 1, 0, 0, NULL, 0);
            s->c->end = s->e;
            return NULL;
        }
        if (p + 1 < s->e && p[1] == '"') {
            *esc = 1;
            p += 2;
            continue;
        }
        return p + 1;
    }
}

/* The general loop: the row's fields from s->p, field *nf on, a byte scan each; *nf ends
 * as the row's field count. 0, or -1 after an error. */
CSV_HOT int row_fields(row_state *s, const int reread, size_t *nf)
{
    csv_chunk *c = s->c;
    const csv_cfg *cfg = c->cfg;
    const char *p = s->p, *const e = s->e;
    const int lf = cfg->term == '\n';
    for (;;) {
        const char *fs = p;
        size_t fline = s->line;
        int quoted = 0, esc = 0;
        if (p < e && *p == '"') {
            quoted = 1;
            if (!(p = quoted_end(s, reread, p + 1, fline, *nf, &esc))) return -1;
        }
        const char *qend = p;
        for (;;) {
            p = find_special(&s->fd, cfg->special, p, e);
            if (lf && p < e && *p == '\r' && !(p + 1 < e && p[1] == '\n')) {
                p++;
                continue;
            }
            break;
        }
        if (quoted && p != qend) esc = 1;
        size_t len = (size_t)(p - fs), n = len;
        const char *q = fs;
        if (quoted && !esc) {
            q++;
            n -= 2;
        }
        size_t k = *nf;
        if (reread) {
            if (k < cfg->ncols && c->cols[k].reread > s->r && text_cell(c, s->r, k, fs, len, q, n, esc) != 0) return -1;
        } else {
            if (len > cfg->max_field) {
                csv_set_error(c, CSV_ERR_TOO_LONG, fline, k + 1, cfg->max_field, 0, NULL, 0);
                return -1;
            }
            if (k < cfg->ncols && take_field(c, c->cols, c->blk, k, s->r, fs, len, q, n, esc, fline, s->pd, &s->npd,
                                             s->un, &s->nun) != 0)
                return -1;
        }
        ++*nf;
        if (p >= e) break;
        char ch = *p++;
        if (ch == cfg->delim) continue;
        if (lf && ch == '\r') p++; /* "\r\n": lone '\r' was taken as data above */
        s->line++;
        break;
    }
    s->p = p;
    return 0;
}

/* A row of nf fields read by the general loop: kept, skipped (on_ragged = "skip") or
 * an error. The marks are where its cells began. 0, or -1 after an error. */
CSV_HOT int row_done(row_state *s, const int reread, size_t nf, size_t row_line, size_t cell_mark, size_t text_mark)
{
    csv_chunk *c = s->c;
    if (nf == c->cfg->ncols) return row_kept(s, reread);
    if (!reread && !c->cfg->skip_ragged) {
        csv_set_error(c, CSV_ERR_RAGGED, row_line, 0, nf, c->cfg->ncols, NULL, 0);
        return -1;
    }
    c->ncells = cell_mark; /* a skipped row leaves nothing behind: cells, and the values it added */
    c->text_len = text_mark;
    if (reread) return 0;
    while (s->nun) csv_ltab_undo(&c->cols[s->un[--s->nun]].lt);
    if (!c->skipped) c->first_skip_line = row_line;
    c->skipped++;
    return 0;
}

/* One row from s->p (a blank line is none): 0, or -1 after an error or out of memory. */
CSV_HOT int one_row(row_state *s, const int reread, const int fast)
{
    csv_chunk *c = s->c;
    const char term = c->cfg->term;
    size_t row_line = s->line;
    if (*s->p == term || (term == '\n' && *s->p == '\r' && s->p + 1 < s->e && s->p[1] == '\n')) { /* blank line */
        s->p += *s->p == term ? 1 : 2;
        s->line++;
        return 0;
    }
    if (!reread && s->r == c->cap && csv_chunk_grow(c, s->p) != 0) {
        c->oom = 1;
        return -1;
    }
    size_t nf = 0, cell_mark = c->ncells, text_mark = c->text_len;
    s->npd = 0;
    s->nun = 0;
    int got = 0;
    if (fast) {
        got = row_fast(s, &nf);
        if (got < 0) return -1;
        if (got == 1) return 0;
    }
    if (got == 0) {
        int plain = row_plain(s, reread);
        if (plain != 0) return plain > 0 ? 0 : -1;
    }
    if (row_fields(s, reread, &nf) != 0) return -1;
    return row_done(s, reread, nf, row_line, cell_mark, text_mark);
}

/* The shared row loop; `reread` is a constant at each call site, so the
 * compiler makes one specialised copy for phase 1 and one for reading columns
 * again as text. */
CSV_HOT void run_chunk(csv_chunk *c, const int reread)
{
    const csv_cfg *cfg = c->cfg;
    const size_t ncols = cfg->ncols, nc = ncols ? ncols : 1;
    const size_t stop = reread ? c->reread_rows : (size_t)-1;
    row_state s;
    memset(&s, 0, sizeof s);
    s.c = c;
    s.fd = finder_make(cfg);
    s.p = c->start;
    s.e = c->buf_end;
    s.ends = malloc((ncols + SPLIT_SLACK) * sizeof *s.ends);
    if (!reread) {
        s.pd = malloc(nc * sizeof *s.pd);
        s.un = malloc(nc * sizeof *s.un);
        c->blk = malloc(nc * BLOCK);
    }
    /* The one-pass row (fast_row) where codes and numbers (at most 17 bytes) cannot
     * be too long; text longer than max_field_bytes it leaves to the general loop. */
    const int fast = !reread && ncols && cfg->max_field >= 64;
    csv_window win = {.dropped = c->start, .checked = c->start, .next = c->start, .mapped = c->start, .end = s.e,
                      .utf8 = c->utf8};
    if (reread) win.next = s.e + 1; /* phase 1 has checked the text; pages are mapped as read */
    if (!reread && c->check) s.fd.vet = &win; /* each block loaded is checked as it is classified */
    if (!s.ends || (!reread && (!s.pd || !s.un || !c->blk))) {
        c->oom = 1;
        goto out;
    }
    if (!reread) csv_chunk_map_region(c);
    while (s.p < c->limit && s.r < stop) {
        if (s.p >= win.next && csv_window_move(c, &win, s.p, s.e) != 0) goto out;
        if (one_row(&s, reread, fast) != 0) goto out;
    }
    if (!reread) {
        csv_flush_end(c, s.r);
        c->end = s.p;
        c->rows = s.r;
        c->lines = s.line;
    }
out:
    /* Every byte read is checked, and a problem in the text wins over a parse
     * error (which it may have caused): on an error, the rest of the buffer too. */
    if (!reread) csv_window_check(c, &win, c->err || c->oom ? s.e : c->end);
    if (!reread) csv_window_end(c, &win); /* the window's last pages: the merge reads none of them */
    free(s.pd);
    free(s.un);
    free(s.ends);
    if (!reread) {
        free(c->blk);
        c->blk = NULL;
    }
}

void csv_parse_chunk(csv_chunk *c) { run_chunk(c, 0); }
void csv_reread_chunk(csv_chunk *c) { run_chunk(c, 1); }
