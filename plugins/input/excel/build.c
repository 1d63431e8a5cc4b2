/* build.c: the excel input plugin's dataset from a sheet's cells: header rows, merged headers, types, dates, missing tokens. */
#include "xlsx_build.h"
#include "name_set.h"

#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days from Excel's serial 0 to 1970-01-01 in the 1900 system (after its false 1900-02-29) and in the 1904 one. */
#define EPOCH_1900 25569.0
#define EPOCH_1904 24107.0

static double serial_days(double serial, int date1904)
{
    if (date1904) return serial - EPOCH_1904;
    return serial < 61 ? serial - (EPOCH_1900 - 1) : serial - EPOCH_1900; /* Excel counts 1900-02-29 */
}


static int is_missing_token(const xlsx_settings *s, const char *t)
{
    if (!*t) return 1;
    for (size_t k = 0; k < s->nmissing; k++)
        if (strcmp(t, s->missing[k]) == 0) return 1;
    return 0;
}

/* A numeric cell as text: a date as ISO 8601, a number as %.15g. */
static void num_text(const tally_host *h, const xlsx_book *b, xlsx_cell_kind k, double v, char *buf, size_t n)
{
    if (k == XC_BOOL) {
        snprintf(buf, n, "%s", v != 0 ? "TRUE" : "FALSE");
    } else if ((k == XC_DATE || k == XC_DATETIME) && TALLY_HOST_HAS(h, format_date)) {
        double d = serial_days(v, b->date1904);
        if (k == XC_DATE && d == floor(d)) h->format_date(d, TALLY_DATE_DAYS, 1, NULL, buf, n);
        else h->format_date(round(d * 86400.0 * 1000.0) / 1000.0, TALLY_DATE_DATETIME, 1, NULL, buf, n);
    } else {
        snprintf(buf, n, "%.15g", v);
    }
}

/* The first empty header cell at or after column c of a row: `next` holds, per cell, itself when empty, else
 * a column further right (nc: none), shortened on the way (path halving). */
static size_t next_empty(size_t *next, size_t c)
{
    while (next[c] != c) {
        next[c] = next[next[c]];
        c = next[c];
    }
    return c;
}

/* Merged ranges' top-left text copied into their empty header cells, range by range. Each empty cell is
 * filled once and a full cell skipped in near-constant time, so that thousands of merges over the whole
 * header (a hostile sheet) cost their count plus the header's size, not their count times its size.
 * 0, or -1 when out of memory. */
static int fill_merges(const xlsx_grid *g, char **cell, size_t hr, size_t nc)
{
    if (!g->nmerges || !hr) return 0;
    size_t *next = malloc(hr * (nc + 1) * sizeof *next);
    if (!next) return -1;
    for (size_t r = 0; r < hr; r++) {
        for (size_t c = 0; c < nc; c++) next[r * (nc + 1) + c] = cell[r * nc + c] ? c + 1 : c;
        next[r * (nc + 1) + nc] = nc;
    }
    for (size_t m = 0; m < g->nmerges; m++) {
        const xlsx_merge *mg = &g->merges[m];
        if (mg->r0 >= hr || mg->c0 >= nc) continue;
        const char *top = cell[mg->r0 * nc + mg->c0];
        if (!top) continue;
        for (size_t r = mg->r0; r <= mg->r1 && r < hr; r++) {
            size_t *row = next + r * (nc + 1);
            for (size_t c = next_empty(row, mg->c0); c <= mg->c1 && c < nc; c = next_empty(row, c + 1)) {
                cell[r * nc + c] = strdup(top);
                row[c] = c + 1;
            }
        }
    }
    free(next);
    return 0;
}

