/* stats_common.c: category maps, weights, base texts, distribution functions and the AVX2 switch for the kernels. */
#include "stats_int.h"
#include "category_order.h"
#include "util.h"
#include "datefmt.h"

#include <math.h>
#include <gsl/gsl_cdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

void tally_stats_opts_init(tally_stats_opts *o)
{
    memset(o, 0, sizeof *o);
    o->weighted = 1;
    o->chart = TALLY_CHART_NONE;
}

const char *stats_tr(const tally_stats_opts *o, const char *english) { return tally_tr(o ? o->lang : NULL, english); }

const char *const stats_cell_heads[4] = {"Count", "Column %", "Row %", "Total %"};

/* ---- category maps ---------------------------------------------------------------- */

void stats_catmap_init(stats_catmap *m, const tally_column *col)
{
    memset(m, 0, sizeof *m);
    m->col = col;
    m->hcap = 64;
    m->hash = xcalloc(m->hcap, sizeof *m->hash);
    if (col->type == TALLY_NUMERIC) m->direct = xcalloc(STATS_DIRECT, sizeof *m->direct);
}

void stats_catmap_free(stats_catmap *m)
{
    tally_free_all(m->cats, m->direct, m->hash, m->order, m->pos);
    memset(m, 0, sizeof *m);
}

