/* stats_mr.c: multiple-response sets: responses, percent of responses and percent of cases. */
#include "stats_int.h"
#include "stats_mr_kernels.h"
#include "parallel.h"

#include <stdint.h>
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void stats_mr_counts_free(stats_mr_counts *c)
{
    free_strings(c->labels, c->n);
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

/* Dichotomy set: item k is chosen when variable k holds the counted value.
 * key[k]: code of the counted value in a compact column, -1 none, -2 a column of doubles. */
typedef struct dich_job {
    const tally_dataset *ds;
    const tally_mrset *set;
    const double *wts;
    const int *key;
    size_t nparts;
    /* per part: acc[part][4 * k + bank] weighted sums, cnt[part][k] counts, and the case totals */
    double *acc[TALLY_PAR_MAX_PARTS];
    size_t *cnt[TALLY_PAR_MAX_PARTS];
    double w_all[TALLY_PAR_MAX_PARTS], w_ans[TALLY_PAR_MAX_PARTS];
    size_t n_all[TALLY_PAR_MAX_PARTS], n_ans[TALLY_PAR_MAX_PARTS];
} dich_job;

/* Rows in blocks, items inside a block: the block's weights, flags and `any`
 * stay in cache while every item of the set is counted over them. Each item's
 * cells are read in one sweep without branches (answers are close to random,
 * so branches would mispredict: a weight is multiplied by 0 or 1 instead);
 * `any` marks the cases that chose at least one item. ok[i]/wv[i]: row i
 * counts, its weight (0 when it does not count). */
#define DICH_BLOCK 4096

/* A part's working memory: the compact items the block kernels take (weighted, all
 * rows), and one block's flags, weights and gathered codes. */
typedef struct dich_scratch {
    const uint8_t **cbs; /* the items' codes */
    uint8_t *keys;       /* the code that counts as chosen, each */
    double **acc4;       /* their four banks in the part's acc */
    size_t *kidx, *ck;   /* their index in the set, their counts in a block */
    size_t nk;
    uint8_t *any, *ok, *gath; /* DICH_BLOCK each */
    double *wv;               /* DICH_BLOCK weights */
} dich_scratch;

static void dich_scratch_new(dich_scratch *s, const dich_job *j, double *acc, int blocks)
{
    size_t m = j->set->ncols, n = m ? m : 1;
    s->cbs = xmalloc(n * sizeof *s->cbs);
    s->keys = xmalloc(n);
    s->acc4 = xmalloc(n * sizeof *s->acc4);
    s->kidx = xmalloc(n * sizeof *s->kidx);
    s->ck = xmalloc(n * sizeof *s->ck);
    s->nk = 0;
    for (size_t k = 0; k < m && blocks; k++) {
        if (j->key[k] < 0) continue;
        s->cbs[s->nk] = j->ds->cols[j->set->cols[k]]->codes;
        s->keys[s->nk] = (uint8_t)j->key[k];
        s->acc4[s->nk] = acc + 4 * k;
        s->kidx[s->nk++] = k;
    }
    s->any = xmalloc(3 * DICH_BLOCK);
    s->ok = s->any + DICH_BLOCK;
    s->gath = s->ok + DICH_BLOCK;
    s->wv = xmalloc(DICH_BLOCK * sizeof *s->wv);
}

static void dich_scratch_free(dich_scratch *s)
{
    tally_free_all(s->any, s->wv, s->cbs, s->keys, s->acc4, s->kidx, s->ck);
}

/* The block's flags and weights (rows b0 ..): with no weights and no selection only
 * the items of doubles read them (nnum of them), as 1s. */
static void dich_block_flags(const dich_job *j, size_t b0, size_t len, int plain, size_t nnum, uint8_t *ok, double *wv)
{
    const double *wts = j->wts;
    const uint32_t *sel = j->ds->sel;
    if (plain) {
        for (size_t i = 0; i < len && nnum; i++) {
            ok[i] = 1;
            wv[i] = 1;
        }
    } else if (!sel) {
        /* two loops, each vectorised (wv[i] > 0 exactly when the weight is) */
        const double *wb = wts + b0;
        for (size_t i = 0; i < len; i++) wv[i] = wb[i] > 0 ? wb[i] : 0;
        stats_dich_flags(wv, ok, len);
    } else {
        for (size_t i = 0; i < len; i++) {
            double w = stats_w(wts, sel[b0 + i]);
            ok[i] = w > 0;
            wv[i] = w > 0 ? w : 0;
        }
    }
}

/* Item k over the block's rows the block kernels left (from `done`; all of them when
 * they took none), its weights into its banks a; returns how many rows chose it. */
static size_t dich_item_block(const dich_job *j, size_t k, size_t b0, size_t len, size_t done, int plain,
                              dich_scratch *s, double *a)
{
    const tally_column *c = j->ds->cols[j->set->cols[k]];
    const uint32_t *sel = j->ds->sel;
    uint8_t *any = s->any;
    size_t ck = 0;
    if (j->key[k] >= 0) {
        const uint8_t *cb = c->codes + b0, kc = (uint8_t)j->key[k];
        if (plain) {
            for (size_t i = done; i < len; i++) {
                uint8_t h = cb[i] == kc;
                ck += h;
                any[i] |= h;
            }
        } else {
            if (sel) { /* the block's codes, gathered once (with a selection no block kernel ran: done is 0) */
                for (size_t i = 0; i < len; i++) s->gath[i] = c->codes[sel[b0 + i]];
                cb = s->gath;
            }
            ck += stats_dich_weighted(cb + done, s->ok + done, s->wv + done, any + done, len - done, kc, a);
        }
    } else if (j->key[k] == -2) {
        const double *num = c->num;
        double counted = j->set->counted;
        for (size_t i = 0; i < len; i++) {
            uint8_t h = (uint8_t)((num[sel ? sel[b0 + i] : b0 + i] == counted) & s->ok[i]);
            a[(b0 + i) & 3] += s->wv[i] * h;
            ck += h;
            any[i] |= h;
        }
    }
    return ck;
}

/* A part's case totals: running sums in row order (one part), or four banks (parts). */
typedef struct dich_totals {
    double w_all, w_ans, wa[4], wn[4];
    size_t n_all, n_ans;
} dich_totals;

static void dich_block_totals(const dich_job *j, int plain, size_t len, const dich_scratch *s, dich_totals *t)
{
    const uint8_t *ok = s->ok, *any = s->any;
    const double *wv = s->wv;
    if (plain) {
        t->n_all += len;
        for (size_t i = 0; i < len; i++) t->n_ans += any[i];
    } else if (j->nparts == 1) {
        /* running sums in row order (x + 0.0 == x for the rows that do not count) */
        for (size_t i = 0; i < len; i++) {
            t->w_all += wv[i];
            t->n_all += ok[i];
            t->w_ans += wv[i] * any[i];
            t->n_ans += any[i];
        }
    } else {
        /* large inputs (parts): four banks, so the sums do not wait on each other */
        size_t i = 0;
#ifdef DICH_AVX2
        if (stats_avx2()) i = stats_dich_totals_avx2(wv, ok, any, len, t->wa, t->wn, &t->n_all, &t->n_ans);
#endif
        for (; i + 4 <= len; i += 4)
            for (size_t q = 0; q < 4; q++) {
                t->wa[q] += wv[i + q];
                t->wn[q] += wv[i + q] * any[i + q];
                t->n_all += ok[i + q];
                t->n_ans += any[i + q];
            }
        for (; i < len; i++) {
            t->wa[0] += wv[i];
            t->wn[0] += wv[i] * any[i];
            t->n_all += ok[i];
            t->n_ans += any[i];
        }
    }
}

/* Part p of the set's rows: the block loop, each block's items swept while the block's
 * flags and weights are in cache. */
static void dich_part(void *arg, size_t p)
{
    dich_job *j = arg;
    const tally_dataset *ds = j->ds;
    size_t m = j->set->ncols, b, e;
    tally_par_range(ds->nrows, j->nparts, p, &b, &e);
    double *acc = j->acc[p] = xcalloc(4 * m, sizeof *acc);
    size_t *cnt = j->cnt[p] = xcalloc(m, sizeof *cnt);
    int plain = !j->wts && !ds->sel; /* the common case: counts only, vectorised */
#if defined(__SSE2__)
    int blocks = plain || (!ds->sel && stats_avx2()); /* stats_avx2: 0 where the CPU or the build has none */
#else
    int blocks = 0;
#endif
    size_t nnum = 0; /* items of doubles */
    for (size_t k = 0; k < m; k++) nnum += j->key[k] == -2;
    dich_scratch s;
    dich_scratch_new(&s, j, acc, blocks);
    dich_totals t = {0};
    for (size_t b0 = b; b0 < e; b0 += DICH_BLOCK) {
        size_t len = e - b0 < DICH_BLOCK ? e - b0 : DICH_BLOCK;
        memset(s.any, 0, len);
        dich_block_flags(j, b0, len, plain, nnum, s.ok, s.wv);
        size_t done = 0; /* rows of the block the compact items were counted over */
        if (s.nk) {
            memset(s.ck, 0, s.nk * sizeof *s.ck);
#ifdef DICH_AVX2
            if (!plain) done = stats_dich_avx2(s.cbs, s.keys, s.acc4, s.ck, s.nk, s.ok, s.wv, s.any, b0, len);
#endif
#if defined(__SSE2__)
            if (plain) done = stats_dich_plain_sse2(s.cbs, s.keys, s.ck, s.nk, s.any, b0, len);
#endif
            for (size_t k = 0; k < s.nk; k++) cnt[s.kidx[k]] += s.ck[k];
        }
        for (size_t k = 0; k < m; k++) cnt[k] += dich_item_block(j, k, b0, len, done, plain, &s, acc + 4 * k);
        dich_block_totals(j, plain, len, &s, &t);
    }
    if (j->nparts > 1 && !plain) {
        t.w_all = (t.wa[0] + t.wa[1]) + (t.wa[2] + t.wa[3]);
        t.w_ans = (t.wn[0] + t.wn[1]) + (t.wn[2] + t.wn[3]);
    }
    if (plain) { /* sums of ones: the counts */
        t.w_all = (double)t.n_all;
        t.w_ans = (double)t.n_ans;
    }
    j->w_all[p] = t.w_all;
    j->w_ans[p] = t.w_ans;
    j->n_all[p] = t.n_all;
    j->n_ans[p] = t.n_ans;
    dich_scratch_free(&s);
}

/* ---- a set's counts kept with a memo (a mapped cache, or a dataset frozen for its stages)
 * A weighted count of a dichotomy set leaves with the memo (tally_memo_for) how many rows chose
 * each item, how many rows count and how many answer (rows with a weight > 0: whole
 * numbers). When every weight is > 0 those are the unweighted counts, so a report that
 * tabulates a set weighted and then unweighted reads its items once. The key names the
 * first item only: the kept entry holds the counted value and every item's codes, which
 * must match. */
typedef struct mr_kept {
    double counted, n_all, n_ans;
    size_t m;
    /* then m item codes (uintptr_t) and m counts (double) */
} mr_kept;

static size_t mr_kept_len(size_t m) { return sizeof(mr_kept) + m * (sizeof(uintptr_t) + sizeof(double)); }

/* The mapping whose memo keeps the set's counts under wts, with its key; NULL when the
 * set is not all compact items of one mapping (or a selection of rows, or no weights). */
static tally_mapping *mr_memo(const tally_dataset *ds, const tally_mrset *set, const double *wts,
                              uintptr_t key[TALLY_MEMO_KEYS])
{
    if (!wts || ds->sel || set->kind != TALLY_MRSET_DICHOTOMY || !set->ncols) return NULL;
    tally_mapping *m = NULL;
    for (size_t k = 0; k < set->ncols; k++) {
        const tally_column *c = ds->cols[set->cols[k]];
        tally_mapping *mk = stats_memo_mapping(ds, c, wts); /* NULL for a column of doubles */
        if (!mk || (m && mk != m)) return NULL;
        m = mk;
    }
    key[0] = (uintptr_t)ds->cols[set->cols[0]]->codes;
    key[1] = (uintptr_t)wts;
    key[2] = 2; /* not a histogram's (0 or 1: banked) */
    key[3] = ds->nrows;
    return m;
}

/* Keeps a weighted count (out) of the set with the mapping. */
static void mr_keep(const tally_dataset *ds, const tally_mrset *set, const double *wts, const stats_mr_counts *out)
{
    uintptr_t key[TALLY_MEMO_KEYS];
    tally_mapping *map = mr_memo(ds, set, wts, key);
    if (!map) return;
    size_t m = set->ncols, len = mr_kept_len(m);
    mr_kept *kept = xmalloc(len);
    *kept = (mr_kept){set->counted, out->n_all, out->n_answering, m};
    uintptr_t *codes = (uintptr_t *)(kept + 1);
    double *un = (double *)(codes + m);
    for (size_t k = 0; k < m; k++) {
        codes[k] = (uintptr_t)ds->cols[set->cols[k]]->codes;
        un[k] = out->un[k];
    }
    tally_mapping_memo_put(map, key, kept, len);
    free(kept);
}

/* The unweighted counts of the set (out's items allocated) from a kept weighted count
 * when every weight is > 0; 0 when there is none to use. The sums are those of counting:
 * whole numbers, added in item order. */
static int mr_from_weighted(const tally_dataset *ds, const tally_mrset *set, stats_mr_counts *out)
{
    const double *wts = stats_weights(ds, NULL);
    uintptr_t key[TALLY_MEMO_KEYS];
    tally_mapping *map = mr_memo(ds, set, wts, key);
    if (!map) return 0;
    size_t m = set->ncols, len = mr_kept_len(m);
    mr_kept *kept = xmalloc(len);
    const uintptr_t *codes = (const uintptr_t *)(kept + 1);
    const double *un = (const double *)(codes + m);
    int use = tally_mapping_memo_get(map, key, kept, len) && kept->m == m && kept->counted == set->counted;
    for (size_t k = 0; k < m && use; k++) use = codes[k] == (uintptr_t)ds->cols[set->cols[k]]->codes;
    use = use && stats_weights_all_positive(map, wts, ds->nrows);
    for (size_t k = 0; k < m && use; k++) {
        out->w[k] = out->un[k] = un[k];
        out->responses += un[k];
    }
    if (use) {
        out->w_all = out->n_all = kept->n_all;
        out->w_answering = out->n_answering = kept->n_ans;
    }
    free(kept);
    return use;
}

static void count_dichotomy(const tally_dataset *ds, const tally_mrset *set, const double *wts,
                            stats_mr_counts *out)
{
    alloc_items(out, set->ncols);
    size_t m = set->ncols;
    int *key = xmalloc(m * sizeof *key);
    for (size_t k = 0; k < m; k++) {
        const tally_column *c = ds->cols[set->cols[k]];
        out->labels[k] = xstrdup(c->label && *c->label ? c->label : c->name);
        key[k] = c->codes ? -1 : (c->type == TALLY_NUMERIC ? -2 : -1);
        for (unsigned l = 0; c->codes && l < c->nlevels; l++)
            if (c->levels[l] == set->counted) key[k] = (int)l;
    }
    if (!wts && mr_from_weighted(ds, set, out)) {
        free(key);
        return;
    }
    dich_job j = {.ds = ds, .set = set, .wts = wts, .key = key, .nparts = tally_par_parts(ds->nrows)};
    tally_par_run_shared(j.nparts, dich_part, &j);
    /* parts added in order: the same sums on every run */
    for (size_t k = 0; k < m; k++) {
        double w_sum = 0, n_sum = 0;
        for (size_t p = 0; p < j.nparts; p++) {
            double *a = j.acc[p] + 4 * k;
            n_sum += (double)j.cnt[p][k];
            w_sum += wts || ds->sel ? (a[0] + a[1]) + (a[2] + a[3]) : (double)j.cnt[p][k];
        }
        out->w[k] += w_sum;
        out->un[k] += n_sum;
        out->responses += w_sum;
    }
    for (size_t p = 0; p < j.nparts; p++) {
        out->w_all += j.w_all[p];
        out->n_all += (double)j.n_all[p];
        out->w_answering += j.w_ans[p];
        out->n_answering += (double)j.n_ans[p];
        free(j.acc[p]);
        free(j.cnt[p]);
    }
    free(key);
    if (wts) mr_keep(ds, set, wts, out);
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
    tally_table_add_col(t, stats_tr(o, "Responses"), TALLY_COL_COUNT, wts ? o->count_decimals : 0);
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
