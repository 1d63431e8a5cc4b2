/* stats_banner.c: banner tables: row questions (categories, sets, scales, nets) by banner columns, into the model. */
#include "banner_int.h"
#include "util.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tally_bn_opts_init(tally_bn_opts *o)
{
    memset(o, 0, sizeof *o);
    tally_stats_opts_init(&o->base);
    o->cells = TALLY_XTAB_COUNT | TALLY_XTAB_COL;
    o->tests = 1;
    o->sig_upper = 0.05;
    o->sig_lower = 0.10;
    o->min_base = 30;
    o->low_base = 30;
    o->very_low_base = 10;
    o->total_first = 1;
    o->cell_style = "stacked";
}

/* The banner's columns and their members. */
typedef struct bn_frame {
    tally_banner *b;
    bn_members *mem;      /* per column */
    double *w;            /* per row: its weight, 0 when left out */
    size_t N;
    int weighted;
    size_t ngroups;       /* test groups */
    int *exclusive;       /* per group: categories of one variable (a chi-square applies) */
    int32_t **gcol;       /* per exclusive group: each row's column, -1 none (NULL for other groups) */
    size_t total;         /* the Total column */
    char **gname;         /* per group: the banner variable's title (owned) */
} bn_frame;

static void add_group(bn_frame *f, int exclusive, const char *name)
{
    f->gcol = xrealloc(f->gcol, (f->ngroups + 1) * sizeof *f->gcol);
    f->gcol[f->ngroups] = NULL;
    f->exclusive = xrealloc(f->exclusive, (f->ngroups + 1) * sizeof *f->exclusive);
    f->gname = xrealloc(f->gname, (f->ngroups + 1) * sizeof *f->gname);
    f->exclusive[f->ngroups] = exclusive;
    f->gname[f->ngroups++] = xstrdup(name);
}

static void add_member_col(bn_frame *f, size_t col, const bn_items *a, size_t ka, const bn_items *in, size_t ki)
{
    f->mem = xrealloc(f->mem, f->b->ncols * sizeof *f->mem); /* columns come in order: col is the last */
    bn_members *m = &f->mem[col];
    m->rows = xmalloc((f->N ? f->N : 1) * sizeof *m->rows);
    m->n = 0;
    tally_bn_col *c = &f->b->cols[col];
    c->base_w = c->base_n = 0;
    double w2 = 0;
    for (size_t i = 0; i < f->N; i++) {
        if (!(f->w[i] > 0)) continue;
        if (a && !bn_hit(a, ka, i, f->N)) continue;
        if (in && !bn_hit(in, ki, i, f->N)) continue;
        m->rows[m->n++] = (uint32_t)i;
        c->base_w += f->w[i];
        c->base_n += 1;
        w2 += f->w[i] * f->w[i];
    }
    c->base_eff = w2 > 0 ? c->base_w * c->base_w / w2 : 0;
}

static int build_columns(const tally_dataset *ds, const tally_bn_spec *cols, size_t ncols, const tally_bn_opts *o,
                         bn_frame *f, char **err)
{
    int nested = 0;
    for (size_t j = 0; j < ncols; j++) nested |= cols[j].inner >= 0 || cols[j].inner_set;
    f->b = tally_banner_new(nested ? 2 : 1);
    const char *total = stats_tr(&o->base, "Total");
    size_t span = 0, group = 0, letter = 0;
    if (o->total_first) {
        size_t c = tally_banner_add_col(f->b, total, total, span, "", span + 1, (size_t)-1, 1);
        span += 2;
        add_member_col(f, c, NULL, 0, NULL, 0);
    }
    for (size_t j = 0; j < ncols; j++) {
        bn_items a, in;
        if (bn_items_build(ds, cols[j].var, cols[j].set, o->base.lang, &a, err) < 0) return -1;
        int has_in = cols[j].inner >= 0 || cols[j].inner_set;
        if (has_in && bn_items_build(ds, cols[j].inner, cols[j].inner_set, o->base.lang, &in, err) < 0) {
            bn_items_free(&a);
            return -1;
        }
        size_t top = span++, first = f->b->ncols;
        for (size_t ka = 0; ka < a.n; ka++) {
            size_t sub = span++;
            for (size_t ki = 0; ki < (has_in ? in.n : 1); ki++) {
                size_t c = has_in ? tally_banner_add_col(f->b, in.labels[ki], a.title, top, a.labels[ka], sub, group, 0)
                                  : tally_banner_add_col(f->b, a.labels[ka], a.title, top, "", sub, group, 0);
                if (letter < 26) f->b->cols[c].letter[0] = (char)('A' + letter);
                letter++;
                add_member_col(f, c, &a, ka, has_in ? &in : NULL, ki);
            }
            if (has_in) {
                char *name = xasprintf("%s: %s", a.title, a.labels[ka]);
                add_group(f, 0, name);
                free(name);
                group++;
            }
        }
        if (!has_in) {
            add_group(f, !a.is_set, a.title);
            if (!a.is_set) { /* its categories partition the rows: each row's column, for one-pass counting */
                int32_t *gc = f->gcol[f->ngroups - 1] = xmalloc((f->N ? f->N : 1) * sizeof *gc);
                for (size_t i = 0; i < f->N; i++) gc[i] = f->w[i] > 0 && a.cat[i] >= 0 ? (int32_t)(first + (size_t)a.cat[i]) : -1;
            }
            group++;
        }
        bn_items_free(&a);
        if (has_in) bn_items_free(&in);
    }
    if (!o->total_first) {
        size_t c = tally_banner_add_col(f->b, total, total, span, "", span + 1, (size_t)-1, 1);
        add_member_col(f, c, NULL, 0, NULL, 0);
    }
    return 0;
}

