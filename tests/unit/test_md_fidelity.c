/* test_md_fidelity.c: Markdown and HTML show every number whole, only valid UTF-8, no link made from data, no bidi override, no Mermaid directive. */
#include "check.h"
#include "report_fixture.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <fcntl.h>
#include <float.h>
#include <unistd.h>

static const char *const url_label = "see https://example.com/x, www.example.org and mail.me@example.org";
static const char *const bidi_label = "invoice \xe2\x80\xae" "fdp.exe and \xe2\x81\xa6isolate\xe2\x81\xa9";
static const char *const bad_label = "bad \xff\xfe bytes \xc3";
static const char *const mermaid_label = "%%{init: {'theme':'dark'}}%% label";

static tally_report *fidelity_report(void)
{
    tally_report *rep = tally_report_new();
    tally_report_set_meta(rep, "title", "Fidelity \xc3\x28 title");
    tally_table *t = fixture_table("fidelity", "Numbers and texts", "",
                                   (const fixture_col[]){{"Count", TALLY_COL_COUNT, 0}, {"Mean", TALLY_COL_MEAN, 2},
                                                         {"Percent", TALLY_COL_PERCENT, 1}, {0}});
    const double big[] = {1.23e134, DBL_MAX, -DBL_MAX};
    for (size_t i = 0; i < 3; i++) {
        size_t r = tally_table_add_row(t, TALLY_ROW_CATEGORY);
        tally_table_set_text(t, r, 0, i == 0 ? "huge" : i == 1 ? "max" : "min");
        for (size_t c = 1; c <= 3; c++) tally_table_set_number(t, r, c, big[i]);
    }
    const char *labels[] = {url_label, bidi_label, bad_label, mermaid_label};
    for (size_t i = 0; i < 4; i++) {
        size_t r = tally_table_add_row(t, TALLY_ROW_CATEGORY);
        tally_table_set_text(t, r, 0, labels[i]);
        tally_table_set_number(t, r, 1, (double)i + 1);
    }
    tally_table_add_note(t, "Source: https://example.com/source");
    size_t bar[] = {1};
    tally_table_set_chart(t, TALLY_CHART_BAR, "Chart %%{init: {'theme':'dark'}}%%", bar, 1);
    tally_report_add_table(rep, t);
    tally_table_unref(t);
    tally_report_set_number(rep, "big", 1.23e134, NULL);
    return rep;
}

/* 1 when the whole text is valid UTF-8. */
static int valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x80) { p++; continue; }
        size_t n = (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
        if (!n || (n == 2 && *p < 0xC2) || (n == 4 && *p > 0xF4)) return 0;
        for (size_t i = 1; i < n; i++)
            if ((p[i] & 0xC0) != 0x80) return 0;
        p += n;
    }
    return 1;
}

/* Markdown rendered as github.com does (tables and extended autolinks). */
static char *render_gfm(const char *md)
{
    cmark_gfm_core_extensions_ensure_registered();
    cmark_parser *parser = cmark_parser_new(CMARK_OPT_DEFAULT);
    const char *exts[] = {"table", "autolink", "strikethrough"};
    for (size_t i = 0; i < 3; i++) cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension(exts[i]));
    cmark_parser_feed(parser, md, strlen(md));
    cmark_node *doc = cmark_parser_finish(parser);
    char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser));
    cmark_node_free(doc);
    cmark_parser_free(parser);
    return html;
}

static const char *template_path; /* a template for write_with, or NULL for the default */

