/* dataset.c: columnar dataset storage, metadata, views and compact storage (the host table's entries: dataset_host.c). */
#include "dataset.h"
#include "category_order.h"
#include "value_labels.h"
#include "../plugins/common/huge_pages.h"
#include "parallel.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

tally_column *tally_column_new(const char *name, tally_var_type type, size_t len)
{
    tally_column *c = xcalloc(1, sizeof *c);
    c->refs = 1;
    c->name = xstrdup(name);
    c->type = type;
    c->len = len;
    if (type == TALLY_NUMERIC) {
        c->num = xmalloc((len ? len : 1) * sizeof *c->num);
        for (size_t i = 0; i < len; i++) c->num[i] = NAN;
    } else {
        c->str = xcalloc(len ? len : 1, sizeof *c->str);
        c->arena_cap = 64;
        c->arena = xmalloc(c->arena_cap);
        c->arena[0] = '\0';
        c->arena_len = 1;
    }
    return c;
}

tally_mapping *tally_mapping_new(void *base, size_t len)
{
    tally_mapping *m = xcalloc(1, sizeof *m);
    m->refs = 1;
    m->base = base;
    m->len = len;
    m->memo = tally_mapping_memo_new();
    return m;
}

void tally_mapping_unref(tally_mapping *m)
{
    if (!m || __atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL) > 0) return; /* stages on two threads share columns */
    if (m->base) munmap(m->base, m->len);
    tally_mapping_memo_free(m->memo);
    free(m->spans);
    free(m);
}

/* A heap copy of n bytes of a mapped array (at least one byte), or NULL when out of memory. */
static void *heap_copy(const void *p, size_t n)
{
    void *q = malloc(n ? n : 1);
    if (q && n) memcpy(q, p, n);
    return q;
}

int tally_column_own(tally_column *c)
{
    if (!c->mapping) return 0;
    size_t n = c->len ? c->len : 1;
    double *num = c->num ? heap_copy(c->num, n * sizeof *num) : NULL;
    uint8_t *codes = c->codes ? heap_copy(c->codes, n) : NULL;
    uint64_t *str = c->str ? heap_copy(c->str, n * sizeof *str) : NULL;
    char *arena = c->arena ? heap_copy(c->arena, c->arena_len) : NULL;
    if ((c->num && !num) || (c->codes && !codes) || (c->str && !str) || (c->arena && !arena)) {
        free(num);
        free(codes);
        free(str);
        free(arena);
        return -1;
    }
    c->num = num;
    c->codes = codes;
    c->str = str;
    c->arena = arena;
    c->arena_cap = c->arena_len ? c->arena_len : 1;
    tally_mapping_unref(c->mapping);
    c->mapping = NULL;
    return 0;
}

void tally_column_unref(tally_column *c)
{
    if (!c || __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) > 0) return;
    if (c->mapping) { /* the cells belong to the mapping */
        c->num = NULL;
        c->codes = NULL;
        c->str = NULL;
        c->arena = NULL;
        tally_mapping_unref(c->mapping);
    }
    tally_free_all(c->name, c->label, c->format, c->num, c->codes, c->levels, c->str, c->arena);
    for (size_t i = 0; i < c->nlabels; i++) tally_free_all(c->labels[i].scode, c->labels[i].label);
    free(c->labels);
    tally_label_index_free(c->label_index);
    free(c->missing);
    free_strings(c->smissing, c->nsmissing);
    tally_cat_order_free(c->order);
    free(c);
}

static int column_resize(tally_column *c, size_t len, int init)
{
    if (tally_column_own(c) != 0) return -1;
    if (c->type == TALLY_NUMERIC) {
        tally_column_numbers(c);
        double *n = realloc(c->num, (len ? len : 1) * sizeof *n);
        if (!n) return -1;
        if (init)
            for (size_t i = c->len; i < len; i++) n[i] = NAN;
        c->num = n;
    } else if (c->len == 0 && len > 0) { /* a new column: its reader writes most rows, so a large one comes
                                          * in whole 2 MB pages, mapped (zeroed) as they are written */
        uint64_t *s = len <= SIZE_MAX / sizeof *s ? tally_huge_calloc(len * sizeof *s) : NULL;
        if (!s) return -1;
        free(c->str);
        c->str = s;
    } else {
        uint64_t *s = realloc(c->str, (len ? len : 1) * sizeof *s);
        if (!s) return -1;
        for (size_t i = c->len; i < len; i++) s[i] = 0;
        c->str = s;
    }
    c->len = len;
    return 0;
}

