/* result.c: result tables, named values and report metadata, plus the host table's report entries. */
#include "result.h"
#include "banner.h"
#include "dataset.h"
#include "datefmt.h"
#include "host_entries.h"
#include "messages.h"
#include "numfmt.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

tally_table *tally_table_new(const char *id, const char *title)
{
    tally_table *t = xcalloc(1, sizeof *t);
    t->refs = 1;
    t->id = xstrdup(id ? id : "table");
    t->title = xstrdup(title ? title : "");
    return t;
}

void tally_table_ref(tally_table *t) { t->refs++; }

void tally_table_unref(tally_table *t)
{
    if (!t || --t->refs > 0) return;
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) free(t->rows[r].cells[c].text);
        free(t->rows[r].cells);
    }
    free(t->rows);
    for (size_t c = 0; c < t->ncols; c++) tally_free_all(t->cols[c].label, t->cols[c].group);
    free(t->cols);
    free_strings(t->notes, t->nnotes);
    tally_free_all(t->id, t->title, t->question, t->base, t->chart_title, t->series, t->lang);
    tally_banner_free(t->banner);
    free(t);
}

size_t tally_table_add_col(tally_table *t, const char *label, tally_col_type type, int decimals)
{
    t->cols = xrealloc(t->cols, (t->ncols + 1) * sizeof *t->cols);
    tally_tcol *c = &t->cols[t->ncols];
    c->label = xstrdup(label ? label : "");
    c->group = NULL;
    c->type = type;
    c->decimals = decimals;
    for (size_t r = 0; r < t->nrows; r++) { /* widen existing rows */
        t->rows[r].cells = xrealloc(t->rows[r].cells, (t->ncols + 1) * sizeof(tally_cell));
        t->rows[r].cells[t->ncols].num = NAN;
        t->rows[r].cells[t->ncols].text = NULL;
        t->rows[r].cells[t->ncols].date = 0;
    }
    return t->ncols++;
}

void tally_table_set_col_group(tally_table *t, size_t col, const char *group)
{
    if (col >= t->ncols) return;
    free(t->cols[col].group);
    t->cols[col].group = group ? xstrdup(group) : NULL;
}

size_t tally_table_add_row(tally_table *t, tally_row_type type)
{
    t->rows = xgrow(t->rows, &t->rows_cap, t->nrows + 1, sizeof *t->rows, 16);
    tally_trow *row = &t->rows[t->nrows];
    row->type = type;
    row->cells = xmalloc((t->ncols ? t->ncols : 1) * sizeof *row->cells);
    for (size_t c = 0; c < t->ncols; c++) {
        row->cells[c].num = NAN;
        row->cells[c].text = NULL;
        row->cells[c].date = 0;
    }
    return t->nrows++;
}

void tally_table_set_number(tally_table *t, size_t row, size_t col, double v)
{
    if (row >= t->nrows || col >= t->ncols) return;
    tally_cell *c = &t->rows[row].cells[col];
    free(c->text);
    c->text = NULL;
    c->num = v;
    c->date = 0;
}

void tally_table_set_date(tally_table *t, size_t row, size_t col, double v, int kind)
{
    tally_table_set_number(t, row, col, v);
    if (row < t->nrows && col < t->ncols && kind >= TALLY_DATE_DAYS && kind <= TALLY_DATE_TIME)
        t->rows[row].cells[col].date = kind;
}

void tally_table_set_text(tally_table *t, size_t row, size_t col, const char *s)
{
    if (row >= t->nrows || col >= t->ncols) return;
    tally_cell *c = &t->rows[row].cells[col];
    free(c->text);
    c->text = xstrdup(s ? s : "");
    c->num = NAN;
    c->date = 0;
}

static void replace(char **field, const char *s)
{
    free(*field);
    *field = s ? xstrdup(s) : NULL;
}

void tally_table_set_question(tally_table *t, const char *q) { replace(&t->question, q); }
void tally_table_set_base(tally_table *t, const char *base) { replace(&t->base, base); }
void tally_table_set_lang(tally_table *t, const char *lang) { replace(&t->lang, lang); }
void tally_table_set_title(tally_table *t, const char *title) { replace(&t->title, title ? title : ""); }
void tally_table_set_id(tally_table *t, const char *id) { replace(&t->id, id ? id : "table"); }

void tally_table_add_note(tally_table *t, const char *note)
{
    t->notes = xrealloc(t->notes, (t->nnotes + 1) * sizeof *t->notes);
    t->notes[t->nnotes++] = xstrdup(note);
}

