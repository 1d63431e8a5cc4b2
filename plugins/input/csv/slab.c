/* slab.c: a chunk's column buffers: a region of the buffers all chunks share, or its own (small first, then carved from one mapping sized from the rows seen); growth and release. */
#include "tokenize.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "huge_pages.h"

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
 * by another run. The shared code buffers of a large file are another matter
 * (csv_shared_open): they come from one block of the dataset in 2 MB pages
 * (huge_pages.h), written whole, and the cold 1M bench report was faster so
 * both back to back (319 against 438 ms, medians of 11 interleaved runs) and
 * after pauses of 4 s (342 against 385 ms, 7 runs).
 */

#ifndef CSV_FIRST_ROWS          /* (both settable when building, to test the slab on small files) */
#define CSV_FIRST_ROWS 4096     /* rows a chunk's buffers start with */
#endif
#ifndef CSV_SLAB_MIN
#define CSV_SLAB_MIN (8u << 20) /* smaller chunks keep malloc'ed buffers */
#endif
#define FIRST_ROWS CSV_FIRST_ROWS
#define SLAB_MIN CSV_SLAB_MIN

static void slab_open(csv_chunk *c, size_t bytes)
{
    void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return;
    c->slab = m;
    c->slab_size = bytes;
    c->slab_used = 0;
}

/* Maps [p, p + bytes) of the slab now, in one call (a hint: an old kernel refuses, nothing lost). */
void csv_populate(const void *p, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095, b = ((uintptr_t)p + bytes + 4095) & ~(uintptr_t)4095;
    if (b > a) madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)bytes;
#endif
}

/* A buffer of at least `bytes` bytes starting on a cache line, its size rounded up to whole
 * lines (aligned_alloc asks for a multiple of the alignment). */
static void *line_alloc(size_t bytes)
{
    return aligned_alloc(64, bytes ? (bytes + 63) & ~(size_t)63 : 64);
}

void *csv_buf_take(csv_chunk *c, size_t bytes)
{
    bytes = (bytes + 63) & ~(size_t)63;
    if (!c->direct && c->slab && c->slab_size - c->slab_used >= bytes) {
        void *p = c->slab + c->slab_used;
        c->slab_used += bytes;
        return p;
    }
    return line_alloc(bytes);
}

/* A direct chunk's column buffer moved to a new one of `bytes` bytes (its first `used` kept), 64-byte
 * aligned like every buffer here: the parse streams whole cache lines of codes into it, and a line
 * written at an address that is not a line's start becomes two partial writes to memory (realloc's
 * large blocks start 16 bytes into a page: chunk 0 parsed 20 to 45 ms slower than chunk 1 at 1M rows). */
static void *direct_regrow(void *old, size_t used, size_t bytes)
{
    void *n = line_alloc(bytes);
    if (!n) return NULL;
    if (used) memcpy(n, old, used);
    free(old);
    return n;
}

void csv_chunk_release(csv_chunk *c, void *p, size_t bytes)
{
    if (!p) return;
    char *q = p;
    if (!c->slab || q < c->slab || q >= c->slab + c->slab_size) {
        free(p);
        return;
    }
    csv_advise_pages(q, q + bytes, MADV_DONTNEED);
}

void csv_colbuf_drop(csv_chunk *c, csv_colbuf *b)
{
    if (!b->shared) { /* the shared buffers are the merge's */
        csv_chunk_release(c, b->codes, c->cap);
        csv_chunk_release(c, b->nums, c->cap * sizeof *b->nums);
    }
    csv_ltab_clear(&b->lt);
    b->codes = NULL;
    b->nums = NULL;
    b->shared = 0;
}

void csv_colbuf_leave(csv_chunk *c, csv_colbuf *b)
{
    if (b->shared && b->codes) csv_advise_pages(b->codes, b->codes + c->cap, MADV_DONTNEED);
    if (b->shared && b->nums) csv_advise_pages(b->nums, b->nums + c->cap, MADV_DONTNEED);
    csv_colbuf_drop(c, b);
}