const char *tally_column_string(const tally_column *c, size_t row)
{
    if (c->type != TALLY_STRING || row >= c->len) return "";
    return c->arena + c->str[row];
}

int tally_column_reserve_text(tally_column *c, size_t bytes)
{
    if (c->type != TALLY_STRING || tally_column_own(c) != 0) return -1;
    if (bytes <= c->arena_cap - c->arena_len) return 0;
    size_t cap = c->arena_len + bytes; /* exact: the reader knows its text */
    char *a = tally_huge_grow(c->arena, c->arena_len, cap);
    if (!a) return -1;
    c->arena = a;
    c->arena_cap = cap;
    return 0;
}

int tally_column_set_string(tally_column *c, size_t row, const char *s, size_t len)
{
    if (c->type != TALLY_STRING || row >= c->len || tally_column_own(c) != 0) return -1;
    if (len == 0) {
        c->str[row] = 0;
        return 0;
    }
    if (c->arena_len + len + 1 > c->arena_cap) {
        size_t cap = c->arena_cap;
        while (c->arena_len + len + 1 > cap) cap *= 2;
        char *a = tally_huge_grow(c->arena, c->arena_len, cap);
        if (!a) return -1;
        c->arena = a;
        c->arena_cap = cap;
    }
    memcpy(c->arena + c->arena_len, s, len);
    c->arena[c->arena_len + len] = '\0';
    c->str[row] = c->arena_len;
    c->arena_len += len + 1;
    return 0;
}

void tally_column_set_label(tally_column *c, const char *label)
{
    free(c->label);
    c->label = label ? xstrdup(label) : NULL;
}

static tally_value_label *label_slot(tally_column *c)
{
    c->labels = xgrow(c->labels, &c->labels_cap, c->nlabels + 1, sizeof *c->labels, 8);
    return &c->labels[c->nlabels++];
}

void tally_column_add_value_label(tally_column *c, double code, const char *label)
{
    tally_value_label *l = tally_value_label_find(c, code, NULL);
    if (l) { /* a later label replaces */
        free(l->label);
        l->label = xstrdup(label);
        return;
    }
    l = label_slot(c);
    l->code = code;
    l->scode = NULL;
    l->label = xstrdup(label);
}

void tally_column_add_string_value_label(tally_column *c, const char *code, const char *label)
{
    tally_value_label *l = tally_value_label_find(c, 0, code);
    if (l) {
        free(l->label);
        l->label = xstrdup(label);
        return;
    }
    l = label_slot(c);
    l->code = NAN;
    l->scode = xstrdup(code);
    l->label = xstrdup(label);
}

const char *tally_column_value_label(const tally_column *c, double code)
{
    const tally_value_label *l = tally_value_label_lookup(c, code, NULL);
    return l ? l->label : NULL;
}

const char *tally_column_string_value_label(const tally_column *c, const char *code)
{
    const tally_value_label *l = tally_value_label_lookup(c, 0, code);
    return l ? l->label : NULL;
}

void tally_column_add_missing(tally_column *c, double code)
{
    for (size_t i = 0; i < c->nmissing; i++)
        if (c->missing[i] == code) return;
    c->missing = xrealloc(c->missing, (c->nmissing + 1) * sizeof *c->missing);
    c->missing[c->nmissing++] = code;
}

int tally_column_is_user_missing(const tally_column *c, double v)
{
    if (v != v) return 0;
    for (size_t i = 0; i < c->nmissing; i++)
        if (c->missing[i] == v) return 1;
    return c->has_range && v >= c->range_lo && v <= c->range_hi;
}

int tally_column_is_user_missing_string(const tally_column *c, const char *s)
{
    for (size_t i = 0; i < c->nsmissing; i++)
        if (strcmp(c->smissing[i], s) == 0) return 1;
    return 0;
}

void tally_column_copy_meta(tally_column *dst, const tally_column *src)
{
    tally_column_set_label(dst, src->label);
    dst->measure = src->measure;
    free(dst->format);
    dst->format = src->format ? xstrdup(src->format) : NULL;
    dst->width = src->width;
    dst->decimals = src->decimals;
    dst->is_date = src->is_date;
    dst->blank_valid = src->blank_valid;
    dst->is_metadata = src->is_metadata;
    for (size_t i = 0; i < src->nlabels; i++) {
        if (src->labels[i].scode)
            tally_column_add_string_value_label(dst, src->labels[i].scode, src->labels[i].label);
        else
            tally_column_add_value_label(dst, src->labels[i].code, src->labels[i].label);
    }
    for (size_t i = 0; i < src->nmissing; i++) tally_column_add_missing(dst, src->missing[i]);
    for (size_t i = 0; i < src->nsmissing; i++) {
        dst->smissing = xrealloc(dst->smissing, (dst->nsmissing + 1) * sizeof *dst->smissing);
        dst->smissing[dst->nsmissing++] = xstrdup(src->smissing[i]);
    }
    dst->has_range = src->has_range;
    dst->range_lo = src->range_lo;
    dst->range_hi = src->range_hi;
    tally_cat_order_free(dst->order);
    dst->order = tally_cat_order_copy(src->order);
}