/* Writes with plugin `name`; returns the file (new string); *warnings gets what it logged. */
static char *write_with(const char *name, tally_report *rep, char **warnings)
{
    const tally_plugin_descriptor *d = fixture_plugin(name);
    if (!d) return NULL;
    char path[] = "/tmp/tally-fidelity-XXXXXX", logp[] = "/tmp/tally-fidelity-log-XXXXXX";
    close(mkstemp(path));
    int logfd = mkstemp(logp);
    tally_options *o = tally_options_new("test.lua:1");
    tally_options_set_string(o, "path", path);
    if (template_path) tally_options_set_string(o, "template", template_path);
    fflush(stderr);
    int saved = dup(2);
    dup2(logfd, 2);
    char *err = NULL;
    int rc = fixture_write(d, o, rep, path, &err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(logfd);
    CHECK(rc == 0, "%s: write succeeds (%s)", name, err ? err : "no error");
    free(err);
    tally_options_free(o);
    *warnings = fixture_slurp(logp);
    char *text = fixture_slurp(path);
    unlink(path);
    unlink(logp);
    return text;
}

static void check_numbers(const char *name, const char *text)
{
    const double big[] = {1.23e134, DBL_MAX, -DBL_MAX};
    char want[400];
    for (size_t i = 0; i < 3; i++) {
        snprintf(want, sizeof want, "%.1f", big[i]); /* a count over 1e15 shows one decimal */
        CHECK(strtod(want, NULL) == big[i], "%s: %.17g in full reads back as itself", name, big[i]);
        CHECK_CONTAINS(text, want, "the count shows the whole number");
        snprintf(want, sizeof want, "%.2f", big[i]);
        CHECK_CONTAINS(text, want, "the mean shows the whole number with its decimals");
        snprintf(want, sizeof want, "%.1f%%", big[i]);
        CHECK_CONTAINS(text, want, "the percent shows the whole number and its sign");
    }
}

static void check_texts(const char *name, const char *text, const char *warnings)
{
    CHECK(text && valid_utf8(text), "%s: the file is valid UTF-8", name);
    CHECK_CONTAINS(text, "bad \xef\xbf\xbd\xef\xbf\xbd bytes \xef\xbf\xbd", "invalid bytes are shown as U+FFFD");
    CHECK_CONTAINS(text, "Fidelity \xef\xbf\xbd( title", "in the title too");
    CHECK(text && !strstr(text, "\xe2\x80\xae") && !strstr(text, "\xe2\x81\xa6") && !strstr(text, "\xe2\x81\xa9"),
          "%s: no bidi override or isolate reaches the file", name);
    CHECK_CONTAINS(text, "invoice \xef\xbf\xbd" "fdp.exe", "the override is shown as U+FFFD");
    CHECK_CONTAINS(warnings, "invalid UTF-8 or bidirectional control characters", "a warning says texts were changed");
    CHECK_CONTAINS(warnings, "U+FFFD", "and how they are shown");
}

int main(void)
{
    tally_report *rep = fidelity_report();
    const char *bigtext = tally_host_get()->rep_value_text(rep, "big");
    CHECK(bigtext && strtod(bigtext, NULL) == 1.23e134, "a named value's text keeps the whole number (%.40s...)",
          bigtext ? bigtext : "(null)");

    char *warn = NULL;
    char *md = write_with("markdown", rep, &warn);
    CHECK(md != NULL, "the markdown plugin writes");
    if (md) {
        check_numbers("markdown", md);
        check_texts("markdown", md, warn);
        char *html = render_gfm(md);
        CHECK(html && !strstr(html, "<a "), "markdown: GitHub's renderer makes no link from the data");
        if (html && strstr(html, "<a ")) printf("#   %.200s\n", strstr(html, "<a "));
        CHECK_CONTAINS(html, "<td align=\"left\">see https://example.com/x, www.example.org and mail.me\xe2\x81\xa0@example.org</td>",
                       "markdown: the cell reads as written (an invisible WORD JOINER before the @)");
        free(html);
        const char *mm = strstr(md, "```mermaid");
        const char *end = mm ? strstr(mm + 3, "```") : NULL;
        CHECK(mm && end, "markdown: the chart is there");
        int directive = 0;
        for (const char *p = mm; p && p < end; p++)
            if (p[0] == '%' && p[1] == '%') directive = 1;
        CHECK(mm && !directive, "markdown: no %%%% (a Mermaid directive or comment) inside the chart");
        CHECK(mm && end && strstr(mm, "{init:") && strstr(mm, "{init:") < end, "markdown: the label's text is still there");
    }
    free(md);
    free(warn);

    char *html = write_with("html", rep, &warn);
    CHECK(html != NULL, "the html plugin writes");
    if (html) {
        check_numbers("html", html);
        check_texts("html", html, warn);
        CHECK(!strstr(html, "<a "), "html: no link made from the data");
    }
    free(html);
    free(warn);

    /* the template's own text is checked too */
    char tpl[] = "/tmp/tally-fidelity-tpl-XXXXXX";
    close(mkstemp(tpl));
    fixture_spit(tpl, "# Template \xff\xfe text\n\n{{ tables }}\n");
    template_path = tpl;
    const char *plugins[] = {"markdown", "html"};
    for (size_t i = 0; i < 2; i++) {
        char *text = write_with(plugins[i], rep, &warn);
        CHECK(text && valid_utf8(text), "%s: with invalid UTF-8 in the template, the file is valid UTF-8", plugins[i]);
        CHECK_CONTAINS(text, "Template \xef\xbf\xbd\xef\xbf\xbd text", "the template's bytes are shown as U+FFFD");
        CHECK_CONTAINS(warn, "U+FFFD", "with the warning");
        free(text);
        free(warn);
    }
    unlink(tpl);
    tally_report_free(rep);
    CHECK_DONE();
}
