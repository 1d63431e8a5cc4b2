/* sniff.c: the csv plugin's guesses: the delimiter (consistent field counts) and decimal mark from the first rows, decimal-comma text columns after the parse. */
#include "csv.h"

#include <string.h>

#define SNIFF_ROWS 20
#define SNIFF_BYTES (64 * 1024)
#define DECIMAL_ROWS 200

static const char cand[4] = {',', ';', '\t', '|'};
/* A tie goes to the first of these: files written with ';' or tabs often hold commas
 * (decimal commas, text), files written with commas seldom hold ';' in every row. */
static const int tie_rank[4] = {2, 0, 1, 3};

/* Field counts of the first rows split by `delim` (quotes respected) into counts;
 * returns the rows counted. A row cut by the sniffing window is left out. */
static size_t row_widths(const char *p, size_t n, char term, char delim, long *counts)
{
    csv_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.delim = delim;
    cfg.term = term;
    const char *end = p + (n > SNIFF_BYTES ? SNIFF_BYTES : n), *file_end = p + n;
    size_t rows = 0;
    while (p < end && rows < SNIFF_ROWS) {
        const char *next;
        size_t lines;
        long nf = csv_split_row(&cfg, p, end, NULL, NULL, NULL, 0, &next, &lines);
        if (nf < 0 || (next >= end && end < file_end && rows > 0)) break; /* cut by the window */
        int blank = next - p <= 2 && (*p == term || *p == '\r');
        if (!blank) counts[rows++] = nf;
        if (next <= p) break;
        p = next;
    }
    return rows;
}

char csv_detect_delim(const char *p, size_t n, char term, char *tie)
{
    long counts[4][SNIFF_ROWS];
    size_t rows[4];
    int consistent[4];
    *tie = 0;
    for (int k = 0; k < 4; k++) {
        rows[k] = row_widths(p, n, term, cand[k], counts[k]);
        consistent[k] = rows[k] > 0 && counts[k][0] >= 2;
        for (size_t r = 1; r < rows[k]; r++)
            if (counts[k][r] != counts[k][0]) consistent[k] = 0;
    }
    int best = -1, second = -1;
    for (int k = 0; k < 4; k++) { /* every row split into the same number (2 or more) of fields */
        if (!consistent[k]) continue;
        if (best < 0 || tie_rank[k] < tie_rank[best]) second = best, best = k;
        else if (second < 0 || tie_rank[k] < tie_rank[second]) second = k;
    }
    if (best >= 0) {
        if (second >= 0) *tie = cand[second];
        return cand[best];
    }
    long most = 1; /* none is consistent: the one splitting the first row most */
    for (int k = 0; k < 4; k++)
        if (rows[k] && counts[k][0] > most) best = k, most = counts[k][0];
    return best < 0 ? ',' : cand[best];
}

static inline int digit(char c) { return (unsigned)(c - '0') <= 9; }

/* 1: a number written with a decimal comma (12,5; -0,5; 1.234,5), 2: with a
 * decimal point (1.5, but not 1.234, which may be a thousand), 0: neither. */
static int number_style(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '"')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '"')) n--;
    size_t i = 0, lead = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) i++;
    while (i < n && digit(s[i])) i++, lead++;
    if (!lead || i == n) return 0;
    size_t groups = 0;
    while (i + 3 < n && s[i] == '.' && digit(s[i + 1]) && digit(s[i + 2]) && digit(s[i + 3]) &&
           (i + 4 == n || !digit(s[i + 4])))
        i += 4, groups++;
    char mark = s[i];
    if (mark != ',' && mark != '.') return 0;
    size_t frac = 0;
    for (i++; i < n && digit(s[i]); i++) frac++;
    if (i != n || !frac) return 0;
    if (mark == ',') return groups && lead > 3 ? 0 : 1;
    if (groups) return 0;
    return frac == 3 && lead <= 3 ? 0 : 2; /* 1.234 could be a thousand written the German way */
}

char csv_detect_decimal(const csv_cfg *cfg, const char *p, const char *end, char *example, size_t exlen,
                        size_t *example_line)
{
    size_t comma = 0, point = 0, line = 1;
    const char *stop = end - p > SNIFF_BYTES * 4 ? p + SNIFF_BYTES * 4 : end;
    const char *starts[64];
    size_t lens[64];
    unsigned char quoted[64];
    for (size_t rows = 0; p < stop && rows < DECIMAL_ROWS; rows++) {
        const char *next;
        size_t lines;
        long nf = csv_split_row(cfg, p, stop, starts, lens, quoted, 64, &next, &lines);
        if (nf < 0) break;
        for (long f = 0; f < nf && f < 64; f++) {
            int st = number_style(starts[f], lens[f]);
            if (st == 1 && !comma++ && exlen) {
                size_t len = lens[f] < exlen - 1 ? lens[f] : exlen - 1;
                memcpy(example, starts[f], len);
                example[len] = '\0';
                *example_line = line;
            }
            point += st == 2;
        }
        line += lines;
        if (next <= p) break;
        p = next;
    }
    return comma && !point ? ',' : '.';
}

void csv_comma_number_columns(const csv_chunk *chunks, size_t nchunks, unsigned char *cand)
{
    for (size_t i = 0; i < nchunks; i++) {
        const csv_chunk *c = &chunks[i];
        for (size_t j = 0; j < c->ncells; j++) {
            const csv_cell *cell = &c->cells[j];
            if (!cand[cell->col] || cand[cell->col] == 2) continue;
            const char *t = c->text + cell->off;
            int comma = memchr(t, ',', cell->len) != NULL;
            cand[cell->col] = comma && csv_is_number(t, cell->len, ',') ? 1 : 2;
        }
    }
}
