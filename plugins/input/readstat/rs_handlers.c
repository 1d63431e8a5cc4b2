/* rs_handlers.c: ReadStat callbacks that build the tally dataset through the host table. */
#include "rs_internal.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static int on_metadata(readstat_metadata_t *md, void *ctx)
{
    rs_state *st = ctx;
    st->declared_rows = readstat_get_row_count(md);
    const char *enc = readstat_get_file_encoding(md);
    if (enc && *enc) st->file_encoding = dup_str(enc);
    const char *label = readstat_get_file_label(md);
    if (label && *label) {
        st->file_label = dup_str(label);
        char *t = rs_trimmed(label); /* SPSS pads the file label to 64 bytes */
        if (t) st->host->ds_set_file_label(st->ds, t);
        free(t);
    }
    return READSTAT_HANDLER_OK;
}

/* SPSS documents (DOCUMENT, ADD DOCUMENT): lines of 80 bytes, padded with blanks. */
static int on_note(int index, const char *note, void *ctx)
{
    (void)index;
    rs_state *st = ctx;
    char *t = rs_trimmed(note ? note : "");
    if (t) st->host->ds_add_document(st->ds, t);
    free(t);
    return READSTAT_HANDLER_OK;
}

static tally_measure measure_of(readstat_measure_t m)
{
    switch (m) {
    case READSTAT_MEASURE_NOMINAL: return TALLY_NOMINAL;
    case READSTAT_MEASURE_ORDINAL: return TALLY_ORDINAL;
    case READSTAT_MEASURE_SCALE: return TALLY_SCALE;
    default: return TALLY_MEASURE_UNKNOWN;
    }
}

/* "F8.2" -> 8, 2; "%9.0g" -> 9, 0; "A12" -> 12, 0; "DATE9." -> 9, 0. */
static void parse_format(const char *f, int *width, int *decimals)
{
    *width = 0;
    *decimals = 0;
    while (*f && !isdigit((unsigned char)*f)) f++;
    /* digits past a million are a damaged format, not a width: capped, never overflowing an int */
    for (; isdigit((unsigned char)*f); f++)
        if (*width < 1000000) *width = *width * 10 + (*f - '0');
    if (*f == '.')
        for (f++; isdigit((unsigned char)*f); f++)
            if (*decimals < 1000000) *decimals = *decimals * 10 + (*f - '0');
}

/* Trailing blanks of SPSS string codes are padding, as in the cells ReadStat delivers. */
static void add_missing_string(rs_state *st, int col, const char *s)
{
    char *t = rs_trimmed(s);
    if (!t) return;
    st->host->var_add_missing_string(st->ds, col, t);
    free(t);
}

static int is_spss(const rs_state *st)
{
    return st->format == RS_SAV || st->format == RS_ZSAV || st->format == RS_POR;
}

static void add_missing(rs_state *st, readstat_variable_t *v, const rs_colinfo *c)
{
    int n = readstat_variable_get_missing_ranges_count(v);
    int ranges = 0;
    for (int i = 0; i < n; i++) {
        readstat_value_t lo = readstat_variable_get_missing_range_lo(v, i);
        readstat_value_t hi = readstat_variable_get_missing_range_hi(v, i);
        if (c->is_string) {
            const char *a = readstat_string_value(lo), *b = readstat_string_value(hi);
            if (a) add_missing_string(st, c->col, a);
            if (a && b && strcmp(a, b) != 0)
                st->host->log(st->ctx, TALLY_LOG_WARN, "%s: variable '%s': string missing range '%s' to '%s' kept as the single code '%s'",
                              st->path, readstat_variable_get_name(v), a, b, a);
            continue;
        }
        double a = rs_date_convert(c->date, readstat_double_value(lo));
        double b = rs_date_convert(c->date, readstat_double_value(hi));
        if (a == b) {
            st->host->var_add_missing(st->ds, c->col, a);
        } else if (ranges++ == 0) {
            st->host->var_set_missing_range(st->ds, c->col, a, b);
        } else {
            st->host->log(st->ctx, TALLY_LOG_WARN, "%s: variable '%s': only one missing range is kept; %g THRU %g ignored",
                          st->path, readstat_variable_get_name(v), a, b);
        }
    }
}

