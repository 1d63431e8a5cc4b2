/* stats_rake.c: rim weighting by iterative proportional fitting, with trimming, and its weighting tables. */
#include "rake_int.h"
#include "stats_int.h"
#include "util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tally_rake_opts_init(tally_rake_opts *o)
{
    memset(o, 0, sizeof *o);
    tally_stats_opts_init(&o->base);
    o->start_weight = -1;
    o->unit = TALLY_RAKE_PERCENT;
    o->tolerance = 1e-6;
    o->max_iter = 100;
    o->trim_min = o->trim_max = NAN;
    o->total = NAN;
}

static const char *unit_text(int unit)
{
    return unit == TALLY_RAKE_COUNT ? "" : unit == TALLY_RAKE_PROPORTION ? "" : "%";
}

static int cmp_cat(const void *a, const void *b)
{
    const rcat *x = a, *y = b;
    if (x->scode || y->scode) return strcmp(x->scode ? x->scode : "", y->scode ? y->scode : "");
    return (x->code > y->code) - (x->code < y->code);
}

/* The category a target names: a code, a value label, or (string variables) a code as text. */
static int resolve_target(const tally_column *c, const char *var, const tally_rake_target *t, rcat *out, char **err)
{
    memset(out, 0, sizeof *out);
    out->given = t->value;
    if (c->type == TALLY_STRING) {
        char buf[64];
        const char *key = t->text;
        if (!key) snprintf(buf, sizeof buf, "%.15g", t->code), key = buf;
        for (size_t i = 0; i < c->nlabels; i++)
            if (c->labels[i].scode && (strcmp(c->labels[i].scode, key) == 0 || strcmp(c->labels[i].label, key) == 0)) {
                out->scode = c->labels[i].scode, out->label = c->labels[i].label;
                return 0;
            }
        if (!t->text) {
            *err = xasprintf("rake: '%s' is a text variable; name its categories by text, not %g", var, t->code);
            return -1;
        }
        out->scode = out->label = t->text;
        return 0;
    }
    if (!t->text) {
        out->code = t->code;
        out->label = tally_column_value_label(c, t->code);
        return 0;
    }
    for (size_t i = 0; i < c->nlabels; i++)
        if (!c->labels[i].scode && strcmp(c->labels[i].label, t->text) == 0) {
            out->code = c->labels[i].code, out->label = c->labels[i].label;
            return 0;
        }
    char *end;
    double v = strtod(t->text, &end);
    if (end != t->text && !*end) {
        out->code = v, out->label = tally_column_value_label(c, v);
        return 0;
    }
    sbuf known;
    sbuf_init(&known);
    for (size_t i = 0; i < c->nlabels && i < 12; i++) sbuf_printf(&known, "%s'%s'", i ? ", " : "", c->labels[i].label);
    *err = xasprintf("rake: '%s' has no category labelled '%s'%s%s%s", var, t->text, known.len ? " (its labels: " : "",
                     known.len ? known.data : "", known.len ? ")" : " (it has no value labels; give codes)");
    sbuf_free(&known);
    return -1;
}

static int resolve_var(const tally_dataset *ds, const tally_rake_var *spec, const tally_rake_opts *o, rvar *v,
                       char **err)
{
    memset(v, 0, sizeof *v);
    v->name = spec->name;
    int col = tally_dataset_find(ds, spec->name);
    if (col < 0) {
        *err = xasprintf("rake: unknown variable '%s' in dataset '%s'", spec->name, ds->name);
        return -1;
    }
    v->col = ds->cols[col];
    if (!spec->ntargets) {
        *err = xasprintf("rake: '%s' has no targets", spec->name);
        return -1;
    }
    v->ncat = spec->ntargets;
    v->cats = xcalloc(v->ncat, sizeof *v->cats);
    double sum = 0;
    for (size_t i = 0; i < v->ncat; i++) {
        if (resolve_target(v->col, spec->name, &spec->targets[i], &v->cats[i], err)) return -1;
        if (!(spec->targets[i].value >= 0) || !isfinite(spec->targets[i].value)) {
            *err = xasprintf("rake: '%s': the target of '%s' must be a number of 0 or more", spec->name,
                             v->cats[i].label ? v->cats[i].label : "?");
            return -1;
        }
        sum += spec->targets[i].value;
    }
    qsort(v->cats, v->ncat, sizeof *v->cats, cmp_cat);
    for (size_t i = 1; i < v->ncat; i++)
        if (!cmp_cat(&v->cats[i - 1], &v->cats[i])) {
            *err = xasprintf("rake: '%s': the category '%s' has two targets", spec->name,
                             v->cats[i].label ? v->cats[i].label : v->cats[i].scode ? v->cats[i].scode : "?");
            return -1;
        }
    double want = o->unit == TALLY_RAKE_PERCENT ? 100 : 1;
    if (o->unit != TALLY_RAKE_COUNT && fabs(sum - want) > 1e-4 * want) {
        *err = xasprintf("rake: the targets of '%s' sum to %.10g%s, not %g%s; shares must add up to the whole "
                         "population (or say unit = \"count\")", spec->name, sum, unit_text(o->unit), want,
                         unit_text(o->unit));
        return -1;
    }
    if (!(sum > 0)) {
        *err = xasprintf("rake: the targets of '%s' are all 0", spec->name);
        return -1;
    }
    for (size_t i = 0; i < v->ncat; i++) v->cats[i].target = v->cats[i].given / sum;
    return 0;
}

