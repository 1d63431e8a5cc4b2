/* rake_cells.c: groups the rows to be raked into the cells of the raking variables' cross, and gathers each row's weight. */
#include "rake_int.h"
#include "parallel.h"
#include "stats_int.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Cells at most (keys of the cross, times the start weight's levels when keyed by them): above,
 * the rows are the groups. Four variables of twenty categories in all need about a thousand. */
#define RAKE_MAX_KEYS 65536

static int value_error(const rvar *v, double x, size_t row, char **err)
{
    const char *l = tally_column_value_label(v->col, x);
    *err = xasprintf("rake: '%s' has the value %g%s%s%s (row %zu) with no target; give it a target "
                     "(0 leaves its cases out)", v->name, x, l ? " (" : "", l ? l : "", l ? ")" : "", row + 1);
    return -1;
}

/* A compact column's levels mapped to categories once: NULL if a level without a target is in
 * use or the column is not compact (then every row is looked up, which names the first bad row). */
static int32_t *level_lut(const rvar *v)
{
    const tally_column *c = v->col;
    if (c->type != TALLY_NUMERIC || !c->codes) return NULL;
    int32_t *lut = xmalloc(256 * sizeof *lut);
    for (unsigned l = 0; l < 256; l++) lut[l] = CAT_MISSING;
    for (unsigned l = 0; l < c->nlevels; l++) {
        double x = c->levels[l];
        if (tally_column_is_user_missing(c, x)) continue;
        lut[l] = CAT_UNKNOWN;
        for (size_t j = 0; j < v->ncat; j++)
            if (v->cats[j].code == x) lut[l] = (int32_t)j;
        if (lut[l] == CAT_UNKNOWN) {
            free(lut);
            return NULL;
        }
    }
    return lut;
}

/* Finds each row's category; a row with a valid value that has no target is an error. */
static int map_rows(const tally_dataset *ds, rvar *v, char **err)
{
    const tally_column *c = v->col;
    v->cat = xmalloc_rows((ds->nrows ? ds->nrows : 1) * sizeof *v->cat);
    for (size_t i = 0; i < ds->nrows; i++) {
        size_t p = tally_row(ds, i);
        int32_t k = CAT_MISSING;
        int missing;
        if (c->type == TALLY_STRING) {
            const char *s = tally_column_string(c, p);
            missing = (!*s && !c->blank_valid) || tally_column_is_user_missing_string(c, s);
            for (size_t j = 0; !missing && j < v->ncat; j++)
                if (strcmp(v->cats[j].scode, s) == 0) k = (int32_t)j;
            if (!missing && k < 0) {
                *err = xasprintf("rake: '%s' has the value '%s' (row %zu) with no target; give it a target "
                                 "(0 leaves its cases out)", v->name, s, i + 1);
                return -1;
            }
        } else {
            double x = tally_col_num(c, p);
            missing = x != x || tally_column_is_user_missing(c, x);
            for (size_t j = 0; !missing && j < v->ncat; j++)
                if (v->cats[j].code == x) k = (int32_t)j;
            if (!missing && k < 0) return value_error(v, x, i, err);
        }
        v->cat[i] = k;
    }
    return 0;
}

static inline int32_t row_cat(const rvar *v, size_t i, size_t phys)
{
    return v->lut ? v->lut[v->col->codes[phys]] : v->cat[i];
}

typedef struct cell_part {
    double *mass, *cnt;          /* per key */
    size_t *nmissing, *first;    /* per variable */
    size_t nexcluded;
} cell_part;

typedef struct cell_job {
    const tally_dataset *ds;
    const rvar *vars;
    size_t nv, nkeys, nparts;
    size_t *stride;              /* per variable, and the start weight's at [nv] */
    const tally_column *sw;
    int sw_key, exclude;
    const uint8_t **codes;       /* every variable compact: its codes, and contrib[j * 256 + code] its part */
    uint32_t *contrib;           /* of the key ((category + 1) * stride; 0: missing); else NULL */
    uint32_t *key;
    int32_t *row_cat;            /* KEY_ROW: [group * nv + j], each group's categories (rgroups.cat) */
    cell_part part[TALLY_PAR_MAX_PARTS];
} cell_job;

/* How a row's key is found: the sum of its compact codes' table entries (every variable compact),
 * its categories' places in the cross (and its start weight's level when the cells are keyed by it),
 * or, when the cross has too many cells, a group of its own (its categories kept with the group). */
typedef enum { KEY_CODES, KEY_CROSS, KEY_ROW } key_mode;

