/* sql_sink.c: typed SQL result rows appended to a dataset in batches; type-name mapping, ISO date parsing. */
#include "sql_sink.h"
#include "civil_days.h"
#include "name_set.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sql_sink_begin(sql_sink *s, const tally_host *h, tally_ctx *ctx, tally_dataset *ds, const char *const *names,
                   const sql_type *types, size_t ncols)
{
    memset(s, 0, sizeof *s);
    s->h = h;
    s->ctx = ctx;
    s->ds = ds;
    s->ncols = ncols;
    s->types = malloc((ncols ? ncols : 1) * sizeof *s->types);
    s->num = calloc(ncols ? ncols : 1, sizeof *s->num);
    char **used = calloc(ncols ? ncols : 1, sizeof *used);
    unsigned *next = calloc(ncols ? ncols : 1, sizeof *next); /* per name taken: the suffix its next copy tries */
    name_set set = {0};
    int rc = 0;
    if (!s->types || !s->num || !used || !next || name_set_init(&set, used, ncols) != 0) {
        free(used), free(next), name_set_free(&set);
        h->error(ctx, "out of memory");
        return -1;
    }
    for (size_t c = 0; c < ncols && rc == 0; c++) {
        s->types[c] = types[c];
        const char *base = names[c] && names[c][0] ? names[c] : "V";
        long holder = name_set_find(&set, base);
        used[c] = holder < 0 ? strdup(base) : name_set_suffixed(&set, NULL, base, &next[holder]);
        if (!used[c]) {
            rc = -1;
            break;
        }
        name_set_add(&set, c);
        if (holder >= 0)
            h->log(ctx, TALLY_LOG_WARN, "result column %zu: duplicate name '%s' renamed to '%s'", c + 1, base, used[c]);
        tally_var_type t = types[c] == SQL_TEXT ? TALLY_STRING : TALLY_NUMERIC;
        if (h->ds_add_column(ds, used[c], t) < 0) {
            h->error(ctx, "cannot add column '%s'", used[c]);
            rc = -1;
        } else if (types[c] == SQL_DATE) {
            h->var_set_date(ds, (int)c, TALLY_DATE_DAYS);
        } else if (types[c] == SQL_TIMESTAMP) {
            h->var_set_date(ds, (int)c, TALLY_DATE_DATETIME);
        }
    }
    for (size_t c = 0; c < ncols; c++) free(used[c]);
    free(used);
    free(next);
    name_set_free(&set);
    return rc;
}

size_t sql_sink_row(sql_sink *s)
{
    if (s->nrows == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        if (s->h->ds_resize(s->ds, cap) != 0) {
            s->h->error(s->ctx, "out of memory for %zu rows", cap);
            return (size_t)-1;
        }
        s->cap = cap;
        for (size_t c = 0; c < s->ncols; c++)
            s->num[c] = s->types[c] == SQL_TEXT ? NULL : s->h->ds_numeric_data(s->ds, (int)c);
    }
    return s->nrows++;
}

void sql_sink_number(sql_sink *s, size_t col, size_t row, double v)
{
    if (s->num[col]) s->num[col][row] = v;
}

int sql_sink_text(sql_sink *s, size_t col, size_t row, const char *v, size_t len, const char *colname)
{
    if (!v) return 0; /* NULL: system-missing (numeric cells start so; a text cell stays empty) */
    double x = NAN;
    const char *what = NULL;
    char *end;
    switch (s->types[col]) {
    case SQL_TEXT: return s->h->ds_set_string(s->ds, (int)col, row, v, len) == 0 ? 0 : -1;
    case SQL_INT:
    case SQL_NUM:
        x = strtod(v, &end);
        if (end == v || (size_t)(end - v) != len) what = "a number";
        break;
    case SQL_BOOL:
        if (len && (v[0] == 't' || v[0] == 'T' || v[0] == '1')) x = 1;
        else if (len && (v[0] == 'f' || v[0] == 'F' || v[0] == '0')) x = 0;
        else what = "a boolean";
        break;
    case SQL_DATE:
        if (sql_parse_date(v, len, &x) != 0) what = "a date (YYYY-MM-DD)";
        break;
    case SQL_TIMESTAMP:
        if (sql_parse_timestamp(v, len, &x) != 0) what = "a timestamp (YYYY-MM-DD HH:MM:SS)";
        break;
    }
    if (what) {
        s->h->error(s->ctx, "row %zu, column '%s': '%.*s' is not %s as the column's type says; cast it in the "
                            "query (for example CAST(%s AS TEXT))", row + 1, colname, (int)(len > 60 ? 60 : len), v,
                    what, colname);
        return -1;
    }
    sql_sink_number(s, col, row, x);
    return 0;
}

