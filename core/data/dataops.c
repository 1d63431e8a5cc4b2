/* dataops.c: filter, compute, recode, dedupe, join and count-by over shared columns, without per-row scripts. */
#include "dataops.h"
#include "category_order.h"
#include "expr.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tally_data_find_var(const tally_dataset *ds, const char *name, const char *what, char **err)
{
    int idx = name ? tally_dataset_find(ds, name) : -1;
    if (idx >= 0) return idx;
    char *unknown = tally_dataset_unknown(ds, name);
    *err = xasprintf("%s: %s", what, unknown);
    free(unknown);
    return -1;
}

/* ---- filter and compute --------------------------------------------------------- */

tally_dataset *tally_data_filter(const tally_dataset *ds, const char *expr, char **err)
{
    double *v = tally_expr_run("filter", expr, ds, err);
    if (!v) return NULL;
    size_t *rows = xmalloc((ds->nrows ? ds->nrows : 1) * sizeof *rows), n = 0;
    for (size_t i = 0; i < ds->nrows; i++)
        if (v[i] == v[i] && v[i] != 0) rows[n++] = i;
    tally_dataset *out = tally_dataset_view(ds, ds->name, rows, n);
    free(rows);
    free(v);
    return out;
}

/* Attaches `col` to a copy of ds (the copy takes its own reference). */
static tally_dataset *copy_with(const tally_dataset *ds, tally_column *col)
{
    tally_dataset *out = tally_dataset_copy(ds, ds->name);
    tally_dataset_attach_column(out, col);
    tally_column_unref(col);
    return out;
}

tally_dataset *tally_data_compute(const tally_dataset *ds, const char *name, const char *expr,
                                  const char *label, char **err)
{
    if (!name || !*name) {
        *err = xasprintf("compute '%s': the new variable needs a name", expr ? expr : "");
        return NULL;
    }
    double *v = tally_expr_run("compute", expr, ds, err);
    if (!v) return NULL;
    tally_column *col = tally_column_new(name, TALLY_NUMERIC, ds->phys_len);
    for (size_t i = 0; i < ds->nrows; i++) col->num[tally_row(ds, i)] = v[i];
    free(v);
    int old = tally_dataset_find(ds, name);
    if (label) tally_column_set_label(col, label);
    else if (old >= 0) tally_column_set_label(col, ds->cols[old]->label);
    col->measure = TALLY_SCALE;
    return copy_with(ds, col);
}

/* ---- recode ---------------------------------------------------------------------- */

static int rule_matches(const tally_recode_rule *r, const tally_column *c, double v)
{
    switch (r->kind) {
    case TALLY_RECODE_VALUE: return v == r->from;
    case TALLY_RECODE_RANGE: return v == v && !tally_column_is_user_missing(c, v) && v >= r->lo && v <= r->hi;
    case TALLY_RECODE_MISSING: return v != v || tally_column_is_user_missing(c, v);
    default: return 0;
    }
}

static int rule_matches_text(const tally_recode_rule *r, const tally_column *c, const char *s)
{
    if (r->kind == TALLY_RECODE_TEXT) return strcmp(s, r->text) == 0;
    if (r->kind == TALLY_RECODE_MISSING) return !*s || tally_column_is_user_missing_string(c, s);
    return 0;
}

/* A whole cell read as a number ("12", " 3.5 "), NaN otherwise. */
static double text_number(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s) return NAN;
    while (*end == ' ') end++;
    return *end ? NAN : v;
}

/* 1 when code `v` is produced or consumed by a rule (so the source's label would mislead). */
static int code_touched(const tally_recode_spec *sp, const tally_column *src, double v)
{
    for (size_t k = 0; k < sp->nrules; k++)
        if (sp->rules[k].to == v || rule_matches(&sp->rules[k], src, v)) return 1;
    return 0;
}

