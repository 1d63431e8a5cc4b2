/* html_banner.c: banner tables as HTML from the banner model: nested header rows with colspan/rowspan, stacked cells. */
#include "html_banner.h"
#include "utf8_text.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void html_escape(tpl_buf *out, const char *s, size_t *replaced)
{
    int changed = 0;
    for (; s && *s; s++) {
        if ((unsigned char)*s >= 0x80) {
            s += utf8_put_checked(out, (const unsigned char *)s, &changed) - 1;
            continue;
        }
        switch (*s) {
        case '&': tpl_buf_puts(out, "&amp;"); break;
        case '<': tpl_buf_puts(out, "&lt;"); break;
        case '>': tpl_buf_puts(out, "&gt;"); break;
        case '"': tpl_buf_puts(out, "&quot;"); break;
        case '\'': tpl_buf_puts(out, "&#39;"); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t') tpl_buf_putc(out, *s);
        }
    }
    if (changed && replaced) ++*replaced;
}

/* A figure as the report's language writes it (decimal comma in German), as its flat tables do:
 * `kind` a percent ("78,3 %") or a statistic with `dec` decimals. */
static void fmt_value(const tally_host *h, const tally_report *rep, tpl_buf *out, tally_value_kind kind, double v,
                      int dec)
{
    char buf[TALLY_NUMBER_TEXT_MAX];
    tpl_buf_puts(out, h->rep_format_value(rep, kind, v, dec, buf, sizeof buf));
}

/* A count: whole, or weighted with one decimal. */
static void fmt_count(const tally_host *h, const tally_report *rep, tpl_buf *out, double v)
{
    if (v != v) return;
    if (v == floor(v)) tpl_buf_printf(out, "%.0f", v);
    else fmt_value(h, rep, out, TALLY_VALUE_STATISTIC, v, 1);
}

/* Consecutive columns from c with the same span index at `level`. */
static size_t span_len(const tally_host *h, const tally_table *t, size_t c, size_t level)
{
    size_t n = 1, nc = h->bn_ncols(t);
    while (c + n < nc && h->bn_col_span(t, c + n, level) == h->bn_col_span(t, c, level)) n++;
    return n;
}

static void header_rows(const tally_host *h, const tally_table *t, tpl_buf *out, size_t *replaced)
{
    size_t nc = h->bn_ncols(t), levels = h->bn_nlevels(t);
    tpl_buf_printf(out, "<thead>\n<tr><th class=\"stub\" rowspan=\"%zu\"></th>", levels + 1);
    for (size_t c = 0; c < nc;) { /* level 0: the banner variables; Total spans every header row */
        size_t n = span_len(h, t, c, 0);
        int total = h->bn_col_is_total(t, c);
        if (total) tpl_buf_printf(out, "<th class=\"total\" rowspan=\"%zu\">", levels + 1);
        else if (levels == 2 && !*h->bn_col_header(t, c, 1))
            tpl_buf_printf(out, "<th colspan=\"%zu\" rowspan=\"2\">", n);
        else tpl_buf_printf(out, "<th colspan=\"%zu\">", n);
        html_escape(out, total ? h->bn_col_label(t, c) : h->bn_col_header(t, c, 0), replaced);
        tpl_buf_puts(out, "</th>");
        c += n;
    }
    tpl_buf_puts(out, "</tr>\n");
    if (levels == 2) { /* level 1: the outer categories of a nested banner variable */
        tpl_buf_puts(out, "<tr>");
        for (size_t c = 0; c < nc;) {
            size_t n = span_len(h, t, c, 1);
            if (!h->bn_col_is_total(t, c) && *h->bn_col_header(t, c, 1)) {
                tpl_buf_printf(out, "<th colspan=\"%zu\">", n);
                html_escape(out, h->bn_col_header(t, c, 1), replaced);
                tpl_buf_puts(out, "</th>");
            }
            c += n;
        }
        tpl_buf_puts(out, "</tr>\n");
    }
    tpl_buf_puts(out, "<tr>");
    for (size_t c = 0; c < nc; c++) {
        if (h->bn_col_is_total(t, c)) continue;
        tpl_buf_puts(out, "<th class=\"col\">");
        html_escape(out, h->bn_col_label(t, c), replaced);
        if (*h->bn_col_letter(t, c)) {
            tpl_buf_puts(out, "<br><span class=\"letter\">(");
            html_escape(out, h->bn_col_letter(t, c), replaced);
            tpl_buf_puts(out, ")</span>");
        }
        tpl_buf_puts(out, "</th>");
    }
    tpl_buf_puts(out, "</tr>\n</thead>\n");
}

/* The cell's confidence interval under its figure, "[61.2–86.0]" (nothing when it has none). */
static void ci_line(const tally_host *h, const tally_report *rep, const tally_table *t, tpl_buf *out, size_t r,
                    size_t c, int dec)
{
    double lo = h->bn_cell(t, r, c, TALLY_BN_CI_LO), hi = h->bn_cell(t, r, c, TALLY_BN_CI_HI);
    if (lo != lo || hi != hi) return;
    tpl_buf_puts(out, "<br><span class=\"ci\">[");
    fmt_value(h, rep, out, TALLY_VALUE_STATISTIC, lo, dec);
    tpl_buf_puts(out, "\u2013");
    fmt_value(h, rep, out, TALLY_VALUE_STATISTIC, hi, dec);
    tpl_buf_puts(out, "]</span>");
}

