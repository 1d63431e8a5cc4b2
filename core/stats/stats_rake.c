/* stats_rake.c: rim weighting by iterative proportional fitting, with trimming, and its weighting tables. */
#include "rake.h"
#include "stats_int.h"
#include "util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAT_MISSING (-1)

/* One category of a raking variable, resolved against the column. */
typedef struct rcat {
    double code;        /* numeric variables */
    const char *scode;  /* string variables: the code (borrowed from the column or the spec) */
    const char *label;  /* shown in the table: the value label, else the code */
    double target;      /* share 0..1 */
    double given;       /* as the user gave it (percent, proportion or count) */
    size_t n;           /* unweighted cases */
    double w;           /* weighted sum, scratch */
} rcat;

typedef struct rvar {
    const char *name;
    const tally_column *col;
    rcat *cats;
    size_t ncat;
    int32_t *cat;       /* per dataset row: category index or CAT_MISSING */
    size_t nmissing;
    size_t first_missing;
} rvar;

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

/* Finds each row's category; a row with a valid value that has no target is an error. */
/* A compact column: each of its (at most 254) levels is mapped once, then every row by its code. */
static int map_compact_rows(const tally_dataset *ds, rvar *v, char **err)
{
    const tally_column *c = v->col;
    int32_t lut[TALLY_MAX_LEVELS + 1];
    for (unsigned l = 0; l < c->nlevels; l++) {
        double x = c->levels[l];
        lut[l] = tally_column_is_user_missing(c, x) ? CAT_MISSING : -2;
        for (size_t j = 0; lut[l] == -2 && j < v->ncat; j++)
            if (v->cats[j].code == x) lut[l] = (int32_t)j;
    }
    for (size_t i = 0; i < ds->nrows; i++) {
        uint8_t code = c->codes[tally_row(ds, i)];
        int32_t k = code == TALLY_CODE_SYSMIS ? CAT_MISSING : lut[code];
        if (k == -2) {
            double x = c->levels[code];
            const char *l = tally_column_value_label(c, x);
            *err = xasprintf("rake: '%s' has the value %g%s%s%s (row %zu) with no target; give it a target "
                             "(0 leaves its cases out)", v->name, x, l ? " (" : "", l ? l : "", l ? ")" : "", i + 1);
            return -1;
        }
        if (k == CAT_MISSING && v->first_missing == (size_t)-1) v->first_missing = i;
        v->nmissing += k == CAT_MISSING;
        v->cat[i] = k;
    }
    return 0;
}

static int map_rows(const tally_dataset *ds, rvar *v, char **err)
{
    const tally_column *c = v->col;
    v->cat = xmalloc((ds->nrows ? ds->nrows : 1) * sizeof *v->cat);
    v->first_missing = (size_t)-1;
    if (c->type == TALLY_NUMERIC && c->codes) return map_compact_rows(ds, v, err);
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
            if (!missing && k < 0) {
                const char *l = tally_column_value_label(c, x);
                *err = xasprintf("rake: '%s' has the value %g%s%s%s (row %zu) with no target; give it a target "
                                 "(0 leaves its cases out)", v->name, x, l ? " (" : "", l ? l : "", l ? ")" : "", i + 1);
                return -1;
            }
        }
        if (missing && v->first_missing == (size_t)-1) v->first_missing = i;
        v->nmissing += missing;
        v->cat[i] = k;
    }
    return 0;
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
    return map_rows(ds, v, err);
}

static void free_vars(rvar *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) free(v[i].cats), free(v[i].cat);
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

/* Weighted sums per category of every variable (row order); returns gap_of them. */
static double margins(rvar *vars, size_t nv, const double *w, size_t n, size_t *worst)
{
    for (size_t j = 0; j < nv; j++) {
        rvar *v = &vars[j];
        for (size_t k = 0; k < v->ncat; k++) v->cats[k].w = 0;
        for (size_t i = 0; i < n; i++)
            if (v->cat[i] >= 0 && w[i] == w[i]) v->cats[v->cat[i]].w += w[i];
    }
    return gap_of(vars, nv, worst);
}

