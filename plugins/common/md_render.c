/* md_render.c: tally report parts as GitHub-flavoured Markdown: escaped text, pipe tables, Mermaid charts. */
#include "md_render.h"
#include "utf8_text.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- escaping ---------------------------------------------------------------------------- */

/* Texts changed by the UTF-8 check since the last md_take_replaced(). */
static size_t replaced_texts;

size_t md_take_replaced(void)
{
    size_t n = replaced_texts;
    replaced_texts = 0;
    return n;
}

/* 1 when p[i] is the '.' of "www." starting a word: GFM would make a link of it. */
static int www_dot(const unsigned char *p, size_t i)
{
    if (i < 3 || p[i] != '.') return 0;
    for (size_t k = i - 3; k < i; k++)
        if (p[k] != 'w' && p[k] != 'W') return 0;
    return i == 3 || !isalnum(p[i - 4]);
}

/* `start`: the text begins a line where block syntax (lists, headings, quotes,
 * setext underlines, indented code) would be recognised. */
static void escape_text(tpl_buf *out, const char *s, int start)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t esc_at = (size_t)-1; /* one more position to escape (an ordered-list marker) */
    if (start) {
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '-' || *p == '+' || *p == '=') {
            esc_at = 0;
        } else {
            size_t k = 0;
            while (k < 10 && isdigit(p[k])) k++;
            if (k > 0 && k < 10 && (p[k] == '.' || p[k] == ')')) esc_at = k;
        }
    }
    int replaced = 0;
    for (size_t i = 0; p[i]; i++) {
        unsigned char c = p[i];
        if (c == '\n' || c == '\r' || c == '\t') {
            tpl_buf_putc(out, ' ');
            continue;
        }
        if (c < 0x20 || c == 0x7f) continue;
        if (c >= 0x80) {
            i += utf8_put_checked(out, p + i, &replaced) - 1;
            continue;
        }
        /* GFM's extended autolinks: an escaped ':' of "://" or '.' of "www." shows the
         * same but links nothing; a mail address is found in the text after parsing,
         * so an invisible WORD JOINER before its '@' ends the name it would link */
        if (c == '@' && i > 0 && (isalnum(p[i - 1]) || strchr(".+-_", p[i - 1]))) tpl_buf_puts(out, "\xe2\x81\xa0");
        if (strchr("\\`*_[]<>|~$#", c) || i == esc_at || (c == '&' && (isalnum(p[i + 1]) || p[i + 1] == '#')) ||
            (c == ':' && p[i + 1] == '/' && p[i + 2] == '/') || www_dot(p, i))
            tpl_buf_putc(out, '\\');
        tpl_buf_putc(out, (char)c);
    }
    if (replaced) replaced_texts++;
}

void md_escape(tpl_buf *out, const char *s)
{
    if (!s) return;
    escape_text(out, s, out->len == 0 || out->data[out->len - 1] == '\n');
}

void md_escape_cell(tpl_buf *out, const char *s)
{
    if (s) escape_text(out, s, 0);
}

/* ---- tables ---------------------------------------------------------------------------- */

static int is_numeric_col(tally_col_type t)
{
    return t == TALLY_COL_COUNT || t == TALLY_COL_PERCENT || t == TALLY_COL_NUMBER || t == TALLY_COL_MEAN;
}

/* A cell as the report shows it; borrowed from the host or from buf. */
static const char *cell_text(const tally_host *h, const tally_table *t, size_t r, size_t c, char *buf, size_t n)
{
    const char *s = h->tab_cell_text(t, r, c);
    return s ? s : h->tab_cell_format(t, r, c, buf, n);
}