int csv_chunk_init(csv_chunk *c)
{
    const csv_cfg *cfg = c->cfg;
    size_t ncols = cfg->ncols, bytes = c->limit > c->start ? (size_t)(c->limit - c->start) : 0;
    size_t most = bytes / (ncols ? ncols : 1) + 2; /* a kept row takes at least ncols bytes */
    c->cap = ((most < FIRST_ROWS ? most : FIRST_ROWS) + BLOCK - 1) & ~(size_t)(BLOCK - 1);
    c->in_region = c->shared != NULL;
    if (c->in_region) c->cap = c->region;
    c->cols = calloc(ncols + 1, sizeof *c->cols);
    if (!c->cols) return -1;
    c->cols[ncols].kind = CSV_BUF_END;
    csv_ltab_init(&c->cols[ncols].lt); /* no value has a code there (fields.h, one_digit_run) */
    for (size_t k = 0; k < ncols; k++) {
        csv_colbuf *b = &c->cols[k];
        csv_ltab_init(&b->lt);
        if (cfg->forced[k] == TALLY_STRING) {
            b->kind = CSV_BUF_TEXT;
            continue;
        }
        b->kind = CSV_BUF_CODES;
        b->shared = c->in_region;
        b->codes = c->in_region ? c->shared->codes[k] + c->base : csv_buf_take(c, c->cap);
        if (!b->codes) return -1;
    }
    return 0;
}

void csv_chunk_clear(csv_chunk *c)
{
    for (size_t k = 0; c->cols && k < c->cfg->ncols; k++) csv_colbuf_drop(c, &c->cols[k]);
    free(c->cols);
    csv_room_free(c->cells, c->cells_cap * sizeof *c->cells);
    csv_room_free(c->text, c->text_cap);
    if (c->slab) munmap(c->slab, c->slab_size);
    const size_t kept = offsetof(csv_chunk, check_start); /* the set-up (csv.h) */
    memset((char *)c + kept, 0, sizeof *c - kept);
}

int csv_chunk_grow(csv_chunk *c, const char *p)
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
            void *n = direct_regrow(b->kind == CSV_BUF_CODES ? (void *)b->codes : (void *)b->nums, old * unit, cap * unit);
            if (!n) return -1;
            if (b->kind == CSV_BUF_CODES) b->codes = n;
            else b->nums = n;
            size_t mine = (size_t)((double)old * (double)(c->limit - c->start) / (double)(done ? done : 1) * 1.06);
            if (mine > cap) mine = cap;
            if (mine > old) csv_populate((char *)n + old * unit, (mine - old) * unit);
        }
        c->cap = cap;
        return 0;
    }
    c->in_region = 0; /* outgrown: buffers of its own from here on, the rows so far copied */
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
            uint8_t *n = csv_buf_take(c, cap);
            if (!n) return -1;
            memcpy(n, b->codes, old);
            if (!b->shared) csv_chunk_release(c, b->codes, old);
            b->codes = n;
            b->shared = 0;
        } else if (b->kind == CSV_BUF_NUMS) {
            double *n = csv_buf_take(c, cap * sizeof *n);
            if (!n) return -1;
            memcpy(n, b->nums, old * sizeof *n);
            if (!b->shared) csv_chunk_release(c, b->nums, old * sizeof *n);
            b->nums = n;
            b->shared = 0;
        }
    }
    if (c->slab && c->slab_used > carved_from) csv_populate(c->slab + carved_from, c->slab_used - carved_from);
    c->cap = cap;
    return 0;
}

/* ---- the buffers all chunks share ------------------------------------------------- */

#ifndef CSV_REGION_SHARE /* settable when building: below 1, every chunk outgrows its region (tests) */
#define CSV_REGION_SHARE 1.04 /* a region's rows: the sample's estimate, 4% more */
#endif
#define SAMPLE_BYTES ((size_t)256 << 10) /* line ends counted at a chunk's start */

/* Rows for chunk c: its bytes times the line ends per byte of its first SAMPLE_BYTES
 * (a quoted line end only adds room), at most one row per ncols bytes; whole blocks. */
static size_t region_rows(const csv_chunk *c)
{
    size_t bytes = (size_t)(c->limit - c->start), ncols = c->cfg->ncols ? c->cfg->ncols : 1;
    size_t sample = bytes < SAMPLE_BYTES ? bytes : SAMPLE_BYTES, lines = 0;
    for (const char *p = c->start, *e = c->start + sample; p < e && (p = memchr(p, c->cfg->term, (size_t)(e - p)));
         p++)
        lines++;
    double est = sample ? (double)bytes * (double)(lines + 1) / (double)sample : 0;
    size_t rows = (size_t)(est * CSV_REGION_SHARE) + BLOCK, most = bytes / ncols + 2;
    if (rows > most) rows = most;
    return (rows + BLOCK - 1) & ~(size_t)(BLOCK - 1); /* every region starts a cache line of codes */
}