static void free_vars(rvar *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) free(v[i].cats), free_rows(v[i].cat), free(v[i].lut);
    free(v);
}

/* The largest |share - target| over every variable's category sums (cats[].w) and its variable. */
static double gap_of(rvar *vars, size_t nv, size_t *worst)
{
    double gap = 0;
    for (size_t j = 0; j < nv; j++) {
        rvar *v = &vars[j];
        double tot = 0;
        for (size_t k = 0; k < v->ncat; k++) tot += v->cats[k].w;
        for (size_t k = 0; k < v->ncat; k++) {
            double g = fabs((tot > 0 ? v->cats[k].w / tot : 0) - v->cats[k].target);
            if (g > gap) gap = g, *worst = j;
        }
    }
    return gap;
}

/* Weighted sums per category of every variable over the groups; returns gap_of them. */
static double margins(rvar *vars, size_t nv, const rgroups *g, size_t *worst)
{
    for (size_t j = 0; j < nv; j++) {
        rvar *v = &vars[j];
        for (size_t k = 0; k < v->ncat; k++) v->cats[k].w = 0;
        for (size_t q = 0; q < g->n; q++)
            if (g->cat[q * nv + j] >= 0) v->cats[g->cat[q * nv + j]].w += g->mass[q] * g->m[q];
    }
    return gap_of(vars, nv, worst);
}

/* Caps each row's weight (start weight times factor: its group's rows share a start weight when
 * capped) at trim_min/trim_max times the mean weight; marks the groups it moved. */
static void trim(rgroups *g, const tally_rake_opts *o)
{
    double sum = 0, m = 0;
    for (size_t q = 0; q < g->n; q++) {
        double w = g->start[q] * g->m[q];
        if (w > 0) sum += w * g->cnt[q], m += g->cnt[q];
    }
    if (!(m > 0)) return;
    double mean = sum / m, lo = o->trim_min * mean, hi = o->trim_max * mean;
    for (size_t q = 0; q < g->n; q++) {
        double w = g->start[q] * g->m[q];
        if (!(w > 0)) continue;
        if (hi == hi && w > hi * (1 + 1e-9)) g->m[q] = hi / g->start[q], g->trimmed[q] = 1;
        else if (lo == lo && w < lo * (1 - 1e-9)) g->m[q] = lo / g->start[q], g->trimmed[q] = 1;
    }
}

/* Scales the groups of variable j's categories to their targets (cats[].w hold the current sums)
 * and sums the next variable's categories, or every variable's after the last one (for the gap). */