static uint64_t hash_number(double v)
{
    if (v == 0) v = 0; /* -0 and 0 are one code */
    uint64_t h;
    memcpy(&h, &v, sizeof h);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

/* XXH3 reads a short text a word at a time; the hash only places slots, never orders categories. */
static uint64_t hash_string(const char *s)
{
    return XXH3_64bits(s, strlen(s));
}

static size_t new_slot(stats_catmap *m, double code, const char *str)
{
    m->cats = xgrow(m->cats, &m->cap, m->ncats + 1, sizeof *m->cats, 16);
    stats_cat *c = &m->cats[m->ncats];
    memset(c, 0, sizeof *c);
    c->code = code;
    c->str = str;
    return m->ncats++;
}

static uint64_t slot_hash(const stats_catmap *m, size_t slot)
{
    const stats_cat *c = &m->cats[slot];
    return c->str ? hash_string(c->str) : hash_number(c->code);
}

static void hash_grow(stats_catmap *m)
{
    size_t cap = m->hcap * 2;
    size_t *h = xcalloc(cap, sizeof *h);
    for (size_t i = 0; i < m->hcap; i++) {
        if (!m->hash[i]) continue;
        size_t j = slot_hash(m, m->hash[i] - 1) & (cap - 1);
        while (h[j]) j = (j + 1) & (cap - 1);
        h[j] = m->hash[i];
    }
    free(m->hash);
    m->hash = h;
    m->hcap = cap;
}

size_t stats_catmap_slot_code(stats_catmap *m, double v)
{
    if (v != v) {
        if (!m->nan_slot) m->nan_slot = new_slot(m, NAN, NULL) + 1;
        return m->nan_slot - 1;
    }
    if (m->direct && v >= 0 && v < STATS_DIRECT && v == (double)(int)v) {
        int32_t *d = &m->direct[(int)v];
        if (!*d) *d = (int32_t)new_slot(m, v, NULL) + 1;
        return (size_t)*d - 1;
    }
    if (v == 0) v = 0;
    size_t j = hash_number(v) & (m->hcap - 1);
    while (m->hash[j]) {
        size_t s = m->hash[j] - 1;
        if (!m->cats[s].str && m->cats[s].code == v) return s;
        j = (j + 1) & (m->hcap - 1);
    }
    size_t s = new_slot(m, v, NULL);
    m->hash[j] = s + 1;
    if (m->ncats * 2 > m->hcap) hash_grow(m);
    return s;
}

size_t stats_catmap_slot_string(stats_catmap *m, const char *s)
{
    if (!*s && !m->col->blank_valid) {
        if (!m->nan_slot) m->nan_slot = new_slot(m, NAN, NULL) + 1;
        return m->nan_slot - 1;
    }
    size_t j = hash_string(s) & (m->hcap - 1);
    while (m->hash[j]) {
        size_t k = m->hash[j] - 1;
        if (m->cats[k].str && strcmp(m->cats[k].str, s) == 0) return k;
        j = (j + 1) & (m->hcap - 1);
    }
    size_t k = new_slot(m, NAN, s);
    m->hash[j] = k + 1;
    if (m->ncats * 2 > m->hcap) hash_grow(m);
    return k;
}

size_t stats_catmap_slot(stats_catmap *m, size_t phys)
{
    if (m->col->type == TALLY_STRING) return stats_catmap_slot_string(m, tally_column_string(m->col, phys));
    return stats_catmap_slot_code(m, tally_col_num(m->col, phys));
}

/* Numeric columns: codes 0..STATS_SMALL-1 go to local tables; four banks, one per
 * row modulo 4, keep consecutive rows from waiting on the same sum. */
#define STATS_SMALL 256

/* Compact columns: one byte a cell indexes the column's levels directly; the
 * histogram sums weights in four banks (see stats_hist_codes). */
static void count_codes(stats_catmap *m, const tally_dataset *ds, const double *wts)
{
    const tally_column *c = m->col;
    stats_code_hist *h = xmalloc(sizeof *h);
    stats_hist_codes(ds, c, wts, 1, h);
    for (int k = 0; k < 256; k++) {
        if (h->n[k] == 0) continue;
        size_t s = stats_catmap_slot_code(m, k == TALLY_CODE_SYSMIS ? NAN : c->levels[k]);
        m->cats[s].w += h->w[k];
        m->cats[s].n += h->n[k];
    }
    free(h);
}

static void count_numeric(stats_catmap *m, const tally_dataset *ds, const double *wts)
{
    if (m->col->codes) {
        count_codes(m, ds, wts);
        return;
    }
    const double *num = m->col->num;
    double (*bw)[STATS_SMALL] = xcalloc(4, sizeof *bw);
    double (*bn)[STATS_SMALL] = xcalloc(4, sizeof *bn);
    const uint32_t *sel = ds->sel;
    for (size_t i = 0; i < ds->nrows; i++) {
        size_t r = sel ? sel[i] : i;
        double w = wts ? wts[r] : 1.0;
        if (!(w > 0)) continue;
        double v = num[r];
        if (v >= 0 && v < STATS_SMALL && v == (double)(int)v) {
            int k = (int)v;
            bw[i & 3][k] += w;
            bn[i & 3][k] += 1;
        } else {
            size_t s = stats_catmap_slot_code(m, v);
            m->cats[s].w += w;
            m->cats[s].n += 1;
        }
    }
    for (int k = 0; k < STATS_SMALL; k++) {
        double n = bn[0][k] + bn[1][k] + bn[2][k] + bn[3][k];
        if (n == 0) continue;
        size_t s = stats_catmap_slot_code(m, (double)k);
        m->cats[s].w += bw[0][k] + bw[1][k] + bw[2][k] + bw[3][k];
        m->cats[s].n += n;
    }
    free(bw);
    free(bn);
}

void stats_catmap_count(stats_catmap *m, const tally_dataset *ds, const double *wts)
{
    if (m->col->type == TALLY_NUMERIC) {
        count_numeric(m, ds, wts);
        return;
    }
    for (size_t i = 0; i < ds->nrows; i++) {
        size_t r = tally_row(ds, i);
        double w = stats_w(wts, r);
        if (!(w > 0)) continue;
        size_t s = stats_catmap_slot(m, r);
        m->cats[s].w += w;
        m->cats[s].n += 1;
    }
}

typedef struct sort_item {
    int miss;
    int group;   /* tally_cat_order_group: codebook order, the rest, non-answers */
    size_t rank; /* within groups 0 and 2 */
    double code;
    const char *str;
    size_t slot;
} sort_item;

/* Valid values first (in the order category_order.h describes), then
 * user-missing, then system-missing. */
static int cmp_items(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;
    if (x->miss != y->miss) return x->miss < y->miss ? -1 : 1;
    if (x->group != y->group) return x->group < y->group ? -1 : 1;
    if (x->group != 1 && x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
    if (x->str && y->str) return tally_natural_cmp(x->str, y->str);
    if (x->str || y->str) return x->str ? 1 : -1;
    if (x->code != y->code) return x->code < y->code ? -1 : 1;
    return 0;
}

void stats_catmap_finish(stats_catmap *m)
{
    sort_item *it = xmalloc((m->ncats ? m->ncats : 1) * sizeof *it);
    m->nvalid = m->nuser = m->nsys = 0;
    for (size_t s = 0; s < m->ncats; s++) {
        stats_cat *c = &m->cats[s];
        if (m->nan_slot == s + 1) c->miss = 2;
        else if (c->str) c->miss = tally_column_is_user_missing_string(m->col, c->str) ? 1 : 0;
        else c->miss = tally_column_is_user_missing(m->col, c->code) ? 1 : 0;
        if (c->miss == 0) m->nvalid++;
        else if (c->miss == 1) m->nuser++;
        else m->nsys++;
        it[s] = (sort_item){c->miss, 1, 0, c->code, c->str, s};
        if (c->miss != 2) it[s].group = tally_cat_order_group(m->col, c->str, c->code, &it[s].rank);
    }
    qsort(it, m->ncats, sizeof *it, cmp_items);
    free(m->order);
    free(m->pos);
    m->order = xmalloc((m->ncats ? m->ncats : 1) * sizeof *m->order);
    m->pos = xmalloc((m->ncats ? m->ncats : 1) * sizeof *m->pos);
    for (size_t i = 0; i < m->ncats; i++) {
        m->order[i] = it[i].slot;
        m->pos[it[i].slot] = i;
    }
    free(it);
}

const char *stats_cat_label(const stats_catmap *m, const stats_cat *c, const char *lang, char *buf, size_t n)
{
    const char *l;
    if (c->miss == 2) l = tally_tr(lang, "System missing");
    else if (c->str) l = (l = tally_column_string_value_label(m->col, c->str)) ? l : c->str;
    else if (!(l = tally_column_value_label(m->col, c->code))) {
        char tag = tally_tagged_missing_tag(c->code);
        if (tag) snprintf(buf, n, ".%c", tag);
        else if (m->col->is_date) tally_format_date(c->code, m->col->is_date, lang, buf, n);
        else snprintf(buf, n, "%.15g", c->code);
        return buf;
    }
    snprintf(buf, n, "%s", l);
    return buf;
}

/* ---- weights, bases, titles --------------------------------------------------------- */

const double *stats_weights(const tally_dataset *ds, const tally_stats_opts *o)
{
    if (o && !o->weighted) return NULL;
    if (ds->weight < 0 || (size_t)ds->weight >= ds->ncols) return NULL;
    /* tally_dataset_set_weight keeps the weight as plain doubles */
    const tally_column *c = ds->cols[ds->weight];
    return c->type == TALLY_NUMERIC ? c->num : NULL;
}

int stats_valid_number(const tally_column *c, double v)
{
    return v == v && !tally_column_is_user_missing(c, v);
}

void stats_fmt_count(char *buf, size_t n, double v)
{
    tally_fmt_count(NULL, v, 1, buf, n);
}

/* "835" or, where rows use different bases, "835 to 836" in the report language; weighted bases
 * with the count decimals the user set for weighted counts (default 0), unweighted ones whole. */
static void base_span(const tally_stats_opts *o, int weighted, double lo, double hi, char *buf, size_t n)
{
    const char *lang = o ? o->lang : NULL;
    int dec = weighted && o ? o->count_decimals : 0;
    char a[64], b[64];
    tally_fmt_number(lang, lo, dec, 1, a, sizeof a);
    if (!(hi > lo)) {
        snprintf(buf, n, "%s", a);
        return;
    }
    tally_fmt_number(lang, hi, dec, 1, b, sizeof b);
    snprintf(buf, n, stats_tr(o, "%s to %s"), a, b);
}

void stats_set_base(tally_table *t, const tally_stats_opts *o, int weighted, double wbase, double nbase,
                    const char *extra)
{
    stats_set_base_range(t, o, weighted, wbase, wbase, nbase, nbase, extra);
}

void stats_set_base_range(tally_table *t, const tally_stats_opts *o, int weighted, double wlo, double whi,
                          double nlo, double nhi, const char *extra)
{
    char a[160], b[160];
    sbuf s;
    sbuf_init(&s);
    if (weighted) base_span(o, 1, wlo, whi, a, sizeof a);
    else base_span(o, 0, nlo, nhi, a, sizeof a);
    sbuf_printf(&s, "N = %s", a);
    if (weighted) {
        base_span(o, 0, nlo, nhi, b, sizeof b);
        sbuf_printf(&s, " %s%s%s %s", stats_tr(o, "weighted"), stats_tr(o, ", "), b, stats_tr(o, "unweighted"));
    }
    if (extra && *extra) sbuf_printf(&s, "%s%s", stats_tr(o, ", "), extra);
    char *text = sbuf_take(&s);
    tally_table_set_base(t, text);
    free(text);
    t->pct_n = nlo, t->pct_weighted = weighted;
}

char *stats_make_id(const char *prefix, const char *name)
{
    char *id = xasprintf("%s_%s", prefix, name ? name : "");
    for (char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            *p = '_';
    return id;
}

void stats_set_meta(tally_table *t, const tally_stats_opts *o, const char *def_id, const char *name,
                    const char *label)
{
    char *id = xstrdup(o && o->id ? o->id : def_id); /* def_id may be t->id itself */
    tally_table_set_id(t, id);
    free(id);
    const char *title = o && o->title ? o->title : (label && *label ? label : name);
    tally_table_set_title(t, title);
    if (o && o->lang) tally_table_set_lang(t, o->lang);
    if (o && o->question) tally_table_set_question(t, o->question);
    else if (o && o->title && label && *label && strcmp(label, o->title) != 0) tally_table_set_question(t, label);
}

/* ---- distribution functions ----------------------------------------------------------- */

/* Series for P(a, x), good for x < a + 1. */
static double gamma_p_series(double a, double x)
{
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 1000; n++) {
        term *= x / (a + n);
        sum += term;
        if (fabs(term) < fabs(sum) * 1e-15) break;
    }
    return sum * exp(-x + a * log(x) - lgamma(a));
}

/* Continued fraction for Q(a, x) (modified Lentz), good for x >= a + 1. */
static double gamma_q_fraction(double a, double x)
{
    const double tiny = 1e-300;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < 1000; i++) {
        double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < tiny) d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-15) break;
    }
    return exp(-x + a * log(x) - lgamma(a)) * h;
}