/* Categories a sorted table keeps at the bottom: other, don't know, refused. */
static int is_tail_label(const char *label)
{
    static const char *const tails[] = {"other", "don't know", "don\u2019t know", "dont know", "not sure", "refused",
                                        "no answer", "sonstig", "andere", "weiß nicht", "weiss nicht", "keine angabe"};
    char low[256];
    size_t n = 0;
    for (; label[n] && n + 1 < sizeof low; n++) low[n] = (char)tolower((unsigned char)label[n]);
    low[n] = '\0';
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++)
        if (strstr(low, tails[i])) return 1;
    return 0;
}

/* Marks the cells of rows r0..r1-1 whose column base is low or untested. */
static void section_flags(tally_banner *b, size_t r0, size_t r1, const bn_colstat *cs, const tally_bn_opts *o)
{
    for (size_t c = 0; c < b->ncols; c++) {
        int fl = 0;
        if (cs[c].bn < o->very_low_base) fl |= TALLY_BN_VERYLOW;
        else if (cs[c].bn < o->low_base) fl |= TALLY_BN_LOW;
        if (cs[c].bn < o->min_base && !b->cols[c].is_total) fl |= TALLY_BN_UNTESTED;
        for (size_t r = r0; r < r1; r++) b->flags[r * b->ncols + c] |= (uint8_t)fl;
    }
}

static size_t total_col(const tally_banner *b)
{
    for (size_t c = 0; c < b->ncols; c++)
        if (b->cols[c].is_total) return c;
    return 0;
}

/* Count, column %, row % and total % of one row from its counts per column. */
static void put_counts(tally_banner *b, size_t r, const double *cnt, const bn_colstat *cs)
{
    size_t tc = total_col(b);
    for (size_t c = 0; c < b->ncols; c++) {
        double *s = tally_banner_cell(b, r, c);
        s[TALLY_BN_COUNT] = cnt[c];
        s[TALLY_BN_COLPCT] = cs[c].bw > 0 ? 100 * cnt[c] / cs[c].bw : NAN;
        s[TALLY_BN_ROWPCT] = cnt[tc] > 0 ? 100 * cnt[c] / cnt[tc] : NAN;
        s[TALLY_BN_TOTPCT] = cs[tc].bw > 0 ? 100 * cnt[c] / cs[tc].bw : NAN;
    }
}

/* Base rows: weighted (or plain) base, and with a weight the unweighted and effective bases. */
static void put_bases(bn_frame *f, const bn_colstat *cs, const char *label, const tally_bn_opts *o)
{
    tally_banner *b = f->b;
    size_t r = tally_banner_add_row(b, TALLY_ROW_BASE, label);
    for (size_t c = 0; c < b->ncols; c++) tally_banner_cell(b, r, c)[TALLY_BN_COUNT] = cs[c].bw;
    if (!f->weighted) return;
    r = tally_banner_add_row(b, TALLY_ROW_BASE, stats_tr(&o->base, "Unweighted base"));
    for (size_t c = 0; c < b->ncols; c++) tally_banner_cell(b, r, c)[TALLY_BN_COUNT] = cs[c].bn;
    r = tally_banner_add_row(b, TALLY_ROW_BASE, stats_tr(&o->base, "Effective base"));
    for (size_t c = 0; c < b->ncols; c++) tally_banner_cell(b, r, c)[TALLY_BN_COUNT] = cs[c].eff;
}

