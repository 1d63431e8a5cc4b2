/* stats_mr.c: multiple-response sets: responses, percent of responses and percent of cases. */
#include "stats_int.h"

#include <stdint.h>
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void stats_mr_counts_free(stats_mr_counts *c)
{
    for (size_t i = 0; i < c->n; i++) free(c->labels[i]);
    free(c->labels);
    free(c->w);
    free(c->un);
    memset(c, 0, sizeof *c);
}

static void alloc_items(stats_mr_counts *out, size_t n)
{
    out->n = n;
    out->labels = xcalloc(n ? n : 1, sizeof *out->labels);
    out->w = xcalloc(n ? n : 1, sizeof *out->w);
    out->un = xcalloc(n ? n : 1, sizeof *out->un);
}

/* Dichotomy set: item k is chosen when variable k holds the counted value. */
static void count_dichotomy(const tally_dataset *ds, const tally_mrset *set, const double *wts,
                            stats_mr_counts *out)
{
    alloc_items(out, set->ncols);
    for (size_t k = 0; k < set->ncols; k++) {
        const tally_column *c = ds->cols[set->cols[k]];
        out->labels[k] = xstrdup(c->label && *c->label ? c->label : c->name);
    }
    /* Column by column: each item's cells are read in one sweep, without branches
     * (answers are close to random, so branches would mispredict), and `any` marks
     * the cases that chose at least one item. ok[i]/wv[i]: row i counts, its weight. */
    size_t n = ds->nrows;
    const uint32_t *sel = ds->sel;
    uint8_t *any = xcalloc(n ? n : 1, 1);
    uint8_t *ok = xmalloc(n ? n : 1);
    double *wv = xmalloc((n ? n : 1) * sizeof *wv);
    for (size_t i = 0; i < n; i++) {
        double w = stats_w(wts, sel ? sel[i] : i);
        ok[i] = w > 0;
        wv[i] = w > 0 ? w : 0;
    }
    /* Rows in blocks, items inside a block: the block's weights, flags and `any`
     * stay in cache while every item of the set is counted over them. */
    enum { BLOCK = 8192 };
    size_t m = set->ncols;
    int *key = xmalloc(m * sizeof *key); /* code of the counted value; -1: none; -2: doubles */
    double *acc = xcalloc(m * 4, sizeof *acc);
    size_t *cnt = xcalloc(m, sizeof *cnt);
    for (size_t k = 0; k < m; k++) {
        const tally_column *c = ds->cols[set->cols[k]];
        key[k] = c->codes ? -1 : (c->type == TALLY_NUMERIC ? -2 : -1);
        for (unsigned l = 0; c->codes && l < c->nlevels; l++)
            if (c->levels[l] == set->counted) key[k] = (int)l;
    }
    for (size_t b0 = 0; b0 < n; b0 += BLOCK) {
        size_t b1 = b0 + BLOCK < n ? b0 + BLOCK : n;
        for (size_t k = 0; k < m; k++) {
            const tally_column *c = ds->cols[set->cols[k]];
            double *a = acc + 4 * k;
            size_t ck = 0;
            if (key[k] >= 0) {
                const uint8_t *cd = c->codes, kc = (uint8_t)key[k];
                if (!wts && !sel) { /* the common case: counts only, vectorised */
                    for (size_t i = b0; i < b1; i++) {
                        uint8_t h = cd[i] == kc;
                        ck += h;
                        any[i] |= h;
                    }
                } else {
                    size_t i = b0;
                    for (; i + 4 <= b1; i += 4) { /* four independent chains of additions */
                        uint8_t h0 = (uint8_t)((cd[sel ? sel[i] : i] == kc) & ok[i]);
                        uint8_t h1 = (uint8_t)((cd[sel ? sel[i + 1] : i + 1] == kc) & ok[i + 1]);
                        uint8_t h2 = (uint8_t)((cd[sel ? sel[i + 2] : i + 2] == kc) & ok[i + 2]);
                        uint8_t h3 = (uint8_t)((cd[sel ? sel[i + 3] : i + 3] == kc) & ok[i + 3]);
                        a[0] += wv[i] * h0;
                        a[1] += wv[i + 1] * h1;
                        a[2] += wv[i + 2] * h2;
                        a[3] += wv[i + 3] * h3;
                        ck += (size_t)h0 + h1 + h2 + h3;
                        any[i] |= h0;
                        any[i + 1] |= h1;
                        any[i + 2] |= h2;
                        any[i + 3] |= h3;
                    }
                    for (; i < b1; i++) {
                        uint8_t h = (uint8_t)((cd[sel ? sel[i] : i] == kc) & ok[i]);
                        a[0] += wv[i] * h;
                        ck += h;
                        any[i] |= h;
                    }
                }
            } else if (key[k] == -2) {
                const double *num = c->num;
                for (size_t i = b0; i < b1; i++) {
                    uint8_t h = (uint8_t)((num[sel ? sel[i] : i] == set->counted) & ok[i]);
                    a[i & 3] += wv[i] * h;
                    ck += h;
                    any[i] |= h;
                }
            }
            cnt[k] += ck;
        }
    }
    for (size_t k = 0; k < m; k++) {
        double *a = acc + 4 * k;
        double w_sum = wts || sel ? (a[0] + a[1]) + (a[2] + a[3]) : (double)cnt[k];
        out->w[k] += w_sum;
        out->un[k] += (double)cnt[k];
        out->responses += w_sum;
    }
    free(key);
    free(acc);
    free(cnt);
    for (size_t i = 0; i < n; i++) {
        if (!ok[i]) continue;
        out->w_all += wv[i];
        out->n_all += 1;
        if (any[i]) {
            out->w_answering += wv[i];
            out->n_answering += 1;
        }
    }
    free(wv);
    free(ok);
    free(any);
}

