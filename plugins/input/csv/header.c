/* header.c: the csv plugin's line-end sniffing and header rows (names made unique, labels). */
#include "csv.h"
#include "name_set.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char csv_detect_term(const char *p, size_t n)
{
    int inq = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"') inq = !inq;
        else if (!inq && p[i] == '\n') return '\n';
        else if (!inq && p[i] == '\r') return (i + 1 < n && p[i + 1] == '\n') ? '\n' : (i + 1 < n ? '\r' : '\n');
    }
    return '\n';
}

void csv_free_strings(char **v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

/* A field's text without quotes and surrounding spaces, as a new string. */
static char *field_text(const char *p, size_t len)
{
    char *s = malloc(len + 1);
    if (!s) return NULL;
    size_t n = csv_unquote(p, len, s);
    size_t a = 0;
    while (a < n && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n')) a++;
    while (n > a && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
    memmove(s, s + a, n - a);
    s[n - a] = '\0';
    return s;
}

/* Parses one row into new arrays of field texts; returns the count or -1. */
static long header_row(const csv_cfg *cfg, const char **pos, const char *end, size_t *lines, char ***out,
                       size_t *toolong)
{
    const char *next;
    size_t nl;
    long nf = csv_split_row(cfg, *pos, end, NULL, NULL, NULL, 0, &next, &nl);
    if (nf < 0) return -1;
    const char **starts = malloc((size_t)nf * sizeof *starts);
    size_t *lens = malloc((size_t)nf * sizeof *lens);
    unsigned char *q = malloc((size_t)nf);
    char **texts = calloc((size_t)nf, sizeof *texts);
    if (!starts || !lens || !q || !texts) {
        free(starts), free(lens), free(q), free(texts);
        return -2;
    }
    csv_split_row(cfg, *pos, end, starts, lens, q, (size_t)nf, &next, &nl);
    for (long i = 0; i < nf; i++)
        if (lens[i] > cfg->max_field) { /* header cells are held to the same limit as data */
            *toolong = (size_t)i + 1;
            free(starts), free(lens), free(q), free(texts);
            return -3;
        }
    for (long i = 0; i < nf; i++) texts[i] = field_text(starts[i], lens[i]);
    free(starts), free(lens), free(q);
    *pos = next;
    *lines += nl;
    *out = texts;
    return nf;
}

long csv_row_texts(const csv_cfg *cfg, const char **pos, const char *end, size_t *lines, char ***out)
{
    size_t toolong = 0;
    long n = header_row(cfg, pos, end, lines, out, &toolong);
    return n < 0 ? -1 : n;
}

/* Fills names (ncols of them) from the header's first row: an empty cell continues the
 * name to its left when there are label rows (nrows > 1), else becomes V<n>; a duplicate
 * gets _2, _3, ... never a name the file has. Renames are warned. 0, or -1 when out of memory. */
static int column_names(const tally_host *host, tally_ctx *ctx, const char *path, size_t start_line, int nrows,
                        char **first, char **names, size_t ncols)
{
    /* Names: row 1; with label rows an empty cell continues the name to its left. */
    const char *inherit = NULL;
    name_set set, own = {0};
    unsigned *next = calloc(ncols ? ncols : 1, sizeof *next); /* per name taken: the suffix its next copy tries */
    if (name_set_init(&set, names, ncols) != 0 || !next) {
        free(set.slot), free(next);
        host->error(ctx, "%s: out of memory reading the header", path);
        return -1;
    }
    /* The file's own names: a name made up for a duplicate must not be one of them
     * (q1, q1, q1_2: the second q1 becomes q1_3, the file's q1_2 stays q1_2). */
    if (nrows > 0 && name_set_init(&own, first, ncols) != 0) own.slot = NULL;
    for (size_t i = 0; own.slot && i < ncols; i++)
        if (first[i] && first[i][0] && name_set_find(&own, first[i]) < 0) name_set_add(&own, i);
    for (size_t i = 0; i < ncols; i++) {
        char buf[64];
        const char *base = nrows > 0 ? first[i] : NULL;
        int continued = 0;
        if (base && base[0]) inherit = base;
        else if (nrows > 1 && inherit) base = inherit, continued = 1;
        if (!base || !base[0]) {
            snprintf(buf, sizeof buf, "V%zu", i + 1);
            if (nrows > 0) host->log(ctx, TALLY_LOG_WARN, "%s:%zu: column %zu has no name; named it '%s'", path,
                                     start_line, i + 1, buf);
            base = buf;
        }
        char *name = NULL;
        long holder = name_set_find(&set, base);
        int made_up = base == buf && own.slot && name_set_find(&own, base) >= 0;
        if (holder < 0 && !made_up) {
            name = strdup(base);
        } else {
            unsigned from = 2;
            name = name_set_suffixed(&set, own.slot ? &own : NULL, base, holder >= 0 ? &next[holder] : &from);
            if (name && !continued && holder >= 0)
                host->log(ctx, TALLY_LOG_WARN, "%s:%zu: column %zu: duplicate name '%s' (also column %ld) renamed to "
                                               "'%s'", path, start_line, i + 1, base, holder + 1, name);
            else if (name && made_up)
                host->log(ctx, TALLY_LOG_WARN, "%s:%zu: column %zu: named '%s' instead, since column %ld is '%s'",
                          path, start_line, i + 1, name, name_set_find(&own, base) + 1, base);
        }
        names[i] = name;
        if (name) name_set_add(&set, i);
    }
    name_set_free(&own);
    name_set_free(&set);
    free(next);
    return 0;
}

int csv_read_header(const tally_host *host, tally_ctx *ctx, const csv_cfg *cfg, int nrows, const char **pos,
                    const char *end, size_t *lines, char ***names_out, char ***labels_out, size_t *ncols_out)
{
    const char *path = cfg->path;
    char **first = NULL;
    size_t start_line = *lines + 1;
    const char *p0 = *pos;
    size_t toolong = 0;
    long n = header_row(cfg, pos, end, lines, &first, &toolong);
    if (n == -3) {
        host->error(ctx, "%s:%zu:%zu: header field is longer than max_field_bytes (%zu bytes); raise max_field_bytes "
                         "or look for a quote that is never closed", path, start_line, toolong, cfg->max_field);
        return -1;
    }
    if (n < 0) {
        host->error(ctx, "%s:%zu: the header's quoted field is never closed; add the closing quote", path,
                    start_line);
        return -1;
    }
    size_t ncols = (size_t)n;
    char **names = calloc(ncols, sizeof *names), **labels = calloc(ncols, sizeof *labels);
    if (nrows == 0) { /* no header: the first row is data */
        *pos = p0;
        *lines = start_line - 1;
    }
    for (int r = 2; r <= nrows; r++) { /* label rows */
        char **row = NULL;
        size_t line = *lines + 1;
        long m = header_row(cfg, pos, end, lines, &row, &toolong);
        if (m < 0 || (size_t)m != ncols) {
            if (m == -3)
                host->error(ctx, "%s:%zu:%zu: header field is longer than max_field_bytes (%zu bytes); raise "
                                 "max_field_bytes or look for a quote that is never closed", path, line, toolong,
                            cfg->max_field);
            else if (m < 0) host->error(ctx, "%s:%zu: header row %d has a quoted field that is never closed", path, line, r);
            else host->error(ctx, "%s:%zu: header row %d has %ld fields, header row 1 has %zu; every header row "
                                  "needs one cell per column (or set header_rows)", path, line, r, m, ncols);
            csv_free_strings(row, m > 0 ? (size_t)m : 0);
            csv_free_strings(first, ncols);
            csv_free_strings(names, ncols);
            csv_free_strings(labels, ncols);
            return -1;
        }
        for (size_t i = 0; i < ncols; i++) {
            if (!row[i] || !row[i][0]) continue;
            if (cfg->layout == CSV_LAYOUT_QUALTRICS && r >= 3) continue; /* the ImportId row */
            if (cfg->layout == CSV_LAYOUT_SURVEYMONKEY && csv_is_placeholder(row[i])) continue;
            if (!labels[i]) {
                labels[i] = row[i];
                row[i] = NULL;
            } else {
                size_t a = strlen(labels[i]), b = strlen(row[i]);
                char *s = realloc(labels[i], a + b + 4);
                if (s) {
                    memcpy(s + a, " - ", 3);
                    memcpy(s + a + 3, row[i], b + 1);
                    labels[i] = s;
                }
            }
        }
        csv_free_strings(row, (size_t)m);
    }
    if (cfg->layout == CSV_LAYOUT_SURVEYMONKEY) csv_layout_question_labels(first, labels, ncols);
    if (cfg->layout == CSV_LAYOUT_QUALTRICS) csv_layout_qualtrics_labels(labels, ncols);
    if (column_names(host, ctx, path, start_line, nrows, first, names, ncols) != 0) {
        csv_free_strings(first, ncols);
        csv_free_strings(names, ncols);
        csv_free_strings(labels, ncols);
        return -1;
    }
    csv_free_strings(first, ncols);
    *names_out = names;
    *labels_out = labels;
    *ncols_out = ncols;
    return 0;
}