static void scale_var(rvar *vars, size_t nv, size_t j, rgroups *g, int capped, double *f)
{
    rvar *v = &vars[j], *next = j + 1 < nv ? &vars[j + 1] : NULL;
    int all = !next && !capped;
    double tot = 0;
    for (size_t k = 0; k < v->ncat; k++) tot += v->cats[k].w;
    for (size_t k = 0; k < v->ncat; k++) f[k] = v->cats[k].w > 0 ? v->cats[k].target * tot / v->cats[k].w : 0;
    for (size_t q = 0; next && q < next->ncat; q++) next->cats[q].w = 0;
    for (size_t p = 0; all && p < nv; p++)
        for (size_t k = 0; k < vars[p].ncat; k++) vars[p].cats[k].w = 0;
    for (size_t q = 0; q < g->n; q++) {
        const int32_t *c = &g->cat[q * nv];
        if (c[j] >= 0) g->m[q] *= f[c[j]];
        double w = g->mass[q] * g->m[q];
        if (next) {
            if (c[j + 1] >= 0) next->cats[c[j + 1]].w += w;
        } else if (all) {
            for (size_t p = 0; p < nv; p++)
                if (c[p] >= 0) vars[p].cats[c[p]].w += w;
        }
    }
}

/* Iterative proportional fitting over the groups: each pass scales every variable's categories to
 * their targets, then (with caps) trims the weights, so the next pass re-rakes the trimmed weights.
 * Returns the passes used; *gap is the largest gap after the last one. */
static int ipf(rvar *vars, size_t nv, rgroups *g, const tally_rake_opts *o, int capped, double *gap, size_t *worst)
{
    size_t fcap = 1;
    for (size_t j = 0; j < nv; j++) fcap = vars[j].ncat > fcap ? vars[j].ncat : fcap;
    double *f = xmalloc(fcap * sizeof *f);
    int it = 0;
    *gap = gap_of(vars, nv, worst); /* the caller summed the start weights (check_reachable) */
    while ((*gap > o->tolerance || (capped && it == 0)) && it < o->max_iter) { /* caps: one pass at least */
        it++;
        for (size_t j = 0; j < nv; j++) scale_var(vars, nv, j, g, capped, f);
        if (capped) {
            trim(g, o);
            *gap = margins(vars, nv, g, worst);
        } else {
            *gap = gap_of(vars, nv, worst);
        }
    }
    free(f);
    return it;
}

/* Target vs achieved per category: cases, unweighted %, target %, weighted %. */
static tally_table *target_table(rvar *vars, size_t nv, const tally_rake_opts *o,
                                 const tally_rake_result *r)
{
    const tally_stats_opts *so = &o->base;
    char *id = so->id ? xstrdup(so->id) : xasprintf("rake_%s", o->weight_name ? o->weight_name : "weight");
    char *title = so->title ? xstrdup(so->title)
                            : xasprintf("%s: %s", stats_tr(so, "Weighting"), o->weight_name ? o->weight_name : "weight");
    tally_table *t = tally_table_new(id, title);
    free(id), free(title);
    tally_table_add_col(t, "", TALLY_COL_LABEL, 0);
    tally_table_add_col(t, stats_tr(so, "Cases"), TALLY_COL_COUNT, 0);
    tally_table_add_col(t, stats_tr(so, "Unweighted %"), TALLY_COL_PERCENT, 1);
    tally_table_add_col(t, stats_tr(so, "Target %"), TALLY_COL_PERCENT, 1);
    tally_table_add_col(t, stats_tr(so, "Weighted %"), TALLY_COL_PERCENT, 1);
    /* cats[].w hold the sums of the final weights before scaling (ipf's last state): the same shares */
    for (size_t j = 0; j < nv; j++) {
        rvar *v = &vars[j];
        size_t sr = tally_table_add_row(t, TALLY_ROW_SECTION);
        tally_table_set_text(t, sr, 0, v->col->label ? v->col->label : v->name);
        size_t un = 0;
        double tot = 0;
        for (size_t k = 0; k < v->ncat; k++) un += v->cats[k].n, tot += v->cats[k].w;
        for (size_t k = 0; k < v->ncat; k++) {
            rcat *c = &v->cats[k];
            size_t row = tally_table_add_row(t, TALLY_ROW_CATEGORY);
            char buf[64];
            if (!c->label) snprintf(buf, sizeof buf, "%.15g", c->code);
            tally_table_set_text(t, row, 0, c->label ? c->label : buf);
            tally_table_set_number(t, row, 1, (double)c->n);
            tally_table_set_number(t, row, 2, un ? 100.0 * (double)c->n / (double)un : NAN);
            tally_table_set_number(t, row, 3, 100.0 * c->target);
            tally_table_set_number(t, row, 4, tot > 0 ? 100.0 * c->w / tot : NAN);
        }
    }
    char num[64];
    sbuf note;
    sbuf_init(&note);
    sbuf_printf(&note, "%s: %d. %s: %s %s.",
                stats_tr(so, o->poststrat ? "Poststratification (cell weighting), iterations"
                                          : "Rim weighting (raking), iterations"), r->iterations,
                stats_tr(so, "Largest gap to a target"), tally_format_fixed(100 * r->max_gap, 6, num, sizeof num),
                stats_tr(so, "percentage points"));
    tally_table_add_note(t, note.data);
    sbuf_free(&note);
    if (r->nexcluded) {
        char *s = xasprintf("%s: %zu.", stats_tr(so, "Cases left out of the weighting (their weight is missing)"),
                            r->nexcluded);
        tally_table_add_note(t, s);
        free(s);
    }
    if (r->warning) tally_table_add_note(t, stats_tr(so, "The weighting did not converge: the weighted shares miss their targets."));
    return t;
}

