/* md_banner.c: banner tables in Markdown: one pipe table per banner variable (GFM cannot merge header cells). */
#include "md_banner.h"
#include "md_render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A figure as the report's language writes it (decimal comma in German), as its flat tables do:
 * `kind` a percent ("78,3 %") or a statistic with `dec` decimals. */
static void fmt_value(const tally_host *h, const tally_report *rep, char *buf, size_t n, tally_value_kind kind,
                      double v, int dec)
{
    h->rep_format_value(rep, kind, v, dec, buf, n);
}

/* A count: whole, or weighted with one decimal; "" when empty. */
static void fmt_count(const tally_host *h, const tally_report *rep, char *buf, size_t n, double v)
{
    if (v != v) buf[0] = '\0';
    else if (v == floor(v)) snprintf(buf, n, "%.0f", v);
    else fmt_value(h, rep, buf, n, TALLY_VALUE_STATISTIC, v, 1);
}

/* The cell's confidence interval, " [61.2–86.0]", appended to buf (nothing when it has none). */
static void ci_text(const tally_host *h, const tally_report *rep, const tally_table *t, size_t r, size_t c, int dec,
                    char *buf, size_t n)
{
    double lo = h->bn_cell(t, r, c, TALLY_BN_CI_LO), hi = h->bn_cell(t, r, c, TALLY_BN_CI_HI);
    if (lo != lo || hi != hi) return;
    char a[64], b[64];
    fmt_value(h, rep, a, sizeof a, TALLY_VALUE_STATISTIC, lo, dec);
    fmt_value(h, rep, b, sizeof b, TALLY_VALUE_STATISTIC, hi, dec);
    size_t len = strlen(buf);
    snprintf(buf + len, n - len, " [%s\u2013%s]", a, b);
}

/* A cell as text: "75.9% B (22)" (the column % with its letters, then the count, as every output
 * orders a cell), a base "29*", a mean "3.45 a"; with an interval " [61.2–86.0]". */
static void cell_text(const tally_host *h, const tally_report *rep, const tally_table *t, size_t r, size_t c,
                      char *buf, size_t n)
{
    tally_row_type type = h->bn_row_type(t, r);
    double cnt = h->bn_cell(t, r, c, TALLY_BN_COUNT), pct = h->bn_cell(t, r, c, TALLY_BN_COLPCT);
    const char *l = h->bn_cell_letters(t, r, c);
    int fl = h->bn_cell_flags(t, r, c);
    char a[64], b[64];
    if (type == TALLY_ROW_BASE) {
        fmt_count(h, rep, a, sizeof a, cnt);
        snprintf(buf, n, "%s%s%s", a, !a[0] ? "" : fl & TALLY_BN_VERYLOW ? "**" : fl & TALLY_BN_LOW ? "*" : "",
                 a[0] && fl & TALLY_BN_UNTESTED && !h->bn_col_is_total(t, c) ? "^" : "");
    } else if (type == TALLY_ROW_STAT) {
        double v = h->bn_cell(t, r, c, TALLY_BN_MEAN);
        if (v == v) fmt_value(h, rep, a, sizeof a, TALLY_VALUE_STATISTIC, v, 2);
        else fmt_count(h, rep, a, sizeof a, cnt);
        snprintf(buf, n, "%s%s%s", a, *l ? " " : "", l);
        ci_text(h, rep, t, r, c, 2, buf, n);
    } else if (pct == pct) {
        fmt_value(h, rep, a, sizeof a, TALLY_VALUE_PERCENT, pct, 1);
        fmt_count(h, rep, b, sizeof b, cnt);
        snprintf(buf, n, "%s%s%s (%s)", a, *l ? " " : "", l, b);
        ci_text(h, rep, t, r, c, 1, buf, n);
    } else {
        fmt_count(h, rep, a, sizeof a, cnt);
        snprintf(buf, n, "%s", a);
    }
}