void tally_table_set_chart(tally_table *t, tally_chart_kind kind, const char *title,
                           const size_t *series, size_t nseries)
{
    t->chart = kind;
    replace(&t->chart_title, title);
    free(t->series);
    t->series = nseries ? xmalloc(nseries * sizeof *series) : NULL;
    if (nseries) memcpy(t->series, series, nseries * sizeof *series);
    t->nseries = nseries;
}

const char *tally_format_fixed(double v, int dec, char *buf, size_t n)
{
    if (dec < 0) dec = 0;
    if (dec > 10) dec = 10;
    double scale = pow(10, dec), x = fabs(v) * scale;
    if (!(x < 9e15)) { /* too large for exact whole numbers: printf is as good as it gets */
        snprintf(buf, n, "%.*f", dec, v);
        return buf;
    }
    /* a relative nudge of 1e-12 lets 1.005 (stored as 1.00499999...) round up, as it reads */
    double r = floor(x * (1 + 1e-12) + 0.5);
    long long whole = (long long)(r / scale), frac = (long long)(r - (double)whole * scale);
    const char *sign = (v < 0 && r > 0) ? "-" : "";
    if (dec) snprintf(buf, n, "%s%lld.%0*lld", sign, whole, dec, frac);
    else snprintf(buf, n, "%s%lld", sign, whole);
    return buf;
}

const char *tally_table_format_cell(const tally_table *t, size_t r, size_t c, char *buf, size_t n)
{
    if (!n) return buf;
    buf[0] = '\0';
    if (r >= t->nrows || c >= t->ncols) return buf;
    const tally_cell *cell = &t->rows[r].cells[c];
    if (cell->text) {
        snprintf(buf, n, "%s", cell->text);
        return buf;
    }
    double v = cell->num;
    if (v != v) return buf;
    if (cell->date) return tally_format_date(v, cell->date, t->lang, buf, n);
    const tally_tcol *col = &t->cols[c];
    int dec = col->decimals < 0 ? 0 : col->decimals > 10 ? 10 : col->decimals;
    switch (col->type) {
    case TALLY_COL_COUNT:
        /* counts show the column's decimals (weighted: as the user set them, default 0), so that
         * 0 and 12.5 read "0.0" and "12.5" side by side; an unweighted base row is whole */
        tally_fmt_number(t->lang, v, t->rows[r].type == TALLY_ROW_BASE ? 0 : dec, 1, buf, n);
        break;
    case TALLY_COL_PERCENT:
        tally_fmt_percent(t->lang, v, dec, buf, n);
        break;
    default:
        tally_fmt_number(t->lang, v, dec, 0, buf, n);
        break;
    }
    return buf;
}

int tally_table_find_col(const tally_table *t, const char *label)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->cols[c].label, label) == 0) return (int)c;
    return -1;
}

int tally_table_find_row(const tally_table *t, const char *label)
{
    if (!t->ncols) return -1;
    for (size_t r = 0; r < t->nrows; r++)
        if (t->rows[r].cells[0].text && strcmp(t->rows[r].cells[0].text, label) == 0) return (int)r;
    return -1;
}

/* ---- reports --------------------------------------------------------------- */

tally_report *tally_report_new(void) { return xcalloc(1, sizeof(tally_report)); }

void tally_report_free(tally_report *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->nmeta; i++) tally_free_all(r->meta[i].key, r->meta[i].value);
    for (size_t i = 0; i < r->ntables; i++) tally_table_unref(r->tables[i]);
    for (size_t i = 0; i < r->nvalues; i++) tally_free_all(r->values[i].name, r->values[i].text);
    tally_free_all(r->meta, r->tables, r->values, r->datasets);
    free_strings(r->check_messages, r->nchecks);
    free(r);
}

void tally_report_set_meta(tally_report *r, const char *key, const char *value)
{
    if (strcmp(key, "language") == 0) /* tables already added format their dates in it too */
        for (size_t i = 0; i < r->ntables; i++) tally_table_set_lang(r->tables[i], value);
    for (size_t i = 0; i < r->nmeta; i++)
        if (strcmp(r->meta[i].key, key) == 0) {
            replace(&r->meta[i].value, value);
            return;
        }
    r->meta = xrealloc(r->meta, (r->nmeta + 1) * sizeof *r->meta);
    r->meta[r->nmeta].key = xstrdup(key);
    r->meta[r->nmeta].value = value ? xstrdup(value) : NULL;
    r->nmeta++;
}

const char *tally_report_meta(const tally_report *r, const char *key)
{
    for (size_t i = 0; i < r->nmeta; i++)
        if (strcmp(r->meta[i].key, key) == 0) return r->meta[i].value;
    return NULL;
}