/* The header cells' texts, header_rows x ncols (NULL: empty), merged ranges filled across and down. */
static char **header_cells(const tally_host *h, const xlsx_book *b, const xlsx_grid *g, size_t hr, size_t nc)
{
    char **cell = calloc(hr * nc + 1, sizeof *cell);
    if (!cell) return NULL;
    for (size_t c = 0; c < nc; c++) {
        const xlsx_col *col = &g->cols[c];
        for (size_t i = 0; i < col->n; i++) {
            if (xlsx_col_row(col, i) >= hr || col->kind[i] == XC_ERROR) continue;
            const char *t = xlsx_cell_text(b, col, i);
            char buf[64];
            if (!t) {
                num_text(h, b, (xlsx_cell_kind)col->kind[i], xlsx_col_num(col, i), buf, sizeof buf);
                t = buf;
            }
            free(cell[xlsx_col_row(col, i) * nc + c]);
            cell[xlsx_col_row(col, i) * nc + c] = strdup(t);
        }
    }
    if (fill_merges(g, cell, hr, nc) != 0) {
        for (size_t i = 0; i < hr * nc; i++) free(cell[i]);
        free(cell);
        return NULL;
    }
    return cell;
}

/* Column c's label: its cells in header rows 2.., joined by " - ". 0, or -1 when out of memory. */
static int add_label(char **cell, size_t hr, size_t nc, size_t c, char **labels)
{
    for (size_t r = 1; r < hr; r++) {
        const char *t = cell[r * nc + c];
        if (!t || !t[0]) continue;
        if (!labels[c]) {
            labels[c] = strdup(t);
        } else {
            size_t a = strlen(labels[c]), l = strlen(t);
            char *s = realloc(labels[c], a + l + 4);
            if (!s) return -1;
            memcpy(s + a, " - ", 3);
            memcpy(s + a + 3, t, l + 1);
            labels[c] = s;
        }
    }
    return 0;
}

/* Column names (row 1, unique) and labels (rows 2.., joined by " - "), as the csv plugin makes them. */
static int make_names(const xlsx_build *x, char **cell, size_t hr, size_t nc, char **names, char **labels)
{
    const char *inherit = NULL;
    name_set set;
    unsigned *next = calloc(nc, sizeof *next); /* per name taken: the suffix its next copy tries */
    if (name_set_init(&set, names, nc) != 0 || !next) {
        free(set.slot), free(next);
        return -1;
    }
    int rc = 0;
    for (size_t c = 0; c < nc && rc == 0; c++) {
        char buf[32];
        const char *base = hr > 0 ? cell[c] : NULL;
        if (base && base[0]) inherit = base;
        else if (hr > 1 && inherit) base = inherit;
        if (!base || !base[0]) {
            snprintf(buf, sizeof buf, "V%zu", c + 1);
            if (hr > 0)
                x->call.h->log(x->call.ctx, TALLY_LOG_WARN, "%s: column %zu has no name; named it '%s'", x->where,
                               c + 1, buf);
            base = buf;
        }
        long holder = name_set_find(&set, base);
        if (holder < 0) {
            names[c] = strdup(base);
        } else {
            names[c] = name_set_suffixed(&set, NULL, base, &next[holder]);
            if (base != inherit || (cell[c] && cell[c][0]))
                x->call.h->log(x->call.ctx, TALLY_LOG_WARN, "%s: column %zu: duplicate name '%s' renamed to '%s'",
                               x->where, c + 1, base, names[c] ? names[c] : "");
        }
        if (!names[c]) rc = -1;
        else name_set_add(&set, c);
        if (rc == 0) rc = add_label(cell, hr, nc, c, labels);
    }
    name_set_free(&set);
    free(next);
    return rc;
}
/* The type a `types` entry forces on column `name`: 0 none, TALLY_NUMERIC or TALLY_STRING. */
static int forced_type(const xlsx_settings *s, const char *name)
{
    for (size_t i = 0; i < s->ntypes; i++) {
        const char *colon = strrchr(s->types[i], ':');
        if ((size_t)(colon - s->types[i]) == strlen(name) && strncmp(s->types[i], name, strlen(name)) == 0)
            return strcmp(colon + 1, "numeric") == 0 ? TALLY_NUMERIC : TALLY_STRING;
    }
    return 0;
}

/* Decides a column's type and date kind from its data cells; says so when cells of different kinds meet
 * (unless `forced`: the types option decided). */
