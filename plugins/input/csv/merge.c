/* merge.c: phase 2 of the csv reader: each column's cells from every chunk into the dataset, on all cores. */
#include "reader.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Stores the cells of the text columns merge thread t owns, from every chunk, in one pass
 * over the cells (a column touches only its own storage, so each thread stores its own
 * columns while the others store theirs). One pass a thread, not one a column: the cells
 * of all text columns lie in one list a chunk, and a file of 40 text columns read it 40
 * times (a third of its load). Each column's cells are still stored in row order. */
static void store_text(reader *r, size_t t)
{
    for (size_t i = 0; i < r->nchunks; i++) {
        const csv_chunk *c = &r->chunks[i];
        for (size_t j = 0; j < c->ncells; j++) {
            const csv_cell *cell = &c->cells[j];
            size_t k = cell->col;
            if (!r->out[k].text || r->text_owner[k] != t) continue;
            if (r->call.h->ds_set_string(r->ds, r->idx[k], c->row0 + cell->row, c->text + cell->off, cell->len) != 0) {
                atomic_store(&r->oom, 1);
                return;
            }
        }
    }
}

/* Maps the pages of a column the merge is about to fill in one call, rather
 * than one page fault at a time. */
static void prefault(void *p, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
    csv_advise_pages(p, (char *)p + bytes, MADV_POPULATE_WRITE); /* an old kernel refuses: nothing lost */
#else
    (void)p;
    (void)bytes;
#endif
}

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
/* remap_codes for at most 16 values on a CPU with AVX2: 32 cells a step, each code
 * below 16 looked up by one byte shuffle of map[0..15] (CSV_CODE_NONE, whose top bit
 * the shuffle reads as "none", set apart); the cells left over are not done. */
__attribute__((target("avx2"))) static size_t remap_shuffle(uint8_t *dst, const uint8_t *src, size_t n,
                                                           const uint8_t map[256])
{
    __m256i table = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)map));
    __m256i none = _mm256_set1_epi8((char)CSV_CODE_NONE), put_none = _mm256_set1_epi8((char)map[CSV_CODE_NONE]);
    size_t j = 0;
    for (; j + 32 <= n; j += 32) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(src + j));
        __m256i v = _mm256_shuffle_epi8(table, x); /* 0 where the top bit is set: CSV_CODE_NONE */
        v = _mm256_or_si256(v, _mm256_and_si256(_mm256_cmpeq_epi8(x, none), put_none));
        _mm256_storeu_si256((__m256i *)(void *)(dst + j), v);
    }
    return j;
}
#endif

/* 1 when the codes are renumbered by remap_shuffle: the read's tokenizer runs AVX2 (so
 * TALLY_CSV_KERNEL=sse2 or portable, in tests, also reads them with the other ways). */
static int shuffles(const reader *r)
{
    return csv_kernel_available(CSV_KERNEL_AVX2) && r->cfg.classify == csv_kernel_fn(CSV_KERNEL_AVX2);
}

/* dst[j] = map[src[j]] for n cells whose codes are below nl or CSV_CODE_NONE (dst
 * at or below src when they overlap: each step reads its cells before it writes).
 * With `shuffle` (the read's tokenizer runs AVX2) a column of at most 16 values
 * goes 32 cells at a time by a table shuffle; else a column with a handful of
 * values (dichotomies, ratings) 16 cells at a time, each value a compare and a
 * mask; the others a table lookup a cell. */