/* Iterations, weights and the design effect: one row, one figure a column (each with its decimals). */
static tally_table *summary_table(const tally_rake_opts *o, const tally_rake_result *r)
{
    const tally_stats_opts *so = &o->base;
    const char *wname = o->weight_name ? o->weight_name : "weight";
    char *id = so->id ? xasprintf("%s_summary", so->id) : xasprintf("rake_%s_summary", wname);
    char *title = xasprintf("%s: %s", stats_tr(so, "Weighting summary"), wname);
    tally_table *t = tally_table_new(id, title);
    free(id), free(title);
    int trimmed = o->trim_min == o->trim_min || o->trim_max == o->trim_max;
    struct { const char *label; tally_col_type type; int dec; double v; } cols[] = {
        {"Cases weighted", TALLY_COL_COUNT, 0, (double)r->ncases},
        {"Iterations", TALLY_COL_COUNT, 0, r->iterations},
        {"Weights trimmed", TALLY_COL_COUNT, 0, (double)r->ntrimmed},
        {"Minimum weight", TALLY_COL_NUMBER, 3, r->wmin},
        {"Maximum weight", TALLY_COL_NUMBER, 3, r->wmax},
        {"Mean weight", TALLY_COL_NUMBER, 3, r->wmean},
        {"Design effect (Kish)", TALLY_COL_NUMBER, 3, r->deff},
        {"Weighting efficiency", TALLY_COL_PERCENT, 1, r->efficiency},
        {"Effective base", TALLY_COL_NUMBER, 1, r->neff},
    };
    tally_table_add_col(t, "", TALLY_COL_LABEL, 0);
    size_t row = tally_table_add_row(t, TALLY_ROW_STAT);
    tally_table_set_text(t, row, 0, wname);
    for (size_t i = 0, c = 1; i < sizeof cols / sizeof cols[0]; i++) {
        if (i == 2 && !trimmed) continue;
        tally_table_add_col(t, stats_tr(so, cols[i].label), cols[i].type, cols[i].dec);
        tally_table_set_number(t, row, c++, cols[i].v);
    }
    return t;
}

/* Every category with a target above 0 needs a case to carry it. Counts the cases of each category
 * and leaves the start weights' sums in cats[].w, where ipf() begins. */
static int check_reachable(rvar *vars, size_t nv, const rgroups *g, char **err)
{
    size_t worst;
    for (size_t q = 0; q < g->n; q++)
        for (size_t j = 0; j < nv; j++)
            if (g->cat[q * nv + j] >= 0) vars[j].cats[g->cat[q * nv + j]].n += (size_t)g->cnt[q];
    margins(vars, nv, g, &worst);
    for (size_t j = 0; j < nv; j++)
        for (size_t k = 0; k < vars[j].ncat; k++) {
            rcat *c = &vars[j].cats[k];
            if (c->target > 0 && !(c->w > 0)) {
                char buf[64];
                if (!c->label) snprintf(buf, sizeof buf, "%.15g", c->code);
                *err = xasprintf("rake: '%s': the category '%s' has a target of %.4g%% but no cases in the data; "
                                 "raking cannot give it weight (merge it with a neighbouring category)",
                                 vars[j].name, c->label ? c->label : buf, 100 * c->target);
                return -1;
            }
        }
    return 0;
}