tally_dataset *tally_data_recode(const tally_dataset *ds, const tally_recode_spec *sp, char **err)
{
    const char *dst = sp->dst && *sp->dst ? sp->dst : sp->src;
    char what[160];
    snprintf(what, sizeof what, "recode '%s'", sp->src ? sp->src : "");
    int si = tally_data_find_var(ds, sp->src, what, err);
    if (si < 0) return NULL;
    const tally_column *src = ds->cols[si];
    int text = src->type == TALLY_STRING;
    for (size_t k = 0; k < sp->nrules; k++) {
        tally_recode_kind kd = sp->rules[k].kind;
        if (text && (kd == TALLY_RECODE_VALUE || kd == TALLY_RECODE_RANGE)) {
            *err = xasprintf("%s: rule %zu maps a number but '%s' is text; quote the value (\"%g\")", what, k + 1,
                             sp->src, kd == TALLY_RECODE_VALUE ? sp->rules[k].from : sp->rules[k].lo);
            return NULL;
        }
        if (!text && kd == TALLY_RECODE_TEXT) {
            *err = xasprintf("%s: rule %zu maps the text '%s' but '%s' is numeric", what, k + 1, sp->rules[k].text, sp->src);
            return NULL;
        }
        if (kd == TALLY_RECODE_RANGE && sp->rules[k].lo > sp->rules[k].hi) {
            *err = xasprintf("%s: rule %zu: range %g thru %g is empty (low end above high end)", what, k + 1,
                             sp->rules[k].lo, sp->rules[k].hi);
            return NULL;
        }
    }
    tally_column *col = tally_column_new(dst, TALLY_NUMERIC, ds->phys_len);
    for (size_t i = 0; i < ds->nrows; i++) {
        size_t r = tally_row(ds, i);
        double out = NAN, v = NAN;
        const char *s = NULL;
        size_t k = 0;
        if (text) {
            s = tally_column_string(src, r);
            while (k < sp->nrules && !rule_matches_text(&sp->rules[k], src, s)) k++;
        } else {
            v = tally_col_num(src, r);
            while (k < sp->nrules && !rule_matches(&sp->rules[k], src, v)) k++;
        }
        if (k < sp->nrules) out = sp->rules[k].to;
        else if (sp->otherwise == TALLY_ELSE_VALUE) out = sp->else_value;
        else if (sp->otherwise == TALLY_ELSE_COPY) out = text ? text_number(s) : v;
        col->num[r] = out;
    }
    /* metadata: the label, the source's labels and missing codes for copied values, then the new labels */
    tally_column_set_label(col, sp->label ? sp->label : src->label);
    col->measure = src->type == TALLY_NUMERIC && src->measure ? src->measure : TALLY_NOMINAL;
    if (sp->otherwise == TALLY_ELSE_COPY && !text) {
        for (size_t i = 0; i < src->nlabels; i++)
            if (!src->labels[i].scode && !code_touched(sp, src, src->labels[i].code))
                tally_column_add_value_label(col, src->labels[i].code, src->labels[i].label);
        for (size_t i = 0; i < src->nmissing; i++)
            if (!code_touched(sp, src, src->missing[i])) tally_column_add_missing(col, src->missing[i]);
        if (src->has_range) {
            col->has_range = 1;
            col->range_lo = src->range_lo;
            col->range_hi = src->range_hi;
        }
        col->is_date = src->is_date;
    }
    for (size_t i = 0; i < sp->nlabels; i++)
        if (sp->labels[i].label) tally_column_add_value_label(col, sp->labels[i].code, sp->labels[i].label);
    return copy_with(ds, col);
}

/* ---- sorting rows by key columns ----------------------------------------------------------- */

typedef struct sort_ctx {
    const tally_dataset *ds;
    const tally_column **keys;
    size_t nkeys;
    const tally_column *order; /* NULL: none */
} sort_ctx;

static _Thread_local const sort_ctx *sorting;

static int cmp_cell(const tally_column *c, size_t a, size_t b)
{
    if (c->type == TALLY_STRING) return strcmp(tally_column_string(c, a), tally_column_string(c, b));
    double x = tally_col_num(c, a), y = tally_col_num(c, b);
    if (x != x || y != y) return (x == x) - (y == y); /* missing sorts first */
    return (x > y) - (x < y);
}

/* Orders dataset rows (indices into ds) by keys, then order, then position. */
static int cmp_rows(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    size_t ra = tally_row(sorting->ds, a), rb = tally_row(sorting->ds, b);
    for (size_t k = 0; k < sorting->nkeys; k++) {
        int c = cmp_cell(sorting->keys[k], ra, rb);
        if (c) return c;
    }
    if (sorting->order) {
        int c = cmp_cell(sorting->order, ra, rb);
        if (c) return c;
    }
    return (a > b) - (a < b);
}

static int cmp_size(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return (a > b) - (a < b);
}

static int key_missing(const tally_column *c, size_t r)
{
    if (c->type == TALLY_STRING) return !*tally_column_string(c, r);
    return tally_col_num(c, r) != tally_col_num(c, r);
}