/* ---- datasets ------------------------------------------------------------ */

tally_dataset *tally_dataset_new(const char *name)
{
    tally_dataset *ds = xcalloc(1, sizeof *ds);
    ds->name = xstrdup(name ? name : "");
    ds->weight = -1;
    return ds;
}

static void free_mrsets(tally_dataset *ds)
{
    for (size_t i = 0; i < ds->nmrsets; i++)
        tally_free_all(ds->mrsets[i].name, ds->mrsets[i].label, ds->mrsets[i].cols);
    free(ds->mrsets);
}

void tally_dataset_free(tally_dataset *ds)
{
    if (!ds) return;
    tally_dataset_thaw(ds);
    tally_dataset_seal_blocks(ds);
    for (size_t i = 0; i < ds->ncols; i++) tally_column_unref(ds->cols[i]);
    tally_free_all(ds->cols, ds->hidx, ds->sel);
    free_mrsets(ds);
    free_strings(ds->info, ds->ninfo * 2);
    tally_free_all(ds->name, ds->source, ds->file_label);
    free_strings(ds->documents, ds->ndocuments);
    free(ds);
}

static size_t name_hash(const char *s)
{
    size_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Keeps the name index in step with the columns (a survey export can have
 * 100,000 columns: a linear search per added column would be quadratic). */
static void index_insert(tally_dataset *ds, size_t col)
{
    if ((ds->ncols + 1) * 2 > ds->hcap) {
        size_t cap = ds->hcap ? ds->hcap * 2 : 64;
        while (cap < (ds->ncols + 1) * 2) cap *= 2;
        free(ds->hidx);
        ds->hidx = xcalloc(cap, sizeof *ds->hidx);
        ds->hcap = cap;
        for (size_t i = 0; i < ds->ncols; i++) {
            if (i == col) continue;
            size_t j = name_hash(ds->cols[i]->name) & (cap - 1);
            while (ds->hidx[j]) j = (j + 1) & (cap - 1);
            ds->hidx[j] = (uint32_t)i + 1;
        }
    }
    size_t j = name_hash(ds->cols[col]->name) & (ds->hcap - 1);
    while (ds->hidx[j]) j = (j + 1) & (ds->hcap - 1);
    ds->hidx[j] = (uint32_t)col + 1;
}

void tally_dataset_reindex(tally_dataset *ds)
{
    if (!ds->hcap) return;
    memset(ds->hidx, 0, ds->hcap * sizeof *ds->hidx);
    for (size_t i = 0; i < ds->ncols; i++) {
        size_t j = name_hash(ds->cols[i]->name) & (ds->hcap - 1);
        while (ds->hidx[j]) j = (j + 1) & (ds->hcap - 1);
        ds->hidx[j] = (uint32_t)i + 1;
    }
}

int tally_dataset_find(const tally_dataset *ds, const char *name)
{
    if (!ds->hcap) return -1;
    for (size_t j = name_hash(name) & (ds->hcap - 1); ds->hidx[j]; j = (j + 1) & (ds->hcap - 1)) {
        size_t i = ds->hidx[j] - 1;
        if (strcmp(ds->cols[i]->name, name) == 0) return (int)i;
    }
    return -1;
}

char *tally_dataset_hint(const tally_dataset *ds, const char *name, int with_sets)
{
    size_t n = ds->ncols + (with_sets ? ds->nmrsets : 0);
    const char **names = xmalloc((n + 1) * sizeof *names);
    for (size_t i = 0; i < ds->ncols; i++) names[i] = ds->cols[i]->name;
    for (size_t i = ds->ncols; i < n; i++) names[i] = ds->mrsets[i - ds->ncols].name;
    char *hint = str_hint(name, names, n);
    free(names);
    return hint;
}

char *tally_dataset_unknown(const tally_dataset *ds, const char *name)
{
    char *hint = tally_dataset_hint(ds, name, 0);
    char *msg = xasprintf("unknown variable '%s' in dataset '%s'%s", name ? name : "", ds->name, hint);
    free(hint);
    return msg;
}

int tally_dataset_attach_column(tally_dataset *ds, tally_column *col)
{
    if (col->len != ds->phys_len) return -1;
    int existing = tally_dataset_find(ds, col->name);
    __atomic_add_fetch(&col->refs, 1, __ATOMIC_RELAXED);
    if (existing >= 0) { /* replacing a variable keeps its position */
        tally_column_unref(ds->cols[existing]);
        ds->cols[existing] = col;
        return existing;
    }
    ds->cols = xgrow(ds->cols, &ds->cols_cap, ds->ncols + 1, sizeof *ds->cols, 16);
    ds->cols[ds->ncols] = col;
    index_insert(ds, ds->ncols);
    return (int)ds->ncols++;
}

int tally_dataset_add_column(tally_dataset *ds, const char *name, tally_var_type type)
{
    if (!name || !*name || tally_dataset_find(ds, name) >= 0) return -1;
    tally_column *c = tally_column_new(name, type, ds->phys_len);
    int idx = tally_dataset_attach_column(ds, c);
    tally_column_unref(c);
    return idx;
}

static int dataset_resize(tally_dataset *ds, size_t nrows, int init)
{
    if (ds->sel) return -1;
    for (size_t i = 0; i < ds->ncols; i++)
        if (ds->cols[i]->refs > 1 || column_resize(ds->cols[i], nrows, init) != 0) return -1;
    ds->phys_len = ds->nrows = nrows;
    return 0;
}

int tally_dataset_resize(tally_dataset *ds, size_t nrows) { return dataset_resize(ds, nrows, 1); }
int tally_dataset_resize_uninit(tally_dataset *ds, size_t nrows) { return dataset_resize(ds, nrows, 0); }

int tally_dataset_set_string(tally_dataset *ds, int col, size_t row, const char *s, size_t len)
{
    if (col < 0 || (size_t)col >= ds->ncols || row >= ds->nrows) return -1;
    return tally_column_set_string(ds->cols[col], tally_row(ds, row), s, len);
}

void tally_dataset_set_source(tally_dataset *ds, const char *src)
{
    free(ds->source);
    ds->source = src ? xstrdup(src) : NULL;
}

static void copy_structure(tally_dataset *dst, const tally_dataset *src)
{
    dst->phys_len = src->phys_len;
    for (size_t i = 0; i < src->ncols; i++) tally_dataset_attach_column(dst, src->cols[i]);
    for (size_t i = 0; i < src->nmrsets; i++) {
        const tally_mrset *m = &src->mrsets[i];
        tally_dataset_add_mrset(dst, m->name, m->label, m->kind, m->counted, m->cols, m->ncols);
    }
    dst->weight = src->weight;
    if (src->source) dst->source = xstrdup(src->source);
}

tally_dataset *tally_dataset_view(const tally_dataset *ds, const char *name, const size_t *rows, size_t n)
{
    tally_dataset *v = tally_dataset_new(name);
    copy_structure(v, ds);
    v->sel = xmalloc((n ? n : 1) * sizeof *v->sel);
    for (size_t i = 0; i < n; i++) v->sel[i] = (uint32_t)tally_row(ds, rows[i]);
    v->nrows = n;
    return v;
}

tally_dataset *tally_dataset_copy(const tally_dataset *ds, const char *name)
{
    tally_dataset *v = tally_dataset_new(name);
    copy_structure(v, ds);
    if (ds->sel) {
        v->sel = xmalloc((ds->nrows ? ds->nrows : 1) * sizeof *v->sel);
        memcpy(v->sel, ds->sel, ds->nrows * sizeof *v->sel);
    }
    v->nrows = ds->nrows;
    return v;
}

int tally_dataset_add_mrset(tally_dataset *ds, const char *name, const char *label, tally_mrset_kind kind,
                            double counted, const int *cols, size_t ncols)
{
    if (!name || !*name || ncols == 0 || tally_dataset_find_mrset(ds, name)) return -1;
    for (size_t i = 0; i < ncols; i++)
        if (cols[i] < 0 || (size_t)cols[i] >= ds->ncols) return -1;
    ds->mrsets = xrealloc(ds->mrsets, (ds->nmrsets + 1) * sizeof *ds->mrsets);
    tally_mrset *m = &ds->mrsets[ds->nmrsets];
    m->name = xstrdup(name);
    m->label = label ? xstrdup(label) : NULL;
    m->kind = kind;
    m->counted = counted;
    m->cols = xmalloc(ncols * sizeof *m->cols);
    memcpy(m->cols, cols, ncols * sizeof *m->cols);
    m->ncols = ncols;
    return (int)ds->nmrsets++;
}

const tally_mrset *tally_dataset_find_mrset(const tally_dataset *ds, const char *name)
{
    for (size_t i = 0; i < ds->nmrsets; i++)
        if (strcmp(ds->mrsets[i].name, name) == 0) return &ds->mrsets[i];
    return NULL;
}

/* ---- compact storage ------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int tally_column_compact(tally_column *c)
{
    if (c->type != TALLY_NUMERIC || c->codes || !c->num) return 0;
    if (c->mapping) return 0; /* read from a cache: compacted, where it could be, before it was cached */
    const double *v = c->num;
    /* Small whole numbers (the usual survey codes) are counted in a table; any
     * other value goes to a short list. More than TALLY_MAX_LEVELS distinct: not compact. */
    uint8_t small[256] = {0};
    double other[TALLY_MAX_LEVELS];
    unsigned nsmall = 0, nother = 0;
    for (size_t i = 0; i < c->len; i++) {
        double x = v[i];
        if (x != x) continue;
        if (x >= 0 && x < 256 && x == (double)(int)x) {
            if (!small[(int)x]) {
                small[(int)x] = 1;
                if (++nsmall + nother > TALLY_MAX_LEVELS) return 0;
            }
            continue;
        }
        unsigned k = 0;
        while (k < nother && other[k] != x) k++;
        if (k == nother) {
            if (nsmall + nother + 1 > TALLY_MAX_LEVELS) return 0;
            other[nother++] = x;
        }
    }
    unsigned n = 0;
    double *levels = xmalloc((nsmall + nother + 1) * sizeof *levels);
    for (int k = 0; k < 256; k++)
        if (small[k]) levels[n++] = k;
    for (unsigned k = 0; k < nother; k++) levels[n++] = other[k];
    qsort(levels, n, sizeof *levels, cmp_double);
    uint8_t code_of_small[256];
    for (unsigned k = 0; k < n; k++)
        if (levels[k] >= 0 && levels[k] < 256 && levels[k] == (double)(int)levels[k]) code_of_small[(int)levels[k]] = (uint8_t)k;
    uint8_t *codes = xmalloc(c->len ? c->len : 1);
    for (size_t i = 0; i < c->len; i++) {
        double x = v[i];
        if (x != x) {
            codes[i] = TALLY_CODE_SYSMIS;
        } else if (x >= 0 && x < 256 && x == (double)(int)x) {
            codes[i] = code_of_small[(int)x];
        } else {
            unsigned lo = 0, hi = n; /* binary search in the sorted levels */
            while (lo + 1 < hi) {
                unsigned mid = (lo + hi) / 2;
                if (levels[mid] <= x) lo = mid;
                else hi = mid;
            }
            codes[i] = (uint8_t)lo;
        }
    }
    free(c->num);
    c->num = NULL;
    c->codes = codes;
    c->levels = levels;
    c->nlevels = n;
    return 1;
}