/* The one pass over rows b..e-1 every grouping makes: each row's key as `mode` finds it, its
 * variables' missing values noted, its start weight added to its key's mass and count, or the row
 * left out (no start weight, or missing with missing = "exclude"). Sums go to P's locals: the parts'
 * results sit side by side, and writing them row by row would make the threads share lines. `mode`
 * is a constant at every call, so each mode gets a loop of its own with no test of the mode in it.
 * Returns the groups KEY_ROW made. */
static inline __attribute__((always_inline)) size_t rows_pass(const cell_job *J, cell_part *P, size_t b, size_t e,
                                                              key_mode mode)
{
    const tally_dataset *ds = J->ds;
    const rvar *vars = J->vars;
    const size_t nv = J->nv, *stride = J->stride;
    const uint8_t **codes = J->codes;
    const uint32_t *contrib = J->contrib;
    const tally_column *sw = J->sw;
    const int exclude = J->exclude, sw_key = J->sw_key;
    double *mass = P->mass, *cnt = P->cnt;
    size_t *nmissing = P->nmissing, *first = P->first, nexcluded = 0, ngroups = 0;
    uint32_t *keys = J->key;
    int32_t *row_cat_out = J->row_cat;
    for (size_t i = b; i < e; i++) {
        size_t phys = tally_row(ds, i), key = 0;
        int miss = 0;
        for (size_t j = 0; j < nv; j++) {
            if (mode == KEY_CODES) {
                uint32_t c = contrib[j * 256 + codes[j][phys]];
                if (!c) {
                    if (!nmissing[j]++) first[j] = i;
                    miss = 1;
                }
                key += c;
            } else {
                int32_t k = row_cat(&vars[j], i, phys);
                if (k < 0 && !nmissing[j]++) first[j] = i;
                miss |= k < 0;
                if (mode == KEY_CROSS) key += (size_t)(k + 1) * stride[j];
                else row_cat_out[ngroups * nv + j] = k;
            }
        }
        double s = sw ? tally_col_num(sw, phys) : 1.0;
        if (!(s > 0) || (miss && exclude)) { /* as every kernel does: missing, 0 or negative weighs nothing */
            keys[i] = RAKE_NO_GROUP, nexcluded++;
            continue;
        }
        if (mode == KEY_CROSS && sw_key) key += sw->codes[phys] * stride[nv];
        if (mode == KEY_ROW) key = ngroups++;
        keys[i] = (uint32_t)key;
        mass[key] += s, cnt[key] += 1;
    }
    P->nexcluded = nexcluded;
    return ngroups;
}

/* One part of the rows grouped into the cells of the cross. */
static void cell_part_run(void *ctx, size_t p)
{
    const cell_job *J = ctx;
    cell_part *P = (cell_part *)&J->part[p];
    size_t b, e;
    tally_par_range(J->ds->nrows, J->nparts, p, &b, &e);
    if (J->contrib) rows_pass(J, P, b, e, KEY_CODES);
    else rows_pass(J, P, b, e, KEY_CROSS);
}

static void groups_alloc(rgroups *g, size_t n, size_t nv)
{
    g->nv = nv;
    g->cat = xmalloc((n ? n : 1) * nv * sizeof *g->cat);
    g->mass = xcalloc(n ? n : 1, sizeof *g->mass);
    g->cnt = xcalloc(n ? n : 1, sizeof *g->cnt);
    g->start = xmalloc((n ? n : 1) * sizeof *g->start);
    g->m = xmalloc((n ? n : 1) * sizeof *g->m);
    g->trimmed = xcalloc(n ? n : 1, 1);
}

/* The parts' missing values and rows left out, in part order, into the variables and g. */
static void parts_fold(const cell_job *J, rvar *vars, rgroups *g)
{
    for (size_t p = 0; p < J->nparts; p++) {
        g->nexcluded += J->part[p].nexcluded;
        for (size_t j = 0; j < J->nv; j++) {
            if (J->part[p].nmissing[j] && !vars[j].nmissing) vars[j].first_missing = J->part[p].first[j];
            vars[j].nmissing += J->part[p].nmissing[j];
        }
    }
}

