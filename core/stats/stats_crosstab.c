/* stats_crosstab.c: crosstabs and banners: counts, percents, chi-square, Cramér's V, column-proportion letters. */
#include "stats_int.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tally_xtab_opts_init(tally_xtab_opts *o)
{
    *o = (tally_xtab_opts){.cells = TALLY_XTAB_DEFAULT_CELLS, .min_base = TALLY_XTAB_MIN_TEST_BASE, .total_col = 1};
    tally_stats_opts_init(&o->base);
}

/* One column variable: its categories and its cells against the row variable. */
typedef struct xvar {
    stats_catmap m;
    size_t nc;            /* valid categories */
    double *w;            /* nr x nc weighted counts */
    double *colw, *coln;  /* column totals: weighted, unweighted */
    double *roww;         /* row totals */
    double grand, ngrand;
    char **letters;       /* nr x nc significance letters, owned */
    int *tested;          /* per column: base large enough */
} xvar;

static void chisq_compute(const xvar *x, size_t nr, tally_xtab_stats *s)
{
    size_t rows = 0, cols = 0;
    for (size_t r = 0; r < nr; r++) rows += x->roww[r] > 0;
    for (size_t c = 0; c < x->nc; c++) cols += x->colw[c] > 0;
    s->n = x->grand;
    s->df = (int)((rows ? rows - 1 : 0) * (cols ? cols - 1 : 0));
    s->chisq = s->p = s->cramers_v = NAN;
    if (s->df <= 0 || !(x->grand > 0)) return;
    double chi = 0;
    for (size_t r = 0; r < nr; r++) {
        if (!(x->roww[r] > 0)) continue;
        for (size_t c = 0; c < x->nc; c++) {
            if (!(x->colw[c] > 0)) continue;
            double e = x->roww[r] * x->colw[c] / x->grand, d = x->w[r * x->nc + c] - e;
            chi += d * d / e;
        }
    }
    s->chisq = chi;
    s->p = tally_stats_chisq_p(chi, s->df);
    size_t k = rows < cols ? rows : cols;
    s->cramers_v = sqrt(chi / (x->grand * (double)(k - 1)));
}

/* Column-proportion z-tests within one column variable, SPSS Custom Tables style:
 * the column with the larger proportion gets the other's letter. */
static void letters_compute(xvar *x, size_t nr, double min_base)
{
    size_t ncell = nr * x->nc;
    x->letters = xcalloc(ncell ? ncell : 1, sizeof *x->letters);
    x->tested = xcalloc(x->nc ? x->nc : 1, sizeof *x->tested);
    for (size_t c = 0; c < x->nc; c++) x->tested[c] = x->coln[c] >= min_base && x->colw[c] > 0 && c < 26;
    for (size_t r = 0; r < nr; r++) {
        for (size_t a = 0; a < x->nc; a++) {
            char buf[64];
            size_t len = 0;
            for (size_t b = 0; b < x->nc && x->tested[a]; b++) {
                if (b == a || !x->tested[b]) continue;
                double na = x->colw[a], nb = x->colw[b];
                double pa = x->w[r * x->nc + a] / na, pb = x->w[r * x->nc + b] / nb;
                double p = (x->w[r * x->nc + a] + x->w[r * x->nc + b]) / (na + nb);
                double se = sqrt(p * (1 - p) * (1 / na + 1 / nb));
                if (!(se > 0) || !(pa > pb)) continue;
                double pv = tally_stats_normal_p2((pa - pb) / se);
                if (pv < 0.05) buf[len++] = (char)('A' + b);
                else if (pv < 0.10) buf[len++] = (char)('a' + b);
            }
            buf[len] = '\0';
            x->letters[r * x->nc + a] = xstrdup(buf);
        }
    }
}

static void xvar_free(xvar *x, size_t nr)
{
    if (x->letters) free_strings(x->letters, nr * x->nc); /* NULL until letters_compute ran */
    free(x->tested);
    free(x->w);
    free(x->colw);
    free(x->coln);
    free(x->roww);
    stats_catmap_free(&x->m);
}

/* Cells and margins of a column variable with nr valid rows (categories already counted). */
static void xvar_alloc(xvar *x, size_t nr)
{
    x->nc = x->m.nvalid;
    size_t ncell = nr * x->nc;
    x->w = xcalloc(ncell ? ncell : 1, sizeof *x->w);
    x->colw = xcalloc(x->nc ? x->nc : 1, sizeof *x->colw);
    x->coln = xcalloc(x->nc ? x->nc : 1, sizeof *x->coln);
    x->roww = xcalloc(nr ? nr : 1, sizeof *x->roww);
}

