/* sheet_split.c: the excel input plugin's large worksheets parsed by several expat parsers at once: the sheet XML cut at row starts, the pieces parsed in parallel, their cells joined in order. */
#define _GNU_SOURCE /* memmem */
#include "xlsx_in.h"
#include "grow_buf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Expat is most of the time of reading a large sheet, and it parses one stream on one core. So the
 * inflated sheet is cut into pieces of a few MB, each starting at the text "<row" followed by a space
 * or '>' or '/', and each piece is parsed by its own expat parser, wrapped in <sheetData>...</sheetData>:
 *   head   the start of the sheet up to the first cut, parsed by the main parser (on this thread);
 *   pieces parsed by worker threads, their cells joined after the head's in sheet order;
 *   tail   from the last cut to the end, parsed by the main parser again, as if it followed the head.
 * The cutter does not track comments, CDATA sections or processing instructions: the parsers check
 * every cut instead. A piece wrapped so is well-formed only if it starts and ends between elements
 * and closes every element it opens (a cut inside a comment, a CDATA section, a tag or a cell leaves
 * the piece before it unclosed); the main parser checks that the byte where its tail starts is a
 * row's start outside any cell (xlsx_sheet_splice). Then the sheet is the head, the pieces and the
 * tail one after another, each parsed exactly as one parser would (the parser is not
 * namespace-aware, a DTD is refused and every parser reads UTF-8 whatever the XML declaration says,
 * so nothing before a cut changes how a piece reads), except
 * for the row count, which is why the first row of a piece and of the tail must carry its number.
 * When any of this fails, or the sheet has an error of its own, the sheet is read again by one
 * parser, which gives the message it always gave (hostile workbooks, damaged XML).
 */

#define SPLIT_PIECE ((size_t)4 << 20)   /* bytes of a piece: the cells of a few thousand rows */
#define SPLIT_MIN ((uint64_t)64 << 20)  /* a sheet inflating to less is parsed by one parser */
#define SPLIT_GIVE_UP 4                 /* no row start in this many pieces' bytes: the rest is the tail */
#define SPLIT_MAX_WORKERS 4             /* past this, inflating the stream is the bound */
#define SPLIT_SLICE ((size_t)1 << 16)   /* bytes given to expat at a time */

typedef struct piece {
    char *buf;
    size_t len;
    xlsx_grid grid;
    int done, failed;
} piece;

typedef enum { SP_HEAD, SP_PIECES, SP_TAIL } split_phase;

typedef struct splitter {
    const xlsx_book *b;
    xlsx_grid *g;             /* the head's cells, then each piece's, joined in order (the caller's) */
    xlsx_grid hold, tail;     /* the main parser's cells between the head and the splice (none), after it */
    xlsx_sheet_state *main;
    char main_err[XLSX_ERR];
    size_t piece_size;
    split_phase phase;
    long long fed;            /* bytes given to the main parser */
    char *cur;                /* the piece being filled: from the last cut on */
    size_t cur_len, cur_cap, searched;
    /* shared with the workers, under mu */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    piece **pieces;
    size_t npieces, pieces_cap, next, joined;
    int failed, closing;
    pthread_t thr[SPLIT_MAX_WORKERS];
    int nthreads;
} splitter;