/* A copy of s without leading and trailing blanks, in `tmp`. */
static const char *trim_into(tpl_buf *tmp, const char *s)
{
    tmp->len = 0;
    while (*s && isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    tpl_buf_add(tmp, s, n);
    return tmp->data;
}

/* 1 when a column label already starts with its group ("Total: Count" under "Total"):
 * the header then shows the label alone rather than "Total: Total: Count". */
static int names_group(const char *label, const char *group)
{
    size_t n = strlen(group);
    return label && strncmp(label, group, n) == 0 && (label[n] == '\0' || label[n] == ':');
}

void md_render_table(const tally_host *h, const tally_report *rep, tpl_buf *out, const tally_table *t)
{
    size_t nc = h->tab_ncols(t), nr = h->tab_nrows(t);
    char buf[TALLY_NUMBER_TEXT_MAX]; /* any finite double whole, as the JSON has it */
    tpl_buf tmp = {0};
    if (nc > 0) {
        tpl_buf_putc(out, '|');
        for (size_t c = 0; c < nc; c++) {
            tpl_buf_putc(out, ' ');
            const char *group = h->tab_col_group(t, c);
            const char *label = h->tab_col_label(t, c);
            if (group && *group && !names_group(label, group)) {
                md_escape_cell(out, group);
                tpl_buf_puts(out, ": ");
            }
            md_escape_cell(out, label);
            tpl_buf_puts(out, " |");
        }
        tpl_buf_puts(out, "\n|");
        for (size_t c = 0; c < nc; c++)
            tpl_buf_puts(out, is_numeric_col(h->tab_col_type(t, c)) ? " ---: |" : " :--- |");
        tpl_buf_putc(out, '\n');
        for (size_t r = 0; r < nr; r++) {
            tally_row_type rt = h->tab_row_type(t, r);
            tpl_buf_putc(out, '|');
            for (size_t c = 0; c < nc; c++) {
                const char *s = cell_text(h, t, r, c, buf, sizeof buf);
                int strong = c == 0 && *s && (rt == TALLY_ROW_TOTAL || rt == TALLY_ROW_SECTION);
                tpl_buf_puts(out, strong ? " **" : " ");
                md_escape_cell(out, s);
                tpl_buf_puts(out, strong ? "** |" : " |");
            }
            tpl_buf_putc(out, '\n');
        }
    } else {
        tpl_buf_puts(out, "*(");
        md_escape_cell(out, h->rep_tr(rep, "This table has no columns."));
        tpl_buf_puts(out, ")*\n");
    }
    const char *base = h->tab_base(t);
    if (base && *trim_into(&tmp, base)) {
        tpl_buf_puts(out, "\n*");
        md_escape_cell(out, h->rep_tr(rep, "Base"));
        tpl_buf_puts(out, h->rep_tr(rep, ": "));
        md_escape_cell(out, tmp.data);
        tpl_buf_puts(out, "*\n");
    }
    size_t nn = h->tab_nnotes(t);
    for (size_t i = 0; i < nn; i++) {
        const char *note = h->tab_note(t, i);
        if (!note || !*trim_into(&tmp, note)) continue;
        tpl_buf_puts(out, i == 0 ? "\n- " : "- ");
        escape_text(out, tmp.data, 1); /* a list item's text is parsed as blocks */
        tpl_buf_putc(out, '\n');
    }
    tpl_buf_free(&tmp);
}

/* ---- Mermaid charts -------------------------------------------------------------------------- */

/* Text inside a Mermaid quoted string or title: one line, no quotes, backticks
 * or angle brackets (Mermaid may draw labels as HTML); #name; is Mermaid's entity syntax.
 * "%%" starts a Mermaid directive or comment: a space goes between the two. */
static void mermaid_text(tpl_buf *out, const char *s)
{
    int replaced = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (*p >= 0x80) p += utf8_put_checked(out, p, &replaced) - 1;
        else if (*p == '%' && p[1] == '%') tpl_buf_puts(out, "% ");
        else if (*p == '"') tpl_buf_puts(out, "#quot;");
        else if (*p == '<') tpl_buf_puts(out, "#lt;");
        else if (*p == '>') tpl_buf_puts(out, "#gt;");
        else if (*p == '`') tpl_buf_putc(out, '\'');
        else if (*p < 0x20 || *p == 0x7f) tpl_buf_putc(out, ' ');
        else tpl_buf_putc(out, (char)*p);
    }
    if (replaced) replaced_texts++;
}

static void mermaid_number(tpl_buf *out, double v, int decimals)
{
    if (!isfinite(v)) v = 0;
    if (decimals < 0) decimals = 0;
    if (decimals > 6) decimals = 6;
    char buf[TALLY_NUMBER_TEXT_MAX];
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1)) memmove(buf, buf + 1, strlen(buf));
    tpl_buf_puts(out, buf);
}

#define MD_MAX_SERIES 16