const tally_table *tally_report_find_table(const tally_report *r, const char *id)
{
    for (size_t i = 0; i < r->ntables; i++)
        if (strcmp(r->tables[i]->id, id) == 0) return r->tables[i];
    return NULL;
}

void tally_report_add_table(tally_report *r, tally_table *t)
{
    if (!r->keep_ids && tally_report_find_table(r, t->id)) {
        for (int k = 2;; k++) {
            char *id = xasprintf("%s_%d", t->id, k);
            if (!tally_report_find_table(r, id)) {
                free(t->id);
                t->id = id;
                break;
            }
            free(id);
        }
    }
    if (!t->lang) tally_table_set_lang(t, tally_report_meta(r, "language"));
    tally_table_ref(t);
    r->tables = xrealloc(r->tables, (r->ntables + 1) * sizeof *r->tables);
    r->tables[r->ntables++] = t;
}

static tally_named_value *value_slot(tally_report *r, const char *name)
{
    for (size_t i = 0; i < r->nvalues; i++)
        if (strcmp(r->values[i].name, name) == 0) {
            free(r->values[i].text);
            return &r->values[i];
        }
    r->values = xrealloc(r->values, (r->nvalues + 1) * sizeof *r->values);
    tally_named_value *v = &r->values[r->nvalues++];
    v->name = xstrdup(name);
    return v;
}

const char *tally_format_value(const char *language, tally_value_kind kind, double v, int decimals, char *buf,
                               size_t n)
{
    switch (kind) {
    case TALLY_VALUE_COUNT: /* whole counts as such, others with one decimal; or the decimals asked */
        if (decimals < 0) return tally_fmt_count(language, v, 1, buf, n);
        return tally_fmt_number(language, v, decimals, 1, buf, n);
    case TALLY_VALUE_PERCENT:
        return tally_fmt_percent(language, v, decimals < 0 ? 1 : decimals, buf, n);
    case TALLY_VALUE_P:
        if (decimals < 0) return tally_fmt_p(language, v, buf, n);
        return tally_fmt_number(language, v, decimals, 0, buf, n);
    case TALLY_VALUE_PROPORTION:
    case TALLY_VALUE_STATISTIC:
        return tally_fmt_number(language, v, decimals < 0 ? 2 : decimals, 0, buf, n);
    default: /* a plain number: whole ones as they are, others with one decimal */
        if (decimals < 0) decimals = (v == floor(v) && fabs(v) < 1e15) ? 0 : 1;
        return tally_fmt_number(language, v, decimals, 0, buf, n);
    }
}

void tally_report_set_value(tally_report *r, const char *name, double num, tally_value_kind kind, const char *text)
{
    tally_named_value *v = value_slot(r, name);
    v->kind = kind == TALLY_VALUE_TEXT ? TALLY_VALUE_NUMBER : kind;
    v->is_number = 1;
    v->number = num;
    char buf[TALLY_NUMBER_TEXT_MAX]; /* a huge number whole, not its first 63 digits */
    v->text = xstrdup(text ? text : tally_format_value(tally_report_meta(r, "language"), v->kind, num, -1, buf, sizeof buf));
}

void tally_report_set_number(tally_report *r, const char *name, double num, const char *text)
{
    tally_report_set_value(r, name, num, TALLY_VALUE_NUMBER, text);
}

void tally_report_set_text(tally_report *r, const char *name, const char *text)
{
    tally_named_value *v = value_slot(r, name);
    v->kind = TALLY_VALUE_TEXT;
    v->is_number = 0;
    v->number = NAN;
    v->text = xstrdup(text ? text : "");
}

const tally_named_value *tally_report_find_value(const tally_report *r, const char *name)
{
    for (size_t i = 0; i < r->nvalues; i++)
        if (strcmp(r->values[i].name, name) == 0) return &r->values[i];
    return NULL;
}

void tally_report_add_dataset(tally_report *r, tally_dataset *ds)
{
    r->datasets = xrealloc(r->datasets, (r->ndatasets + 1) * sizeof *r->datasets);
    r->datasets[r->ndatasets++] = ds;
}

void tally_report_add_check(tally_report *r, int passed, const char *message)
{
    if (!passed) r->failed_checks++;
    r->check_messages = xrealloc(r->check_messages, (r->nchecks + 1) * sizeof *r->check_messages);
    r->check_messages[r->nchecks++] = xasprintf("%s %s", passed ? "PASS" : "FAIL", message);
}

/* ---- host table entries ---------------------------------------------------- */