/* The sum the weights are scaled to: the option, the counts' common total, or the cases. */
static int weight_total(rvar *vars, size_t nv, const tally_rake_opts *o, size_t ncases, double *total, char **err)
{
    if (o->total == o->total) {
        *total = o->total;
        return 0;
    }
    if (o->unit != TALLY_RAKE_COUNT) {
        *total = (double)ncases;
        return 0;
    }
    double first = 0;
    for (size_t j = 0; j < nv; j++) {
        double s = 0;
        for (size_t k = 0; k < vars[j].ncat; k++) s += vars[j].cats[k].given;
        if (j == 0) first = s;
        else if (fabs(s - first) > 1e-6 * first) {
            *err = xasprintf("rake: the counts of '%s' add up to %.10g, those of '%s' to %.10g; every variable's "
                             "counts must describe the same population", vars[j].name, s, vars[0].name, first);
            return -1;
        }
    }
    *total = first;
    return 0;
}

int tally_rake(const tally_dataset *ds, const tally_rake_var *specs, size_t nv, const tally_rake_opts *o,
               tally_rake_result *res, char **err)
{
    memset(res, 0, sizeof *res);
    if (!nv) {
        *err = xstrdup("rake: no variables to rake on (give targets)");
        return -1;
    }
    rgroups g = {0};
    rvar *vars = xcalloc(nv, sizeof *vars);
    for (size_t j = 0; j < nv; j++)
        if (resolve_var(ds, &specs[j], o, &vars[j], err)) goto fail;
    if (rake_groups_build(ds, vars, nv, o, &g, err)) goto fail;
    for (size_t j = 0; j < nv && o->missing == TALLY_RAKE_MISSING_ERROR; j++)
        if (vars[j].nmissing) {
            *err = xasprintf("rake: %zu case%s no valid value of '%s' (the first in row %zu); say missing = "
                             "\"exclude\" (they get no weight) or missing = \"skip\" (raked on the other variables)",
                             vars[j].nmissing, vars[j].nmissing == 1 ? " has" : "s have", vars[j].name,
                             vars[j].first_missing + 1);
            goto fail;
        }
    res->nexcluded = g.nexcluded;
    if (check_reachable(vars, nv, &g, err)) goto fail;
    double total;
    if (weight_total(vars, nv, o, ds->nrows - res->nexcluded, &total, err)) goto fail;
    size_t worst = 0;
    int capped = o->trim_min == o->trim_min || o->trim_max == o->trim_max;
    res->iterations = ipf(vars, nv, &g, o, capped, &res->max_gap, &worst);
    double sum = 0;
    for (size_t q = 0; q < g.n; q++) {
        sum += g.mass[q] * g.m[q];
        if (g.trimmed[q]) res->ntrimmed += (size_t)g.cnt[q];
    }
    res->converged = res->max_gap <= o->tolerance;
    res->gap_var = xstrdup(vars[worst].name);
    res->weights = xmalloc((ds->nrows ? ds->nrows : 1) * sizeof *res->weights);
    rake_groups_gather(ds, &g, o, sum > 0 ? total / sum : 1.0, res->weights, res);
    if (!res->converged)
        res->warning = xasprintf("no convergence after %d iterations: the weighted shares of '%s' miss their "
                                 "targets by up to %.6g percentage points (tolerance %g); the weights are the last "
                                 "iteration's. Check for targets the sample cannot reach together%s, or raise max_iter",
                                 res->iterations, res->gap_var, 100 * res->max_gap, 100 * o->tolerance,
                                 capped ? " and for trimming caps too tight (trim_min, trim_max)" : "");
    res->table = target_table(vars, nv, o, res);
    res->summary = summary_table(o, res);
    rake_groups_free(&g);
    free_vars(vars, nv);
    return 0;
fail:
    rake_groups_free(&g);
    free_vars(vars, nv);
    tally_rake_result_free(res);
    return -1;
}

void tally_rake_result_free(tally_rake_result *r)
{
    free(r->weights), free(r->gap_var), free(r->warning);
    if (r->table) tally_table_unref(r->table);
    if (r->summary) tally_table_unref(r->summary);
    memset(r, 0, sizeof *r);
}

int tally_rake_resolve(const tally_column *c, const char *var, const tally_rake_target *t, double *code,
                       const char **scode, const char **label, char **err)
{
    rcat k;
    if (resolve_target(c, var, t, &k, err)) return -1;
    *code = k.code, *scode = k.scode, *label = k.label;
    return 0;
}