/* One body cell: a base figure with its low-base mark, a statistic with its letters, or the
 * column % with its letters over the count. */
static void cell(const tally_host *h, const tally_report *rep, const tally_table *t, tpl_buf *out, size_t r, size_t c,
                 int show_count, size_t *replaced)
{
    tally_row_type type = h->bn_row_type(t, r);
    int fl = h->bn_cell_flags(t, r, c);
    double n = h->bn_cell(t, r, c, TALLY_BN_COUNT), p = h->bn_cell(t, r, c, TALLY_BN_COLPCT);
    const char *l = h->bn_cell_letters(t, r, c);
    tpl_buf_puts(out, "<td>");
    if (type == TALLY_ROW_BASE) {
        fmt_count(h, rep, out, n);
        if (fl & (TALLY_BN_LOW | TALLY_BN_VERYLOW))
            tpl_buf_printf(out, "<span class=\"mark\">%s</span>", fl & TALLY_BN_VERYLOW ? "**" : "*");
        if (fl & TALLY_BN_UNTESTED && !h->bn_col_is_total(t, c)) tpl_buf_puts(out, "<span class=\"mark\">^</span>");
    } else if (type == TALLY_ROW_STAT) {
        double v = h->bn_cell(t, r, c, TALLY_BN_MEAN);
        if (v == v) fmt_value(h, rep, out, TALLY_VALUE_STATISTIC, v, 2);
        else fmt_count(h, rep, out, n);
        if (*l) tpl_buf_printf(out, " <span class=\"sig\">%s</span>", l);
        ci_line(h, rep, t, out, r, c, 2);
    } else {
        if (p == p) fmt_value(h, rep, out, TALLY_VALUE_PERCENT, p, 1);
        if (*l) {
            tpl_buf_puts(out, " <span class=\"sig\">");
            html_escape(out, l, replaced);
            tpl_buf_puts(out, "</span>");
        }
        if (show_count && n == n) {
            tpl_buf_puts(out, "<br><span class=\"n\">");
            fmt_count(h, rep, out, n);
            tpl_buf_puts(out, "</span>");
        }
        ci_line(h, rep, t, out, r, c, 1);
    }
    tpl_buf_puts(out, "</td>");
}

void html_banner_table(const tally_host *h, const tally_report *rep, tpl_buf *out, const tally_table *t,
                       size_t *replaced)
{
    size_t nc = h->bn_ncols(t), nr = h->bn_nrows(t), sections = 0;
    for (size_t r = 0; r < nr; r++) sections += h->bn_row_type(t, r) == TALLY_ROW_SECTION;
    tpl_buf_printf(out, "<div class=\"banner-wrap\"><table class=\"banner\" data-columns=\"%zu\">\n", nc);
    /* the stub gets a fixed share when printed; the figure columns share the rest evenly */
    tpl_buf_printf(out, "<colgroup><col class=\"stub\"><col span=\"%zu\" class=\"fig\"></colgroup>\n", nc);
    header_rows(h, t, out, replaced);
    tpl_buf_puts(out, "<tbody>\n");
    for (size_t r = 0; r < nr; r++) {
        tally_row_type type = h->bn_row_type(t, r);
        if (type == TALLY_ROW_SECTION) {
            if (sections > 1) {
                tpl_buf_printf(out, "<tr class=\"section\"><th colspan=\"%zu\">", nc + 1);
                html_escape(out, h->bn_row_label(t, r), replaced);
                tpl_buf_puts(out, "</th></tr>\n");
            }
            continue;
        }
        static const char *const cls[] = {"", "category", "missing", "total", "net", "base", "stat", "section"};
        tpl_buf_printf(out, "<tr class=\"%s\"><th scope=\"row\">", (int)type < 8 ? cls[type] : "");
        html_escape(out, h->bn_row_label(t, r), replaced);
        tpl_buf_puts(out, "</th>");
        for (size_t c = 0; c < nc; c++) cell(h, rep, t, out, r, c, 1, replaced);
        tpl_buf_puts(out, "</tr>\n");
    }
    tpl_buf_puts(out, "</tbody>\n</table></div>\n");
    const char *base = h->tab_base(t);
    if (base && *base) {
        tpl_buf_puts(out, "<p class=\"base\"><em>");
        html_escape(out, h->rep_tr(rep, "Base"), replaced);
        tpl_buf_puts(out, ": ");
        html_escape(out, base, replaced);
        tpl_buf_puts(out, "</em></p>\n");
    }
    if (h->tab_nnotes(t)) {
        tpl_buf_puts(out, "<ul class=\"notes\">\n");
        for (size_t i = 0; i < h->tab_nnotes(t); i++) {
            tpl_buf_puts(out, "<li>");
            html_escape(out, h->tab_note(t, i), replaced);
            tpl_buf_puts(out, "</li>\n");
        }
        tpl_buf_puts(out, "</ul>\n");
    }
}