double tally_stats_gamma_p(double a, double x)
{
    if (!(a > 0) || x != x) return NAN;
    if (x <= 0) return 0.0;
    return x < a + 1.0 ? gamma_p_series(a, x) : 1.0 - gamma_q_fraction(a, x);
}

double tally_stats_gamma_q(double a, double x)
{
    if (!(a > 0) || x != x) return NAN;
    if (x <= 0) return 1.0;
    return x < a + 1.0 ? 1.0 - gamma_p_series(a, x) : gamma_q_fraction(a, x);
}

double tally_stats_chisq_p(double x, double df)
{
    if (!(df > 0) || x != x) return NAN;
    return x <= 0 ? 1.0 : gsl_cdf_chisq_Q(x, df);
}

double tally_stats_normal_p2(double z)
{
    if (z != z) return NAN;
    return 2.0 * gsl_cdf_ugaussian_Q(fabs(z));
}

double tally_stats_t_p2(double t, double df)
{
    if (t != t || !(df > 0)) return NAN;
    return 2.0 * gsl_cdf_tdist_Q(fabs(t), df);
}


/* -1: not asked yet; atomic, as stages on two threads ask. */
static int avx2_on = -1;

void stats_portable(int on)
{
#if defined(__x86_64__) && defined(__GNUC__)
    int has = !on && __builtin_cpu_supports("avx2");
#else
    int has = 0 * on;
#endif
    __atomic_store_n(&avx2_on, has, __ATOMIC_RELAXED);
}

int stats_avx2(void)
{
    int on = __atomic_load_n(&avx2_on, __ATOMIC_RELAXED);
    if (on < 0) {
        stats_portable(0);
        on = __atomic_load_n(&avx2_on, __ATOMIC_RELAXED);
    }
    return on;
}