static void colstat_finish(bn_colstat *cs, size_t n)
{
    for (size_t c = 0; c < n; c++) cs[c].eff = cs[c].bw2 > 0 ? cs[c].bw * cs[c].bw / cs[c].bw2 : 0;
}

/* "p < .001" or "p = 0.439". */
static void p_clause(double p, char *buf, size_t n)
{
    char v[32];
    tally_stats_format_p(p, v, sizeof v);
    snprintf(buf, n, "p %s%s", v[0] == '<' ? "" : "= ", v);
}

static void chisq_notes(tally_table *t, const bn_frame *f, const double *cnt, size_t K, const tally_bn_opts *o)
{
    size_t C = f->b->ncols;
    for (size_t g = 0; g < f->ngroups; g++) {
        if (!f->exclusive[g]) continue;
        size_t nc = 0;
        double *m = xcalloc(K * C + 1, sizeof *m);
        for (size_t c = 0; c < C; c++) {
            if (f->b->cols[c].test_group != g) continue;
            for (size_t k = 0; k < K; k++) m[k * C + nc] = cnt[k * C + c];
            nc++;
        }
        /* compact to K x nc */
        for (size_t k = 0; k < K; k++) memmove(m + k * nc, m + k * C, nc * sizeof *m);
        bn_chisq x;
        bn_chisq_compute(m, K, nc, &x);
        free(m);
        if (x.chisq != x.chisq) continue;
        char pc[48];
        p_clause(x.p, pc, sizeof pc);
        char *note = xasprintf("%s: %s = %.2f, df = %d, %s; %zu %s (%.1f%%) %s. %s %.2f.", f->gname[g],
                               stats_tr(&o->base, "Pearson chi-square"), x.chisq, x.df, pc, x.cells_below5,
                               stats_tr(&o->base, "cells"), x.cells ? 100.0 * (double)x.cells_below5 / (double)x.cells : 0,
                               stats_tr(&o->base, "have expected count less than 5"),
                               stats_tr(&o->base, "The minimum expected count is"), x.min_expected);
        tally_table_add_note(t, note);
        free(note);
    }
}

/* The order categories are shown in: as coded, or by the Total column descending with tails last. */
static size_t *category_order(const bn_items *q, const double *cnt, size_t C, size_t tc, const tally_bn_opts *o,
                              size_t *n_out)
{
    size_t *ord = xmalloc((q->n ? q->n : 1) * sizeof *ord), n = 0;
    for (size_t k = 0; k < q->n; k++)
        if (!o->hide_empty || cnt[k * C + tc] > 0) ord[n++] = k;
    if (o->sort) /* insertion sort: stable, a few dozen categories */
        for (size_t i = 1; i < n; i++) {
            size_t k = ord[i], j = i;
            int tk = is_tail_label(q->labels[k]);
            while (j > 0) {
                size_t p = ord[j - 1];
                int tp = is_tail_label(q->labels[p]);
                if (tp < tk || (tp == tk && cnt[p * C + tc] >= cnt[k * C + tc])) break;
                ord[j] = p;
                j--;
            }
            ord[j] = k;
        }
    *n_out = n;
    return ord;
}

static char *one_pass_columns(const bn_frame *f);

/* Adds row i (weight w) of question q to column c's base and counts. */
static inline void count_row(const bn_items *q, size_t i, size_t c, double w, size_t C, size_t N, double *cnt,
                             bn_colstat *cs)
{
    cs[c].bw += w;
    cs[c].bn += 1;
    cs[c].bw2 += w * w;
    if (q->cat) cnt[(size_t)q->cat[i] * C + c] += w;
    else
        for (size_t k = 0; k < q->n; k++) cnt[k * C + c] += q->hit[k * N + i] ? w : 0;
}

/* Bases and counts of question q in every column: Total and the single-variable banner
 * columns in one pass over the rows, set and nested columns over their member lists. */