/* Caps the weights at trim_min/trim_max times their mean; returns how many were moved. */
static size_t trim(double *w, size_t n, const tally_rake_opts *o, unsigned char *was_trimmed)
{
    double sum = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (w[i] > 0) sum += w[i], m++;
    if (!m) return 0;
    double mean = sum / (double)m, lo = o->trim_min * mean, hi = o->trim_max * mean;
    size_t moved = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(w[i] > 0)) continue;
        if (hi == hi && w[i] > hi * (1 + 1e-9)) w[i] = hi, moved++, was_trimmed[i] = 1;
        else if (lo == lo && w[i] < lo * (1 - 1e-9)) w[i] = lo, moved++, was_trimmed[i] = 1;
    }
    return moved;
}

/* Iterative proportional fitting: each pass scales every variable's categories to their targets,
 * then (with caps) trims the weights, so the next pass re-rakes the trimmed weights. Returns the
 * passes used; *gap is the largest gap after the last one. */
static int ipf(rvar *vars, size_t nv, double *w, size_t n, const tally_rake_opts *o, unsigned char *was_trimmed,
               double *gap, size_t *worst)
{
    double *f = NULL;
    size_t fcap = 0;
    int it = 0;
    *gap = gap_of(vars, nv, worst); /* the caller summed the weights (check_reachable): the first pass starts on them */
    while ((*gap > o->tolerance || (was_trimmed && it == 0)) && it < o->max_iter) { /* caps: one pass at least */
        it++;
        for (size_t j = 0; j < nv; j++) {
            /* cats[].w of variable j hold the sums of the current weights: from margins() or from
             * the pass over variable j - 1, which adds them up while it scales (one pass, not two) */
            rvar *v = &vars[j], *next = j + 1 < nv ? &vars[j + 1] : NULL;
            int all = !next && !was_trimmed; /* the last pass sums every variable for the gap */
            if (v->ncat > fcap) fcap = v->ncat, f = xrealloc(f, fcap * sizeof *f);
            double tot = 0;
            for (size_t k = 0; k < v->ncat; k++) tot += v->cats[k].w;
            for (size_t k = 0; k < v->ncat; k++) f[k] = v->cats[k].w > 0 ? v->cats[k].target * tot / v->cats[k].w : 0;
            if (next)
                for (size_t k = 0; k < next->ncat; k++) next->cats[k].w = 0;
            for (size_t q = 0; all && q < nv; q++)
                for (size_t k = 0; k < vars[q].ncat; k++) vars[q].cats[k].w = 0;
            for (size_t i = 0; i < n; i++) {
                if (v->cat[i] >= 0) w[i] *= f[v->cat[i]];
                if (w[i] != w[i]) continue;
                if (next) {
                    if (next->cat[i] >= 0) next->cats[next->cat[i]].w += w[i];
                } else if (all) {
                    for (size_t q = 0; q < nv; q++)
                        if (vars[q].cat[i] >= 0) vars[q].cats[vars[q].cat[i]].w += w[i];
                }
            }
        }
        if (was_trimmed) {
            trim(w, n, o, was_trimmed);
            *gap = margins(vars, nv, w, n, worst);
        } else {
            *gap = gap_of(vars, nv, worst);
        }
    }
    free(f);
    return it;
}

/* The weights' spread: min, max, mean over cases with a weight; Kish's design effect over positive weights. */
static void weight_stats(const double *w, size_t n, tally_rake_result *r)
{
    double s = 0, s2 = 0, all = 0;
    size_t npos = 0, nw = 0;
    r->wmin = INFINITY, r->wmax = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (w[i] != w[i]) continue;
        nw++, all += w[i];
        if (w[i] < r->wmin) r->wmin = w[i];
        if (w[i] > r->wmax) r->wmax = w[i];
        if (w[i] > 0) s += w[i], s2 += w[i] * w[i], npos++;
    }
    r->ncases = nw;
    r->wmean = nw ? all / (double)nw : NAN;
    if (!nw) r->wmin = r->wmax = NAN;
    r->deff = s > 0 ? (double)npos * s2 / (s * s) : NAN;
    r->efficiency = 100.0 / r->deff;
    r->neff = s2 > 0 ? s * s / s2 : NAN;
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