static void remap_codes(uint8_t *dst, const uint8_t *src, size_t n, const uint8_t map[256], unsigned nl, int shuffle)
{
    size_t j = 0;
#if defined(__x86_64__) || defined(__i386__)
    if (shuffle && nl <= 16) j = remap_shuffle(dst, src, n, map);
#else
    (void)shuffle;
#endif
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

/* A chunk's codes of column k renumbered to the column's levels, from src to dst within
 * one buffer or from another: going up the rows when dst is not above src (a block is
 * read before it is written), else (dst above src and overlapping it) moved first, then
 * renumbered in place. */
static void move_codes(uint8_t *dst, const uint8_t *src, size_t n, const csv_colbuf *b, const csv_colout *o,
                       int shuffle)
{
    uint8_t map[256];
    csv_ltab_map(&b->lt, o->levels, o->nlevels, map);
    unsigned same = 0;
    while (same < b->lt.n && map[same] == same) same++;
    if (same == b->lt.n) {
        if (dst != src) memmove(dst, src, n);
        return;
    }
    if (dst > src && dst < src + n) { /* overlapping, the place above: a step would write over cells still to read */
        memmove(dst, src, n);
        src = dst;
    }
    remap_codes(dst, src, n, map, b->lt.n, shuffle);
}

/* Chunk c's rows of column k put in place in the column's shared buffer (`codes` set: its
 * code buffer, else its doubles), from wherever they are: `inside` set, only the rows in
 * the same buffer (their region), else only the others (their own buffers, or codes to
 * be written as doubles). */
static void place_rows(reader *r, size_t k, const csv_chunk *c, int codes, int inside)
{
    const csv_colbuf *b = &c->cols[k];
    csv_shared *sh = &r->shared;
    size_t n = c->rows;
    int in = b->shared && (codes ? b->kind == CSV_BUF_CODES : b->kind == CSV_BUF_NUMS);
    if (!n || in != inside) return;
    if (codes) { /* rows in the region are found from the buffer, which may have moved to grow */
        uint8_t *buf = sh->codes[k];
        move_codes(buf + c->row0, in ? buf + c->base : b->codes, n, b, &r->out[k], shuffles(r));
    } else if (b->kind == CSV_BUF_NUMS) {
        double *buf = atomic_load(&sh->nums[k]), *src = in ? buf + c->base : b->nums;
        if (buf + c->row0 != src) memmove(buf + c->row0, src, n * sizeof *src);
    } else {
        csv_ltab_to_nums(&b->lt, b->codes, n, atomic_load(&sh->nums[k]) + c->row0);
    }
}

/* Column k whose chunks wrote to one shared buffer: every chunk's rows moved down (or,
 * after a chunk outgrew its region, up) to their place in it, in an order that never
 * writes over rows still to be moved: those moving down from the first chunk on,
 * those moving up from the last one back, then the rows held elsewhere. The buffer,
 * cut to the rows, is then handed over like an adopted one. */
static void merge_shared_column(reader *r, size_t k)
{
    csv_colout *o = &r->out[k];
    int codes = o->region == 1;
    size_t unit = codes ? 1 : sizeof(double);
    void *buf = codes ? (void *)r->shared.codes[k] : (void *)atomic_load(&r->shared.nums[k]);
    int in_block = csv_shared_in_block(&r->shared, buf);
    if (r->nrows > r->shared.rows) { /* chunks that outgrew their regions: more rows than the regions' sum */
        void *more = in_block ? malloc(r->nrows * unit) : realloc(buf, r->nrows * unit);
        if (more && in_block) memcpy(more, buf, r->shared.rows * unit); /* the block keeps its room: a copy */
        in_block = 0;
        if (!more) {
            o->adopt = -1;
            return;
        }
        buf = more;
        if (codes) r->shared.codes[k] = buf;
        else atomic_store(&r->shared.nums[k], buf);
    }
    for (size_t i = 0; i < r->nchunks; i++)
        if (r->chunks[i].base >= r->chunks[i].row0) place_rows(r, k, &r->chunks[i], codes, 1);
    for (size_t i = r->nchunks; i-- > 0;)
        if (r->chunks[i].base < r->chunks[i].row0) place_rows(r, k, &r->chunks[i], codes, 1);
    for (size_t i = 0; i < r->nchunks; i++) place_rows(r, k, &r->chunks[i], codes, 0);
    for (size_t i = 0; i < r->nchunks; i++) csv_colbuf_drop(&r->chunks[i], &r->chunks[i].cols[k]);
    /* handed over: the column's from now on (the part past the rows given back); a block's
     * codes are viewed where they are */
    void *cut = in_block ? buf : realloc(buf, r->nrows * unit);
    if (cut) buf = cut;
    o->view = in_block;
    if (codes) {
        r->shared.codes[k] = NULL;
        o->codes = buf;
    } else {
        atomic_store(&r->shared.nums[k], NULL);
        o->num = buf;
    }
    o->adopt = 1;
}

/* Copies numeric column k from every chunk's buffer into the dataset, then frees those buffers. */
static void merge_column(reader *r, size_t k)
{
    csv_colout *o = &r->out[k];
    if (o->region) {
        merge_shared_column(r, k);
        return;
    }
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
            uint8_t *dst = o->codes + c->row0;
            move_codes(dst, own ? dst : b->codes, n, b, o, shuffles(r));
        } else if (n && o->num && b->kind == CSV_BUF_CODES) {
            csv_ltab_to_nums(&b->lt, b->codes, n, o->num + c->row0);
        } else if (n && o->num && b->kind == CSV_BUF_NUMS && !own) {
            memcpy(o->num + c->row0, b->nums, n * sizeof *b->nums);
        }
        csv_colbuf_drop(c, b);
    }
}

/* Merge thread t: the text columns it owns, then columns from the shared queue until it is
 * empty: dates first (the longest of those jobs), then the numeric ones. */
static void merge_columns(reader *r, size_t t)
{
    store_text(r, t);
    for (;;) {
        size_t q = atomic_fetch_add(&r->next_col, 1);
        if (q >= r->norder) break;
        size_t k = r->order[q];
        if (r->out[k].date)
            csv_dates_store(r->chunks, r->nchunks, k, r->date_form[k], r->date_kind[k], r->out[k].num, r->nrows);
        else if (r->out[k].codes || r->out[k].num || r->out[k].adopt || r->out[k].region) merge_column(r, k);
    }
}