/* The first row start at or after `from` whose "<row" ends before `len`; -1 when none. */
static long find_cut(const char *buf, size_t from, size_t len)
{
    while (from + 5 <= len) {
        const char *p = memmem(buf + from, len - from, "<row", 4);
        if (!p || (size_t)(p - buf) + 5 > len) return -1;
        char c = p[4];
        if (c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\n' || c == '\r') return p - buf;
        from = (size_t)(p - buf) + 4;
    }
    return -1;
}

/* Parses piece p into its grid (its bytes are freed); 1 when it is well-formed and has no error. */
static int parse_piece(splitter *sp, piece *p)
{
    char err[XLSX_ERR] = "";
    xlsx_sheet_state *st = xlsx_sheet_new(sp->b, &p->grid, err);
    int ok = st != NULL;
    if (ok) {
        XML_Parser x = xlsx_sheet_parser(st);
        xlsx_sheet_piece(st);
        ok = XML_Parse(x, "<sheetData>", 11, 0) == XML_STATUS_OK;
        /* in slices: expat copies what it is given into a buffer of its own, which stays this small */
        for (size_t at = 0; ok && at < p->len; at += SPLIT_SLICE) {
            size_t n = p->len - at < SPLIT_SLICE ? p->len - at : SPLIT_SLICE;
            ok = XML_Parse(x, p->buf + at, (int)n, 0) == XML_STATUS_OK;
        }
        ok = ok && XML_Parse(x, "</sheetData>", 12, 1) == XML_STATUS_OK && !err[0];
    }
    xlsx_sheet_free(st);
    free(p->buf);
    p->buf = NULL;
    return ok;
}

/* Under mu: the finished pieces next in sheet order go after the cells joined so far. */
static void join_done(splitter *sp)
{
    while (sp->joined < sp->npieces && sp->pieces[sp->joined]->done) {
        piece *p = sp->pieces[sp->joined++];
        if (p->failed || (!sp->failed && xlsx_grid_append(sp->g, &p->grid) != 0)) sp->failed = 1;
        xlsx_grid_free(&p->grid);
        free(p);
    }
}

static void *worker(void *arg)
{
    splitter *sp = arg;
    pthread_mutex_lock(&sp->mu);
    for (;;) {
        while (sp->next == sp->npieces && !sp->closing) pthread_cond_wait(&sp->cv, &sp->mu);
        if (sp->next == sp->npieces) break;
        piece *p = sp->pieces[sp->next++];
        pthread_cond_broadcast(&sp->cv); /* room for the cutter's next piece */
        int ok = 0;
        if (sp->failed) { /* no use parsing it */
            free(p->buf);
            p->buf = NULL;
        } else {
            pthread_mutex_unlock(&sp->mu);
            ok = parse_piece(sp, p);
            pthread_mutex_lock(&sp->mu);
        }
        p->failed = !ok;
        p->done = 1;
        join_done(sp);
        pthread_cond_broadcast(&sp->cv);
    }
    pthread_mutex_unlock(&sp->mu);
    return NULL;
}

/* Hands the filled piece cur[0, len) to the workers (or parses it here without any); the bytes
 * after it start the next piece. 0, or -1 when the split failed. */
static int dispatch(splitter *sp, size_t len)
{
    piece *p = calloc(1, sizeof *p);
    size_t rest = sp->cur_len - len, cap = rest > sp->piece_size ? rest * 2 : sp->piece_size * 2;
    char *next = malloc(cap);
    if (!p || !next) {
        free(p);
        free(next);
        return -1;
    }
    memcpy(next, sp->cur + len, rest);
    p->buf = sp->cur;
    p->len = len;
    sp->cur = next;
    sp->cur_len = rest;
    sp->cur_cap = cap;
    sp->searched = 0;
    pthread_mutex_lock(&sp->mu);
    /* at most two pieces waiting a worker: memory stays a few pieces, whatever the sheet's size */
    while (sp->nthreads && sp->npieces - sp->next >= 2 && !sp->failed) pthread_cond_wait(&sp->cv, &sp->mu);
    if (grow_array((void **)&sp->pieces, &sp->pieces_cap, sp->npieces + 1, sizeof *sp->pieces, 64) != 0) sp->failed = 1;
    if (sp->failed) {
        pthread_mutex_unlock(&sp->mu);
        free(p->buf);
        free(p);
        return -1;
    }
    sp->pieces[sp->npieces++] = p;
    pthread_cond_broadcast(&sp->cv);
    if (!sp->nthreads) {
        sp->next++;
        p->failed = !parse_piece(sp, p);
        p->done = 1;
        join_done(sp);
    }
    int rc = sp->failed ? -1 : 0;
    pthread_mutex_unlock(&sp->mu);
    return rc;
}

static int feed_main(splitter *sp, const char *buf, size_t n, int last)
{
    XML_Parser x = xlsx_sheet_parser(sp->main);
    for (size_t at = 0;;) {
        size_t k = n - at < SPLIT_SLICE ? n - at : SPLIT_SLICE;
        if (XML_Parse(x, buf + at, (int)k, last && at + k == n) != XML_STATUS_OK) return -1;
        at += k;
        if (at == n) break;
    }
    sp->fed += (long long)n;
    return 0;
}

static int add_bytes(splitter *sp, const char *buf, size_t n)
{
    if (grow_array((void **)&sp->cur, &sp->cur_cap, sp->cur_len + n, 1, sp->piece_size * 2) != 0) return -1;
    memcpy(sp->cur + sp->cur_len, buf, n);
    sp->cur_len += n;
    return 0;
}

/* The sink of the inflated sheet: cuts it and hands out the pieces. */
static int split_sink(void *user, const char *buf, size_t n, int last)
{
    splitter *sp = user;
    pthread_mutex_lock(&sp->mu);
    int failed = sp->failed; /* a worker's piece was refused: stop inflating */
    pthread_mutex_unlock(&sp->mu);
    if (failed) return -1;
    if (sp->phase == SP_TAIL) return feed_main(sp, buf, n, last);
    if (sp->phase == SP_HEAD) {
        long cut = -1;
        if ((uint64_t)sp->fed + n > sp->piece_size) {
            size_t from = (uint64_t)sp->fed >= sp->piece_size ? 0 : sp->piece_size - (size_t)sp->fed;
            cut = find_cut(buf, from, n);
        }
        if (cut < 0) return feed_main(sp, buf, n, last);
        if (feed_main(sp, buf, (size_t)cut, 0) != 0) return -1;
        /* The head is parsed: what the main parser reads from here on, until its tail, belongs to no
         * one (none, if the cut is right); its tail starts at the byte fed now. */
        xlsx_sheet_splice(sp->main, sp->fed, &sp->hold, &sp->tail);
        sp->phase = SP_PIECES;
        buf += cut;
        n -= (size_t)cut;
    }
    if (add_bytes(sp, buf, n) != 0) return -1;
    while (sp->cur_len > sp->piece_size) {
        size_t from = sp->searched > sp->piece_size ? sp->searched : sp->piece_size;
        long cut = find_cut(sp->cur, from, sp->cur_len);
        if (cut < 0) {
            sp->searched = sp->cur_len > 4 ? sp->cur_len - 4 : 0;
            break;
        }
        if (dispatch(sp, (size_t)cut) != 0) return -1;
    }
    if (last || sp->cur_len >= SPLIT_GIVE_UP * sp->piece_size) {
        /* the rest, from the last cut, is the main parser's tail; from here on it is streamed */
        sp->phase = SP_TAIL;
        int rc = feed_main(sp, sp->cur, sp->cur_len, last);
        free(sp->cur);
        sp->cur = NULL;
        sp->cur_len = sp->cur_cap = 0;
        return rc;
    }
    return 0;
}

static int grid_empty(const xlsx_grid *g)
{
    return !g->ncells && !g->nmerges && !g->col_hidden && !g->hidden_rows && !g->errors && !g->nrows;
}

static void split_init(splitter *sp, const xlsx_book *b, xlsx_grid *g, size_t piece_size)
{
    memset(sp, 0, sizeof *sp);
    sp->b = b;
    sp->g = g;
    sp->piece_size = piece_size ? piece_size : SPLIT_PIECE;
    pthread_mutex_init(&sp->mu, NULL);
    pthread_cond_init(&sp->cv, NULL);
}

/* Starts the main parser and up to `workers` threads (none: the pieces are parsed as they are cut). */
static int split_start(splitter *sp, int workers)
{
    if (!(sp->main = xlsx_sheet_new(sp->b, sp->g, sp->main_err))) return -1;
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 6)
    XML_SetReparseDeferralEnabled(xlsx_sheet_parser(sp->main), XML_FALSE); /* the head's events before its end */
#endif
    for (int i = 0; i < workers && i < SPLIT_MAX_WORKERS; i++) {
        if (pthread_create(&sp->thr[i], NULL, worker, sp) != 0) break;
        sp->nthreads++;
    }
    return 0;
}