static void column_kind(const xlsx_build *x, const xlsx_col *col, size_t hr, const char *name, int forced, int *type,
                        int *date, int *all_bool)
{
    size_t ntext = 0, nnum = 0, nbool = 0, ndate = 0, ndt = 0, ntime = 0;
    int whole = 1;
    for (size_t i = 0; i < col->n; i++) {
        if (xlsx_col_row(col, i) < hr) continue;
        xlsx_cell_kind k = (xlsx_cell_kind)col->kind[i];
        const char *t = xlsx_cell_text(x->b, col, i);
        if (t) {
            if (!is_missing_token(x->s, t)) ntext++;
            continue;
        }
        if (k == XC_ERROR) continue;
        nnum++;
        nbool += k == XC_BOOL;
        ndate += k == XC_DATE;
        ndt += k == XC_DATETIME;
        ntime += k == XC_TIME;
        if (k == XC_DATE && xlsx_col_num(col, i) != floor(xlsx_col_num(col, i))) whole = 0;
    }
    *type = ntext ? TALLY_STRING : TALLY_NUMERIC;
    *all_bool = nnum && nbool == nnum;
    *date = 0;
    if (ntext && nnum && !forced)
        x->call.h->log(x->call.ctx, TALLY_LOG_WARN,
                       "%s: column '%s' holds %zu text and %zu number cells: read as text (the "
                       "numbers as written); set types = { \"%s:numeric\" } and list the texts "
                       "in 'missing' to read it as numbers",
                       x->where, name, ntext, nnum, name);
    else if (!ntext && ndate + ndt + ntime && ndate + ndt + ntime < nnum && !forced)
        x->call.h->log(x->call.ctx, TALLY_LOG_WARN,
                       "%s: column '%s' mixes %zu date cells with %zu plain numbers: read as "
                       "numbers (dates as Excel's day counts); format the column as dates in the "
                       "workbook",
                       x->where, name, ndate + ndt + ntime, nnum - ndate - ndt - ntime);
    if (nnum && ndate + ndt + ntime == nnum) {
        if (ntime == nnum) *date = TALLY_DATE_TIME;
        else if (ndate == nnum && whole) *date = TALLY_DATE_DAYS;
        else *date = TALLY_DATE_DATETIME;
    }
}

/* A numeric cell's value as the dataset stores it (days or seconds for dates). */
static double cell_value(const xlsx_build *x, xlsx_cell_kind k, double v, int date)
{
    if (!date || k == XC_NUM || k == XC_BOOL) return v;
    if (date == TALLY_DATE_TIME) return round(v * 86400.0 * 1000.0) / 1000.0;
    double d = serial_days(v, x->b->date1904);
    if (date == TALLY_DATE_DAYS) return d;
    return round(d * 86400.0 * 1000.0) / 1000.0;
}

static int fill_numeric(const xlsx_build *x, tally_dataset *ds, int dc, const xlsx_col *col, size_t hr, int date,
                        const char *name)
{
    const tally_host *h = x->call.h;
    double *num = h->ds_numeric_data(ds, dc);
    size_t n = x->g->nrows - hr;
    for (size_t r = 0; r < n; r++) num[r] = NAN;
    for (size_t i = 0; i < col->n; i++) {
        if (xlsx_col_row(col, i) < hr) continue;
        size_t r = xlsx_col_row(col, i) - hr;
        xlsx_cell_kind k = (xlsx_cell_kind)col->kind[i];
        const char *t = xlsx_cell_text(x->b, col, i);
        if (k == XC_ERROR || (t && is_missing_token(x->s, t))) continue;
        if (t) { /* text in a column that types = "numeric" forces */
            char *end;
            double v = strtod(t, &end);
            while (*end == ' ') end++;
            if (end == t || *end || !isfinite(v)) {
                h->error(x->call.ctx,
                         "%s: row %zu, column '%s': '%.60s' is not a number, but types makes '%s' numeric; "
                         "correct the cell, list it in 'missing', or drop the types entry",
                         x->where, (size_t)xlsx_col_row(col, i) + 1, name, t, name);
                return -1;
            }
            num[r] = v;
            continue;
        }
        num[r] = cell_value(x, k, xlsx_col_num(col, i), date);
    }
    return 0;
}

static int fill_string(const xlsx_build *x, tally_dataset *ds, int dc, const xlsx_col *col, size_t hr)
{
    const tally_host *h = x->call.h;
    for (size_t i = 0; i < col->n; i++) {
        if (xlsx_col_row(col, i) < hr || col->kind[i] == XC_ERROR) continue;
        const char *t = xlsx_cell_text(x->b, col, i);
        char buf[64];
        if (t && is_missing_token(x->s, t)) continue;
        if (!t) {
            num_text(h, x->b, (xlsx_cell_kind)col->kind[i], xlsx_col_num(col, i), buf, sizeof buf);
            t = buf;
        }
        if (h->ds_set_string(ds, dc, xlsx_col_row(col, i) - hr, t, strlen(t)) != 0) return -1;
    }
    return 0;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) free(v[i]);
    free(v);
}