typedef struct merge_arg {
    reader *r;
    size_t t;
} merge_arg;

static void *merge_worker(void *arg)
{
    merge_arg *a = arg;
    merge_columns(a->r, a->t);
    return NULL;
}

/* The text columns shared out among the n merge threads, the one with the fewest cells so far
 * taking the next column (cells counted over every chunk), and each column's room for all its
 * text asked of the host in the same pass over the cells: an arena grown by doubling copied
 * its text each time and wrote twice its size in fresh memory (the merge's longest step at
 * 1,000,000 rows; the build step 17.9 -> 11.2 ms with the room made first, medians of 8
 * interleaved runs). A host without ds_reserve_text grows the arena. */
static void share_text(reader *r, size_t n)
{
    size_t nc = r->ncols ? r->ncols : 1, load[MAX_CHUNKS] = {0};
    size_t *cells = calloc(nc, sizeof *cells), *bytes = calloc(nc, sizeof *bytes);
    for (size_t i = 0; cells && bytes && i < r->nchunks; i++)
        for (size_t j = 0; j < r->chunks[i].ncells; j++) {
            const csv_cell *cell = &r->chunks[i].cells[j];
            cells[cell->col]++;
            if (cell->len) bytes[cell->col] += cell->len + 1; /* an empty text takes no room */
        }
    const tally_host *h = r->call.h;
    int reserve = cells && bytes && TALLY_HOST_HAS(h, ds_reserve_text) && h->ds_reserve_text;
    for (size_t k = 0; k < r->ncols; k++) {
        if (!r->out[k].text) continue;
        size_t least = 0;
        for (size_t t = 1; t < n; t++)
            if (load[t] < load[least]) least = t;
        r->text_owner[k] = least;
        load[least] += cells && bytes ? cells[k] + 1 : 1;
        if (reserve && bytes[k]) h->ds_reserve_text(r->ds, r->idx[k], bytes[k]);
    }
    free(cells);
    free(bytes);
}

/* Every column on every thread: each thread its share of the text columns, then the
 * others from the queue. */
static int merge_threads(reader *r, tally_dataset *out, const int *idx)
{
    size_t nthreads = r->nthreads < r->ncols ? r->nthreads : r->ncols, nc = r->ncols ? r->ncols : 1;
    if (!r->nrows || !nthreads) nthreads = 1;
    pthread_t tids[MAX_CHUNKS];
    int started[MAX_CHUNKS] = {0};
    merge_arg args[MAX_CHUNKS];
    r->order = malloc(nc * sizeof *r->order);
    r->text_owner = calloc(nc, sizeof *r->text_owner);
    if (!r->order || !r->text_owner) return -1;
    size_t no = 0;
    for (size_t k = 0; k < r->ncols; k++)
        if (r->out[k].date) r->order[no++] = k;
    for (size_t k = 0; k < r->ncols; k++)
        if (!r->out[k].text && !r->out[k].date) r->order[no++] = k;
    r->norder = no;
    r->ds = out;
    r->idx = idx;
    share_text(r, nthreads);
    atomic_store(&r->oom, 0);
    atomic_store(&r->next_col, 0);
    for (size_t t = 0; t < nthreads; t++) args[t] = (merge_arg){r, t};
    for (size_t t = 1; t < nthreads; t++) started[t] = pthread_create(&tids[t], NULL, merge_worker, &args[t]) == 0;
    for (size_t t = 1; t < nthreads; t++) /* a thread that did not start: its text columns here */
        if (!started[t]) store_text(r, t);
    merge_columns(r, 0);
    for (size_t t = 1; t < nthreads; t++)
        if (started[t]) pthread_join(tids[t], NULL);
    return atomic_load(&r->oom) ? -1 : 0;
}

int csv_merge_run(reader *r, tally_dataset *out, const int *idx)
{
    const tally_host *h = r->call.h;
    int rc = merge_threads(r, out, idx);
    for (size_t k = 0; k < r->ncols; k++) { /* the filled buffers handed over */
        csv_colout *o = &r->out[k];
        if (o->adopt < 0) rc = -1;
        if (o->adopt <= 0) continue;
        int took = -1;
        if (rc == 0 && o->view) took = h->ds_view_codes(out, idx[k], o->codes, o->levels, o->nlevels);
        else if (rc == 0)
            took = o->codes ? h->ds_adopt_codes(out, idx[k], o->codes, o->levels, o->nlevels)
                            : h->ds_adopt_numeric(out, idx[k], o->num);
        if (took != 0) {
            if (!o->view) free(o->codes ? (void *)o->codes : (void *)o->num); /* a block's codes are the dataset's */
            rc = -1;
        }
        o->view = 0;
        o->adopt = 0;
        o->codes = NULL;
        o->num = NULL;
    }
    r->idx = NULL;
    return rc;
}
