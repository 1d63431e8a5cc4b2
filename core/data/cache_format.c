/* cache_format.c: a dataset as cache metadata and cell arrays, and back, every length and index checked. */
#include "cache_int.h"
#include "category_order.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NO_STRING UINT64_MAX /* the length written for a NULL string */

/* ---- writing ---------------------------------------------------------------------- */

static void put_u64(sbuf *b, uint64_t v) { sbuf_add(b, (const char *)&v, sizeof v); }
static void put_f64(sbuf *b, double v) { sbuf_add(b, (const char *)&v, sizeof v); }

static void put_str(sbuf *b, const char *s)
{
    if (!s) {
        put_u64(b, NO_STRING);
        return;
    }
    size_t n = strlen(s);
    put_u64(b, n);
    sbuf_add(b, s, n);
}

typedef struct span_list {
    cache_span *v;
    size_t n, cap;
    uint64_t end;
} span_list;

/* Places an array of len bytes in the data region and writes its span. */
static void put_span(sbuf *b, span_list *l, const void *src, uint64_t len)
{
    if (!src) {
        put_u64(b, NO_STRING);
        put_u64(b, 0);
        return;
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    uint64_t off = (l->end + CACHE_ALIGN - 1) / CACHE_ALIGN * CACHE_ALIGN;
    l->v[l->n++] = (cache_span){src, off, len};
    l->end = off + len;
    put_u64(b, off);
    put_u64(b, len);
}

/* A codebook's `order` and `last_answers` (category_order.h): the codebook is applied before
 * the dataset is cached, so what it says about the order travels with the columns. */
static void put_order(sbuf *b, const tally_cat_order *o)
{
    put_u64(b, o ? 1 : 0);
    if (!o) return;
    put_u64(b, o->texts ? 1 : 0);
    put_u64(b, o->n);
    for (size_t k = 0; k < o->n; k++) {
        if (o->texts) put_str(b, o->texts[k]);
        else put_f64(b, o->codes[k]);
    }
    put_u64(b, o->nlast);
    for (size_t k = 0; k < o->nlast; k++) put_str(b, o->last[k]);
}

static void put_column(sbuf *b, span_list *l, const tally_column *c)
{
    put_str(b, c->name);
    put_str(b, c->label);
    put_u64(b, (uint64_t)c->type);
    put_u64(b, (uint64_t)c->measure);
    put_str(b, c->format);
    put_u64(b, (uint64_t)(int64_t)c->width);
    put_u64(b, (uint64_t)(int64_t)c->decimals);
    put_u64(b, (uint64_t)(int64_t)c->is_date);
    put_u64(b, (uint64_t)c->blank_valid);
    put_u64(b, (uint64_t)c->is_metadata);
    put_u64(b, c->len);
    put_u64(b, c->codes ? c->nlevels : 0);
    for (unsigned k = 0; c->codes && k < c->nlevels; k++) put_f64(b, c->levels[k]);
    put_span(b, l, c->num, c->num ? c->len * sizeof *c->num : 0);
    put_span(b, l, c->codes, c->codes ? c->len : 0);
    put_span(b, l, c->str, c->str ? c->len * sizeof *c->str : 0);
    put_span(b, l, c->arena, c->arena ? c->arena_len : 0);
    put_u64(b, c->nlabels);
    for (size_t k = 0; k < c->nlabels; k++) {
        put_f64(b, c->labels[k].code);
        put_str(b, c->labels[k].scode);
        put_str(b, c->labels[k].label);
    }
    put_u64(b, c->nmissing);
    for (size_t k = 0; k < c->nmissing; k++) put_f64(b, c->missing[k]);
    put_u64(b, c->nsmissing);
    for (size_t k = 0; k < c->nsmissing; k++) put_str(b, c->smissing[k]);
    put_u64(b, (uint64_t)c->has_range);
    put_f64(b, c->range_lo);
    put_f64(b, c->range_hi);
    put_order(b, c->order);
}

void cache_put_dataset(sbuf *meta, const char *key, const tally_dataset *ds, const char *messages,
                       size_t messages_len, cache_span **spans, size_t *nspans)
{
    span_list l = {0};
    put_str(meta, key);
    put_str(meta, ds->source);
    put_str(meta, ds->file_label);
    put_u64(meta, ds->ndocuments);
    for (size_t i = 0; i < ds->ndocuments; i++) put_str(meta, ds->documents[i]);
    put_u64(meta, ds->phys_len);
    put_u64(meta, ds->ncols);
    for (size_t i = 0; i < ds->ncols; i++) put_column(meta, &l, ds->cols[i]);
    put_u64(meta, ds->nmrsets);
    for (size_t i = 0; i < ds->nmrsets; i++) {
        const tally_mrset *m = &ds->mrsets[i];
        put_str(meta, m->name);
        put_str(meta, m->label);
        put_u64(meta, (uint64_t)m->kind);
        put_f64(meta, m->counted);
        put_u64(meta, m->ncols);
        for (size_t k = 0; k < m->ncols; k++) put_u64(meta, (uint64_t)m->cols[k]);
    }
    put_u64(meta, (uint64_t)(int64_t)ds->weight);
    put_u64(meta, ds->ninfo);
    for (size_t i = 0; i < 2 * ds->ninfo; i++) put_str(meta, ds->info[i]);
    put_u64(meta, messages_len);
    sbuf_add(meta, messages ? messages : "", messages_len);
    *spans = l.v;
    *nspans = l.n;
}

/* ---- reading ------------------------------------------------------------------------ */

typedef struct cursor {
    const char *p, *end;
    const char *data;
    size_t data_len;
    int bad;
    const char *why;
} cursor;

static void bad(cursor *c, const char *why)
{
    if (!c->bad) c->why = why;
    c->bad = 1;
    c->p = c->end;
}

static uint64_t get_u64(cursor *c)
{
    uint64_t v = 0;
    if ((size_t)(c->end - c->p) < sizeof v) {
        bad(c, "its metadata ends early");
        return 0;
    }
    memcpy(&v, c->p, sizeof v);
    c->p += sizeof v;
    return v;
}

static double get_f64(cursor *c)
{
    uint64_t u = get_u64(c);
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* A count of items of at least `each` bytes that the remaining metadata can hold. */
static size_t get_count(cursor *c, size_t each)
{
    uint64_t n = get_u64(c);
    if (n > (uint64_t)(c->end - c->p) / (each ? each : 1)) {
        bad(c, "a count in its metadata is larger than the file");
        return 0;
    }
    return (size_t)n;
}

/* A new string (NULL stays NULL). */
static char *get_str(cursor *c)
{
    uint64_t n = get_u64(c);
    if (n == NO_STRING || c->bad) return NULL;
    if (n > (uint64_t)(c->end - c->p)) {
        bad(c, "a text in its metadata is longer than the file");
        return NULL;
    }
    char *s = xstrndup(c->p, (size_t)n);
    c->p += n;
    return s;
}

/* The address of a span of `want` bytes in the data region, aligned to `align`; NULL if absent. */
static const void *get_span(cursor *c, uint64_t want, size_t align, int *absent)
{
    uint64_t off = get_u64(c), len = get_u64(c);
    *absent = off == NO_STRING;
    if (*absent || c->bad) return NULL;
    if (len != want || off > c->data_len || len > c->data_len - off || off % align != 0) {
        bad(c, "a column's cells lie outside the file or have the wrong length");
        return NULL;
    }
    return c->data + off;
}

int cache_codes_within(const uint8_t *codes, size_t n, unsigned nlevels)
{
    /* A cell is in range when below nlevels or the missing code 255. Adding 1
     * (mod 256) takes 255 to 0 and the rest to 1..255, so every cell is in range
     * exactly when the largest code + 1 is at most nlevels: a byte maximum, which
     * the compiler does 16 or 32 cells at a time (a test per cell did not). */
    _Static_assert(TALLY_CODE_SYSMIS == 255, "the missing code is the largest byte");
    uint8_t top = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t up = (uint8_t)(codes[i] + 1u);
        top = up > top ? up : top;
    }
    return top <= nlevels;
}

int cache_offsets_below(const uint64_t *offsets, size_t n, uint64_t arena_len)
{
    if (arena_len > INT64_MAX) { /* no arena is this long; the exact test */
        uint64_t worst = 0;
        for (size_t i = 0; i < n; i++) worst = offsets[i] > worst ? offsets[i] : worst;
        return n == 0 || worst < arena_len;
    }
    /* With arena_len below 2^63, an offset o is below it exactly when o's top bit is clear
     * and o - arena_len borrows (which sets it). So every offset is in range when the OR of
     * o | ~(o - arena_len) over all of them has a clear top bit: subtractions and ORs, which
     * SSE2 does two offsets at a time, where a 64-bit maximum was one at a time (a third of
     * the load's range checking on the 1M bench cache). */
    uint64_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= offsets[i] | ~(offsets[i] - arena_len);
    return !(acc >> 63);
}

int cache_arena_whole(const tally_column *col)
{
    return !col->str || (col->arena && col->arena_len != 0 && col->arena[col->arena_len - 1] == '\0');
}

static void get_cells(cursor *c, tally_column *col, tally_mapping *m)
{
    int absent_num, absent_codes, absent_str, absent_arena;
    size_t len = col->len;
    const void *num = get_span(c, (uint64_t)len * sizeof(double), sizeof(double), &absent_num);
    const void *codes = get_span(c, len, 1, &absent_codes);
    const void *str = get_span(c, (uint64_t)len * sizeof(uint64_t), sizeof(uint64_t), &absent_str);
    int absent;
    cursor peek = *c; /* the arena's length is its own: read it before checking */
    get_u64(&peek);
    uint64_t arena_len = get_u64(&peek);
    const void *arena = get_span(c, arena_len, 1, &absent_arena);
    absent = absent_arena;
    if (c->bad) return;
    int numeric = col->type == TALLY_NUMERIC;
    if (numeric ? (absent_num == absent_codes || !absent_str || !absent)
                : (!absent_num || !absent_codes || absent_str || absent)) {
        bad(c, "a column's cells do not match its type");
        return;
    }
    col->num = (double *)num;
    col->codes = (uint8_t *)codes;
    col->str = (uint64_t *)str;
    col->arena = (char *)arena;
    col->arena_len = col->arena_cap = (size_t)arena_len;
    col->mapping = m;
    __atomic_add_fetch(&m->refs, 1, __ATOMIC_RELAXED); /* the range checks are the loader's, beside the hashing */
}

/* The order put_order wrote, or NULL. */
static tally_cat_order *get_order(cursor *c)
{
    if (!get_u64(c) || c->bad) return NULL;
    tally_cat_order *o = xcalloc(1, sizeof *o);
    int texts = get_u64(c) != 0;
    o->n = get_count(c, sizeof(double));
    if (texts) o->texts = xcalloc(o->n ? o->n : 1, sizeof *o->texts);
    else o->codes = xcalloc(o->n ? o->n : 1, sizeof *o->codes);
    for (size_t k = 0; k < o->n; k++) {
        if (!texts) o->codes[k] = get_f64(c);
        else if (!(o->texts[k] = get_str(c))) o->texts[k] = xstrdup("");
    }
    o->nlast = get_count(c, sizeof(uint64_t));
    o->last = xcalloc(o->nlast ? o->nlast : 1, sizeof *o->last);
    for (size_t k = 0; k < o->nlast; k++)
        if (!(o->last[k] = get_str(c))) o->last[k] = xstrdup("");
    return o;
}

static tally_column *get_column(cursor *c, size_t phys_len, tally_mapping *m)
{
    char *name = get_str(c);
    tally_column *col = xcalloc(1, sizeof *col);
    col->refs = 1;
    col->name = name ? name : xstrdup("");
    col->label = get_str(c);
    uint64_t type = get_u64(c), measure = get_u64(c);
    col->type = type == TALLY_STRING ? TALLY_STRING : TALLY_NUMERIC;
    col->measure = (tally_measure)measure;
    if (type != TALLY_STRING && type != TALLY_NUMERIC) bad(c, "a column has an unknown type");
    col->format = get_str(c);
    col->width = (int)(int64_t)get_u64(c);
    col->decimals = (int)(int64_t)get_u64(c);
    col->is_date = (int)(int64_t)get_u64(c);
    col->blank_valid = (int)get_u64(c);
    col->is_metadata = get_u64(c) != 0;
    col->len = (size_t)get_u64(c);
    if (col->len != phys_len) bad(c, "a column's length differs from the dataset's");
    size_t nlevels = get_count(c, sizeof(double));
    if (nlevels > TALLY_MAX_LEVELS) bad(c, "a column has too many levels");
    if (nlevels && !c->bad) {
        col->levels = xmalloc(nlevels * sizeof *col->levels);
        for (size_t k = 0; k < nlevels; k++) col->levels[k] = get_f64(c);
        col->nlevels = (unsigned)nlevels;
    }
    get_cells(c, col, m);
    if (col->codes && !col->levels) col->levels = xmalloc(sizeof *col->levels); /* every cell system-missing */
    col->nlabels = col->labels_cap = get_count(c, 3 * sizeof(uint64_t));
    col->labels = xcalloc(col->nlabels ? col->nlabels : 1, sizeof *col->labels);
    for (size_t k = 0; k < col->nlabels; k++) {
        col->labels[k].code = get_f64(c);
        col->labels[k].scode = get_str(c);
        col->labels[k].label = get_str(c);
        if (!col->labels[k].label) col->labels[k].label = xstrdup("");
    }
    col->nmissing = get_count(c, sizeof(double));
    col->missing = col->nmissing ? xmalloc(col->nmissing * sizeof *col->missing) : NULL;
    for (size_t k = 0; k < col->nmissing; k++) col->missing[k] = get_f64(c);
    col->nsmissing = get_count(c, sizeof(uint64_t));
    col->smissing = col->nsmissing ? xcalloc(col->nsmissing, sizeof *col->smissing) : NULL;
    for (size_t k = 0; k < col->nsmissing; k++) {
        col->smissing[k] = get_str(c);
        if (!col->smissing[k]) col->smissing[k] = xstrdup("");
    }
    col->has_range = (int)get_u64(c);
    col->range_lo = get_f64(c);
    col->range_hi = get_f64(c);
    col->order = get_order(c);
    return col;
}

const char *cache_get_key(const char *meta, size_t meta_len, size_t *key_len)
{
    cursor c = {meta, meta + meta_len, NULL, 0, 0, NULL};
    uint64_t n = get_u64(&c);
    if (c.bad || n > (uint64_t)(c.end - c.p)) return NULL;
    *key_len = (size_t)n;
    return c.p;
}

static void get_mrsets(cursor *c, tally_dataset *ds)
{
    size_t n = get_count(c, 5 * sizeof(uint64_t));
    for (size_t i = 0; i < n && !c->bad; i++) {
        char *name = get_str(c), *label = get_str(c);
        uint64_t kind = get_u64(c);
        double counted = get_f64(c);
        size_t ncols = get_count(c, sizeof(uint64_t));
        int *cols = xmalloc((ncols ? ncols : 1) * sizeof *cols);
        for (size_t k = 0; k < ncols; k++) {
            uint64_t v = get_u64(c);
            cols[k] = v < ds->ncols ? (int)v : -1;
        }
        if (!c->bad && tally_dataset_add_mrset(ds, name ? name : "", label, (tally_mrset_kind)kind, counted, cols,
                                               ncols) < 0)
            bad(c, "a multiple-response set names a column it does not have");
        free(name);
        free(label);
        free(cols);
    }
}

tally_dataset *cache_get_dataset(const char *meta, size_t meta_len, const char *data, size_t data_len,
                                 tally_mapping *m, const char *name, const char **messages, size_t *messages_len,
                                 const char **why)
{
    cursor c = {meta, meta + meta_len, data, data_len, 0, NULL};
    free(get_str(&c)); /* the key, compared by the caller */
    tally_dataset *ds = tally_dataset_new(name);
    char *s = get_str(&c);
    ds->source = s;
    ds->file_label = get_str(&c);
    ds->ndocuments = get_count(&c, sizeof(uint64_t));
    ds->documents = ds->ndocuments ? xcalloc(ds->ndocuments, sizeof *ds->documents) : NULL;
    for (size_t i = 0; i < ds->ndocuments; i++) {
        ds->documents[i] = get_str(&c);
        if (!ds->documents[i]) ds->documents[i] = xstrdup("");
    }
    ds->phys_len = ds->nrows = (size_t)get_u64(&c);
    size_t ncols = get_count(&c, 20 * sizeof(uint64_t));
    for (size_t i = 0; i < ncols && !c.bad; i++) {
        tally_column *col = get_column(&c, ds->phys_len, m);
        if (tally_dataset_find(ds, col->name) >= 0 || tally_dataset_attach_column(ds, col) < 0)
            bad(&c, "two columns have one name");
        tally_column_unref(col);
    }
    get_mrsets(&c, ds);
    int64_t weight = (int64_t)get_u64(&c);
    if (weight < -1 || weight >= (int64_t)ds->ncols) bad(&c, "its weight names no column");
    ds->weight = c.bad ? -1 : (int)weight;
    ds->ninfo = get_count(&c, 2 * sizeof(uint64_t));
    ds->info = ds->ninfo ? xcalloc(2 * ds->ninfo, sizeof *ds->info) : NULL;
    for (size_t i = 0; i < 2 * ds->ninfo; i++) {
        ds->info[i] = get_str(&c);
        if (!ds->info[i]) ds->info[i] = xstrdup("");
    }
    *messages_len = get_count(&c, 1);
    *messages = c.p;
    c.p += *messages_len;
    if (!c.bad && c.p != c.end) bad(&c, "its metadata has bytes after its end");
    if (c.bad) {
        *why = c.why;
        tally_dataset_free(ds);
        return NULL;
    }
    return ds;
}