/* Starting weights: the design weight or 1; NaN for a case left out. */
static double *start_weights(const tally_dataset *ds, rvar *vars, size_t nv, const tally_rake_opts *o,
                             tally_rake_result *r)
{
    double *w = xmalloc((ds->nrows ? ds->nrows : 1) * sizeof *w);
    const tally_column *sw = o->start_weight >= 0 ? ds->cols[o->start_weight] : NULL;
    for (size_t i = 0; i < ds->nrows; i++) {
        w[i] = sw ? tally_col_num(sw, tally_row(ds, i)) : 1.0;
        if (!(w[i] > 0)) w[i] = NAN; /* as every kernel does: missing, 0 or negative weighs nothing */
        for (size_t j = 0; o->missing == TALLY_RAKE_MISSING_EXCLUDE && j < nv; j++)
            if (vars[j].cat[i] < 0) w[i] = NAN;
        if (w[i] != w[i]) r->nexcluded++;
        for (size_t j = 0; w[i] == w[i] && j < nv; j++)
            if (vars[j].cat[i] >= 0) vars[j].cats[vars[j].cat[i]].n++;
    }
    return w;
}

/* Every category with a target above 0 needs a case to carry it. Leaves the starting weights'
 * sums in cats[].w, where ipf() begins. */
static int check_reachable(rvar *vars, size_t nv, const double *w, size_t n, char **err)
{
    size_t worst;
    margins(vars, nv, w, n, &worst);
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
    rvar *vars = xcalloc(nv, sizeof *vars);
    for (size_t j = 0; j < nv; j++)
        if (resolve_var(ds, &specs[j], o, &vars[j], err)) goto fail;
    for (size_t j = 0; j < nv && o->missing == TALLY_RAKE_MISSING_ERROR; j++)
        if (vars[j].nmissing) {
            *err = xasprintf("rake: %zu case%s no valid value of '%s' (the first in row %zu); say missing = "
                             "\"exclude\" (they get no weight) or missing = \"skip\" (raked on the other variables)",
                             vars[j].nmissing, vars[j].nmissing == 1 ? " has" : "s have", vars[j].name,
                             vars[j].first_missing + 1);
            goto fail;
        }
    size_t n = ds->nrows;
    double *w = res->weights = start_weights(ds, vars, nv, o, res);
    if (check_reachable(vars, nv, w, n, err)) goto fail;
    double total;
    if (weight_total(vars, nv, o, n - res->nexcluded, &total, err)) goto fail;
    size_t worst = 0;
    int capped = o->trim_min == o->trim_min || o->trim_max == o->trim_max;
    unsigned char *was = capped ? xcalloc(n ? n : 1, 1) : NULL;
    res->iterations = ipf(vars, nv, w, n, o, was, &res->max_gap, &worst);
    for (size_t i = 0; was && i < n; i++) res->ntrimmed += was[i];
    free(was);
    res->converged = res->max_gap <= o->tolerance;
    res->gap_var = xstrdup(vars[worst].name);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (w[i] == w[i]) sum += w[i];
    for (size_t i = 0; i < n && sum > 0; i++) w[i] *= total / sum;
    weight_stats(w, n, res);
    if (!res->converged)
        res->warning = xasprintf("no convergence after %d iterations: the weighted shares of '%s' miss their "
                                 "targets by up to %.6g percentage points (tolerance %g); the weights are the last "
                                 "iteration's. Check for targets the sample cannot reach together%s, or raise max_iter",
                                 res->iterations, res->gap_var, 100 * res->max_gap, 100 * o->tolerance,
                                 capped ? " and for trimming caps too tight (trim_min, trim_max)" : "");
    res->table = target_table(vars, nv, o, res);
    res->summary = summary_table(o, res);
    free_vars(vars, nv);
    return 0;
fail:
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