static int grow_cols(rs_state *st, int index)
{
    if (index < st->cols_cap) return 0;
    if (index < 0 || index >= INT_MAX / 2) return -1; /* doubling past it would overflow */
    int cap = st->cols_cap ? st->cols_cap : 16;
    while (cap <= index) cap *= 2;
    rs_colinfo *cols = realloc(st->cols, (size_t)cap * sizeof *cols);
    double **num = realloc(st->num, (size_t)cap * sizeof *num);
    if (cols) st->cols = cols;
    if (num) st->num = num;
    if (!cols || !num) return -1;
    memset(st->cols + st->cols_cap, 0, (size_t)(cap - st->cols_cap) * sizeof *cols);
    memset(st->num + st->cols_cap, 0, (size_t)(cap - st->cols_cap) * sizeof *num);
    st->cols_cap = cap;
    return 0;
}

static int on_variable(int index, readstat_variable_t *v, const char *val_labels, void *ctx)
{
    rs_state *st = ctx;
    const tally_host *h = st->host;
    const char *name = readstat_variable_get_name(v);
    if (index < 0 || grow_cols(st, index) != 0) {
        h->error(st->ctx, "%s: out of memory while reading variable %d", st->path, index + 1);
        st->failed = 1;
        return READSTAT_HANDLER_ABORT;
    }
    rs_colinfo *c = &st->cols[index];
    c->is_string = readstat_variable_get_type_class(v) == READSTAT_TYPE_CLASS_STRING;
    c->col = h->ds_add_column(st->ds, name, c->is_string ? TALLY_STRING : TALLY_NUMERIC);
    if (c->col < 0) {
        h->error(st->ctx, "%s: variable %d has the name '%s', which is empty or used by an earlier variable; "
                 "rename it in the program that wrote the file", st->path, index + 1, name ? name : "");
        st->failed = 1;
        return READSTAT_HANDLER_ABORT;
    }
    if (index >= st->ncols) st->ncols = index + 1;
    const char *label = readstat_variable_get_label(v);
    if (label && *label) h->var_set_label(st->ds, c->col, label);
    const char *fmt = readstat_variable_get_format(v);
    if (fmt && *fmt) {
        int w, d;
        parse_format(fmt, &w, &d);
        if (w == 0) w = readstat_variable_get_display_width(v);
        h->var_set_format(st->ds, c->col, fmt, w, d);
    }
    h->var_set_measure(st->ds, c->col, measure_of(readstat_variable_get_measure(v)));
    c->date = c->is_string ? RS_DATE_NONE : rs_date_kind_of(st->format, fmt);
    if (c->date != RS_DATE_NONE) h->var_set_date(st->ds, c->col, rs_date_tally_kind(c->date));
    if (st->user_missing) add_missing(st, v, c);
    /* SPSS counts a blank string as a valid answer unless it is declared missing; with
     * user_missing = false the declared codes become blanks too, so blanks are missing then. */
    if (c->is_string && is_spss(st) && (st->user_missing || readstat_variable_get_missing_ranges_count(v) == 0))
        h->var_set_blank_valid(st->ds, c->col, 1);
    if (val_labels && *val_labels) c->labelset = dup_str(val_labels);
    return READSTAT_HANDLER_OK;
}

/* Makes room for row `obs` (the dataset grows by doubling when the file does not say how many). */
static int ensure_rows(rs_state *st, size_t obs)
{
    if (obs < st->rows_cap) return 0;
    size_t cap = st->rows_cap ? st->rows_cap * 2 : 1024;
    if (st->declared_rows > 0 && (size_t)st->declared_rows > cap) cap = (size_t)st->declared_rows;
    if (cap <= obs) cap = obs + 1;
    if (st->host->ds_resize(st->ds, cap) != 0) return -1;
    st->rows_cap = cap;
    for (int i = 0; i < st->ncols; i++)
        st->num[i] = st->cols[i].is_string ? NULL : st->host->ds_numeric_data(st->ds, st->cols[i].col);
    return 0;
}

