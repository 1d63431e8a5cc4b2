/* banner.c: the banner table model (columns, rows, cell statistics) and its host entries. */
#include "banner.h"
#include "host_entries.h"
#include "result.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

tally_banner *tally_banner_new(size_t nlevels)
{
    tally_banner *b = xcalloc(1, sizeof *b);
    b->nlevels = nlevels < 1 ? 1 : nlevels > 2 ? 2 : nlevels;
    return b;
}

void tally_banner_free(tally_banner *b)
{
    if (!b) return;
    for (size_t c = 0; c < b->ncols; c++) {
        free(b->cols[c].label);
        free(b->cols[c].header[0]);
        free(b->cols[c].header[1]);
    }
    for (size_t r = 0; r < b->nrows; r++) {
        free(b->rows[r].label);
        for (size_t c = 0; c < b->ncols; c++) free(b->letters[r * b->ncols + c]);
    }
    tally_free_all(b->cols, b->rows, b->stats, b->letters, b->flags, b->tests, b);
}

size_t tally_banner_add_col(tally_banner *b, const char *label, const char *h0, size_t span0, const char *h1,
                            size_t span1, size_t test_group, int is_total)
{
    b->cols = xrealloc(b->cols, (b->ncols + 1) * sizeof *b->cols);
    tally_bn_col *c = &b->cols[b->ncols];
    memset(c, 0, sizeof *c);
    c->label = xstrdup(label ? label : "");
    c->header[0] = xstrdup(h0 ? h0 : "");
    c->header[1] = xstrdup(h1 ? h1 : "");
    c->span[0] = span0;
    c->span[1] = span1;
    c->test_group = test_group;
    c->is_total = is_total;
    c->base_w = c->base_n = c->base_eff = NAN;
    return b->ncols++;
}

size_t tally_banner_add_row(tally_banner *b, tally_row_type type, const char *label)
{
    if (b->nrows == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 16;
        b->rows = xrealloc(b->rows, b->cap * sizeof *b->rows);
        size_t per = b->ncols ? b->ncols : 1;
        b->stats = xrealloc(b->stats, b->cap * per * TALLY_BN_NSTATS * sizeof *b->stats);
        b->letters = xrealloc(b->letters, b->cap * per * sizeof *b->letters);
        b->flags = xrealloc(b->flags, b->cap * per * sizeof *b->flags);
    }
    size_t r = b->nrows++;
    b->rows[r].type = type;
    b->rows[r].label = xstrdup(label ? label : "");
    for (size_t c = 0; c < b->ncols; c++) {
        double *s = tally_banner_cell(b, r, c);
        for (int k = 0; k < TALLY_BN_NSTATS; k++) s[k] = NAN;
        b->letters[r * b->ncols + c] = NULL;
        b->flags[r * b->ncols + c] = 0;
    }
    return r;
}

void tally_banner_add_test(tally_banner *b, const tally_bn_test *t)
{
    if (b->ntests == b->tests_cap) {
        b->tests_cap = b->tests_cap ? 2 * b->tests_cap : 16;
        b->tests = xrealloc(b->tests, b->tests_cap * sizeof *b->tests);
    }
    b->tests[b->ntests++] = *t;
}

void tally_banner_set_letters(tally_banner *b, size_t r, size_t c, const char *letters)
{
    free(b->letters[r * b->ncols + c]);
    b->letters[r * b->ncols + c] = letters && *letters ? xstrdup(letters) : NULL;
}

/* ---- host entries: every index is checked, out of range reads as empty ---- */

static const tally_banner *bn(const tally_table *t) { return tally_table_banner(t); }
static int col_ok(const tally_table *t, size_t c) { return bn(t) && c < bn(t)->ncols; }
static int row_ok(const tally_table *t, size_t r) { return bn(t) && r < bn(t)->nrows; }

size_t host_bn_nlevels(const tally_table *t) { return bn(t) ? bn(t)->nlevels : 0; }
size_t host_bn_ncols(const tally_table *t) { return bn(t) ? bn(t)->ncols : 0; }
size_t host_bn_nrows(const tally_table *t) { return bn(t) ? bn(t)->nrows : 0; }
const char *host_bn_col_label(const tally_table *t, size_t c) { return col_ok(t, c) ? bn(t)->cols[c].label : ""; }
const char *host_bn_col_header(const tally_table *t, size_t c, size_t level)
{
    return col_ok(t, c) && level < 2 ? bn(t)->cols[c].header[level] : "";
}
size_t host_bn_col_span(const tally_table *t, size_t c, size_t level)
{
    return col_ok(t, c) && level < 2 ? bn(t)->cols[c].span[level] : 0;
}
const char *host_bn_col_letter(const tally_table *t, size_t c) { return col_ok(t, c) ? bn(t)->cols[c].letter : ""; }
double host_bn_col_base(const tally_table *t, size_t c, int unweighted)
{
    if (!col_ok(t, c)) return NAN;
    const tally_bn_col *k = &bn(t)->cols[c];
    return unweighted == 1 ? k->base_n : unweighted == 2 ? k->base_eff : k->base_w;
}
int host_bn_col_flags(const tally_table *t, size_t c) { return col_ok(t, c) ? bn(t)->cols[c].flags : 0; }
int host_bn_col_is_total(const tally_table *t, size_t c) { return col_ok(t, c) ? bn(t)->cols[c].is_total : 0; }
tally_row_type host_bn_row_type(const tally_table *t, size_t r)
{
    return row_ok(t, r) ? bn(t)->rows[r].type : TALLY_ROW_CATEGORY;
}
const char *host_bn_row_label(const tally_table *t, size_t r) { return row_ok(t, r) ? bn(t)->rows[r].label : ""; }
double host_bn_cell(const tally_table *t, size_t r, size_t c, tally_bn_stat s)
{
    if (!row_ok(t, r) || !col_ok(t, c) || (int)s < 0 || s >= TALLY_BN_NSTATS) return NAN;
    return bn(t)->stats[(r * bn(t)->ncols + c) * TALLY_BN_NSTATS + s];
}
const char *host_bn_cell_letters(const tally_table *t, size_t r, size_t c)
{
    if (!row_ok(t, r) || !col_ok(t, c)) return "";
    const char *l = bn(t)->letters[r * bn(t)->ncols + c];
    return l ? l : "";
}
int host_bn_cell_flags(const tally_table *t, size_t r, size_t c)
{
    return row_ok(t, r) && col_ok(t, c) ? bn(t)->flags[r * bn(t)->ncols + c] : 0;
}