int xlsx_build_dataset(const xlsx_build *x, tally_dataset *ds)
{
    const tally_host *h = x->call.h;
    xlsx_grid *g = x->g;
    size_t hr = (size_t)x->s->header_rows, nc = g->ncols;
    if (nc == 0 || g->nrows < hr) {
        h->error(x->call.ctx, "%s: the sheet is empty; pick the sheet with the data (option 'sheet')", x->where);
        return -1;
    }
    /* A used range far larger than the cells in it is a hostile sheet: the dataset would not fit. */
    double extent = (double)g->nrows * (double)nc;
    if (extent > 64e6 && extent > 64.0 * (double)g->ncells) {
        h->error(x->call.ctx,
                 "%s: the sheet spans %zu rows x %zu columns but holds only %zu values; tally refuses "
                 "such a sparse sheet: delete the stray cells far below or to the right of the data",
                 x->where, g->nrows, nc, g->ncells);
        return -1;
    }
    char **cell = header_cells(h, x->b, g, hr, nc);
    char **names = calloc(nc, sizeof *names), **labels = calloc(nc, sizeof *labels);
    int rc = -1;
    if (!cell || !names || !labels || make_names(x, cell, hr, nc, names, labels) != 0) {
        h->error(x->call.ctx, "%s: out of memory reading the header", x->where);
        goto done;
    }
    int *types = calloc(nc, sizeof *types), *dates = calloc(nc, sizeof *dates), *bools = calloc(nc, sizeof *bools);
    if (!types || !dates || !bools) {
        free(types), free(dates), free(bools);
        h->error(x->call.ctx, "%s: out of memory", x->where);
        goto done;
    }
    for (size_t c = 0; c < nc; c++) {
        int f = forced_type(x->s, names[c]);
        column_kind(x, &g->cols[c], hr, names[c], f, &types[c], &dates[c], &bools[c]);
        if (f) types[c] = f;
        if (types[c] == TALLY_STRING) dates[c] = bools[c] = 0;
        if (h->ds_add_column(ds, names[c], (tally_var_type)types[c]) < 0) {
            h->error(x->call.ctx, "%s: cannot add column '%s'", x->where, names[c]);
            goto done2;
        }
        if (labels[c]) h->var_set_label(ds, (int)c, labels[c]);
    }
    /* cells left unset: fill_numeric and fill_string write every one, column by column, so the
     * dataset's pages are touched only as the grid's columns are freed (a peak of one copy, not two) */
    int (*resize)(tally_dataset *, size_t) = TALLY_HOST_HAS(h, ds_resize_uninit) ? h->ds_resize_uninit : h->ds_resize;
    if (resize(ds, g->nrows - hr) != 0) {
        h->error(x->call.ctx, "%s: out of memory for %zu rows", x->where, g->nrows - hr);
        goto done2;
    }
    for (size_t c = 0; c < nc; c++) {
        int dc = (int)c;
        if (types[c] == TALLY_NUMERIC) {
            if (fill_numeric(x, ds, dc, &g->cols[c], hr, dates[c], names[c]) != 0) goto done2;
            if (dates[c]) h->var_set_date(ds, dc, dates[c]);
            if (bools[c]) {
                h->var_add_value_label(ds, dc, 0, "FALSE");
                h->var_add_value_label(ds, dc, 1, "TRUE");
            }
        } else if (fill_string(x, ds, dc, &g->cols[c], hr) != 0) {
            h->error(x->call.ctx, "%s: out of memory", x->where);
            goto done2;
        }
        xlsx_col_release(&g->cols[c]);
        malloc_trim(0); /* its pages back to the system now, before the next column's are touched */
    }
    rc = 0;
done2:
    free(types);
    free(dates);
    free(bools);
done:
    free_strings(cell, hr * nc);
    free_strings(names, nc);
    free_strings(labels, nc);
    return rc;
}