static int is_user_missing_string(readstat_variable_t *v, const char *s)
{
    int n = readstat_variable_get_missing_ranges_count(v);
    size_t len = strlen(s);
    for (int i = 0; i < n; i++) {
        const char *m = readstat_string_value(readstat_variable_get_missing_range_lo(v, i));
        if (!m) continue;
        size_t mlen = strlen(m);
        while (mlen > 0 && m[mlen - 1] == ' ') mlen--;
        if (mlen == len && memcmp(m, s, len) == 0) return 1;
    }
    return 0;
}

static int on_value(int obs, readstat_variable_t *v, readstat_value_t value, void *ctx)
{
    rs_state *st = ctx;
    int index = readstat_variable_get_index(v);
    if (obs < 0 || index < 0 || index >= st->ncols) return READSTAT_HANDLER_OK;
    if (ensure_rows(st, (size_t)obs) != 0) {
        st->host->error(st->ctx, "%s: out of memory at row %d", st->path, obs + 1);
        st->failed = 1;
        return READSTAT_HANDLER_ABORT;
    }
    if ((size_t)obs + 1 > st->rows_seen) st->rows_seen = (size_t)obs + 1;
    rs_colinfo *c = &st->cols[index];
    if (c->is_string) {
        const char *s = readstat_string_value(value);
        if (!s || (!st->user_missing && is_user_missing_string(v, s))) s = "";
        if (st->host->ds_set_string(st->ds, c->col, (size_t)obs, s, strlen(s)) != 0) {
            st->host->error(st->ctx, "%s: out of memory at row %d", st->path, obs + 1);
            st->failed = 1;
            return READSTAT_HANDLER_ABORT;
        }
        return READSTAT_HANDLER_OK;
    }
    double x = NAN;
    if (readstat_value_is_tagged_missing(value)) {
        /* .a-.z: a user-missing code of its own (system-missing with user_missing = false) */
        char tag = (char)tolower((unsigned char)readstat_value_tag(value));
        if (st->user_missing && tag >= 'a' && tag <= 'z') {
            rs_declare_tag(st, c, tag);
            x = tally_tagged_missing_code(tag);
        }
    } else if (!readstat_value_is_system_missing(value)) {
        x = readstat_double_value(value);
        if (!st->user_missing && readstat_value_is_defined_missing(value, v)) x = NAN;
        else x = rs_date_convert(c->date, x);
    }
    st->num[index][obs] = x;
    return READSTAT_HANDLER_OK;
}

static int on_value_label(const char *set, readstat_value_t value, const char *label, void *ctx)
{
    rs_labels_add(ctx, set, value, label);
    return READSTAT_HANDLER_OK;
}

static int on_fweight(readstat_variable_t *v, void *ctx)
{
    rs_state *st = ctx;
    st->fweight_index = readstat_variable_get_index(v);
    return READSTAT_HANDLER_OK;
}

static void on_error(const char *msg, void *ctx)
{
    rs_state *st = ctx;
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) n--;
    if (n >= sizeof st->readstat_msg) n = sizeof st->readstat_msg - 1;
    memcpy(st->readstat_msg, msg, n);
    st->readstat_msg[n] = '\0';
}

void rs_install_handlers(readstat_parser_t *p)
{
    readstat_set_metadata_handler(p, on_metadata);
    readstat_set_variable_handler(p, on_variable);
    readstat_set_value_handler(p, on_value);
    readstat_set_value_label_handler(p, on_value_label);
    readstat_set_fweight_handler(p, on_fweight);
    readstat_set_note_handler(p, on_note);
    readstat_set_error_handler(p, on_error);
}

int rs_finish(rs_state *st)
{
    const tally_host *h = st->host;
    if (st->declared_rows >= 0 && st->rows_seen < (size_t)st->declared_rows && st->ncols > 0) {
        h->error(st->ctx, "%s: the file ends after %zu of the %ld rows its header declares; it is truncated: "
                 "copy or export it again", st->path, st->rows_seen, st->declared_rows);
        return -1;
    }
    if (h->ds_resize(st->ds, st->rows_seen) != 0) {
        h->error(st->ctx, "%s: out of memory", st->path);
        return -1;
    }
    rs_labels_apply(st);
    if (st->fweight_index >= 0 && st->fweight_index < st->ncols)
        h->ds_set_weight(st->ds, st->cols[st->fweight_index].col);
    return 0;
}