/* Stops the workers and joins what is left; 0 when the cells in g (the caller's) are the sheet's. */
static int split_finish(splitter *sp, int stream_ok, size_t *pieces)
{
    pthread_mutex_lock(&sp->mu);
    sp->closing = 1;
    if (!stream_ok) sp->failed = 1;
    pthread_cond_broadcast(&sp->cv);
    pthread_mutex_unlock(&sp->mu);
    /* a worker leaves only when every piece is taken, and marks each it takes done (a piece after
     * a failure unparsed), joining the done ones in order: none is left to join or free here */
    for (int i = 0; i < sp->nthreads; i++) pthread_join(sp->thr[i], NULL);
    int ok = !sp->failed && !sp->main_err[0];
    if (ok && sp->phase != SP_HEAD) ok = xlsx_sheet_spliced(sp->main) && grid_empty(&sp->hold);
    if (ok && sp->phase != SP_HEAD) ok = xlsx_grid_append(sp->g, &sp->tail) == 0;
    *pieces = sp->npieces + (sp->phase != SP_HEAD) + 1;
    xlsx_sheet_free(sp->main);
    free(sp->cur);
    free(sp->pieces);
    xlsx_grid_free(&sp->hold);
    xlsx_grid_free(&sp->tail);
    pthread_cond_destroy(&sp->cv);
    pthread_mutex_destroy(&sp->mu);
    return ok ? 0 : -1;
}