static void count_question(const bn_frame *f, const bn_items *q, double *cnt, bn_colstat *cs)
{
    size_t C = f->b->ncols, N = f->N;
    char *done = one_pass_columns(f);
    for (size_t i = 0; i < N; i++) {
        double w = f->w[i];
        if (!(w > 0) || !q->valid[i]) continue;
        count_row(q, i, f->total, w, C, N, cnt, cs);
        for (size_t g = 0; g < f->ngroups; g++)
            if (f->gcol[g] && f->gcol[g][i] >= 0) count_row(q, i, (size_t)f->gcol[g][i], w, C, N, cnt, cs);
    }
    for (size_t c = 0; c < C; c++) {
        if (done[c]) continue;
        for (size_t j = 0; j < f->mem[c].n; j++) {
            size_t i = f->mem[c].rows[j];
            if (q->valid[i]) count_row(q, i, c, f->w[i], C, N, cnt, cs);
        }
    }
    free(done);
}

static void section_categorical(tally_table *t, bn_frame *f, const bn_items *q, const tally_bn_opts *o)
{
    tally_banner *b = f->b;
    size_t K = q->n, C = b->ncols;
    double *cnt = xcalloc(K * C + 1, sizeof *cnt);
    bn_colstat *cs = xcalloc(C, sizeof *cs);
    count_question(f, q, cnt, cs);
    colstat_finish(cs, C);
    size_t r0 = tally_banner_add_row(b, TALLY_ROW_SECTION, q->title);
    put_bases(f, cs, stats_tr(&o->base, q->is_set ? "Respondents who answered" : "Base"), o);
    size_t n, tc = total_col(b), *ord = category_order(q, cnt, C, tc, o, &n);
    for (size_t i = 0; i < n; i++) {
        size_t r = tally_banner_add_row(b, TALLY_ROW_CATEGORY, q->labels[ord[i]]);
        put_counts(b, r, cnt + ord[i] * C, cs);
        if (o->tests) bn_test_props(b, r, cs, o);
    }
    free(ord);
    double *net = xmalloc(C * sizeof *net);
    for (size_t j = 0; j < o->nnets && q->cat; j++) { /* single variables: categories exclude each other */
        memset(net, 0, C * sizeof *net);
        int any = 0;
        for (size_t k = 0; k < K; k++)
            for (size_t m = 0; m < o->nets[j].ncodes; m++)
                if (q->codes[k] == o->nets[j].codes[m]) {
                    any = 1;
                    for (size_t c = 0; c < C; c++) net[c] += cnt[k * C + c];
                }
        if (!any) continue;
        size_t r = tally_banner_add_row(b, TALLY_ROW_NET, o->nets[j].label);
        put_counts(b, r, net, cs);
        if (o->tests) bn_test_props(b, r, cs, o);
    }
    free(net);
    section_flags(b, r0, b->nrows, cs, o);
    if (!q->is_set) chisq_notes(t, f, cnt, K, o);
    free(cnt);
    free(cs);
}

/* Columns counted in the one pass over the rows: Total and the single-variable banner columns. */
static char *one_pass_columns(const bn_frame *f)
{
    size_t C = f->b->ncols;
    char *done = xcalloc(C, 1);
    done[f->total] = 1;
    for (size_t g = 0; g < f->ngroups; g++)
        if (f->gcol[g])
            for (size_t c = 0; c < C; c++) done[c] |= f->b->cols[c].test_group == g;
    return done;
}

/* Medians per column from one sort of the variable's values x (NaN: not counted): the sorted
 * values are dealt to the columns in order, so no column is sorted again. */