void md_render_chart(const tally_host *h, const tally_report *rep, tpl_buf *out, const tally_table *t)
{
    (void)rep;
    tally_chart_kind kind = h->tab_chart_kind(t);
    size_t nc = h->tab_ncols(t), nr = h->tab_nrows(t);
    if (kind == TALLY_CHART_NONE || nc < 2) return;
    size_t series[MD_MAX_SERIES], ns = 0;
    size_t want = h->tab_chart_nseries(t);
    for (size_t i = 0; i < want && ns < MD_MAX_SERIES; i++) {
        size_t c = h->tab_chart_series(t, i);
        if (c < nc && is_numeric_col(h->tab_col_type(t, c))) series[ns++] = c;
    }
    for (size_t c = 1; c < nc && ns == 0; c++)
        if (is_numeric_col(h->tab_col_type(t, c))) series[ns++] = c;
    /* Mermaid's xychart names no series: several series, or stacked segments, would be bars
     * nobody can tell apart (and a y axis titled after one of them), so they get no chart */
    if (ns == 0 || ns > 1 || kind == TALLY_CHART_STACKED_BAR) return;
    size_t nused = 0;
    for (size_t r = 0; r < nr; r++) {
        double v = h->tab_cell_number(t, r, series[0]);
        if (h->tab_chart_uses_row(t, r) && (kind != TALLY_CHART_PIE || (isfinite(v) && v > 0))) nused++;
    }
    if (nused == 0) return;
    char buf[TALLY_NUMBER_TEXT_MAX]; /* any finite double whole, as the JSON has it */
    const char *title = h->tab_chart_title(t);
    if (kind == TALLY_CHART_PIE) {
        tpl_buf_puts(out, "```mermaid\npie showData\n");
        if (title && *title) {
            tpl_buf_puts(out, "    title ");
            mermaid_text(out, title);
            tpl_buf_putc(out, '\n');
        }
        for (size_t r = 0; r < nr; r++) {
            double v = h->tab_cell_number(t, r, series[0]);
            if (!h->tab_chart_uses_row(t, r) || !isfinite(v) || v <= 0) continue;
            tpl_buf_puts(out, "    \"");
            mermaid_text(out, cell_text(h, t, r, 0, buf, sizeof buf));
            tpl_buf_puts(out, "\" : ");
            mermaid_number(out, v, h->tab_col_decimals(t, series[0]));
            tpl_buf_putc(out, '\n');
        }
        tpl_buf_puts(out, "```\n");
        return;
    }
    tpl_buf_puts(out, kind == TALLY_CHART_BAR ? "```mermaid\nxychart-beta horizontal\n" : "```mermaid\nxychart-beta\n");
    if (title && *title) {
        tpl_buf_puts(out, "    title \"");
        mermaid_text(out, title);
        tpl_buf_puts(out, "\"\n");
    }
    tpl_buf_puts(out, "    x-axis [");
    int first = 1;
    for (size_t r = 0; r < nr; r++) {
        if (!h->tab_chart_uses_row(t, r)) continue;
        tpl_buf_puts(out, first ? "\"" : ", \"");
        mermaid_text(out, cell_text(h, t, r, 0, buf, sizeof buf));
        tpl_buf_putc(out, '"');
        first = 0;
    }
    tpl_buf_puts(out, "]\n    y-axis \"");
    mermaid_text(out, h->tab_col_label(t, series[0]));
    tpl_buf_puts(out, "\"\n");
    for (size_t i = 0; i < ns; i++) {
        tpl_buf_puts(out, kind == TALLY_CHART_LINE ? "    line [" : "    bar [");
        first = 1;
        for (size_t r = 0; r < nr; r++) {
            if (!h->tab_chart_uses_row(t, r)) continue;
            if (!first) tpl_buf_puts(out, ", ");
            mermaid_number(out, h->tab_cell_number(t, r, series[i]), h->tab_col_decimals(t, series[i]));
            first = 0;
        }
        tpl_buf_puts(out, "]\n");
    }
    tpl_buf_puts(out, "```\n");
}

void md_finish(tpl_buf *out)
{
    while (out->len && (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == '\r')) out->len--;
    if (out->data) out->data[out->len] = '\0';
    if (out->len) tpl_buf_putc(out, '\n');
}