/* Category set: every valid value of any variable is an item, counted once per case. */
static void count_categories(const tally_dataset *ds, const tally_mrset *set, const double *wts,
                             const char *lang, stats_mr_counts *out)
{
    stats_catmap m;
    stats_catmap_init(&m, ds->cols[set->cols[0]]);
    size_t *stamp = NULL, stamp_cap = 0;
    for (size_t i = 0; i < ds->nrows; i++) {
        size_t r = tally_row(ds, i);
        double w = stats_w(wts, r);
        if (!(w > 0)) continue;
        int any = 0;
        for (size_t k = 0; k < set->ncols; k++) {
            const tally_column *c = ds->cols[set->cols[k]];
            size_t s;
            if (c->type == TALLY_STRING) {
                const char *v = tally_column_string(c, r);
                if (!*v || tally_column_is_user_missing_string(c, v)) continue;
                s = stats_catmap_slot_string(&m, v);
            } else {
                double v = tally_col_num(c, r);
                if (!stats_valid_number(c, v)) continue;
                s = stats_catmap_slot_code(&m, v);
            }
            if (s >= stamp_cap) {
                size_t cap = stamp_cap ? stamp_cap * 2 : 64;
                while (cap <= s) cap *= 2;
                stamp = xrealloc(stamp, cap * sizeof *stamp);
                memset(stamp + stamp_cap, 0, (cap - stamp_cap) * sizeof *stamp);
                stamp_cap = cap;
            }
            any = 1;
            if (stamp[s] == i + 1) continue; /* the same answer twice in one case counts once */
            stamp[s] = i + 1;
            m.cats[s].w += w;
            m.cats[s].n += 1;
            out->responses += w;
        }
        out->w_all += w;
        out->n_all += 1;
        if (any) {
            out->w_answering += w;
            out->n_answering += 1;
        }
    }
    free(stamp);
    /* Values were filtered per variable above, so every category is valid; the
     * sort sees the first variable's missing codes, which can only move an item down. */
    stats_catmap_finish(&m);
    alloc_items(out, m.ncats);
    char buf[512];
    for (size_t i = 0; i < m.ncats; i++) {
        stats_cat *k = stats_catmap_at(&m, i);
        const char *label = NULL;
        for (size_t j = 0; j < set->ncols && !label; j++) {
            const tally_column *c = ds->cols[set->cols[j]];
            label = k->str ? tally_column_string_value_label(c, k->str) : tally_column_value_label(c, k->code);
        }
        if (!label) {
            k->miss = 0;
            label = stats_cat_label(&m, k, lang, buf, sizeof buf);
        }
        out->labels[i] = xstrdup(label);
        out->w[i] = k->w;
        out->un[i] = k->n;
    }
    stats_catmap_free(&m);
}