int sql_sink_end(sql_sink *s)
{
    int rc = 0;
    if (s->h->ds_resize(s->ds, s->nrows) != 0) {
        s->h->error(s->ctx, "out of memory");
        rc = -1;
    }
    sql_sink_free(s);
    return rc;
}

void sql_sink_free(sql_sink *s)
{
    free(s->types);
    free(s->num);
    s->types = NULL;
    s->num = NULL;
}

sql_type sql_type_from_name(const char *decl)
{
    char t[64];
    size_t n = 0;
    for (; decl && decl[n] && n < sizeof t - 1; n++) t[n] = (char)tolower((unsigned char)decl[n]);
    t[n] = '\0';
    if (strncmp(t, "bool", 4) == 0) return SQL_BOOL;
    if (strncmp(t, "timestamp", 9) == 0 || strcmp(t, "datetime") == 0) return SQL_TIMESTAMP;
    if (strcmp(t, "date") == 0) return SQL_DATE;
    if (strstr(t, "int")) return SQL_INT; /* integer, int8, bigint, smallint (SQLite's own rule) */
    if (strstr(t, "char") || strstr(t, "clob") || strstr(t, "text")) return SQL_TEXT;
    if (strncmp(t, "numeric", 7) == 0 || strncmp(t, "decimal", 7) == 0 || strstr(t, "real") ||
        strstr(t, "floa") || strstr(t, "doub") || strcmp(t, "money") == 0)
        return SQL_NUM;
    return SQL_TEXT;
}

static int digits(const char *s, size_t n, size_t at, size_t k, int *out)
{
    int v = 0;
    if (at + k > n) return -1;
    for (size_t i = 0; i < k; i++) {
        if (!isdigit((unsigned char)s[at + i])) return -1;
        v = v * 10 + (s[at + i] - '0');
    }
    *out = v;
    return 0;
}

int sql_parse_date(const char *s, size_t n, double *days)
{
    int y, m, d;
    if (n < 10 || digits(s, n, 0, 4, &y) || s[4] != '-' || digits(s, n, 5, 2, &m) || s[7] != '-' ||
        digits(s, n, 8, 2, &d) || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    if (n != 10) return -1;
    *days = (double)civil_days(y, m, d);
    return 0;
}

int sql_parse_timestamp(const char *s, size_t n, double *secs)
{
    double day;
    int hh, mm, ss;
    if (n < 19 || sql_parse_date(s, 10, &day) || (s[10] != ' ' && s[10] != 'T') || digits(s, n, 11, 2, &hh) ||
        s[13] != ':' || digits(s, n, 14, 2, &mm) || s[16] != ':' || digits(s, n, 17, 2, &ss))
        return -1;
    double v = day * 86400.0 + hh * 3600.0 + mm * 60.0 + ss;
    size_t i = 19;
    if (i < n && s[i] == '.') {
        double scale = 0.1;
        for (i++; i < n && isdigit((unsigned char)s[i]); i++, scale /= 10) v += (s[i] - '0') * scale;
    }
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) i++;
    else if (i < n && (s[i] == '+' || s[i] == '-')) { /* a zone offset: to UTC */
        int oh = 0, om = 0, sign = s[i] == '-' ? -1 : 1;
        if (digits(s, n, i + 1, 2, &oh)) return -1;
        i += 3;
        if (i < n && s[i] == ':') i++;
        if (i + 2 <= n && !digits(s, n, i, 2, &om)) i += 2;
        v -= sign * (oh * 3600.0 + om * 60.0);
    }
    if (i != n) return -1;
    *secs = v;
    return 0;
}
