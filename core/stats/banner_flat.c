/* banner_flat.c: the flat table of a banner, the layout outputs that do not read the banner model show. */
#include "banner_int.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The flat column's header: "Male (A)" under "Gender" (nested: "Region: East"). */
static void col_header(const tally_banner *b, size_t c, char **label, char **group)
{
    const tally_bn_col *k = &b->cols[c];
    *label = k->letter[0] ? xasprintf("%s (%s)", k->label, k->letter) : xstrdup(k->label);
    *group = k->header[1][0] ? xasprintf("%s: %s", k->header[0], k->header[1]) : xstrdup(k->header[0]);
}

static const char *marks(int flags)
{
    return flags & TALLY_BN_VERYLOW ? "**" : flags & TALLY_BN_LOW ? "*" : "";
}

/* Text of one statistic of a cell: "12", "71.6% B", "3.45 a"; "" when empty. */
static void stat_text(const tally_banner *b, size_t r, size_t c, int stat, int letters, char *buf, size_t n)
{
    double v = tally_banner_cell((tally_banner *)b, r, c)[stat];
    char num[64];
    buf[0] = '\0';
    if (v != v) return;
    if (stat == TALLY_BN_COUNT) stats_fmt_count(num, sizeof num, v);
    else if (stat == TALLY_BN_MEAN) tally_format_fixed(v, 2, num, sizeof num);
    else snprintf(num + 0, sizeof num, "%s%%", tally_format_fixed(v, 1, (char[48]){0}, 48));
    const char *l = letters ? b->letters[r * b->ncols + c] : NULL;
    snprintf(buf, n, "%s%s%s", num, l ? " " : "", l ? l : "");
}

/* Appends the cell's confidence interval, " [61.2–86.0]", when it has one. */
static void ci_text(const tally_banner *b, size_t r, size_t c, int dec, char *buf, size_t n)
{
    const double *s = tally_banner_cell((tally_banner *)b, r, c);
    if (s[TALLY_BN_CI_LO] != s[TALLY_BN_CI_LO] || s[TALLY_BN_CI_HI] != s[TALLY_BN_CI_HI]) return;
    char lo[48], hi[48];
    tally_format_fixed(s[TALLY_BN_CI_LO], dec, lo, sizeof lo);
    tally_format_fixed(s[TALLY_BN_CI_HI], dec, hi, sizeof hi);
    size_t len = strlen(buf);
    snprintf(buf + len, n - len, " [%s–%s]", lo, hi);
}

/* The statistics a category row shows, in order: the percents first, the count last, as every
 * output stacks a banner cell (column % over count, the tab-book convention). */
static size_t shown_stats(const tally_bn_opts *o, int *out)
{
    int cells = o->cells ? o->cells : TALLY_XTAB_COUNT | TALLY_XTAB_COL;
    size_t n = 0;
    if (cells & TALLY_XTAB_COL) out[n++] = TALLY_BN_COLPCT;
    if (cells & TALLY_XTAB_ROW) out[n++] = TALLY_BN_ROWPCT;
    if (cells & TALLY_XTAB_TOTAL) out[n++] = TALLY_BN_TOTPCT;
    if (cells & TALLY_XTAB_COUNT) out[n++] = TALLY_BN_COUNT;
    return n;
}

/* The stat that carries the letters: column % when shown, else the first. */
static int letter_stat(const int *st, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (st[i] == TALLY_BN_COLPCT) return st[i];
    return n ? st[0] : TALLY_BN_COUNT;
}