static void key_text(sbuf *b, const tally_column *const *keys, size_t nkeys, size_t r)
{
    for (size_t k = 0; k < nkeys; k++) {
        if (k) sbuf_puts(b, ", ");
        if (keys[k]->type == TALLY_STRING) sbuf_puts(b, tally_column_string(keys[k], r));
        else sbuf_printf(b, "%.15g", tally_col_num(keys[k], r));
    }
}

/* ---- dedupe --------------------------------------------------------------------------------- */

tally_dataset *tally_data_dedupe(const tally_dataset *ds, const char *const *keys, size_t nkeys, int keep_last,
                                 const char *order, tally_dedupe_result *res, char **err)
{
    memset(res, 0, sizeof *res);
    if (nkeys == 0) {
        *err = xstrdup("dedupe: no key variable given");
        return NULL;
    }
    sort_ctx ctx = {.ds = ds, .nkeys = nkeys};
    ctx.keys = xmalloc(nkeys * sizeof *ctx.keys);
    for (size_t k = 0; k < nkeys; k++) {
        int idx = tally_data_find_var(ds, keys[k], "dedupe", err);
        if (idx < 0) { free(ctx.keys); return NULL; }
        ctx.keys[k] = ds->cols[idx];
    }
    if (order) {
        int idx = tally_data_find_var(ds, order, "dedupe (order)", err);
        if (idx < 0) { free(ctx.keys); return NULL; }
        ctx.order = ds->cols[idx];
    }
    size_t n = ds->nrows, *idx = xmalloc((n ? n : 1) * sizeof *idx), *kept = xmalloc((n ? n : 1) * sizeof *kept), nkept = 0;
    for (size_t i = 0; i < n; i++) idx[i] = i;
    sorting = &ctx;
    qsort(idx, n, sizeof *idx, cmp_rows);
    sorting = NULL;
    size_t dcap = 0;
    for (size_t i = 0; i < n;) {
        size_t r = tally_row(ds, idx[i]), j = i + 1;
        int miss = 0;
        for (size_t k = 0; k < nkeys; k++) miss |= key_missing(ctx.keys[k], r);
        if (miss) { /* a missing key matches nothing */
            kept[nkept++] = idx[i];
            res->missing_keys++;
            i++;
            continue;
        }
        while (j < n) {
            size_t rj = tally_row(ds, idx[j]), k = 0;
            while (k < nkeys && cmp_cell(ctx.keys[k], r, rj) == 0) k++;
            if (k < nkeys) break;
            j++;
        }
        kept[nkept++] = keep_last ? idx[j - 1] : idx[i];
        if (j - i > 1) {
            res->dups = xgrow(res->dups, &dcap, res->ndups + 1, sizeof *res->dups, 8);
            sbuf b;
            sbuf_init(&b);
            key_text(&b, ctx.keys, nkeys, r);
            res->dups[res->ndups].key = sbuf_take(&b);
            sbuf_free(&b);
            res->dups[res->ndups++].rows = j - i;
            res->dropped += j - i - 1;
        }
        i = j;
    }
    qsort(kept, nkept, sizeof *kept, cmp_size);
    tally_dataset *out = tally_dataset_view(ds, ds->name, kept, nkept);
    free(kept);
    free(idx);
    free(ctx.keys);
    return out;
}

void tally_dedupe_result_free(tally_dedupe_result *r)
{
    for (size_t i = 0; i < r->ndups; i++) free(r->dups[i].key);
    free(r->dups);
    memset(r, 0, sizeof *r);
}

/* ---- join ----------------------------------------------------------------------------------- */

/* Compares a cell of column a (physical row ra) with one of column b (row rb). */
static int cmp_across(const tally_column *a, size_t ra, const tally_column *b, size_t rb)
{
    if (a->type == TALLY_STRING) return strcmp(tally_column_string(a, ra), tally_column_string(b, rb));
    double x = tally_col_num(a, ra), y = tally_col_num(b, rb);
    return (x > y) - (x < y);
}

static int vars_has(const char *const *vars, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(vars[i], name) == 0) return 1;
    return 0;
}

