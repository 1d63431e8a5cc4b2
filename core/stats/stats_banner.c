/* stats_banner.c: banner tables: row questions (categories, sets, scales, nets) by banner columns, into the model. */
#include "banner_int.h"
#include "ci.h"
#include "numfmt.h"
#include "parallel.h"
#include "util.h"

#include <ctype.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tally_bn_opts_init(tally_bn_opts *o)
{
    *o = (tally_bn_opts){.cells = TALLY_XTAB_DEFAULT_CELLS, .tests = 1, .sig_upper = 0.05, .sig_lower = 0.10,
                         .min_base = TALLY_XTAB_MIN_TEST_BASE, .low_base = 30, .very_low_base = 10,
                         .total_first = 1, .cell_style = "stacked"};
    tally_stats_opts_init(&o->base);
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

/* Count, column %, row % and total % of one row from its counts per column. */
static void put_counts(tally_banner *b, size_t r, const double *cnt, const bn_colstat *cs)
{
    size_t tc = bn_total_col(b);
    for (size_t c = 0; c < b->ncols; c++) {
        double *s = tally_banner_cell(b, r, c);
        s[TALLY_BN_COUNT] = cnt[c];
        s[TALLY_BN_COLPCT] = cs[c].bw > 0 ? 100 * cnt[c] / cs[c].bw : NAN;
        s[TALLY_BN_ROWPCT] = cnt[tc] > 0 ? 100 * cnt[c] / cnt[tc] : NAN;
        s[TALLY_BN_TOTPCT] = cs[tc].bw > 0 ? 100 * cnt[c] / cs[tc].bw : NAN;
    }
}

/* The interval of row r's column % in each column (Wilson on the column's effective base). */
static void put_ci_props(tally_banner *b, size_t r, const bn_colstat *cs, const tally_bn_opts *o)
{
    if (!(o->ci > 0)) return;
    for (size_t c = 0; c < b->ncols; c++) {
        double *s = tally_banner_cell(b, r, c), lo, hi;
        tally_ci_wilson(s[TALLY_BN_COLPCT] / 100, cs[c].eff, o->ci, &lo, &hi);
        s[TALLY_BN_CI_LO] = 100 * lo;
        s[TALLY_BN_CI_HI] = 100 * hi;
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
        /* figures written as the report's language writes them: "p = .439", "p < ,001" */
        const char *lang = o->base.lang;
        char pc[48], chi[48], share[48], minexp[48];
        tally_fmt_p_clause(lang, x.p, pc, sizeof pc);
        tally_fmt_number(lang, x.chisq, 2, 0, chi, sizeof chi);
        tally_fmt_number(lang, x.cells ? 100.0 * (double)x.cells_below5 / (double)x.cells : 0, 1, 0, share, sizeof share);
        tally_fmt_number(lang, x.min_expected, 2, 0, minexp, sizeof minexp);
        char *note = xasprintf("%s: %s = %s, df = %d, %s; %zu %s (%s%%) %s. %s %s.", f->gname[g],
                               stats_tr(&o->base, "Pearson chi-square"), chi, x.df, pc, x.cells_below5,
                               stats_tr(&o->base, "cells"), share, stats_tr(&o->base, "have expected count less than 5"),
                               stats_tr(&o->base, "The minimum expected count is"), minexp);
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

/* The section of a question (a single variable or a set): bases, categories, nets, letters, chi-square. */
static void section_categorical(tally_table *t, bn_frame *f, const bn_items *q, const double *cnt, bn_colstat *cs,
                                const tally_bn_opts *o)
{
    tally_banner *b = f->b;
    size_t K = q->n, C = b->ncols;
    colstat_finish(cs, C);
    size_t r0 = tally_banner_add_row(b, TALLY_ROW_SECTION, q->title);
    put_bases(f, cs, stats_tr(&o->base, q->is_set ? "Respondents who answered" : "Base"), o);
    size_t n, tc = bn_total_col(b), *ord = category_order(q, cnt, C, tc, o, &n);
    for (size_t i = 0; i < n; i++) {
        size_t r = tally_banner_add_row(b, TALLY_ROW_CATEGORY, q->labels[ord[i]]);
        put_counts(b, r, cnt + ord[i] * C, cs);
        put_ci_props(b, r, cs, o);
        if (o->tests) bn_test_props(b, r, cs, o);
    }
    free(ord);
    double *net = xmalloc(C * sizeof *net);
    for (size_t j = 0; j < o->nnets && !q->is_set; j++) { /* single variables: categories exclude each other */
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
        put_ci_props(b, r, cs, o);
        if (o->tests) bn_test_props(b, r, cs, o);
    }
    free(net);
    section_flags(b, r0, b->nrows, cs, o);
    if (!q->is_set) chisq_notes(t, f, cnt, K, o);
}

/* Each row's value of col, NaN where it is missing or the row is left out (x: f->N values). A compact
 * column's levels are checked once each, not once a row. */
static void scale_values(const bn_frame *f, const tally_dataset *ds, const tally_column *col, double *x)
{
    if (col->codes) {
        double level[256];
        for (unsigned k = 0; k < 256; k++)
            level[k] = k < col->nlevels && stats_valid_number(col, col->levels[k]) ? col->levels[k] : NAN;
        for (size_t i = 0; i < f->N; i++) x[i] = f->w[i] > 0 ? level[col->codes[tally_row(ds, i)]] : NAN;
        return;
    }
    if (col->nmissing == 0 && !col->has_range) { /* no user-missing values: NaN alone is missing */
        for (size_t i = 0; i < f->N; i++) x[i] = f->w[i] > 0 ? col->num[tally_row(ds, i)] : NAN;
        return;
    }
    for (size_t i = 0; i < f->N; i++) {
        double v = col->num[tally_row(ds, i)];
        x[i] = f->w[i] > 0 && stats_valid_number(col, v) ? v : NAN;
    }
}

/* Mean, Std. deviation, Median and N of a scale variable per column. */
static void section_scale(bn_frame *f, const tally_dataset *ds, int var, const tally_bn_opts *o)
{
    tally_banner *b = f->b;
    const tally_column *col = ds->cols[var];
    size_t C = b->ncols;
    bn_colstat *cs = xcalloc(C, sizeof *cs);
    double *med = xmalloc(C * sizeof *med), *x = xmalloc_rows((f->N ? f->N : 1) * sizeof *x);
    scale_values(f, ds, col, x);
    bn_scale_moments(f, x, cs);
    bn_column_medians(f, ds, var, x, cs, med);
    free_rows(x);
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
    for (size_t c = 0; c < C && o->ci > 0; c++) { /* the mean's t interval; the sum of squares from the SD */
        double *s = tally_banner_cell(b, mean_row, c), ss = cs[c].sd * cs[c].sd * (cs[c].bw - 1);
        tally_ci_mean_sums(cs[c].mean, ss, cs[c].bw, cs[c].eff, o->ci, &s[TALLY_BN_CI_LO], &s[TALLY_BN_CI_HI]);
    }
    if (o->tests) bn_test_means(b, mean_row, cs, o);
    section_flags(b, r0, b->nrows, cs, o);
    free(med);
    free(cs);
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
    /* the note names the tests this table ran: proportions on category and net rows, means on the
     * Mean rows of scale questions */
    int props = 0, means = 0;
    for (size_t r = 0; r < b->nrows; r++) {
        props |= b->rows[r].type == TALLY_ROW_CATEGORY || b->rows[r].type == TALLY_ROW_NET;
        means |= b->rows[r].type == TALLY_ROW_STAT;
    }
    const char *which =
        props && means ? "Letters mark a column significantly higher than the lettered column of the same banner "
                         "variable: proportions by z-test, means by t-test"
        : means        ? "Letters mark a column significantly higher than the lettered column of the same banner "
                         "variable: means by t-test"
                       : "Letters mark a column significantly higher than the lettered column of the same banner "
                         "variable: proportions by z-test";
    char a[64], c2[64], buf[512];
    if (o->tests) {
        snprintf(buf, sizeof buf, "%s (%s %g%%, %s %g%%)%s%s.", stats_tr(&o->base, which),
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
    if (o->ci > 0) {
        snprintf(buf, sizeof buf, "%s (%g%%): %s.", stats_tr(&o->base, "Confidence intervals"), o->ci,
                 stats_tr(&o->base, "column percents by Wilson, means by t, on each column's effective base"));
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
    f->b->low_base = o->low_base, f->b->very_low_base = o->very_low_base; /* the report's margin note names them */
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
        int compact = !rows[q].set && rows[q].var >= 0 && (size_t)rows[q].var < ds->ncols && ds->cols[rows[q].var]->codes;
        /* a set's per-row arrays are made only for columns outside the partitions */
        int set_codes = bn_set_by_codes(ds, rows[q].set) && !memchr(f->in_part, 0, f->b->ncols);
        if (compact) memset(&it, 0, sizeof it);
        else if (set_codes) bn_items_set_header(ds, rows[q].set, &it);
        else if (bn_items_build(ds, rows[q].var, rows[q].set, o->base.lang, &it, err) < 0) {
            tally_banner_free(f->b);
            f->b = NULL;
            tally_table_unref(t);
            return NULL;
        }
        double *cnt = NULL;
        bn_colstat *cs = xcalloc(f->b->ncols, sizeof *cs);
        bn_count_question(f, ds, compact ? rows[q].var : -1, rows[q].set, o->base.lang, &it, &cnt, cs);
        any_set |= it.is_set;
        section_categorical(t, f, &it, cnt, cs, o);
        free(cnt);
        free(cs);
        bn_items_free(&it);
    }
    add_notes(t, f, o, any_set);
    const tally_bn_col *tot = &f->b->cols[bn_total_col(f->b)];
    stats_set_base(t, &o->base, f->weighted, tot->base_w, tot->base_n, NULL);
    bn_flat_render(t, f->b, o);
    tally_table_set_banner(t, f->b);
    f->b = NULL;
    return t;
}

/* The questions of a book shared out between threads: each takes the next question not yet taken, the
 * longest first (order), so that the last ones taken are short and the threads end together.
 * A table depends on its question alone, so the book is the same whichever thread made which table. */
typedef struct bn_book_job {
    const bn_frame *f;
    const tally_dataset *ds;
    const tally_bn_spec *rows;
    size_t nrows;
    const size_t *order;  /* the questions in the order they are taken */
    const tally_bn_opts *o;
    const tally_banner *tmpl;
    tally_table **out;
    atomic_size_t next;
    char *err[TALLY_PAR_MAX_PARTS];
    size_t failed_at[TALLY_PAR_MAX_PARTS]; /* the first question (in the book's order) that failed, nrows if none */
} bn_book_job;

/* About how long a question takes, for the order the threads take them in: a scale (sums and
 * medians) or a variable of doubles or texts (hashed row by row) most, a set next, then a compact
 * variable (one pass over its codes). */
static int question_cost(const tally_dataset *ds, const tally_bn_spec *r)
{
    if (r->set) return 1;
    int compact = r->var >= 0 && (size_t)r->var < ds->ncols && ds->cols[r->var]->codes;
    if (r->scale) return compact ? 2 : 3;
    return compact ? 0 : 3;
}

static void book_part(void *ctx, size_t part)
{
    bn_book_job *j = ctx;
    bn_frame f = *j->f; /* the part's own current banner (f.b); the rest is read only */
    for (size_t k; (k = atomic_fetch_add(&j->next, 1)) < j->nrows;) {
        size_t q = j->order[k];
        char *err = NULL;
        if ((j->out[q] = make_table(&f, j->ds, j->rows + q, 1, j->o, j->tmpl, &err))) continue;
        /* taken out of the book's order, so the part goes on: the first question that fails in the
         * book's order names the error, as it would one after another */
        if (q < j->failed_at[part]) {
            free(j->err[part]);
            j->err[part] = err;
            j->failed_at[part] = q;
        } else {
            free(err);
        }
    }
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
    int rc = bn_frame_build(&f, ds, cols, ncols, o, err);
    tally_banner *tmpl = f.b;
    if (rc == 0) {
        size_t *order = xmalloc(nrows * sizeof *order), n = 0;
        for (int cost = 3; cost >= 0; cost--)
            for (size_t q = 0; q < nrows; q++)
                if (question_cost(ds, &rows[q]) == cost) order[n++] = q;
        bn_book_job j = {.f = &f, .ds = ds, .rows = rows, .nrows = nrows, .order = order, .o = o, .tmpl = tmpl,
                         .out = out};
        atomic_init(&j.next, 0);
        size_t parts = nrows > 1 ? tally_par_parts(ds->nrows) : 1, first = nrows, bad = 0;
        for (size_t p = 0; p < TALLY_PAR_MAX_PARTS; p++) j.failed_at[p] = nrows;
        memset(out, 0, nrows * sizeof *out);
        tally_par_run(parts, book_part, &j);
        for (size_t p = 0; p < parts; p++)
            if (j.failed_at[p] < first) first = j.failed_at[p], bad = p;
        if (first < nrows) { /* the first question that failed names the error; no table is returned */
            for (size_t q = 0; q < nrows; q++)
                if (out[q]) tally_table_unref(out[q]), out[q] = NULL;
            *err = j.err[bad];
            j.err[bad] = NULL;
            rc = -1;
        }
        for (size_t p = 0; p < parts; p++) free(j.err[p]);
        free(order);
    }
    f.b = tmpl;
    bn_frame_free(&f);
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
    if (bn_frame_build(&f, ds, cols, ncols, o, err) == 0) {
        tally_banner *tmpl = f.b;
        t = make_table(&f, ds, rows, nrows, o, tmpl, err);
        f.b = tmpl;
    }
    bn_frame_free(&f);
    tally_banner_free(f.b);
    return t;
}