/* Adds each code seen (count n[k] > 0, k a dense index) to a category map, then sorts it. */
static void add_codes(stats_catmap *m, const double *w, const double *n)
{
    const tally_column *c = m->col;
    for (unsigned k = 0; k <= c->nlevels; k++) {
        if (n[k] == 0) continue;
        size_t s = stats_catmap_slot_code(m, k == c->nlevels ? NAN : c->levels[k]);
        m->cats[s].w += w[k];
        m->cats[s].n += n[k];
    }
    stats_catmap_finish(m);
}

/* Two compact columns: counts both category maps and fills x's cells and margins
 * from one joint histogram. Each cell is the running sum of the loop over cases; the
 * margins are sums of the cells (equal to the loop's up to rounding in the last bits).
 * Returns the valid row categories. */
static size_t joint_fill(const tally_dataset *ds, const double *wts, stats_catmap *rm, xvar *x)
{
    stats_joint j;
    stats_joint_count(ds, rm->col, x->m.col, wts, &j);
    size_t NR = j.nr, NC = j.nc;
    double *rw = xcalloc(NR, sizeof *rw), *rn = xcalloc(NR, sizeof *rn);
    double *cw = xcalloc(NC, sizeof *cw), *cn = xcalloc(NC, sizeof *cn);
    for (size_t a = 0; a < NR; a++)
        for (size_t b = 0; b < NC; b++) {
            rw[a] += j.w[a * NC + b];
            rn[a] += j.n[a * NC + b];
            cw[b] += j.w[a * NC + b];
            cn[b] += j.n[a * NC + b];
        }
    add_codes(rm, rw, rn);
    add_codes(&x->m, cw, cn);
    size_t nr = rm->nvalid;
    xvar_alloc(x, nr);
    /* display position of each dense index; (size_t)-1 when not a valid category */
    size_t *rpos = xmalloc(NR * sizeof *rpos), *cpos = xmalloc(NC * sizeof *cpos);
    for (size_t a = 0; a < NR; a++) {
        rpos[a] = (size_t)-1;
        if (a == NR - 1 || rn[a] == 0) continue;
        size_t p = rm->pos[stats_catmap_slot_code(rm, rm->col->levels[a])];
        if (p < nr) rpos[a] = p;
    }
    for (size_t b = 0; b < NC; b++) {
        cpos[b] = (size_t)-1;
        if (b == NC - 1 || cn[b] == 0) continue;
        size_t p = x->m.pos[stats_catmap_slot_code(&x->m, x->m.col->levels[b])];
        if (p < x->nc) cpos[b] = p;
    }
    for (size_t a = 0; a < NR; a++) {
        if (rpos[a] == (size_t)-1) continue;
        x->roww[rpos[a]] = j.roww[a];
        for (size_t b = 0; b < NC; b++) {
            if (cpos[b] == (size_t)-1) continue;
            x->w[rpos[a] * x->nc + cpos[b]] = j.w[a * NC + b];
            x->coln[cpos[b]] += j.n[a * NC + b]; /* whole numbers: exact in any order */
            x->ngrand += j.n[a * NC + b];
        }
    }
    for (size_t b = 0; b < NC; b++)
        if (cpos[b] != (size_t)-1) x->colw[cpos[b]] = j.colw[b];
    x->grand = j.grand;
    free(rpos);
    free(cpos);
    free(rw);
    free(rn);
    free(cw);
    free(cn);
    stats_joint_free(&j);
    return nr;
}

/* Adds the figure columns of one banner column; returns the first one. */
static size_t add_cell_cols(tally_table *t, const tally_xtab_opts *o, const char *label, const char *group,
                            int weighted)
{
    static const int bits[] = {TALLY_XTAB_COUNT, TALLY_XTAB_COL, TALLY_XTAB_ROW, TALLY_XTAB_TOTAL}; /* stats_cell_heads' order */
    int cells = o->cells ? o->cells : TALLY_XTAB_COUNT | TALLY_XTAB_COL;
    int many = (cells & (cells - 1)) != 0;
    size_t first = t->ncols;
    for (size_t k = 0; k < 4; k++) {
        if (!(cells & bits[k])) continue;
        char *l = many ? xasprintf("%s: %s", label, stats_tr(&o->base, stats_cell_heads[k])) : xstrdup(label);
        size_t c = tally_table_add_col(t, l, bits[k] == TALLY_XTAB_COUNT ? TALLY_COL_COUNT : TALLY_COL_PERCENT,
                                       bits[k] == TALLY_XTAB_COUNT ? (weighted ? o->base.count_decimals : 0) : 1);
        tally_table_set_col_group(t, c, group);
        free(l);
    }
    return first;
}