tally_dataset *tally_data_join(const tally_dataset *ds, const tally_dataset *other, const char *key,
                               const char *other_key, const char *const *vars, size_t nvars,
                               tally_join_result *res, char **err)
{
    memset(res, 0, sizeof *res);
    int ki = tally_data_find_var(ds, key, "join (key)", err);
    if (ki < 0) return NULL;
    int oi = tally_data_find_var(other, other_key ? other_key : key, "join (key)", err);
    if (oi < 0) return NULL;
    const tally_column *kc = ds->cols[ki], *oc = other->cols[oi];
    if (kc->type != oc->type) {
        *err = xasprintf("join: key '%s' is %s in dataset '%s' but %s in dataset '%s'", key,
                         kc->type == TALLY_STRING ? "text" : "numeric", ds->name,
                         oc->type == TALLY_STRING ? "text" : "numeric", other->name);
        return NULL;
    }
    /* the variables to bring over */
    const char **names = xmalloc((other->ncols + nvars + 1) * sizeof *names);
    size_t nnames = 0;
    if (vars) {
        for (size_t i = 0; i < nvars; i++) {
            if (tally_data_find_var(other, vars[i], "join", err) < 0) { free(names); return NULL; }
            if (tally_dataset_find(ds, vars[i]) >= 0) {
                *err = xasprintf("join: variable '%s' is in both '%s' and '%s'; leave it out of vars or rename it first",
                                 vars[i], ds->name, other->name);
                free(names);
                return NULL;
            }
            names[nnames++] = vars[i];
        }
    } else {
        for (size_t i = 0; i < other->ncols; i++)
            if ((int)i != oi && tally_dataset_find(ds, other->cols[i]->name) < 0 &&
                !vars_has(names, nnames, other->cols[i]->name))
                names[nnames++] = other->cols[i]->name;
    }
    /* other's rows with a key, sorted by key; a repeated key is an error */
    size_t on = 0, *orows = xmalloc((other->nrows ? other->nrows : 1) * sizeof *orows);
    for (size_t i = 0; i < other->nrows; i++)
        if (!key_missing(oc, tally_row(other, i))) orows[on++] = i;
    sort_ctx ctx = {.ds = other, .keys = &oc, .nkeys = 1};
    sorting = &ctx;
    qsort(orows, on, sizeof *orows, cmp_rows);
    sorting = NULL;
    for (size_t i = 1; i < on; i++) {
        size_t a = tally_row(other, orows[i - 1]), b = tally_row(other, orows[i]);
        if (cmp_cell(oc, a, b) == 0) {
            sbuf t;
            sbuf_init(&t);
            key_text(&t, &oc, 1, a);
            *err = xasprintf("join: key '%s' has the value '%s' twice in dataset '%s' (rows %zu and %zu); "
                             "a lookup needs one row per key", other_key ? other_key : key, t.data ? t.data : "",
                             other->name, orows[i - 1] + 1, orows[i] + 1);
            sbuf_free(&t);
            free(orows);
            free(names);
            return NULL;
        }
    }
    /* match each row of ds by binary search */
    long *match = xmalloc((ds->nrows ? ds->nrows : 1) * sizeof *match);
    for (size_t i = 0; i < ds->nrows; i++) {
        size_t r = tally_row(ds, i), lo = 0, hi = on;
        match[i] = -1;
        if (!key_missing(kc, r)) {
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                int c = cmp_across(oc, tally_row(other, orows[mid]), kc, r);
                if (c == 0) { match[i] = (long)tally_row(other, orows[mid]); break; }
                if (c < 0) lo = mid + 1;
                else hi = mid;
            }
        }
        if (match[i] >= 0) res->matched++;
        else res->unmatched++;
    }
    tally_dataset *out = tally_dataset_copy(ds, ds->name);
    for (size_t v = 0; v < nnames; v++) {
        const tally_column *from = other->cols[tally_dataset_find(other, names[v])];
        tally_column *col = tally_column_new(from->name, from->type, ds->phys_len);
        tally_column_copy_meta(col, from);
        for (size_t i = 0; i < ds->nrows; i++) {
            if (match[i] < 0) continue;
            size_t r = tally_row(ds, i);
            if (from->type == TALLY_STRING) {
                const char *s = tally_column_string(from, (size_t)match[i]);
                tally_column_set_string(col, r, s, strlen(s));
            } else {
                col->num[r] = tally_col_num(from, match[i]);
            }
        }
        tally_dataset_attach_column(out, col);
        tally_column_unref(col);
    }
    free(match);
    free(orows);
    free(names);
    return out;
}

/* ---- count by group ----------------------------------------------------------------------------- */

typedef struct cell {
    double v;
    const char *s;
    double w;
    int umiss;
} cell;