static void column_medians(const bn_frame *f, const double *x, const bn_colstat *cs, double *med)
{
    size_t N = f->N, n = 0, C = f->b->ncols;
    stats_vw *all = xmalloc((N ? N : 1) * sizeof *all);
    for (size_t i = 0; i < N; i++)
        if (x[i] == x[i]) all[n++] = (stats_vw){x[i], (double)i}; /* w: the row, for now */
    stats_sort_vw(all, n);
    stats_vw **pick = xcalloc(C, sizeof *pick);
    size_t *k = xcalloc(C, sizeof *k);
    for (size_t c = 0; c < C; c++) pick[c] = xmalloc(((size_t)cs[c].bn + 1) * sizeof **pick);
    char *done = one_pass_columns(f);
    for (size_t j = 0; j < n; j++) {
        size_t i = (size_t)all[j].w;
        stats_vw e = {all[j].v, f->w[i]};
        pick[f->total][k[f->total]++] = e;
        for (size_t g = 0; g < f->ngroups; g++)
            if (f->gcol[g] && f->gcol[g][i] >= 0) pick[f->gcol[g][i]][k[f->gcol[g][i]]++] = e;
    }
    uint8_t *in = xmalloc(N ? N : 1);
    for (size_t c = 0; c < C; c++) {
        if (!done[c]) { /* a set or nested column: its members picked from the sorted values */
            memset(in, 0, N ? N : 1);
            for (size_t j = 0; j < f->mem[c].n; j++) in[f->mem[c].rows[j]] = 1;
            for (size_t j = 0; j < n; j++)
                if (in[(size_t)all[j].w]) pick[c][k[c]++] = (stats_vw){all[j].v, f->w[(size_t)all[j].w]};
        }
        med[c] = k[c] ? stats_percentile_sorted(pick[c], k[c], 0.5) : NAN;
        free(pick[c]);
    }
    free(in);
    free(done);
    free(pick);
    free(k);
    free(all);
}

/* Adds value v of a row (weight w) to column c: pass 1 the sums, pass 2 the squares about the mean. */
static inline void scale_add(bn_colstat *cs, size_t c, double v, double w, int pass)
{
    if (pass == 1) {
        cs[c].bw += w;
        cs[c].mean += w * v; /* the weighted sum until pass 1 ends */
        cs[c].bw2 += w * w;
        cs[c].bn += 1;
    } else {
        cs[c].sd += w * (v - cs[c].mean) * (v - cs[c].mean); /* the sum of squares until pass 2 ends */
    }
}

static void scale_pass(const bn_frame *f, const double *x, const char *done, bn_colstat *cs, int pass)
{
    for (size_t i = 0; i < f->N; i++) {
        if (x[i] != x[i]) continue;
        scale_add(cs, f->total, x[i], f->w[i], pass);
        for (size_t g = 0; g < f->ngroups; g++)
            if (f->gcol[g] && f->gcol[g][i] >= 0) scale_add(cs, (size_t)f->gcol[g][i], x[i], f->w[i], pass);
    }
    for (size_t c = 0; c < f->b->ncols; c++)
        if (!done[c])
            for (size_t j = 0; j < f->mem[c].n; j++) {
                size_t i = f->mem[c].rows[j];
                if (x[i] == x[i]) scale_add(cs, c, x[i], f->w[i], pass);
            }
}

/* Mean, Std. deviation, Median and N of a scale variable per column. */
static void section_scale(bn_frame *f, const tally_dataset *ds, int var, const tally_bn_opts *o)
{
    tally_banner *b = f->b;
    const tally_column *col = ds->cols[var];
    size_t C = b->ncols;
    bn_colstat *cs = xcalloc(C, sizeof *cs);
    double *med = xmalloc(C * sizeof *med), *x = xmalloc((f->N ? f->N : 1) * sizeof *x);
    for (size_t i = 0; i < f->N; i++) {
        double v = tally_col_num(col, tally_row(ds, i));
        x[i] = f->w[i] > 0 && stats_valid_number(col, v) ? v : NAN;
    }
    char *done = one_pass_columns(f);
    scale_pass(f, x, done, cs, 1);
    for (size_t c = 0; c < C; c++) cs[c].mean = cs[c].bw > 0 ? cs[c].mean / cs[c].bw : NAN;
    scale_pass(f, x, done, cs, 2);
    for (size_t c = 0; c < C; c++) cs[c].sd = cs[c].bw > 1 ? sqrt(cs[c].sd / (cs[c].bw - 1)) : NAN;
    column_medians(f, x, cs, med);
    free(done);
    free(x);
    colstat_finish(cs, C);
    size_t r0 = tally_banner_add_row(b, TALLY_ROW_SECTION, col->label && *col->label ? col->label : col->name);
    put_bases(f, cs, stats_tr(&o->base, "Base"), o);
    static const char *const names[] = {"Mean", "Std. deviation", "Median", "N"};
    size_t mean_row = 0;
    for (int k = 0; k < 4; k++) {
        size_t r = tally_banner_add_row(b, TALLY_ROW_STAT, stats_tr(&o->base, names[k]));
        if (k == 0) mean_row = r;
        for (size_t c = 0; c < C; c++)
            tally_banner_cell(b, r, c)[k == 3 ? TALLY_BN_COUNT : TALLY_BN_MEAN] =
                k == 0 ? cs[c].mean : k == 1 ? cs[c].sd : k == 2 ? med[c] : cs[c].bw;
    }
    if (o->tests) bn_test_means(b, mean_row, cs, o);
    section_flags(b, r0, b->nrows, cs, o);
    free(med);
    free(cs);
}

