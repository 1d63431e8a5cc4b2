/* banner_items.c: a banner's questions and banner variables as items over the dataset's rows. */
#include "banner_int.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bn_items_free(bn_items *it)
{
    free_strings(it->labels, it->n);
    tally_free_all(it->codes, it->title);
    free_rows(it->cat); /* rows buffers (xmalloc_rows) */
    free_rows(it->hit);
    free_rows(it->valid);
    memset(it, 0, sizeof *it);
}

static void items_alloc(bn_items *it, size_t n, size_t nrows)
{
    it->n = n;
    it->labels = xcalloc(n ? n : 1, sizeof *it->labels);
    it->codes = xcalloc(n ? n : 1, sizeof *it->codes);
    it->valid = xcalloc_rows(nrows ? nrows : 1, 1);
}

/* Items (labels and codes) from a finished category map's valid categories. */
static void items_labels(bn_items *it, const stats_catmap *m, size_t nrows, const char *lang)
{
    items_alloc(it, m->nvalid, nrows);
    char buf[512];
    for (size_t k = 0; k < m->nvalid; k++) {
        stats_cat *c = stats_catmap_at(m, k);
        it->labels[k] = xstrdup(stats_cat_label(m, c, lang, buf, sizeof buf));
        it->codes[k] = c->code;
    }
}

/* The items of a compact column whose codes present[] occur: labels, codes and map[code], the item of
 * each code (-1: none, a missing value). */
void bn_items_from_codes(const tally_dataset *ds, int var, const char *lang, const uint8_t present[256],
                         int32_t map[256], bn_items *it)
{
    const tally_column *col = ds->cols[var];
    stats_catmap m;
    stats_catmap_init(&m, col);
    size_t slot[256];
    for (unsigned k = 0; k < col->nlevels; k++)
        if (present[k]) slot[k] = stats_catmap_slot_code(&m, col->levels[k]);
    stats_catmap_finish(&m);
    for (unsigned k = 0; k < 256; k++) map[k] = -1;
    for (unsigned k = 0; k < col->nlevels; k++)
        if (present[k] && m.pos[slot[k]] < m.nvalid) map[k] = (int32_t)m.pos[slot[k]];
    items_labels(it, &m, ds->nrows, lang);
    it->title = xstrdup(col->label && *col->label ? col->label : col->name);
    stats_catmap_free(&m);
}

/* The codes present in compact column var over ds's rows. */
static void codes_present(const tally_dataset *ds, const tally_column *col, uint8_t present[256])
{
    memset(present, 0, 256);
    for (size_t i = 0; i < ds->nrows; i++) present[col->codes[tally_row(ds, i)]] = 1;
}