static int cmp_cells(const void *pa, const void *pb)
{
    const cell *a = pa, *b = pb;
    /* valid values, then user-missing codes, then system-missing */
    int ka = a->s ? (!*a->s ? 2 : a->umiss) : (a->v != a->v ? 2 : a->umiss);
    int kb = b->s ? (!*b->s ? 2 : b->umiss) : (b->v != b->v ? 2 : b->umiss);
    if (ka != kb) return ka - kb;
    if (a->s) return strcmp(a->s, b->s);
    if (ka == 2) return 0;
    return (a->v > b->v) - (a->v < b->v);
}

/* A group and where it is shown: valid (0), user-missing (1), system-missing (2);
 * within those as frequencies show them (category_order.h). */
typedef struct group_key {
    int cls, grp;
    size_t rank;
    tally_group_count g;
} group_key;

static int cmp_group_keys(const void *a, const void *b)
{
    const group_key *x = a, *y = b;
    if (x->cls != y->cls) return x->cls - y->cls;
    if (x->grp != y->grp) return x->grp - y->grp;
    if (x->grp != 1 && x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
    if (x->g.text && y->g.text) return tally_natural_cmp(x->g.text, y->g.text);
    return (x->g.code > y->g.code) - (x->g.code < y->g.code);
}

/* Puts the groups (grouped in byte order) in display order. */
static void order_groups(const tally_column *c, tally_counts *out)
{
    group_key *k = xmalloc((out->n ? out->n : 1) * sizeof *k);
    for (size_t i = 0; i < out->n; i++) {
        const tally_group_count *g = &out->groups[i];
        int sys = g->text ? !*g->text : g->code != g->code;
        k[i] = (group_key){sys ? 2 : g->missing, 1, 0, *g};
        if (!sys) k[i].grp = tally_cat_order_group(c, g->text, g->code, &k[i].rank);
    }
    qsort(k, out->n, sizeof *k, cmp_group_keys);
    for (size_t i = 0; i < out->n; i++) out->groups[i] = k[i].g;
    free(k);
}

int tally_data_count_by(const tally_dataset *ds, const char *var, const char *weight, tally_counts *out, char **err)
{
    memset(out, 0, sizeof *out);
    int vi = tally_data_find_var(ds, var, "count_by", err);
    if (vi < 0) return -1;
    const tally_column *c = ds->cols[vi], *w = NULL;
    if (weight) {
        int wi = tally_data_find_var(ds, weight, "count_by (weight)", err);
        if (wi < 0) return -1;
        w = ds->cols[wi];
        if (w->type != TALLY_NUMERIC) {
            *err = xasprintf("count_by: weight '%s' is text; a weight must be numeric", weight);
            return -1;
        }
    }
    cell *cells = xmalloc((ds->nrows ? ds->nrows : 1) * sizeof *cells);
    size_t n = 0;
    for (size_t i = 0; i < ds->nrows; i++) {
        size_t r = tally_row(ds, i);
        double wt = w ? tally_col_num(w, r) : 1;
        if (!(wt > 0)) continue;
        cell *x = &cells[n++];
        x->w = wt;
        if (c->type == TALLY_STRING) {
            x->s = tally_column_string(c, r);
            x->v = NAN;
            x->umiss = (*x->s || c->blank_valid) && tally_column_is_user_missing_string(c, x->s);
        } else {
            x->s = NULL;
            x->v = tally_col_num(c, r);
            x->umiss = tally_column_is_user_missing(c, x->v);
        }
    }
    qsort(cells, n, sizeof *cells, cmp_cells);
    size_t cap = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        tally_group_count g = {.code = cells[i].v, .text = cells[i].s};
        while (j < n && cmp_cells(&cells[i], &cells[j]) == 0) {
            g.count += cells[j].w;
            g.rows++;
            j++;
        }
        if (g.text) {
            /* a blank is missing, unless the column counts blanks as answers (SPSS strings) */
            g.missing = (!*g.text && !c->blank_valid) || cells[i].umiss;
            g.label = *g.text || c->blank_valid ? tally_column_string_value_label(c, g.text) : NULL;
            if (!*g.text) g.text = "";
        } else {
            g.missing = g.code != g.code || cells[i].umiss;
            g.label = g.code == g.code ? tally_column_value_label(c, g.code) : NULL;
        }
        out->groups = xgrow(out->groups, &cap, out->n + 1, sizeof *out->groups, 16);
        out->groups[out->n++] = g;
        i = j;
    }
    free(cells);
    order_groups(c, out);
    return 0;
}

void tally_counts_free(tally_counts *c)
{
    free(c->groups);
    memset(c, 0, sizeof *c);
}
