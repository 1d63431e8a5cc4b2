/* dataset_host.c: the host table's dataset entries: what plugins call to build and read a dataset (host_entries.h). */
#include "dataset.h"
#include "host_entries.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static tally_column *col_at(const tally_dataset *ds, int col)
{
    return (col >= 0 && (size_t)col < ds->ncols) ? ds->cols[col] : NULL;
}

int host_ds_add_column(tally_dataset *ds, const char *name, tally_var_type type)
{
    return tally_dataset_add_column(ds, name, type);
}
int host_ds_resize(tally_dataset *ds, size_t n) { return tally_dataset_resize(ds, n); }
int host_ds_resize_uninit(tally_dataset *ds, size_t n) { return tally_dataset_resize_uninit(ds, n); }

/* Column `col` of ds when it may take compact cells with these levels (numeric, no
 * selection, at most TALLY_MAX_LEVELS ascending values), else NULL. */
static tally_column *codes_target(tally_dataset *ds, int col, const double *levels, unsigned nlevels)
{
    tally_column *c = col_at(ds, col);
    if (!c || c->type != TALLY_NUMERIC || ds->sel || nlevels > TALLY_MAX_LEVELS || (nlevels && !levels)) return NULL;
    for (unsigned k = 1; k < nlevels; k++)
        if (!(levels[k - 1] < levels[k])) return NULL; /* ascending, no duplicates, no NaN */
    return c;
}

/* The column's cells become `codes` (taken) or `num` (taken), whatever they were. */
static void set_cells(tally_column *c, uint8_t *codes, double *levels, unsigned nlevels, double *num)
{
    if (c->mapping) { /* the new cells replace the mapped ones: nothing of the mapping is kept */
        c->num = NULL;
        c->codes = NULL;
        free(c->levels);
        c->levels = NULL;
        tally_column_own(c); /* copies only the string cells, which a numeric column has none of */
    }
    tally_free_all(c->num, c->codes, c->levels);
    c->num = num;
    c->codes = codes;
    c->levels = levels;
    c->nlevels = nlevels;
}

/* A copy of n levels (at least one slot), or NULL when out of memory. */
static double *levels_copy(const double *levels, unsigned n)
{
    double *lv = malloc((n ? n : 1) * sizeof *lv);
    if (lv && n) memcpy(lv, levels, n * sizeof *lv);
    return lv;
}