/* Columns c0..c1-1 (one banner variable) with the Total column tc before them. */
static void part(const tally_host *h, const tally_report *rep, const tally_table *t, tpl_buf *out, size_t tc, size_t c0,
                 size_t c1, size_t sections)
{
    size_t nr = h->bn_nrows(t);
    char buf[160];
    tpl_buf_puts(out, "|  | ");
    md_escape_cell(out, h->bn_col_label(t, tc));
    tpl_buf_puts(out, " |");
    for (size_t c = c0; c < c1; c++) {
        tpl_buf_putc(out, ' ');
        md_escape_cell(out, h->bn_col_label(t, c));
        if (*h->bn_col_letter(t, c)) tpl_buf_printf(out, " (%s)", h->bn_col_letter(t, c));
        tpl_buf_puts(out, " |");
    }
    tpl_buf_puts(out, "\n| :--- |");
    for (size_t c = c0; c <= c1; c++) tpl_buf_puts(out, " ---: |");
    tpl_buf_putc(out, '\n');
    for (size_t r = 0; r < nr; r++) {
        tally_row_type type = h->bn_row_type(t, r);
        if (type == TALLY_ROW_SECTION && sections < 2) continue;
        tpl_buf_puts(out, type == TALLY_ROW_SECTION || type == TALLY_ROW_NET ? "| **" : "| ");
        md_escape_cell(out, h->bn_row_label(t, r));
        tpl_buf_puts(out, type == TALLY_ROW_SECTION || type == TALLY_ROW_NET ? "** |" : " |");
        for (size_t k = 0; k <= c1 - c0; k++) {
            size_t c = k == 0 ? tc : c0 + k - 1;
            buf[0] = '\0';
            if (type != TALLY_ROW_SECTION) cell_text(h, rep, t, r, c, buf, sizeof buf);
            tpl_buf_putc(out, ' ');
            md_escape_cell(out, buf);
            tpl_buf_puts(out, " |");
        }
        tpl_buf_putc(out, '\n');
    }
}

void md_render_banner(const tally_host *h, const tally_report *rep, tpl_buf *out, const tally_table *t)
{
    size_t nc = h->bn_ncols(t), nr = h->bn_nrows(t), levels = h->bn_nlevels(t), tc = 0, sections = 0;
    for (size_t c = 0; c < nc; c++)
        if (h->bn_col_is_total(t, c)) tc = c;
    for (size_t r = 0; r < nr; r++) sections += h->bn_row_type(t, r) == TALLY_ROW_SECTION;
    int first = 1;
    for (size_t c = 0; c < nc;) {
        if (h->bn_col_is_total(t, c)) {
            c++;
            continue;
        }
        /* one part per banner variable; a nested one per outer category */
        size_t level = levels == 2 && *h->bn_col_header(t, c, 1) ? 1 : 0, e = c + 1;
        while (e < nc && !h->bn_col_is_total(t, e) && h->bn_col_span(t, e, level) == h->bn_col_span(t, c, level)) e++;
        tpl_buf_puts(out, first ? "**" : "\n**");
        md_escape_cell(out, h->bn_col_header(t, c, 0));
        if (level == 1) {
            tpl_buf_puts(out, ": ");
            md_escape_cell(out, h->bn_col_header(t, c, 1));
        }
        tpl_buf_puts(out, "**\n\n");
        part(h, rep, t, out, tc, c, e, sections);
        first = 0;
        c = e;
    }
    /* base and notes as every table has them */
    tpl_buf tail = {0};
    const char *base = h->tab_base(t);
    if (base && *base) {
        tpl_buf_puts(out, "\n*");
        md_escape_cell(out, h->rep_tr(rep, "Base"));
        tpl_buf_puts(out, ": ");
        md_escape_cell(out, base);
        tpl_buf_puts(out, "*\n");
    }
    for (size_t i = 0; i < h->tab_nnotes(t); i++) {
        tpl_buf_puts(out, i == 0 ? "\n- " : "- ");
        md_escape_cell(out, h->tab_note(t, i));
        tpl_buf_putc(out, '\n');
    }
    tpl_buf_free(&tail);
}
