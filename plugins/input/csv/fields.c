/* fields.c: the cold side of taking fields: text cells copied, errors, code blocks flushed, columns turned to doubles or text. */
#define _GNU_SOURCE /* mremap */
#include "fields.h"

#include <stdlib.h>

#include "huge_pages.h"

/*
 * A chunk's text and text cells grow while it is parsed. Below CSV_ROOM_MIN bytes they are
 * realloc's; from it on each is a mapping of its own in whole 2 MB pages, advised, grown by
 * moving its pages to the start of a larger such mapping (mremap) rather than by copying them.
 * Heap buffers, even advised ones (tally_huge_grow), were written 4 KB a fault once the heap
 * had held other things, and each move copied them into fresh memory: 2,800 of the 3,700
 * faults of the cold 1M bench report, at 5 to 9 us each on a virtual machine. The price: a
 * room holds whole 2 MB pages, at most 2 MB more a room than it uses (24 MB more peak memory
 * in that report, 150 to 174 MB; from 1 MB on it saved half the faults and 2 MB).
 */

void *csv_room_grow(void *p, size_t used, size_t old_cap, size_t cap)
{
    if (cap < CSV_ROOM_MIN) return realloc(p, cap ? cap : 1);
    size_t whole = tally_huge_round(cap), old = old_cap >= CSV_ROOM_MIN ? tally_huge_round(old_cap) : 0;
    if (p && old >= whole) return p;
    char *q = tally_map_advised(whole, TALLY_HUGE_PAGE);
    if (!q) return NULL;
    if (p && !old) { /* from the heap: copied once */
        memcpy(q, p, used);
        free(p);
    } else if (p && mremap(p, old, old, MREMAP_MAYMOVE | MREMAP_FIXED, q) == MAP_FAILED) {
        memcpy(q, p, used); /* the pages could not be moved: copied */
        munmap(p, old);
    }
    return q;
}

void csv_room_free(void *p, size_t cap)
{
    if (p && cap >= CSV_ROOM_MIN) munmap(p, tally_huge_round(cap));
    else free(p);
}

/* The first room for a chunk's text (bytes) and text cells: a share of the chunk's bytes, so
 * that a large chunk's buffers grow a few times rather than a dozen (a heap buffer's growth
 * copies it; a room's moves its pages); untouched room costs no memory beyond its 2 MB pages. */
static size_t first_room(const csv_chunk *c, size_t least, size_t bytes_per_unit)
{
    size_t share = c->limit > c->start ? (size_t)(c->limit - c->start) / bytes_per_unit : 0;
    return share > least ? share : least;
}

/* A string cell: its text is copied (without quotes when `quoted`), so that the
 * file's pages need not stay in memory. */
int csv_add_cell(csv_chunk *c, size_t row, const char *p, size_t len, size_t col, int quoted)
{
    if (c->text_cap - c->text_len < len) {
        size_t cap = c->text_cap ? c->text_cap : first_room(c, 1 << 16, 32);
        while (cap - c->text_len < len) cap *= 2;
        char *t = csv_room_grow(c->text, c->text_len, c->text_cap, cap);
        if (!t) {
            c->oom = 1;
            return -1;
        }
        c->text = t;
        c->text_cap = cap;
    }
    if (c->ncells == c->cells_cap) {
        size_t cap = c->cells_cap ? c->cells_cap * 2 : first_room(c, 1024, 256);
        csv_cell *n = csv_room_grow(c->cells, c->ncells * sizeof *n, c->cells_cap * sizeof *n, cap * sizeof *n);
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

void csv_set_error(csv_chunk *c, csv_err_kind kind, size_t line, size_t col, size_t a, size_t b,
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

/* Column k's codes of the rows of the current block before row r, to its buffer. */
void csv_flush_col(csv_chunk *c, size_t k, size_t r)
{
    size_t r0 = r & ~(size_t)(BLOCK - 1);
    memcpy(c->cols[k].codes + r0, c->blk + k * BLOCK, r - r0);
}

/* At the end of the chunk: the rows of the last, partial block. */
void csv_flush_end(csv_chunk *c, size_t r)
{
    for (size_t k = 0; k < c->cfg->ncols; k++)
        if (c->cols[k].kind == CSV_BUF_CODES) csv_flush_col(c, k, r);
#if defined(__SSE2__)
    _mm_sfence(); /* the streamed lines are visible before another thread merges them */
#endif
}

/* A column whose chunk-local values went over CSV_MAX_LEVELS: its rows 0..rows-1 become doubles. */
int csv_to_nums(csv_chunk *c, size_t k, size_t rows)
{
    csv_colbuf *b = &c->cols[k];
    csv_flush_col(c, k, rows);
    double *nums;
    if (c->in_region) { /* its region of the column's shared doubles */
        nums = csv_shared_nums(c->shared, k);
        if (!nums) return -1;
        nums += c->base;
        csv_populate(nums, c->cap * sizeof *nums);
    } else {
        nums = csv_buf_take(c, c->cap * sizeof *nums);
    }
    if (!nums) return -1;
    csv_ltab_to_nums(&b->lt, b->codes, rows, nums);
    csv_colbuf_leave(c, b);
    b->nums = nums;
    b->shared = c->in_region;
    b->kind = CSV_BUF_NUMS;
    return 0;
}

/* The pending columns of kept row r turn text from r on; their numbers are dropped. */
int csv_to_text(csv_chunk *c, size_t r, const pending *pd, size_t npd)
{
    for (size_t i = 0; i < npd; i++) {
        csv_colbuf *b = &c->cols[pd[i].col];
        csv_colbuf_leave(c, b);
        b->kind = CSV_BUF_TEXT;
        b->text_from = r;
        if (text_cell(c, r, pd[i].col, pd[i].fs, pd[i].len, pd[i].q, pd[i].n, pd[i].esc) != 0) return -1;
    }
    return 0;
}

/* A text cell fast_row listed: a quoted one loses its quotes (and "" is read as "). */
int csv_fast_text_cell(csv_chunk *c, size_t r, const fast_text *ft)
{
    const char *fs = ft->fs;
    size_t len = ft->len;
    if (*fs != '"') return text_cell(c, r, ft->col, fs, len, fs, len, 0);
    int esc = memchr(fs + 1, '"', len - 2) != NULL; /* quotes inside: csv_unquote */
    return text_cell(c, r, ft->col, fs, len, fs + 1, len - 2, esc);
}
