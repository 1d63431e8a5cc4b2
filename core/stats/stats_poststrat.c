/* stats_poststrat.c: poststratification (cell weighting on a full cross of variables) through the raking kernel. */
#include "rake.h"
#include "stats_int.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One cell's categories, resolved. */
typedef struct pcell {
    double *code;
    const char **scode;
    char *label; /* "male × 18-29" */
} pcell;

static int cell_matches(const tally_dataset *ds, const int *cols, size_t nv, const pcell *c, size_t phys)
{
    for (size_t j = 0; j < nv; j++) {
        const tally_column *col = ds->cols[cols[j]];
        if (col->type == TALLY_STRING) {
            if (strcmp(tally_column_string(col, phys), c->scode[j]) != 0) return 0;
        } else if (tally_col_num(col, phys) != c->code[j]) {
            return 0;
        }
    }
    return 1;
}

static int row_missing(const tally_dataset *ds, const int *cols, size_t nv, size_t phys)
{
    for (size_t j = 0; j < nv; j++) {
        const tally_column *c = ds->cols[cols[j]];
        if (c->type == TALLY_STRING) {
            const char *s = tally_column_string(c, phys);
            if ((!*s && !c->blank_valid) || tally_column_is_user_missing_string(c, s)) return 1;
        } else if (!stats_valid_number(c, tally_col_num(c, phys))) {
            return 1;
        }
    }
    return 0;
}

/* "sex = 2 (female), age = 4 (65+)": a combination in the data, for an error. */
static char *combination_text(const tally_dataset *ds, const int *cols, size_t nv, size_t phys)
{
    sbuf b;
    sbuf_init(&b);
    for (size_t j = 0; j < nv; j++) {
        const tally_column *c = ds->cols[cols[j]];
        if (c->type == TALLY_STRING) {
            sbuf_printf(&b, "%s%s = '%s'", j ? ", " : "", c->name, tally_column_string(c, phys));
        } else {
            double v = tally_col_num(c, phys);
            const char *l = tally_column_value_label(c, v);
            sbuf_printf(&b, "%s%s = %g%s%s%s", j ? ", " : "", c->name, v, l ? " (" : "", l ? l : "", l ? ")" : "");
        }
    }
    return sbuf_take(&b);
}

/* The cell column: 1..ncells, NaN for a row missing a variable; an error for a combination without a target. */
static tally_column *cell_column(const tally_dataset *ds, const int *cols, size_t nv, const pcell *cells,
                                 size_t ncells, const char *name, char **err)
{
    tally_column *cc = tally_column_new(name, TALLY_NUMERIC, ds->phys_len);
    for (size_t i = 0; i < ds->nrows; i++) {
        size_t p = tally_row(ds, i);
        if (row_missing(ds, cols, nv, p)) continue;
        size_t k = 0;
        while (k < ncells && !cell_matches(ds, cols, nv, &cells[k], p)) k++;
        if (k == ncells) {
            char *what = combination_text(ds, cols, nv, p);
            *err = xasprintf("poststratify: the cell %s (row %zu) has no target; give every combination in the "
                             "data a share (0 leaves its cases out)", what, i + 1);
            free(what);
            tally_column_unref(cc);
            return NULL;
        }
        cc->num[p] = (double)k + 1;
    }
    for (size_t k = 0; k < ncells; k++) tally_column_add_value_label(cc, (double)k + 1, cells[k].label);
    return cc;
}

static void free_cells(pcell *c, size_t n)
{
    for (size_t i = 0; c && i < n; i++) free(c[i].code), free(c[i].scode), free(c[i].label);
    free(c);
}

int tally_poststratify(const tally_dataset *ds, const char *const *vars, size_t nv,
                       const tally_poststrat_cell *spec, size_t ncells, const tally_rake_opts *o,
                       tally_rake_result *res, char **err)
{
    memset(res, 0, sizeof *res);
    if (!nv || !ncells) {
        *err = xstrdup("poststratify: give the variables and a share for each of their cells");
        return -1;
    }
    int *cols = xcalloc(nv, sizeof *cols);
    pcell *cells = xcalloc(ncells, sizeof *cells);
    tally_rake_target *targets = xcalloc(ncells, sizeof *targets);
    sbuf name;
    sbuf_init(&name);
    int rc = -1;
    for (size_t j = 0; j < nv; j++) {
        cols[j] = tally_dataset_find(ds, vars[j]);
        if (cols[j] < 0) {
            *err = xasprintf("poststratify: unknown variable '%s' in dataset '%s'", vars[j], ds->name);
            goto done;
        }
        sbuf_printf(&name, "%s%s", j ? " × " : "", vars[j]);
    }
    for (size_t k = 0; k < ncells; k++) {
        cells[k].code = xcalloc(nv, sizeof *cells[k].code);
        cells[k].scode = xcalloc(nv, sizeof *cells[k].scode);
        sbuf lab;
        sbuf_init(&lab);
        for (size_t j = 0; j < nv; j++) {
            const char *l = NULL;
            if (tally_rake_resolve(ds->cols[cols[j]], vars[j], &spec[k].keys[j], &cells[k].code[j],
                                   &cells[k].scode[j], &l, err)) {
                sbuf_free(&lab);
                goto done;
            }
            if (l) sbuf_printf(&lab, "%s%s", j ? " × " : "", l);
            else if (cells[k].scode[j]) sbuf_printf(&lab, "%s%s", j ? " × " : "", cells[k].scode[j]);
            else sbuf_printf(&lab, "%s%g", j ? " × " : "", cells[k].code[j]);
        }
        cells[k].label = sbuf_take(&lab);
        targets[k].text = NULL, targets[k].code = (double)k + 1, targets[k].value = spec[k].value;
    }
    for (size_t a = 0; a < ncells; a++)
        for (size_t b = a + 1; b < ncells; b++)
            if (!strcmp(cells[a].label, cells[b].label)) {
                *err = xasprintf("poststratify: the cell %s has two targets", cells[a].label);
                goto done;
            }
    tally_column *cc = cell_column(ds, cols, nv, cells, ncells, name.data, err);
    if (!cc) goto done;
    tally_dataset *tmp = tally_dataset_copy(ds, ds->name);
    tally_dataset_attach_column(tmp, cc);
    tally_column_unref(cc);
    tally_rake_var rv = {name.data, targets, ncells};
    tally_rake_opts po = *o;
    po.poststrat = 1;
    rc = tally_rake(tmp, &rv, 1, &po, res, err);
    if (rc && *err && strncmp(*err, "rake: ", 6) == 0) { /* the user ran poststratify */
        char *m = xasprintf("poststratify: %s", *err + 6);
        free(*err);
        *err = m;
    }
    tally_dataset_free(tmp);
done:
    free(cols), free(targets), sbuf_free(&name);
    free_cells(cells, ncells);
    return rc;
}