static void frame_free(bn_frame *f)
{
    for (size_t c = 0; f->b && c < f->b->ncols && f->mem; c++) free(f->mem[c].rows);
    free(f->mem);
    free(f->w);
    for (size_t g = 0; g < f->ngroups; g++) {
        free(f->gname[g]);
        free(f->gcol[g]);
    }
    free(f->gname);
    free(f->gcol);
    free(f->exclusive);
}

static void add_notes(tally_table *t, const bn_frame *f, const tally_bn_opts *o, int any_set)
{
    const tally_banner *b = f->b;
    int untested = 0, low = 0, zero = 0;
    for (size_t i = 0; i < b->nrows * b->ncols; i++) {
        untested |= b->flags[i] & TALLY_BN_UNTESTED;
        low |= b->flags[i] & (TALLY_BN_LOW | TALLY_BN_VERYLOW);
        zero |= b->flags[i] & TALLY_BN_EXTREME;
    }
    char a[64], c2[64], buf[512];
    if (o->tests) {
        snprintf(buf, sizeof buf, "%s (%s %g%%, %s %g%%)%s%s.",
                 stats_tr(&o->base, "Letters mark a column significantly higher than the lettered column of the same "
                                    "banner variable: proportions by z-test, means by t-test"),
                 stats_tr(&o->base, "upper case"), 100 * (1 - o->sig_upper), stats_tr(&o->base, "lower case"),
                 100 * (1 - o->sig_lower), o->welch ? stats_tr(&o->base, "; means test without equal variances (Welch)") : "",
                 o->bonferroni ? stats_tr(&o->base, "; p adjusted for the pairs compared (Bonferroni)") : "");
        tally_table_add_note(t, buf);
        if (f->weighted) tally_table_add_note(t, stats_tr(&o->base, "Tests use the effective base of each column "
                                                                   "(Kish: (sum of weights)^2 / sum of squared weights)."));
        if (untested) {
            stats_fmt_count(a, sizeof a, o->min_base);
            snprintf(buf, sizeof buf, "%s %s (%s).", stats_tr(&o->base, "Columns not tested: base below"), a,
                     stats_tr(&o->base, "marked ^"));
            tally_table_add_note(t, buf);
        }
        if (zero) tally_table_add_note(t, stats_tr(&o->base, "Cells at 0% or 100% are not tested."));
    }
    if (low) {
        stats_fmt_count(a, sizeof a, o->low_base);
        stats_fmt_count(c2, sizeof c2, o->very_low_base);
        snprintf(buf, sizeof buf, "* %s %s; ** %s %s.", stats_tr(&o->base, "unweighted base below"), a,
                 stats_tr(&o->base, "unweighted base below"), c2);
        tally_table_add_note(t, buf);
    }
    if (any_set)
        tally_table_add_note(t, stats_tr(&o->base, "Multiple-response sets: percents of the column's respondents who "
                                                   "answered the set; more than one answer possible."));
}

/* A banner with the template's columns (labels, letters, bases) and no rows. */
static tally_banner *clone_columns(const tally_banner *t)
{
    tally_banner *b = tally_banner_new(t->nlevels);
    for (size_t c = 0; c < t->ncols; c++) {
        const tally_bn_col *k = &t->cols[c];
        size_t n = tally_banner_add_col(b, k->label, k->header[0], k->span[0], k->header[1], k->span[1], k->test_group,
                                        k->is_total);
        memcpy(b->cols[n].letter, k->letter, sizeof k->letter);
        b->cols[n].base_w = k->base_w;
        b->cols[n].base_n = k->base_n;
        b->cols[n].base_eff = k->base_eff;
        b->cols[n].flags = k->flags;
    }
    return b;
}