/* 1 when both grids hold the same cells (kind, row, value or text), merges, hidden rows and columns, errors. */
int xlsx_grid_same(const xlsx_book *b, const xlsx_grid *x, const xlsx_grid *y, char *why, size_t n)
{
    if (x->ncols != y->ncols || x->nrows != y->nrows || x->ncells != y->ncells)
        return snprintf(why, n, "size %zux%zu/%zu vs %zux%zu/%zu", x->nrows, x->ncols, x->ncells, y->nrows, y->ncols,
                        y->ncells), 0;
    for (size_t c = 0; c < x->ncols; c++) {
        const xlsx_col *a = &x->cols[c], *d = &y->cols[c];
        if (a->n != d->n) return snprintf(why, n, "column %zu: %zu vs %zu cells", c, a->n, d->n), 0;
        for (size_t i = 0; i < a->n; i++) {
            const char *ta = xlsx_cell_text(b, a, i), *td = xlsx_cell_text(b, d, i);
            int same = a->kind[i] == d->kind[i] && xlsx_col_row(a, i) == xlsx_col_row(d, i) &&
                       (ta ? td && strcmp(ta, td) == 0
                           : !td && (a->kind[i] == XC_ERROR || memcmp(&(double){xlsx_col_num(a, i)},
                                                                      &(double){xlsx_col_num(d, i)}, sizeof(double)) == 0));
            if (!same) return snprintf(why, n, "column %zu cell %zu (row %u) differs", c, i, xlsx_col_row(a, i)), 0;
        }
    }
    if (x->nmerges != y->nmerges || (x->nmerges && memcmp(x->merges, y->merges, x->nmerges * sizeof *x->merges)))
        return snprintf(why, n, "merges differ"), 0;
    if (!x->col_hidden != !y->col_hidden || (x->col_hidden && memcmp(x->col_hidden, y->col_hidden, XLSX_MAX_COLS)))
        return snprintf(why, n, "hidden columns differ"), 0;
    if (x->hidden_rows != y->hidden_rows || x->first_hidden_row != y->first_hidden_row || x->errors != y->errors ||
        x->first_error_row != y->first_error_row || x->first_error_col != y->first_error_col)
        return snprintf(why, n, "hidden rows or errors differ"), 0;
    return 1;
}