size_t host_rep_ntables(const tally_report *r) { return r->ntables; }
const tally_table *host_rep_table(const tally_report *r, size_t i) { return i < r->ntables ? r->tables[i] : NULL; }
size_t host_rep_nvalues(const tally_report *r) { return r->nvalues; }
const char *host_rep_value_name(const tally_report *r, size_t i) { return i < r->nvalues ? r->values[i].name : NULL; }
const char *host_rep_value_text(const tally_report *r, const char *name)
{
    const tally_named_value *v = tally_report_find_value(r, name);
    return v ? v->text : NULL;
}
int host_rep_value_number(const tally_report *r, const char *name, double *out)
{
    const tally_named_value *v = tally_report_find_value(r, name);
    if (!v || !v->is_number) return 0;
    *out = v->number;
    return 1;
}
const tally_dataset *host_rep_dataset(const tally_report *r, const char *name)
{
    for (size_t i = 0; i < r->ndatasets; i++)
        if (strcmp(r->datasets[i]->name, name) == 0) return r->datasets[i];
    return NULL;
}
const char *host_rep_tr(const tally_report *r, const char *english)
{
    return tally_tr(tally_report_meta(r, "language"), english);
}
int host_rep_value_kind(const tally_report *r, const char *name)
{
    const tally_named_value *v = tally_report_find_value(r, name);
    return v ? (int)v->kind : -1;
}
const char *host_rep_format_value(const tally_report *r, tally_value_kind kind, double v, int decimals, char *buf,
                                  size_t n)
{
    return tally_format_value(tally_report_meta(r, "language"), kind, v, decimals, buf, n);
}
const char *host_rep_format_date(const tally_report *r, const char *iso, char *buf, size_t n)
{
    return tally_fmt_iso_date(tally_report_meta(r, "language"), iso, buf, n);
}
const char *host_tab_id(const tally_table *t) { return t->id; }
const char *host_tab_title(const tally_table *t) { return t->title; }
const char *host_tab_question(const tally_table *t) { return t->question; }
const char *host_tab_base(const tally_table *t) { return t->base; }
size_t host_tab_nnotes(const tally_table *t) { return t->nnotes; }
const char *host_tab_note(const tally_table *t, size_t i) { return i < t->nnotes ? t->notes[i] : NULL; }
size_t host_tab_ncols(const tally_table *t) { return t->ncols; }
const char *host_tab_col_label(const tally_table *t, size_t c) { return c < t->ncols ? t->cols[c].label : NULL; }
const char *host_tab_col_group(const tally_table *t, size_t c) { return c < t->ncols ? t->cols[c].group : NULL; }
tally_col_type host_tab_col_type(const tally_table *t, size_t c) { return c < t->ncols ? t->cols[c].type : TALLY_COL_TEXT; }
int host_tab_col_decimals(const tally_table *t, size_t c) { return c < t->ncols ? t->cols[c].decimals : 0; }
size_t host_tab_nrows(const tally_table *t) { return t->nrows; }
tally_row_type host_tab_row_type(const tally_table *t, size_t r) { return r < t->nrows ? t->rows[r].type : TALLY_ROW_CATEGORY; }
double host_tab_cell_number(const tally_table *t, size_t r, size_t c)
{
    return (r < t->nrows && c < t->ncols) ? t->rows[r].cells[c].num : NAN;
}
const char *host_tab_cell_text(const tally_table *t, size_t r, size_t c)
{
    return (r < t->nrows && c < t->ncols) ? t->rows[r].cells[c].text : NULL;
}
int host_tab_cell_date(const tally_table *t, size_t r, size_t c)
{
    return (r < t->nrows && c < t->ncols) ? t->rows[r].cells[c].date : 0;
}
const char *host_format_date(double v, int kind, int iso, const char *lang, char *buf, size_t n)
{
    return iso ? tally_format_date_iso(v, kind, buf, n) : tally_format_date(v, kind, lang, buf, n);
}
tally_chart_kind host_tab_chart_kind(const tally_table *t) { return t->chart; }
const char *host_tab_chart_title(const tally_table *t) { return t->chart_title ? t->chart_title : t->title; }
size_t host_tab_chart_nseries(const tally_table *t) { return t->nseries; }
size_t host_tab_chart_series(const tally_table *t, size_t i) { return i < t->nseries ? t->series[i] : 0; }
int host_tab_chart_uses_row(const tally_table *t, size_t r)
{
    if (r >= t->nrows) return 0;
    return t->rows[r].type == TALLY_ROW_CATEGORY || t->rows[r].type == TALLY_ROW_NET;
}

void tally_table_set_banner(tally_table *t, tally_banner *b)
{
    tally_banner_free(t->banner);
    t->banner = b;
}

const tally_banner *tally_table_banner(const tally_table *t) { return t ? t->banner : NULL; }