/* A single variable: its valid categories in display order, each row's item. */
static void build_var(const tally_dataset *ds, int var, const char *lang, bn_items *it)
{
    const tally_column *col = ds->cols[var];
    int32_t *cat = xmalloc_rows((ds->nrows ? ds->nrows : 1) * sizeof *cat);
    if (col->codes) {
        uint8_t present[256];
        codes_present(ds, col, present);
        int32_t map[256];
        bn_items_from_codes(ds, var, lang, present, map, it);
        for (size_t i = 0; i < ds->nrows; i++) cat[i] = map[col->codes[tally_row(ds, i)]];
    } else {
        stats_catmap m;
        stats_catmap_init(&m, col);
        stats_text_codes *t = col->type == TALLY_STRING ? stats_text_codes_get(ds, col) : NULL;
        size_t slot_of[STATS_TEXT_CODES + 1];
        uint8_t seen[STATS_TEXT_CODES + 1] = {0};
        for (size_t i = 0; i < ds->nrows; i++) { /* each row hashed once: its slot, kept in cat until finish */
            size_t slot;
            if (t) { /* texts coded already (ds:shapes): each hashed where it first appears, so the slots
                      * come in the same order */
                uint8_t k = t->code[i];
                if (!seen[k]) slot_of[k] = stats_catmap_slot(&m, tally_row(ds, i)), seen[k] = 1;
                slot = slot_of[k];
            } else {
                slot = stats_catmap_slot(&m, tally_row(ds, i));
            }
            m.cats[slot].w += 1;
            m.cats[slot].n += 1;
            cat[i] = (int32_t)slot;
        }
        free(t);
        stats_catmap_finish(&m);
        for (size_t i = 0; i < ds->nrows; i++) {
            size_t p = m.pos[cat[i]];
            cat[i] = p < m.nvalid ? (int32_t)p : -1;
        }
        items_labels(it, &m, ds->nrows, lang);
        it->title = xstrdup(col->label && *col->label ? col->label : col->name);
        stats_catmap_free(&m);
    }
    it->cat = cat;
    for (size_t i = 0; i < ds->nrows; i++) it->valid[i] = cat[i] >= 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* A category set's items: every valid code of its variables, ascending. */
static size_t category_codes(const tally_dataset *ds, const tally_mrset *set, double **out)
{
    size_t n = 0, cap = 16;
    double *codes = xmalloc(cap * sizeof *codes);
    for (size_t j = 0; j < set->ncols; j++) {
        const tally_column *c = ds->cols[set->cols[j]];
        for (size_t i = 0; i < ds->nrows; i++) {
            double v = tally_col_num(c, tally_row(ds, i));
            if (!stats_valid_number(c, v)) continue;
            size_t k = 0;
            while (k < n && codes[k] != v) k++;
            if (k < n) continue;
            if (n == cap) codes = xrealloc(codes, (cap *= 2) * sizeof *codes);
            codes[n++] = v;
        }
    }
    qsort(codes, n, sizeof *codes, cmp_double);
    *out = codes;
    return n;
}

/* hit[i] = 1 where row i of column c holds value v (a compact column compares its one-byte codes). */
static void mark_counted(const tally_dataset *ds, const tally_column *c, double v, uint8_t *hit)
{
    size_t N = ds->nrows;
    if (!c->codes) {
        for (size_t i = 0; i < N; i++) hit[i] = tally_col_num(c, tally_row(ds, i)) == v;
        return;
    }
    int code = -1;
    for (unsigned k = 0; k < c->nlevels; k++)
        if (c->levels[k] == v) code = (int)k;
    if (code < 0) return; /* nobody holds it: hit stays 0 */
    uint8_t cc = (uint8_t)code;
    if (ds->sel)
        for (size_t i = 0; i < N; i++) hit[i] = c->codes[ds->sel[i]] == cc;
    else
        for (size_t i = 0; i < N; i++) hit[i] = c->codes[i] == cc;
}

/* A dichotomy set whose items are compact columns, at most 64 of them, read by its codes in one
 * blocked pass (banner_count.c) without the items' per-row arrays. */
int bn_set_by_codes(const tally_dataset *ds, const tally_mrset *set)
{
    if (!set || set->kind != TALLY_MRSET_DICHOTOMY || set->ncols > 64 || ds->sel) return 0;
    for (size_t j = 0; j < set->ncols; j++)
        if (!ds->cols[set->cols[j]]->codes) return 0;
    return 1;
}

/* A dichotomy set's items (labels, title) without per-row arrays. */
void bn_items_set_header(const tally_dataset *ds, const tally_mrset *set, bn_items *it)
{
    memset(it, 0, sizeof *it);
    items_alloc(it, set->ncols, 0);
    it->is_set = 1;
    for (size_t k = 0; k < set->ncols; k++) {
        const tally_column *c = ds->cols[set->cols[k]];
        it->labels[k] = xstrdup(c->label && *c->label ? c->label : c->name);
        it->codes[k] = set->counted;
    }
    it->title = xstrdup(set->label && *set->label ? set->label : set->name);
}

static void build_set(const tally_dataset *ds, const tally_mrset *set, bn_items *it)
{
    size_t N = ds->nrows;
    double *codes = NULL;
    size_t n = set->kind == TALLY_MRSET_DICHOTOMY ? set->ncols : category_codes(ds, set, &codes);
    items_alloc(it, n, N);
    it->is_set = 1;
    it->hit = xcalloc_rows(n * (N ? N : 1), 1);
    char buf[64];
    for (size_t k = 0; k < n; k++) {
        if (set->kind == TALLY_MRSET_DICHOTOMY) {
            const tally_column *c = ds->cols[set->cols[k]];
            it->labels[k] = xstrdup(c->label && *c->label ? c->label : c->name);
            it->codes[k] = set->counted;
            mark_counted(ds, c, set->counted, it->hit + k * N);
        } else {
            const char *l = NULL;
            for (size_t j = 0; j < set->ncols && !l; j++) l = tally_column_value_label(ds->cols[set->cols[j]], codes[k]);
            if (!l) l = tally_format_fixed(codes[k], codes[k] == floor(codes[k]) ? 0 : 2, buf, sizeof buf);
            it->labels[k] = xstrdup(l);
            it->codes[k] = codes[k];
            for (size_t j = 0; j < set->ncols; j++) {
                const tally_column *c = ds->cols[set->cols[j]];
                for (size_t i = 0; i < N; i++)
                    if (tally_col_num(c, tally_row(ds, i)) == codes[k]) it->hit[k * N + i] = 1;
            }
        }
        for (size_t i = 0; i < N; i++) it->valid[i] |= it->hit[k * N + i];
    }
    free(codes);
    it->title = xstrdup(set->label && *set->label ? set->label : set->name);
}

/* A banner takes at most 200 categories of a variable: -1 with *err (it freed) past that. */
static int check_categories(const tally_dataset *ds, int var, bn_items *it, char **err)
{
    if (it->n > 200) {
        *err = xasprintf("banner: variable '%s' has %zu categories; a banner takes categorical variables "
                         "(at most 200 categories)", ds->cols[var]->name, it->n);
        bn_items_free(it);
        return -1;
    }
    return 0;
}

int bn_items_build(const tally_dataset *ds, int var, const tally_mrset *set, const char *lang, bn_items *it,
                   char **err)
{
    memset(it, 0, sizeof *it);
    if (set) {
        build_set(ds, set, it);
        return 0;
    }
    if (var < 0 || (size_t)var >= ds->ncols) {
        *err = xasprintf("banner: a variable is not in dataset '%s'", ds->name);
        return -1;
    }
    build_var(ds, var, lang, it);
    return check_categories(ds, var, it, err);
}

int bn_items_by_codes(const tally_dataset *ds, int var, const char *lang, int32_t map[256], bn_items *it, char **err)
{
    uint8_t present[256];
    memset(it, 0, sizeof *it);
    codes_present(ds, ds->cols[var], present);
    bn_items_from_codes(ds, var, lang, present, map, it);
    return check_categories(ds, var, it, err);
}
