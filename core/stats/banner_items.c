/* banner_items.c: a banner's questions and banner variables as items over the dataset's rows. */
#include "banner_int.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bn_items_free(bn_items *it)
{
    for (size_t k = 0; k < it->n; k++) free(it->labels[k]);
    free(it->labels);
    free(it->codes);
    free(it->cat);
    free(it->hit);
    free(it->valid);
    free(it->title);
    memset(it, 0, sizeof *it);
}

static void items_alloc(bn_items *it, size_t n, size_t nrows)
{
    it->n = n;
    it->labels = xcalloc(n ? n : 1, sizeof *it->labels);
    it->codes = xcalloc(n ? n : 1, sizeof *it->codes);
    it->valid = xcalloc(nrows ? nrows : 1, 1);
}

/* A compact column's categories from its codes: the codes present in the dataset's rows
 * go into the map, and each row's item comes from a table of 256 (no lookup per row). */
static void map_compact(const tally_dataset *ds, const tally_column *col, stats_catmap *m, int32_t *cat)
{
    uint8_t present[256] = {0};
    for (size_t i = 0; i < ds->nrows; i++) present[col->codes[tally_row(ds, i)]] = 1;
    size_t slot[256];
    for (unsigned k = 0; k < col->nlevels; k++)
        if (present[k]) slot[k] = stats_catmap_slot_code(m, col->levels[k]);
    stats_catmap_finish(m);
    int32_t map[256];
    for (unsigned k = 0; k < 256; k++) map[k] = -1;
    for (unsigned k = 0; k < col->nlevels; k++)
        if (present[k] && m->pos[slot[k]] < m->nvalid) map[k] = (int32_t)m->pos[slot[k]];
    for (size_t i = 0; i < ds->nrows; i++) cat[i] = map[col->codes[tally_row(ds, i)]];
}

/* A single variable: its valid categories in display order. */
static void build_var(const tally_dataset *ds, int var, const char *lang, bn_items *it)
{
    const tally_column *col = ds->cols[var];
    stats_catmap m;
    stats_catmap_init(&m, col);
    int32_t *cat = xmalloc((ds->nrows ? ds->nrows : 1) * sizeof *cat);
    if (col->codes) {
        map_compact(ds, col, &m, cat);
    } else {
        stats_catmap_count(&m, ds, NULL);
        stats_catmap_finish(&m);
        for (size_t i = 0; i < ds->nrows; i++) {
            size_t p = m.pos[stats_catmap_slot(&m, tally_row(ds, i))];
            cat[i] = p < m.nvalid ? (int32_t)p : -1;
        }
    }
    items_alloc(it, m.nvalid, ds->nrows);
    char buf[512];
    for (size_t k = 0; k < m.nvalid; k++) {
        stats_cat *c = stats_catmap_at(&m, k);
        it->labels[k] = xstrdup(stats_cat_label(&m, c, lang, buf, sizeof buf));
        it->codes[k] = c->code;
    }
    it->cat = cat;
    for (size_t i = 0; i < ds->nrows; i++) it->valid[i] = cat[i] >= 0;
    it->title = xstrdup(col->label && *col->label ? col->label : col->name);
    stats_catmap_free(&m);
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

static void build_set(const tally_dataset *ds, const tally_mrset *set, bn_items *it)
{
    size_t N = ds->nrows;
    double *codes = NULL;
    size_t n = set->kind == TALLY_MRSET_DICHOTOMY ? set->ncols : category_codes(ds, set, &codes);
    items_alloc(it, n, N);
    it->is_set = 1;
    it->hit = xcalloc(n * (N ? N : 1), 1);
    char buf[64];
    for (size_t k = 0; k < n; k++) {
        if (set->kind == TALLY_MRSET_DICHOTOMY) {
            const tally_column *c = ds->cols[set->cols[k]];
            it->labels[k] = xstrdup(c->label && *c->label ? c->label : c->name);
            it->codes[k] = set->counted;
            for (size_t i = 0; i < N; i++)
                it->hit[k * N + i] = tally_col_num(c, tally_row(ds, i)) == set->counted;
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
    if (it->n > 200) {
        *err = xasprintf("banner: variable '%s' has %zu categories; a banner takes categorical variables "
                         "(at most 200 categories)", ds->cols[var]->name, it->n);
        bn_items_free(it);
        return -1;
    }
    return 0;
}