/* Writes count and percents of one cell into the columns starting at `col`. */
static size_t put_cells(tally_table *t, const tally_xtab_opts *o, size_t row, size_t col, double v,
                        double coltot, double rowtot, double grand)
{
    int cells = o->cells ? o->cells : TALLY_XTAB_COUNT | TALLY_XTAB_COL;
    if (cells & TALLY_XTAB_COUNT) tally_table_set_number(t, row, col++, v);
    if (cells & TALLY_XTAB_COL) tally_table_set_number(t, row, col++, coltot > 0 ? 100 * v / coltot : NAN);
    if (cells & TALLY_XTAB_ROW) tally_table_set_number(t, row, col++, rowtot > 0 ? 100 * v / rowtot : NAN);
    if (cells & TALLY_XTAB_TOTAL) tally_table_set_number(t, row, col++, grand > 0 ? 100 * v / grand : NAN);
    return col;
}

/* The Total column of a crosstab or banner: weighted count per row, grand total, cases. */
typedef struct xtotal {
    double *w; /* per row (nr) */
    double grand, n;
} xtotal;

/* Counts every cell of the row variable (its categories in rm) by each column variable
 * into xs, and the Total column into tot; returns the number of rows. */
static size_t count_cells(const tally_dataset *ds, const double *wts, stats_catmap *rm, xvar *xs,
                          const int *colvars, size_t ncolvars, xtotal *tot)
{
    size_t nr;
    if (ncolvars == 1 && rm->col->codes && ds->cols[colvars[0]]->codes) {
        /* two compact columns: every figure from one joint histogram */
        xvar *x = &xs[0];
        stats_catmap_init(&x->m, ds->cols[colvars[0]]);
        nr = joint_fill(ds, wts, rm, x);
        tot->w = xcalloc(nr ? nr : 1, sizeof *tot->w);
        memcpy(tot->w, x->roww, nr * sizeof *tot->w);
        tot->grand = x->grand;
        tot->n = x->ngrand;
        return nr;
    }
    stats_catmap_count(rm, ds, wts);
    stats_catmap_finish(rm);
    nr = rm->nvalid;
    for (size_t j = 0; j < ncolvars; j++) {
        xvar *x = &xs[j];
        stats_catmap_init(&x->m, ds->cols[colvars[j]]);
        stats_catmap_count(&x->m, ds, wts);
        stats_catmap_finish(&x->m);
        xvar_alloc(x, nr);
    }
    tot->w = xcalloc(nr ? nr : 1, sizeof *tot->w);
    /* Total column: cases valid on the row variable (a banner), or the table's margins. */
    for (size_t i = 0; i < ds->nrows; i++) {
        size_t p = tally_row(ds, i);
        double w = stats_w(wts, p);
        if (!(w > 0)) continue;
        size_t ri = rm->pos[stats_catmap_slot(rm, p)];
        if (ri >= nr) continue;
        tot->w[ri] += w;
        tot->grand += w;
        tot->n += 1;
        for (size_t j = 0; j < ncolvars; j++) {
            xvar *x = &xs[j];
            size_t ci = x->m.pos[stats_catmap_slot(&x->m, p)];
            if (ci >= x->nc) continue;
            x->w[ri * x->nc + ci] += w;
            x->colw[ci] += w;
            x->coln[ci] += 1;
            x->roww[ri] += w;
            x->grand += w;
            x->ngrand += 1;
        }
    }
    if (ncolvars == 1) {
        memcpy(tot->w, xs[0].roww, nr * sizeof *tot->w);
        tot->grand = xs[0].grand;
        tot->n = xs[0].ngrand;
    }
    return nr;
}

/* Adds the columns of every column variable's categories (with their letter columns
 * when tested), recording where each starts; returns 1 when a column is not tested. */