/* The occupied cells, in key order, with their parts' sums added in part order. */
static void cells_merge(cell_job *J, rvar *vars, rgroups *g)
{
    size_t n = 0;
    g->of_key = xmalloc(J->nkeys * sizeof *g->of_key);
    for (size_t k = 0; k < J->nkeys; k++) {
        double c = 0;
        for (size_t p = 0; p < J->nparts; p++) c += J->part[p].cnt[k];
        g->of_key[k] = c > 0 ? (int32_t)n++ : -1;
    }
    groups_alloc(g, n, J->nv);
    g->n = n;
    for (size_t k = 0; k < J->nkeys; k++) {
        int32_t q = g->of_key[k];
        if (q < 0) continue;
        g->mass[q] = g->cnt[q] = 0;
        for (size_t p = 0; p < J->nparts; p++) g->mass[q] += J->part[p].mass[k], g->cnt[q] += J->part[p].cnt[k];
        g->m[q] = 1;
        for (size_t j = 0; j < J->nv; j++) g->cat[q * J->nv + j] = (int32_t)(k / J->stride[j] % (vars[j].ncat + 1)) - 1;
        /* rows of a cell share a start weight when there is none, or when the cells are keyed by it */
        g->start[q] = !J->sw ? 1.0 : J->sw_key ? J->sw->levels[k / J->stride[J->nv]] : NAN;
    }
    parts_fold(J, vars, g);
}

/* Missing-value counters of every part of J (freed by parts_free with the sums). */
static void parts_alloc(cell_job *J, size_t nkeys)
{
    for (size_t p = 0; p < J->nparts; p++) {
        J->part[p].mass = nkeys ? xcalloc(nkeys, sizeof(double)) : NULL;
        J->part[p].cnt = nkeys ? xcalloc(nkeys, sizeof(double)) : NULL;
        J->part[p].nmissing = xcalloc(J->nv ? J->nv : 1, sizeof(size_t));
        J->part[p].first = xcalloc(J->nv ? J->nv : 1, sizeof(size_t));
    }
}

static void parts_free(cell_job *J)
{
    for (size_t p = 0; p < J->nparts; p++)
        free(J->part[p].mass), free(J->part[p].cnt), free(J->part[p].nmissing), free(J->part[p].first);
}

static void cells_build(const tally_dataset *ds, rvar *vars, size_t nv, const tally_rake_opts *o, size_t *stride,
                        size_t nkeys, rgroups *g)
{
    cell_job J = {ds, vars, nv, nkeys, tally_par_parts(ds->nrows), stride, NULL, 0, 0, NULL, NULL, g->key, NULL, {{0}}};
    J.sw = o->start_weight >= 0 ? ds->cols[o->start_weight] : NULL;
    J.sw_key = J.sw && (o->trim_min == o->trim_min || o->trim_max == o->trim_max);
    J.exclude = o->missing == TALLY_RAKE_MISSING_EXCLUDE;
    parts_alloc(&J, nkeys);
    int compact = !J.sw_key;
    for (size_t j = 0; j < nv; j++) compact &= vars[j].lut != NULL;
    if (compact) {
        J.codes = xmalloc(nv * sizeof *J.codes);
        J.contrib = xmalloc(nv * 256 * sizeof *J.contrib);
        for (size_t j = 0; j < nv; j++) {
            J.codes[j] = vars[j].col->codes;
            for (size_t c = 0; c < 256; c++) J.contrib[j * 256 + c] = (uint32_t)((vars[j].lut[c] + 1) * stride[j]);
        }
    }
    tally_par_run(J.nparts, cell_part_run, &J);
    free(J.codes), free(J.contrib);
    cells_merge(&J, vars, g);
    parts_free(&J);
}

/* A group a row: when the cross has too many cells, or caps act on start weights that are not compact.
 * One part, on this thread; a group's start weight is its one row's, its mass. */
static void rows_build(const tally_dataset *ds, rvar *vars, size_t nv, const tally_rake_opts *o, rgroups *g)
{
    cell_job J = {ds, vars, nv, 0, 1, NULL, NULL, 0, 0, NULL, NULL, g->key, NULL, {{0}}};
    J.sw = o->start_weight >= 0 ? ds->cols[o->start_weight] : NULL;
    J.exclude = o->missing == TALLY_RAKE_MISSING_EXCLUDE;
    groups_alloc(g, ds->nrows, nv);
    J.row_cat = g->cat;
    parts_alloc(&J, 0);
    J.part[0].mass = g->mass, J.part[0].cnt = g->cnt; /* a group a row: the sums are the groups' own */
    g->n = rows_pass(&J, &J.part[0], 0, ds->nrows, KEY_ROW);
    J.part[0].mass = J.part[0].cnt = NULL;
    for (size_t q = 0; q < g->n; q++) g->start[q] = g->mass[q], g->m[q] = 1;
    parts_fold(&J, vars, g);
    parts_free(&J);
}