double *tally_column_numbers(tally_column *c)
{
    if (c->type != TALLY_NUMERIC) return NULL;
    if (tally_column_own(c) != 0) return NULL;
    if (c->codes) {
        double *num = xmalloc((c->len ? c->len : 1) * sizeof *num);
        for (size_t i = 0; i < c->len; i++) num[i] = tally_col_num(c, i);
        free(c->codes);
        free(c->levels);
        c->codes = NULL;
        c->levels = NULL;
        c->nlevels = 0;
        c->num = num;
    }
    return c->num;
}

typedef struct compact_job {
    tally_dataset *ds;
    size_t nparts;
} compact_job;

/* Part p compacts every nparts-th column, from column p. */
static void compact_part(void *arg, size_t p)
{
    compact_job *j = arg;
    for (size_t i = p; i < j->ds->ncols; i += j->nparts)
        if ((int)i != j->ds->weight) tally_column_compact(j->ds->cols[i]);
}

void tally_dataset_compact(tally_dataset *ds, int threads)
{
    size_t nparts = threads < 1 ? 1 : threads > TALLY_PAR_MAX_PARTS ? TALLY_PAR_MAX_PARTS : (size_t)threads;
    if (ds->phys_len < 100000) nparts = 1; /* threads cost more than they save on small data */
    compact_job j = {ds, nparts};
    tally_par_run(nparts, compact_part, &j);
}