static int add_banner_cols(tally_table *t, const tally_xtab_opts *o, xvar *xs, size_t ncolvars, size_t nr,
                           int weighted, size_t **firstcol, size_t **lettercol)
{
    char buf[512];
    int any_untested = 0;
    for (size_t j = 0; j < ncolvars; j++) {
        xvar *x = &xs[j];
        const tally_column *cc = x->m.col;
        const char *group = cc->label && *cc->label ? cc->label : cc->name;
        if (o->tests) letters_compute(x, nr, o->min_base);
        firstcol[j] = xcalloc(x->nc ? x->nc : 1, sizeof **firstcol);
        lettercol[j] = xcalloc(x->nc ? x->nc : 1, sizeof **lettercol);
        for (size_t c = 0; c < x->nc; c++) {
            const char *l = stats_cat_label(&x->m, stats_catmap_at(&x->m, c), o->base.lang, buf, sizeof buf);
            char *label = o->tests && c < 26 ? xasprintf("%s (%c)", l, (char)('A' + c)) : xstrdup(l);
            firstcol[j][c] = add_cell_cols(t, o, label, group, weighted);
            if (o->tests) {
                char *ll = xasprintf("%s %s", label, stats_tr(&o->base, "sig."));
                lettercol[j][c] = tally_table_add_col(t, ll, TALLY_COL_LETTERS, 0);
                tally_table_set_col_group(t, lettercol[j][c], group);
                free(ll);
                if (!x->tested[c]) any_untested = 1;
            }
            free(label);
        }
    }
    return any_untested;
}

/* The chi-square note of each column variable (and its figures into stats, when
 * given), then the notes on the column tests. */
static void add_test_notes(tally_table *t, const tally_xtab_opts *o, xvar *xs, size_t ncolvars, size_t nr,
                           tally_xtab_stats *stats, int any_untested)
{
    for (size_t j = 0; j < ncolvars; j++) {
        tally_xtab_stats s;
        chisq_compute(&xs[j], nr, &s);
        if (stats) stats[j] = s;
        const tally_column *cc = xs[j].m.col;
        if (s.chisq == s.chisq) {
            const char *lang = o->base.lang;
            char chi[48], pc[48], v[48];
            tally_fmt_number(lang, s.chisq, 2, 0, chi, sizeof chi);
            tally_fmt_p_clause(lang, s.p, pc, sizeof pc);
            tally_fmt_number(lang, s.cramers_v, 2, 0, v, sizeof v);
            char *test = xasprintf(stats_tr(&o->base, "Pearson chi-square = %s, df = %d, %s; Cramér's V = %s."), chi,
                                   s.df, pc, v);
            char *note = xasprintf("%s%s%s", ncolvars > 1 ? cc->name : "", ncolvars > 1 ? ": " : "", test);
            free(test);
            tally_table_add_note(t, note);
            free(note);
        }
    }
    if (o->tests) {
        char *note = xasprintf("%s", stats_tr(&o->base,
            "Column proportions compared with a two-sided z-test: a letter marks a column whose proportion is "
            "significantly higher than that of the lettered column (upper case p < 0.05, lower case p < 0.10)."));
        tally_table_add_note(t, note);
        free(note);
        if (any_untested) {
            char mb[64];
            tally_fmt_count(o->base.lang, o->min_base, 1, mb, sizeof mb);
            note = xasprintf(stats_tr(&o->base, "Columns not tested: base below %s."), mb);
            tally_table_add_note(t, note);
            free(note);
        }
    }
}

