/* html.c: the `html` output plugin: the report's Markdown rendered by cmark-gfm into one self-contained HTML file. */
#include "html_banner.h"
#include "table_label.h"
#include "md_render.h"
#include "utf8_text.h"
#include "template.h"
#include "tally/plugin.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const tally_option_decl html_options[] = {
    {"path", TALLY_OPT_PATH, 1, NULL, NULL, 0, 0, "HTML file to write"},
    {"template", TALLY_OPT_PATH, 0, NULL, NULL, 0, 0, "report template (default: templates/default.md)"},
    {"title", TALLY_OPT_STRING, 0, NULL, NULL, 0, 0, "the page title (default: the report title)"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

/* Small, print-friendly, no external resources. */
static const char html_style[] =
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans CJK SC\",\"Source Han Sans SC\","
    "\"PingFang SC\",\"Microsoft YaHei\",sans-serif;line-height:1.45;color:#1b1b1b;"
    "max-width:62rem;margin:2rem auto;padding:0 1rem}\n"
    "h1,h2,h3{line-height:1.2}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}\n"
    "table{border-collapse:collapse;margin:.8rem 0;font-size:.95rem}\n"
    "th,td{border:1px solid #c8c8c8;padding:.25rem .6rem;vertical-align:top}\n"
    "th{background:#eef1f4;font-weight:600}\n"
    "td[align=right],th[align=right]{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "tbody tr:nth-child(even){background:#f8f9fa}\n"
    "pre{background:#f6f8fa;padding:.6rem;overflow:auto}code{font-size:.9em}\n"
    "@media print{body{max-width:none;margin:0;padding:0;font-size:10pt;color:#000}"
    /* a heading and the question under it stay with the table that follows them (not left at a page's foot) */
    "h1,h2,h3,h4{break-after:avoid;page-break-after:avoid;break-inside:avoid;page-break-inside:avoid}"
    "h2+p,h3+p,h4+p{break-after:avoid;page-break-after:avoid;break-inside:avoid;page-break-inside:avoid}"
    "table{break-inside:avoid;page-break-inside:avoid}"
    "th{background:#e6e6e6;-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "tbody tr:nth-child(even){background:none}"
    /* wide tables (a Likert scale with its summary columns) fit the page: headers wrap, figures do not,
     * the row labels keep a readable width, and a row is not split between pages */
    "table{max-width:100%}table:not(.banner){font-size:8.5pt}"
    "th[align=right],th[align=left]{white-space:normal;overflow-wrap:break-word}"
    "table:not(.banner) td:first-child{min-width:11em}tr{break-inside:avoid;page-break-inside:avoid}"
    "thead{display:table-header-group}}\n"
    /* banner tables: nested headers, figures right-aligned, letters after the percent, counts below */
    "table.banner{font-size:.85rem}table.banner th{text-align:center;vertical-align:bottom}\n"
    "table.banner th.stub,table.banner tbody th{text-align:left;font-weight:normal;min-width:9rem;vertical-align:top}\n"
    "table.banner td{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
    "table.banner th.total,table.banner td:nth-child(2){border-right:2px solid #888}\n"
    "table.banner .sig{color:#0b5394;font-weight:600}table.banner .n{color:#666;font-size:.85em}\n"
    "table.banner .ci{color:#666;font-size:.8em}\n"
    "table.banner tr.base th,table.banner tr.base td{font-style:italic;background:#f3f3f3}\n"
    "table.banner tr.net th{font-weight:600}table.banner tr.section th{background:#dde4ec;text-align:left}\n"
    "table.banner .letter{font-weight:normal;color:#555}table.banner .mark{color:#b45f06}\n"
    ".banner-wrap{overflow-x:auto}\n"
    /* the contents list: a link per table, its base in grey; a jump shows the heading above the table */
    "nav.contents ol{padding-left:1.8rem}nav.contents li{margin:.1rem 0}nav.contents .base{color:#666;font-size:.85em}\n"
    "[id^=table-]{scroll-margin-top:5rem}\n"
    "nav.contents .contents-head{font-weight:600;font-size:1.15rem;margin-bottom:.2rem}\n"
    "@media print{nav.contents{font-size:8.5pt}nav.contents ol{margin:.2rem 0}"
    "nav.contents a{color:inherit;text-decoration:none}nav.contents li{margin:0;break-inside:avoid}}\n";
/* Added when the report holds banner tables: A4 landscape, small type, tables as wide as the page. */
static const char html_banner_print[] =
    "@media print{@page{size:A4 landscape;margin:10mm}.banner-wrap{overflow:visible}"
    "body{width:auto}table{max-width:100%}"
    "table.banner{font-size:7.5pt;width:min(99.5%,276mm);table-layout:fixed}table.banner col.stub{width:17%}"
    "table.banner th,table.banner td{overflow-wrap:anywhere}"
    "table.banner th,table.banner td{padding:.1rem .25rem}"
    "table.banner th.col{white-space:normal}table.banner tbody th{min-width:0;max-width:16rem}}\n";

/* Marks where a banner table goes: the Markdown carries the marker, the HTML gets the table. */
#define BANNER_MARK "tallybannertablex"
/* Marks where any table starts: the HTML gets its anchor, which the contents list links to. */
#define ANCHOR_MARK "tallytableanchorx"

static int is_banner(const tally_host *h, const tally_table *t)
{
    return TALLY_HOST_HAS(h, bn_col_is_total) && h->bn_nlevels(t) > 0;
}

/* A tpl_block_fn: every table gets an anchor marker; banner tables become a marker paragraph
 * (both filled in after cmark-gfm), others Markdown. */
static void html_table(const tally_host *h, const tally_report *rep, tpl_buf *out, const tally_table *t)
{
    size_t i = 0;
    while (i < h->rep_ntables(rep) && h->rep_table(rep, i) != t) i++;
    if (i < h->rep_ntables(rep)) tpl_buf_printf(out, "\n\n%s%zuz\n\n", ANCHOR_MARK, i);
    if (!is_banner(h, t)) md_render_table(h, rep, out, t);
    else if (i < h->rep_ntables(rep)) tpl_buf_printf(out, "\n%s%zuz\n\n", BANNER_MARK, i);
}

/* The anchor id of table i: "table-" and its id, letters, digits, '-' and '_' kept. */
static void anchor_id(const tally_host *h, const tally_report *rep, size_t i, tpl_buf *out)
{
    tpl_buf_puts(out, "table-");
    for (const char *c = h->tab_id(h->rep_table(rep, i)); *c; c++)
        tpl_buf_putc(out, (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-'
                              ? *c : '_');
}

/* The marker at m (BANNER_MARK or ANCHOR_MARK, `len` long) names table *i: 1, with *after past it. */
static int marker_at(const tally_host *h, const tally_report *rep, const char *m, size_t len, size_t *i,
                     const char **after)
{
    char *end;
    unsigned long n = strtoul(m + len, &end, 10);
    if (*end != 'z' || n >= h->rep_ntables(rep)) return 0;
    *i = n;
    *after = end + 1;
    return 1;
}

/* A banner table with id `anchor` (-1: none) on its wrapper, which the contents list links to. */
static void banner_with_id(const tally_host *h, const tally_report *rep, tpl_buf *out, size_t i, long anchor,
                           size_t *replaced)
{
    static const char wrap[] = "<div class=\"banner-wrap\"";
    tpl_buf t = {0};
    html_banner_table(h, rep, &t, h->rep_table(rep, i), replaced);
    const char *rest = t.data ? t.data : "";
    if (anchor >= 0 && strncmp(rest, wrap, sizeof wrap - 1) == 0) {
        tpl_buf_puts(out, wrap);
        tpl_buf_puts(out, " id=\"");
        anchor_id(h, rep, (size_t)anchor, out);
        tpl_buf_putc(out, '"');
        rest += sizeof wrap - 1;
    }
    tpl_buf_puts(out, rest);
    tpl_buf_free(&t);
}

/* Replaces each marker paragraph of the HTML body: a banner marker by its table, an anchor marker by
 * an id on the table that follows it (its index appended to shown[], *nshown of them, in the page's
 * order). The id goes on the table itself, not on an element of its own between heading and table,
 * which would let a printed page break there. Texts the escaper changed are counted in *replaced. */
static char *fill_markers(const tally_host *h, const tally_report *rep, const char *body, size_t *shown,
                          size_t *nshown, size_t *replaced)
{
    tpl_buf out = {0};
    const char *p = body;
    long pending = -1; /* the table whose id the next banner table carries */
    for (;;) {
        const char *b = strstr(p, BANNER_MARK), *a = strstr(p, ANCHOR_MARK);
        const char *m = b && (!a || b < a) ? b : a;
        if (!m) break;
        int banner = m == b;
        size_t i;
        const char *after;
        if (!marker_at(h, rep, m, strlen(banner ? BANNER_MARK : ANCHOR_MARK), &i, &after)) { /* not ours */
            tpl_buf_add(&out, p, (size_t)(m - p) + 1);
            p = m + 1;
            continue;
        }
        const char *start = m;
        if (m - p >= 3 && strncmp(m - 3, "<p>", 3) == 0 && strncmp(after, "</p>", 4) == 0) start = m - 3, after += 4;
        tpl_buf_add(&out, p, (size_t)(start - p));
        p = after;
        if (banner) {
            banner_with_id(h, rep, &out, i, pending == (long)i ? pending : -1, replaced);
            pending = -1;
            continue;
        }
        int again = 0; /* a table shown twice keeps its one id, at its first place */
        for (size_t k = 0; k < *nshown; k++) again |= shown[k] == i;
        if (again) continue;
        shown[(*nshown)++] = i;
        const char *next = after;
        while (*next == '\n' || *next == ' ') next++;
        if (strncmp(next, "<table>", 7) == 0) { /* a table cmark-gfm rendered */
            tpl_buf_puts(&out, "\n<table id=\"");
            anchor_id(h, rep, i, &out);
            tpl_buf_puts(&out, "\">");
            p = next + 7;
        } else if (strncmp(next, "<p>" BANNER_MARK, 3 + strlen(BANNER_MARK)) == 0) {
            pending = (long)i;
        } else { /* neither: an anchor of its own */
            tpl_buf_puts(&out, "<a class=\"table-anchor\" id=\"");
            anchor_id(h, rep, i, &out);
            tpl_buf_puts(&out, "\"></a>");
        }
    }
    tpl_buf_puts(&out, p);
    return tpl_buf_take(&out);
}

/* The contents list: a link to each table the page shows, in its order, with its base, as the
 * workbook's contents sheet has them; nothing for fewer than two tables. */
static void contents_list(const tally_host *h, const tally_report *rep, const size_t *shown, size_t n, tpl_buf *out,
                          size_t *replaced)
{
    if (n < 2) return;
    tpl_buf_puts(out, "<nav class=\"contents\">\n<p class=\"contents-head\">"); /* no heading: the outline stays the report's */
    html_escape(out, h->rep_tr(rep, "Contents"), replaced);
    tpl_buf_puts(out, "</p>\n<ol>\n");
    for (size_t k = 0; k < n; k++) {
        size_t i = shown[k];
        char *label = table_label_new(h, rep, i);
        const char *base = h->tab_base(h->rep_table(rep, i));
        tpl_buf_puts(out, "<li><a href=\"#");
        anchor_id(h, rep, i, out);
        tpl_buf_puts(out, "\">");
        html_escape(out, label ? label : h->tab_id(h->rep_table(rep, i)), replaced);
        tpl_buf_puts(out, "</a>");
        if (base && *base) {
            tpl_buf_puts(out, " <span class=\"base\">");
            html_escape(out, base, replaced);
            tpl_buf_puts(out, "</span>");
        }
        tpl_buf_puts(out, "</li>\n");
        free(label);
    }
    tpl_buf_puts(out, "</ol>\n</nav>\n");
}

/* The body with the contents list before its first section heading (after the title and the
 * lines under it, where the workbook's contents sheet lists its tables too). */
static void body_with_contents(const tally_host *h, const tally_report *rep, const char *body, const size_t *shown,
                               size_t nshown, tpl_buf *out, size_t *replaced)
{
    const char *at = strstr(body, "<h2");
    if (!at) {
        const char *h1 = strstr(body, "</h1>\n");
        at = h1 ? h1 + 6 : body;
    }
    tpl_buf_add(out, body, (size_t)(at - body));
    contents_list(h, rep, shown, nshown, out, replaced);
    tpl_buf_puts(out, at);
}

/* Markdown to an HTML fragment (new string, caller frees), or NULL. Raw HTML in
 * the Markdown is never passed through: CMARK_OPT_UNSAFE is not set. */
static char *markdown_to_html(const char *md)
{
    cmark_gfm_core_extensions_ensure_registered();
    cmark_parser *parser = cmark_parser_new(CMARK_OPT_DEFAULT);
    if (!parser) return NULL;
    cmark_syntax_extension *table = cmark_find_syntax_extension("table");
    if (table) cmark_parser_attach_syntax_extension(parser, table);
    cmark_parser_feed(parser, md, strlen(md));
    cmark_node *doc = cmark_parser_finish(parser);
    char *html = doc ? cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser)) : NULL;
    if (doc) cmark_node_free(doc);
    cmark_parser_free(parser);
    return html; /* cmark's default allocator is malloc: the caller's free() releases it */
}

static int html_write(const tally_host *host, tally_ctx *ctx, const tally_options *opts,
                      const tally_report *report, const char *path)
{
    tpl_env env = {
        .host = host,
        .report = report,
        .heading_level = 1,
        .table = html_table,
        .chart = NULL, /* the table shows the numbers; no scripts to draw Mermaid */
        .text = md_escape,
    };
    char *err = NULL;
    md_take_replaced();
    char *md = tpl_render_file(&env, host->opt_string(opts, "template"), &err);
    size_t replaced = md_take_replaced();
    if (md) { /* the template's own text, which no escaper saw */
        char *repaired = utf8_repair(md, &replaced);
        free(md);
        md = repaired;
    }
    if (!md) {
        host->error(ctx, "%s", err ? err : "template rendering failed");
        free(err);
        return 1;
    }
    char *html = markdown_to_html(md);
    free(md);
    if (!html) {
        host->error(ctx, "cmark-gfm could not render the report to HTML (out of memory?)");
        return 1;
    }
    /* the tables the page shows, each once (a template may show a table twice; it keeps its first place) */
    size_t nshown = 0;
    size_t *shown = calloc(host->rep_ntables(report) + 1, sizeof *shown);
    if (!shown) {
        free(html);
        host->error(ctx, "out of memory writing the HTML report");
        return 1;
    }
    char *body = fill_markers(host, report, html, shown, &nshown, &replaced);
    free(html);
    int banners = 0;
    for (size_t i = 0; i < host->rep_ntables(report); i++) banners |= is_banner(host, host->rep_table(report, i));
    const char *title = host->opt_string(opts, "title");
    if (!title || !*title) title = host->rep_meta(report, "title");
    if (!title || !*title) title = host->rep_tr(report, "Report");
    const char *lang = host->rep_meta(report, "language");
    tpl_buf out = {0};
    tpl_buf_puts(&out, "<!DOCTYPE html>\n<html lang=\"");
    html_escape(&out, lang && *lang ? lang : "en", &replaced);
    tpl_buf_puts(&out, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<meta name=\"generator\" content=\"tally\">\n<title>");
    html_escape(&out, title, &replaced);
    if (replaced) host->log(ctx, TALLY_LOG_WARN, UTF8_REPLACED_WARNING, replaced);
    tpl_buf_puts(&out, "</title>\n<style>\n");
    tpl_buf_puts(&out, html_style);
    if (banners) tpl_buf_puts(&out, html_banner_print);
    tpl_buf_puts(&out, "</style>\n</head>\n<body>\n");
    body_with_contents(host, report, body, shown, nshown, &out, &replaced);
    tpl_buf_puts(&out, "</body>\n</html>\n");
    free(body);
    free(shown);
    int rc = tpl_write_report(host, ctx, "html.write", path, out.data, out.len);
    tpl_buf_free(&out);
    return rc;
}

static const tally_plugin_descriptor html_descriptor = {
    .abi_major = TALLY_ABI_MAJOR,
    .abi_minor = TALLY_ABI_MINOR,
    .struct_size = sizeof(tally_plugin_descriptor),
    .kind = TALLY_PLUGIN_OUTPUT,
    .name = "html",
    .description = "one self-contained HTML page (Markdown rendered by cmark-gfm), printable",
    .version = "1.0",
    .options = html_options,
    .extensions = "html|htm",
    .write = html_write,
};

TALLY_PLUGIN(html_descriptor)