static void render_text(tally_table *t, const tally_banner *b, const tally_bn_opts *o, int stacked, size_t nsections)
{
    int st[4];
    size_t nst = shown_stats(o, st);
    int lst = letter_stat(st, nst);
    char buf[128];
    for (size_t r = 0; r < b->nrows; r++) {
        const tally_bn_row *row = &b->rows[r];
        if (row->type == TALLY_ROW_SECTION) {
            if (nsections > 1) tally_table_set_text(t, tally_table_add_row(t, TALLY_ROW_SECTION), 0, row->label);
            continue;
        }
        int counts = row->type == TALLY_ROW_CATEGORY || row->type == TALLY_ROW_NET;
        size_t lines = counts && stacked ? nst : 1;
        for (size_t k = 0; k < lines; k++) {
            size_t tr = tally_table_add_row(t, k == 0 ? row->type : TALLY_ROW_STAT);
            if (k == 0) tally_table_set_text(t, tr, 0, row->label);
            for (size_t c = 0; c < b->ncols; c++) {
                int fl = b->flags[r * b->ncols + c];
                if (row->type == TALLY_ROW_BASE) {
                    stat_text(b, r, c, TALLY_BN_COUNT, 0, buf, sizeof buf);
                    if (buf[0]) {
                        size_t n = strlen(buf);
                        snprintf(buf + n, sizeof buf - n, "%s%s", marks(fl),
                                 fl & TALLY_BN_UNTESTED && !b->cols[c].is_total ? "^" : "");
                    }
                } else if (row->type == TALLY_ROW_STAT) {
                    int n = tally_banner_cell((tally_banner *)b, r, c)[TALLY_BN_COUNT] ==
                            tally_banner_cell((tally_banner *)b, r, c)[TALLY_BN_COUNT]; /* the N row */
                    stat_text(b, r, c, n ? TALLY_BN_COUNT : TALLY_BN_MEAN, 1, buf, sizeof buf);
                    ci_text(b, r, c, 2, buf, sizeof buf);
                } else {
                    int s = stacked ? st[k] : lst;
                    stat_text(b, r, c, s, s == lst, buf, sizeof buf);
                    if (s == TALLY_BN_COLPCT) ci_text(b, r, c, 1, buf, sizeof buf);
                }
                if (buf[0]) tally_table_set_text(t, tr, c + 1, buf);
            }
        }
    }
}

/* `separate`: one numeric column per statistic and a letters column. */
static void render_separate(tally_table *t, const tally_banner *b, const tally_bn_opts *o, size_t *first, size_t nsections)
{
    int st[4];
    size_t nst = shown_stats(o, st);
    for (size_t r = 0; r < b->nrows; r++) {
        const tally_bn_row *row = &b->rows[r];
        if (row->type == TALLY_ROW_SECTION && nsections < 2) continue;
        size_t tr = tally_table_add_row(t, row->type);
        tally_table_set_text(t, tr, 0, row->label);
        if (row->type == TALLY_ROW_SECTION) continue;
        for (size_t c = 0; c < b->ncols; c++) {
            const double *s = tally_banner_cell((tally_banner *)b, r, c);
            if (row->type == TALLY_ROW_BASE || row->type == TALLY_ROW_STAT) {
                tally_table_set_number(t, tr, first[c], s[TALLY_BN_COUNT] == s[TALLY_BN_COUNT] ? s[TALLY_BN_COUNT] : s[TALLY_BN_MEAN]);
            } else {
                for (size_t k = 0; k < nst; k++) tally_table_set_number(t, tr, first[c] + k, s[st[k]]);
            }
            const char *l = b->letters[r * b->ncols + c];
            if (o->tests && !b->cols[c].is_total && l) tally_table_set_text(t, tr, first[c] + nst, l);
        }
    }
}

void bn_flat_render(tally_table *t, const tally_banner *b, const tally_bn_opts *o)
{
    const char *style = o->cell_style ? o->cell_style : "stacked";
    size_t nsections = 0;
    for (size_t r = 0; r < b->nrows; r++) nsections += b->rows[r].type == TALLY_ROW_SECTION;
    tally_table_add_col(t, "", TALLY_COL_LABEL, 0);
    if (strcmp(style, "separate") == 0) {
        int st[4];
        size_t nst = shown_stats(o, st);
        size_t *first = xmalloc(b->ncols * sizeof *first);
        for (size_t c = 0; c < b->ncols; c++) {
            char *label, *group;
            col_header(b, c, &label, &group);
            for (size_t k = 0; k < nst; k++) {
                char *l = xasprintf("%s: %s", label, stats_tr(&o->base, stats_cell_heads[st[k]]));
                size_t tc = tally_table_add_col(t, l, st[k] == TALLY_BN_COUNT ? TALLY_COL_COUNT : TALLY_COL_PERCENT,
                                                st[k] == TALLY_BN_COUNT ? 0 : 1);
                if (k == 0) first[c] = tc;
                tally_table_set_col_group(t, tc, group);
                free(l);
            }
            if (o->tests && !b->cols[c].is_total) {
                char *l = xasprintf("%s %s", label, stats_tr(&o->base, "sig."));
                tally_table_set_col_group(t, tally_table_add_col(t, l, TALLY_COL_LETTERS, 0), group);
                free(l);
            }
            free(label);
            free(group);
        }
        render_separate(t, b, o, first, nsections);
        free(first);
        return;
    }
    for (size_t c = 0; c < b->ncols; c++) {
        char *label, *group;
        col_header(b, c, &label, &group);
        tally_table_set_col_group(t, tally_table_add_col(t, label, TALLY_COL_TEXT, 0), group);
        free(label);
        free(group);
    }
    render_text(t, b, o, strcmp(style, "combined") != 0, nsections);
}