tally_table *tally_stats_crosstab(const tally_dataset *ds, int row, const int *colvars, size_t ncolvars,
                                  const tally_xtab_opts *o, tally_xtab_stats *stats, char **err)
{
    tally_xtab_opts defaults;
    if (!o) {
        tally_xtab_opts_init(&defaults);
        o = &defaults;
    }
    if (row < 0 || (size_t)row >= ds->ncols || ncolvars == 0) {
        *err = xasprintf("crosstab: needs a row variable and at least one column variable");
        return NULL;
    }
    for (size_t j = 0; j < ncolvars; j++)
        if (colvars[j] < 0 || (size_t)colvars[j] >= ds->ncols) {
            *err = xasprintf("crosstab: column variable %zu is not in the dataset", j + 1);
            return NULL;
        }
    const double *wts = stats_weights(ds, &o->base);
    const tally_column *rc = ds->cols[row];
    stats_catmap rm;
    stats_catmap_init(&rm, rc);
    xvar *xs = xcalloc(ncolvars, sizeof *xs);
    xtotal tot = {0};
    size_t nr = count_cells(ds, wts, &rm, xs, colvars, ncolvars, &tot);

    /* table frame */
    char *id;
    if (ncolvars == 1) {
        char *name = xasprintf("%s_by_%s", rc->name, ds->cols[colvars[0]]->name);
        id = stats_make_id("xtab", name);
        free(name);
    } else {
        id = stats_make_id("banner", rc->name);
    }
    tally_table *t = tally_table_new(id, NULL);
    free(id);
    stats_set_meta(t, &o->base, t->id, rc->name, rc->label);
    tally_table_add_col(t, "", TALLY_COL_LABEL, 0);
    char buf[512];
    size_t **firstcol = xcalloc(ncolvars, sizeof *firstcol);
    size_t **lettercol = xcalloc(ncolvars, sizeof *lettercol);
    int any_untested = add_banner_cols(t, o, xs, ncolvars, nr, wts != NULL, firstcol, lettercol);
    size_t totcol = (size_t)-1;
    if (o->total_col || ncolvars > 1) totcol = add_cell_cols(t, o, stats_tr(&o->base, "Total"), stats_tr(&o->base, "Total"), wts != NULL);

    /* rows: categories, then totals (and the unweighted base when weighted) */
    for (size_t r = 0; r <= nr; r++) {
        int is_total = r == nr;
        size_t tr = tally_table_add_row(t, is_total ? TALLY_ROW_TOTAL : TALLY_ROW_CATEGORY);
        tally_table_set_text(t, tr, 0, is_total ? stats_tr(&o->base, "Total")
                                                : stats_cat_label(&rm, stats_catmap_at(&rm, r), o->base.lang, buf, sizeof buf));
        for (size_t j = 0; j < ncolvars; j++) {
            xvar *x = &xs[j];
            for (size_t c = 0; c < x->nc; c++) {
                double v = is_total ? x->colw[c] : x->w[r * x->nc + c];
                put_cells(t, o, tr, firstcol[j][c], v, x->colw[c], is_total ? x->grand : x->roww[r], x->grand);
                if (o->tests && !is_total) tally_table_set_text(t, tr, lettercol[j][c], x->letters[r * x->nc + c]);
            }
        }
        if (totcol != (size_t)-1) {
            double v = is_total ? tot.grand : tot.w[r];
            put_cells(t, o, tr, totcol, v, tot.grand, v, tot.grand);
        }
    }
    int cells = o->cells ? o->cells : TALLY_XTAB_COUNT | TALLY_XTAB_COL;
    if (wts && (cells & TALLY_XTAB_COUNT)) {
        size_t br = tally_table_add_row(t, TALLY_ROW_BASE);
        tally_table_set_text(t, br, 0, stats_tr(&o->base, "Unweighted base"));
        for (size_t j = 0; j < ncolvars; j++)
            for (size_t c = 0; c < xs[j].nc; c++) tally_table_set_number(t, br, firstcol[j][c], xs[j].coln[c]);
        if (totcol != (size_t)-1) tally_table_set_number(t, br, totcol, tot.n);
    }

    add_test_notes(t, o, xs, ncolvars, nr, stats, any_untested);
    stats_set_base(t, &o->base, wts != NULL, tot.grand, tot.n, NULL);
    for (size_t j = 0; j < ncolvars; j++) /* column percentages rest on the column bases */
        for (size_t c = 0; c < xs[j].nc; c++)
            if (xs[j].coln[c] > 0 && xs[j].coln[c] < t->pct_n) t->pct_n = xs[j].coln[c];
    if (o->base.chart != TALLY_CHART_NONE) {
        size_t *series = xmalloc(t->ncols * sizeof *series), n = 0;
        for (size_t j = 0; j < ncolvars; j++)
            for (size_t c = 0; c < xs[j].nc; c++) series[n++] = firstcol[j][c] + ((cells & TALLY_XTAB_COUNT) && (cells & TALLY_XTAB_COL));
        tally_table_set_chart(t, o->base.chart, NULL, series, n);
        free(series);
    }
    for (size_t j = 0; j < ncolvars; j++) {
        free(firstcol[j]);
        free(lettercol[j]);
        xvar_free(&xs[j], nr);
    }
    free(firstcol);
    free(lettercol);
    free(xs);
    free(tot.w);
    stats_catmap_free(&rm);
    return t;
}