uint8_t *host_ds_codes_data(tally_dataset *ds, int col, const double *levels, unsigned nlevels)
{
    tally_column *c = codes_target(ds, col, levels, nlevels);
    if (!c) return NULL;
    uint8_t *codes = malloc(c->len ? c->len : 1);
    double *lv = levels_copy(levels, nlevels);
    if (!codes || !lv) {
        free(codes);
        free(lv);
        return NULL;
    }
    set_cells(c, codes, lv, nlevels, NULL);
    return codes;
}
int host_ds_adopt_codes(tally_dataset *ds, int col, uint8_t *codes, const double *levels, unsigned nlevels)
{
    tally_column *c = codes_target(ds, col, levels, nlevels);
    double *lv = c && codes ? levels_copy(levels, nlevels) : NULL;
    if (!lv) return -1;
    set_cells(c, codes, lv, nlevels, NULL);
    return 0;
}
int host_ds_view_codes(tally_dataset *ds, int col, const uint8_t *codes, const double *levels, unsigned nlevels)
{
    tally_column *c = codes_target(ds, col, levels, nlevels);
    tally_mapping *b = c && codes ? tally_dataset_block_of(ds, codes, c->len) : NULL;
    double *lv = b ? levels_copy(levels, nlevels) : NULL;
    if (!lv) return -1;
    set_cells(c, NULL, lv, nlevels, NULL);
    c->codes = (uint8_t *)codes; /* a view: tally_column_unref leaves it to the block */
    __atomic_add_fetch(&b->refs, 1, __ATOMIC_RELAXED);
    c->mapping = b;
    return 0;
}
int host_ds_reserve_text(tally_dataset *ds, int col, size_t bytes)
{
    tally_column *c = col_at(ds, col);
    return c ? tally_column_reserve_text(c, bytes) : -1;
}
int host_ds_adopt_numeric(tally_dataset *ds, int col, double *num)
{
    tally_column *c = col_at(ds, col);
    if (!c || c->type != TALLY_NUMERIC || ds->sel || !num) return -1;
    set_cells(c, NULL, NULL, 0, num);
    return 0;
}
double *host_ds_numeric_data(tally_dataset *ds, int col)
{
    tally_column *c = col_at(ds, col);
    return (c && c->type == TALLY_NUMERIC && !ds->sel) ? tally_column_numbers(c) : NULL;
}
void host_var_set_label(tally_dataset *ds, int col, const char *label)
{
    tally_column *c = col_at(ds, col);
    if (c) tally_column_set_label(c, label);
}
void host_var_set_measure(tally_dataset *ds, int col, tally_measure m)
{
    tally_column *c = col_at(ds, col);
    if (c) c->measure = m;
}
void host_var_set_format(tally_dataset *ds, int col, const char *format, int width, int decimals)
{
    tally_column *c = col_at(ds, col);
    if (!c) return;
    free(c->format);
    c->format = format ? xstrdup(format) : NULL;
    c->width = width;
    c->decimals = decimals;
}
void host_var_add_value_label(tally_dataset *ds, int col, double code, const char *label)
{
    tally_column *c = col_at(ds, col);
    if (c && label) tally_column_add_value_label(c, code, label);
}
void host_var_add_string_value_label(tally_dataset *ds, int col, const char *code, const char *label)
{
    tally_column *c = col_at(ds, col);
    if (c && code && label) tally_column_add_string_value_label(c, code, label);
}
void host_var_add_missing(tally_dataset *ds, int col, double code)
{
    tally_column *c = col_at(ds, col);
    if (c) tally_column_add_missing(c, code);
}
void host_var_add_missing_string(tally_dataset *ds, int col, const char *code)
{
    tally_column *c = col_at(ds, col);
    if (!c || !code) return;
    c->smissing = xrealloc(c->smissing, (c->nsmissing + 1) * sizeof *c->smissing);
    c->smissing[c->nsmissing++] = xstrdup(code);
}
void host_var_set_missing_range(tally_dataset *ds, int col, double lo, double hi)
{
    tally_column *c = col_at(ds, col);
    if (!c) return;
    c->has_range = 1;
    c->range_lo = lo;
    c->range_hi = hi;
}
void tally_dataset_set_weight(tally_dataset *ds, int col)
{
    tally_column *c = col_at(ds, col);
    ds->weight = c ? col : -1;
    if (c) tally_column_numbers(c);
}
void host_var_set_date(tally_dataset *ds, int col, int is_date)
{
    tally_column *c = col_at(ds, col);
    if (c) c->is_date = is_date;
}
void host_var_set_blank_valid(tally_dataset *ds, int col, int blank_valid)
{
    tally_column *c = col_at(ds, col);
    if (c && c->type == TALLY_STRING) c->blank_valid = blank_valid != 0;
}
void host_var_set_metadata(tally_dataset *ds, int col, int metadata)
{
    tally_column *c = col_at(ds, col);
    if (c) c->is_metadata = metadata != 0;
}
void host_ds_set_file_label(tally_dataset *ds, const char *label)
{
    free(ds->file_label);
    ds->file_label = label && *label ? xstrdup(label) : NULL;
}
void host_ds_add_document(tally_dataset *ds, const char *line)
{
    ds->documents = xrealloc(ds->documents, (ds->ndocuments + 1) * sizeof *ds->documents);
    ds->documents[ds->ndocuments++] = xstrdup(line ? line : "");
}
int host_var_date(const tally_dataset *ds, int col)
{
    tally_column *c = col_at(ds, col);
    return c && c->type == TALLY_NUMERIC ? c->is_date : 0;
}
size_t host_ds_nrows(const tally_dataset *ds) { return ds->nrows; }
int host_ds_ncols(const tally_dataset *ds) { return (int)ds->ncols; }
const char *host_var_name(const tally_dataset *ds, int col)
{
    tally_column *c = col_at(ds, col);
    return c ? c->name : NULL;
}
const char *host_var_label(const tally_dataset *ds, int col)
{
    tally_column *c = col_at(ds, col);
    return c ? c->label : NULL;
}
tally_var_type host_var_type(const tally_dataset *ds, int col)
{
    tally_column *c = col_at(ds, col);
    return c ? c->type : TALLY_NUMERIC;
}
double host_ds_number(const tally_dataset *ds, int col, size_t row)
{
    tally_column *c = col_at(ds, col);
    if (!c || c->type != TALLY_NUMERIC || row >= ds->nrows) return NAN;
    return tally_col_num(c, tally_row(ds, row));
}
const char *host_ds_string(const tally_dataset *ds, int col, size_t row)
{
    tally_column *c = col_at(ds, col);
    if (!c || row >= ds->nrows) return "";
    return tally_column_string(c, tally_row(ds, row));
}