#ifndef CSV_BLOCK_MIN /* settable when building: the small-step tests put every file's codes in a block */
#define CSV_BLOCK_MIN TALLY_HUGE_MIN
#endif

/* One block of ds for the code buffers of the columns not declared text, `stride` bytes
 * each, where the host has blocks and they are large enough to gain from 2 MB pages. */
static uint8_t *codes_block(csv_shared *sh, const csv_cfg *cfg, size_t stride, const tally_host *h, tally_dataset *ds)
{
    size_t ncodes = 0;
    for (size_t k = 0; k < cfg->ncols; k++) ncodes += cfg->forced[k] != TALLY_STRING;
    if (!h || !TALLY_HOST_HAS(h, ds_view_codes) || !h->ds_block_new || !h->ds_view_codes) return NULL;
    if (ncodes == 0 || stride > SIZE_MAX / ncodes || ncodes * stride < CSV_BLOCK_MIN) return NULL;
    sh->block = h->ds_block_new(ds, ncodes * stride);
    sh->block_len = sh->block ? ncodes * stride : 0;
    return sh->block;
}

int csv_shared_in_block(const csv_shared *sh, const void *p)
{
    const uint8_t *q = p;
    return sh->block && q >= sh->block && q < sh->block + sh->block_len;
}

int csv_shared_open(csv_shared *sh, csv_chunk *chunks, size_t n, const tally_host *h, tally_dataset *ds)
{
    memset(sh, 0, sizeof *sh);
    const csv_cfg *cfg = chunks[0].cfg;
    size_t rows = 0;
    for (size_t i = 0; i < n; i++) {
        chunks[i].base = rows;
        chunks[i].region = region_rows(&chunks[i]);
        rows += chunks[i].region;
    }
    sh->ncols = cfg->ncols;
    sh->rows = rows;
    sh->codes = calloc(cfg->ncols ? cfg->ncols : 1, sizeof *sh->codes);
    sh->nums = calloc(cfg->ncols ? cfg->ncols : 1, sizeof *sh->nums);
    if (!sh->codes || !sh->nums) {
        csv_shared_free(sh);
        return -1;
    }
    size_t stride = (rows + 63) & ~(size_t)63; /* every column's codes start a cache line */
    uint8_t *block = codes_block(sh, cfg, stride, h, ds);
    for (size_t k = 0; k < cfg->ncols; k++) {
        if (cfg->forced[k] == TALLY_STRING) continue;
        if (block) {
            sh->codes[k] = block;
            block += stride;
            continue;
        }
        if (!(sh->codes[k] = line_alloc(rows))) { /* untouched pages cost nothing */
            csv_shared_free(sh);
            return -1;
        }
    }
    for (size_t i = 0; i < n; i++) chunks[i].shared = sh;
    return 0;
}

void csv_shared_free(csv_shared *sh)
{
    for (size_t k = 0; k < sh->ncols; k++) {
        if (sh->codes && !csv_shared_in_block(sh, sh->codes[k])) free(sh->codes[k]); /* a block is ds's */
        if (sh->nums) free(atomic_load(&sh->nums[k]));
    }
    free(sh->codes);
    free((void *)sh->nums);
    memset(sh, 0, sizeof *sh);
}

double *csv_shared_nums(csv_shared *sh, size_t k)
{
    double *have = atomic_load(&sh->nums[k]);
    if (have) return have;
    double *mine = line_alloc(sh->rows * sizeof *mine);
    if (!mine) return NULL;
    tally_huge_advise(mine, sh->rows * sizeof *mine); /* every chunk fills its rows */
    if (atomic_compare_exchange_strong(&sh->nums[k], &have, mine)) return mine;
    free(mine); /* another chunk's thread made it first: `have` is the one */
    return have;
}

void csv_chunk_map_region(csv_chunk *c)
{
    /* in the block, the first write to each 2 MB page maps it whole: nothing to gain by a call */
    if (!c->in_region || c->shared->block) return;
    for (size_t k = 0; k < c->cfg->ncols; k++)
        if (c->cols[k].kind == CSV_BUF_CODES && c->cols[k].shared) csv_populate(c->cols[k].codes, c->region);
}