int stats_mr_compute(const tally_dataset *ds, const tally_mrset *set, const double *wts, const char *lang,
                     stats_mr_counts *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (!set || set->ncols == 0) {
        *err = xasprintf("multiple response: the set has no variables");
        return -1;
    }
    for (size_t k = 0; k < set->ncols; k++) {
        if (set->cols[k] < 0 || (size_t)set->cols[k] >= ds->ncols) {
            *err = xasprintf("multiple response set '%s': variable %zu is not in the dataset",
                             set->name ? set->name : "", k + 1);
            return -1;
        }
        if (set->kind == TALLY_MRSET_DICHOTOMY && ds->cols[set->cols[k]]->type != TALLY_NUMERIC) {
            *err = xasprintf("multiple response set '%s': dichotomy variable '%s' must be numeric",
                             set->name ? set->name : "", ds->cols[set->cols[k]]->name);
            return -1;
        }
    }
    if (set->kind == TALLY_MRSET_DICHOTOMY) count_dichotomy(ds, set, wts, out);
    else count_categories(ds, set, wts, lang, out);
    return 0;
}

tally_table *tally_stats_multiresponse(const tally_dataset *ds, const tally_mrset *set, int base_all,
                                       const tally_stats_opts *o, char **err)
{
    const double *wts = stats_weights(ds, o);
    stats_mr_counts mc;
    if (stats_mr_compute(ds, set, wts, o ? o->lang : NULL, &mc, err) < 0) return NULL;
    double base = base_all ? mc.w_all : mc.w_answering;
    double nbase = base_all ? mc.n_all : mc.n_answering;

    char *id = stats_make_id("mr", set->name);
    tally_table *t = tally_table_new(id, NULL);
    free(id);
    stats_set_meta(t, o, t->id, set->name ? set->name : "", set->label);
    tally_table_add_col(t, "", TALLY_COL_LABEL, 0);
    tally_table_add_col(t, stats_tr(o, "Responses"), TALLY_COL_COUNT, wts ? 1 : 0);
    tally_table_add_col(t, stats_tr(o, "Percent of responses"), TALLY_COL_PERCENT, 1);
    tally_table_add_col(t, stats_tr(o, "Percent of cases"), TALLY_COL_PERCENT, 1);
    double sum_cases = 0;
    for (size_t i = 0; i < mc.n; i++) {
        size_t r = tally_table_add_row(t, TALLY_ROW_CATEGORY);
        double pc = base > 0 ? 100.0 * mc.w[i] / base : NAN;
        tally_table_set_text(t, r, 0, mc.labels[i]);
        tally_table_set_number(t, r, 1, mc.w[i]);
        tally_table_set_number(t, r, 2, mc.responses > 0 ? 100.0 * mc.w[i] / mc.responses : NAN);
        tally_table_set_number(t, r, 3, pc);
        if (pc == pc) sum_cases += pc;
    }
    size_t r = tally_table_add_row(t, TALLY_ROW_TOTAL);
    tally_table_set_text(t, r, 0, stats_tr(o, "Total"));
    tally_table_set_number(t, r, 1, mc.responses);
    tally_table_set_number(t, r, 2, mc.responses > 0 ? 100.0 : NAN);
    tally_table_set_number(t, r, 3, base > 0 ? sum_cases : NAN);
    stats_set_base(t, o, wts != NULL, base, nbase, stats_tr(o, "more than one answer possible"));
    tally_table_add_note(t, stats_tr(o, base_all ? "Percent of cases: base is all cases."
                                                 : "Percent of cases: base is the cases with at least one answer."));
    if (o && o->chart != TALLY_CHART_NONE) {
        size_t series = 3;
        tally_table_set_chart(t, o->chart, NULL, &series, 1);
    }
    stats_mr_counts_free(&mc);
    return t;
}