int xlsx_sheet_parse_split(const xlsx_book *b, const char *xml, size_t n, size_t piece_size, size_t step,
                           int workers, xlsx_grid *g, size_t *pieces)
{
    splitter sp;
    split_init(&sp, b, g, piece_size);
    int ok = split_start(&sp, workers) == 0;
    if (!step) step = 1 << 16;
    for (size_t at = 0; ok;) {
        size_t k = n - at < step ? n - at : step;
        ok = split_sink(&sp, xml + at, k, at + k == n) == 0;
        at += k;
        if (at == n) break;
    }
    return split_finish(&sp, ok, pieces);
}

/* How TALLY_XLSX_SPLIT and the machine choose the path: 0 one parser, else the piece size. */
static size_t split_choice(uint64_t size, int ncpu, const char **why)
{
    const char *e = getenv("TALLY_XLSX_SPLIT");
    char *end;
    if (e && (strcmp(e, "off") == 0 || strcmp(e, "0") == 0)) return *why = "TALLY_XLSX_SPLIT=off", 0;
    if (e && strcmp(e, "on") == 0) return *why = "TALLY_XLSX_SPLIT=on", SPLIT_PIECE;
    int ignored = 0; /* said whichever way the machine and the size choose */
    if (e && *e) {
        unsigned long long v = strtoull(e, &end, 10);
        if (!*end && v > 0) return *why = "TALLY_XLSX_SPLIT sets the piece size", (size_t)v;
        ignored = 1;
    }
#define SPLIT_IGNORED "TALLY_XLSX_SPLIT ignored: off, on or a piece size in bytes"
    if (ncpu < 2) return *why = ignored ? SPLIT_IGNORED "; one CPU" : "one CPU", 0;
    if (size < SPLIT_MIN)
        return *why = ignored ? SPLIT_IGNORED "; a sheet under 64 MB of XML" : "a sheet under 64 MB of XML", 0;
    *why = ignored ? SPLIT_IGNORED : "";
#undef SPLIT_IGNORED
    return SPLIT_PIECE;
}

int xlsx_sheet_read_how(xlsx_zip *z, const xlsx_book *b, size_t k, xlsx_grid *g, char err[XLSX_ERR], xlsx_how *how)
{
    memset(how, 0, sizeof *how);
    how->parsers = 1;
    if (k >= b->nsheets || !b->sheet_parts[k]) {
        snprintf(err, XLSX_ERR, "sheet '%s' has no worksheet part (a chart sheet?)", k < b->nsheets ? b->sheet_names[k] : "?");
        return -1;
    }
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    size_t piece = split_choice(xlsx_zip_size(z, b->sheet_parts[k]), (int)ncpu, &how->why);
    if (piece) {
        splitter sp;
        char scratch[XLSX_ERR] = "";
        int workers = ncpu < 2 ? 1 : ncpu > SPLIT_MAX_WORKERS ? SPLIT_MAX_WORKERS : (int)ncpu;
        split_init(&sp, b, g, piece);
        int ok = split_start(&sp, workers) == 0;
        ok = ok && xlsx_zip_stream(z, b->sheet_parts[k], split_sink, &sp, scratch) == 0;
        if (split_finish(&sp, ok, &how->pieces) == 0) {
            how->parsers = how->pieces > 1 ? sp.nthreads + 1 : 1;
            return 0;
        }
        xlsx_grid_free(g); /* read again by one parser, for its message if the sheet has an error */
        how->why = "a cut at a row start was refused, in a comment, CDATA or a cell or before a row without its "
                   "number: read again whole";
        how->pieces = 0;
    }
    xlsx_sheet_state *s = xlsx_sheet_new(b, g, err);
    if (!s) {
        snprintf(err, XLSX_ERR, "out of memory");
        return -1;
    }
    int rc = xlsx_zip_parse(z, b->sheet_parts[k], xlsx_sheet_parser(s), err);
    xlsx_sheet_free(s);
    return rc;
}

int xlsx_sheet_read(xlsx_zip *z, const xlsx_book *b, size_t k, xlsx_grid *g, char err[XLSX_ERR])
{
    xlsx_how how;
    return xlsx_sheet_read_how(z, b, k, g, err, &how);
}