int rake_groups_build(const tally_dataset *ds, rvar *vars, size_t nv, const tally_rake_opts *o, rgroups *g,
                      char **err)
{
    memset(g, 0, sizeof *g);
    const tally_column *sw = o->start_weight >= 0 ? ds->cols[o->start_weight] : NULL;
    int capped = o->trim_min == o->trim_min || o->trim_max == o->trim_max;
    size_t *stride = xmalloc((nv + 1) * sizeof *stride), nkeys = 1;
    int cells = ds->nrows < RAKE_NO_GROUP && (!capped || !sw || sw->codes);
    for (size_t j = 0; j < nv && cells; j++) stride[j] = nkeys, nkeys *= vars[j].ncat + 1, cells = nkeys <= RAKE_MAX_KEYS;
    stride[nv] = nkeys;
    if (cells && capped && sw) nkeys *= sw->nlevels ? sw->nlevels : 1, cells = nkeys <= RAKE_MAX_KEYS;
    for (size_t j = 0; j < nv; j++) {
        vars[j].first_missing = (size_t)-1;
        vars[j].lut = level_lut(&vars[j]);
        if (!vars[j].lut && map_rows(ds, &vars[j], err)) {
            free(stride);
            return -1;
        }
    }
    g->key = xmalloc_rows((ds->nrows ? ds->nrows : 1) * sizeof *g->key);
    if (cells) cells_build(ds, vars, nv, o, stride, nkeys, g);
    else rows_build(ds, vars, nv, o, g);
    free(stride);
    return 0;
}

void rake_groups_free(rgroups *g)
{
    free(g->cat), free(g->mass), free(g->cnt), free(g->start), free(g->m), free(g->trimmed), free_rows(g->key);
    free(g->of_key);
    memset(g, 0, sizeof *g);
}

typedef struct gather_part {
    size_t nw, npos;
    double all, s, s2, min, max;
} gather_part;

typedef struct gather_job {
    const tally_dataset *ds;
    const rgroups *g;
    const tally_column *sw;
    double scale, *w;
    size_t nparts;
    gather_part part[TALLY_PAR_MAX_PARTS];
} gather_job;

/* One part of the rows: each row's weight, and their spread (in locals, as cell_part_run). */
static void gather_part_run(void *ctx, size_t p)
{
    const gather_job *J = ctx;
    const rgroups *g = J->g;
    const tally_dataset *ds = J->ds;
    const tally_column *sw = J->sw;
    const uint32_t *keys = g->key;
    const int32_t *of_key = g->of_key;
    const double *m = g->m, scale = J->scale;
    double *wout = J->w;
    gather_part t = {0, 0, 0, 0, 0, INFINITY, -INFINITY};
    size_t b, e;
    tally_par_range(ds->nrows, J->nparts, p, &b, &e);
    for (size_t i = b; i < e; i++) {
        uint32_t k = keys[i];
        if (k == RAKE_NO_GROUP) {
            wout[i] = NAN;
            continue;
        }
        double s = sw ? tally_col_num(sw, tally_row(ds, i)) : 1.0;
        double w = wout[i] = s * m[of_key ? (size_t)of_key[k] : k] * scale;
        if (w != w) continue;
        t.nw++, t.all += w;
        if (w < t.min) t.min = w;
        if (w > t.max) t.max = w;
        if (w > 0) t.s += w, t.s2 += w * w, t.npos++;
    }
    ((gather_job *)J)->part[p] = t;
}

void rake_groups_gather(const tally_dataset *ds, const rgroups *g, const tally_rake_opts *o, double scale, double *w,
                        tally_rake_result *r)
{
    gather_job J = {ds, g, o->start_weight >= 0 ? ds->cols[o->start_weight] : NULL, scale, w,
                    tally_par_parts(ds->nrows), {{0}}};
    tally_par_run(J.nparts, gather_part_run, &J);
    gather_part t = {0, 0, 0, 0, 0, INFINITY, -INFINITY};
    for (size_t p = 0; p < J.nparts; p++) { /* in part order: the same sums on every run */
        gather_part *P = &J.part[p];
        t.nw += P->nw, t.npos += P->npos, t.all += P->all, t.s += P->s, t.s2 += P->s2;
        if (P->min < t.min) t.min = P->min;
        if (P->max > t.max) t.max = P->max;
    }
    r->ncases = t.nw;
    r->wmean = t.nw ? t.all / (double)t.nw : NAN;
    r->wmin = t.nw ? t.min : NAN, r->wmax = t.nw ? t.max : NAN;
    r->deff = stats_kish_deff((double)t.npos, t.s, t.s2);
    r->efficiency = 100.0 / r->deff;
    r->neff = t.s2 > 0 ? t.s * t.s / t.s2 : NAN;
}