/* The table of questions rows[0..n-1] against the frame's columns; NULL with *err. */
static tally_table *make_table(bn_frame *f, const tally_dataset *ds, const tally_bn_spec *rows, size_t n,
                               const tally_bn_opts *o, const tally_banner *tmpl, char **err)
{
    f->b = clone_columns(tmpl);
    const char *first = rows[0].set ? rows[0].set->name : ds->cols[rows[0].var]->name;
    const char *label = rows[0].set ? rows[0].set->label : ds->cols[rows[0].var]->label;
    char *id = stats_make_id("banner", first);
    tally_table *t = tally_table_new(id, NULL);
    free(id);
    stats_set_meta(t, &o->base, t->id, first, label);
    int any_set = 0;
    for (size_t q = 0; q < n; q++) {
        if (rows[q].scale && !rows[q].set) {
            section_scale(f, ds, rows[q].var, o);
            continue;
        }
        bn_items it;
        if (bn_items_build(ds, rows[q].var, rows[q].set, o->base.lang, &it, err) < 0) {
            tally_banner_free(f->b);
            f->b = NULL;
            tally_table_unref(t);
            return NULL;
        }
        any_set |= it.is_set;
        section_categorical(t, f, &it, o);
        bn_items_free(&it);
    }
    add_notes(t, f, o, any_set);
    const tally_bn_col *tot = &f->b->cols[total_col(f->b)];
    stats_set_base(t, &o->base, f->weighted, tot->base_w, tot->base_n, NULL);
    bn_flat_render(t, f->b, o);
    tally_table_set_banner(t, f->b);
    f->b = NULL;
    return t;
}

/* The frame: weights, then the banner's columns and their members (the template in f->b). */
static int frame_build(bn_frame *f, const tally_dataset *ds, const tally_bn_spec *cols, size_t ncols,
                       const tally_bn_opts *o, char **err)
{
    memset(f, 0, sizeof *f);
    const double *wts = stats_weights(ds, &o->base);
    f->weighted = wts != NULL;
    f->N = ds->nrows;
    f->w = xmalloc((f->N ? f->N : 1) * sizeof *f->w);
    for (size_t i = 0; i < f->N; i++) {
        double w = stats_w(wts, tally_row(ds, i));
        f->w[i] = w > 0 ? w : 0;
    }
    if (build_columns(ds, cols, ncols, o, f, err) < 0) return -1;
    f->total = total_col(f->b);
    return 0;
}

int tally_stats_banner_book(const tally_dataset *ds, const tally_bn_spec *rows, size_t nrows,
                            const tally_bn_spec *cols, size_t ncols, const tally_bn_opts *o, tally_table **out,
                            char **err)
{
    tally_bn_opts defaults;
    if (!o) {
        tally_bn_opts_init(&defaults);
        o = &defaults;
    }
    if (nrows == 0 || ncols == 0) {
        *err = xasprintf("banner: needs at least one row question and one banner variable");
        return -1;
    }
    bn_frame f;
    int rc = frame_build(&f, ds, cols, ncols, o, err);
    tally_banner *tmpl = f.b;
    for (size_t q = 0; q < nrows && rc == 0; q++) {
        out[q] = make_table(&f, ds, rows + q, 1, o, tmpl, err);
        if (!out[q]) {
            for (size_t k = 0; k < q; k++) tally_table_unref(out[k]);
            rc = -1;
        }
    }
    f.b = tmpl;
    frame_free(&f);
    tally_banner_free(tmpl);
    return rc;
}

tally_table *tally_stats_banner(const tally_dataset *ds, const tally_bn_spec *rows, size_t nrows,
                                const tally_bn_spec *cols, size_t ncols, const tally_bn_opts *o, char **err)
{
    tally_bn_opts defaults;
    if (!o) {
        tally_bn_opts_init(&defaults);
        o = &defaults;
    }
    if (nrows == 0 || ncols == 0) {
        *err = xasprintf("banner: needs at least one row question and one banner variable");
        return NULL;
    }
    bn_frame f;
    tally_table *t = NULL;
    if (frame_build(&f, ds, cols, ncols, o, err) == 0) {
        tally_banner *tmpl = f.b;
        t = make_table(&f, ds, rows, nrows, o, tmpl, err);
        f.b = tmpl;
    }
    frame_free(&f);
    tally_banner_free(f.b);
    return t;
}
