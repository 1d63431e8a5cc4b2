/* test_md_output.c: the markdown output plugin: golden file, determinism, options, and a cmark-gfm round trip. */
#include "check.h"
#include "report_fixture.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <unistd.h>

static cmark_node *parse_gfm(const char *md)
{
    cmark_gfm_core_extensions_ensure_registered();
    cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
    cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension("table"));
    cmark_parser_feed(p, md, strlen(md));
    cmark_node *doc = cmark_parser_finish(p);
    cmark_parser_free(p);
    return doc;
}

/* The text a reader sees in a node: its text, code and soft-break literals joined. */
static void node_text(cmark_node *n, char *out, size_t cap)
{
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
        const char *ty = cmark_node_get_type_string(c);
        if (!strcmp(ty, "text") || !strcmp(ty, "code") || !strcmp(ty, "html_inline")) {
            const char *l = cmark_node_get_literal(c);
            if (!strcmp(ty, "code")) strncat(out, "`", cap - strlen(out) - 1);
            strncat(out, l ? l : "", cap - strlen(out) - 1);
            if (!strcmp(ty, "code")) strncat(out, "`", cap - strlen(out) - 1);
        } else if (!strcmp(ty, "softbreak")) {
            strncat(out, " ", cap - strlen(out) - 1);
        } else {
            node_text(c, out, cap);
        }
    }
}

static size_t count_children(cmark_node *n)
{
    size_t k = 0;
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) k++;
    return k;
}

/* The i-th child (0-based) of n, NULL if none. */
static cmark_node *child(cmark_node *n, size_t i)
{
    cmark_node *c = cmark_node_first_child(n);
    while (c && i--) c = cmark_node_next(c);
    return c;
}

static void test_round_trip(const tally_report *rep, const char *md)
{
    cmark_node *doc = parse_gfm(md);
    cmark_node *tables[32];
    size_t nt = 0, mermaid = 0, headings = 0;
    for (cmark_node *c = cmark_node_first_child(doc); c; c = cmark_node_next(c)) {
        const char *ty = cmark_node_get_type_string(c);
        if (!strcmp(ty, "table") && nt < 32) tables[nt++] = c;
        if (!strcmp(ty, "code_block") && !strcmp(cmark_node_get_fence_info(c), "mermaid")) mermaid++;
        if (!strcmp(ty, "heading")) headings++;
    }
    CHECK(nt == rep->ntables, "every table comes back as a GFM table (%zu of %zu)", nt, rep->ntables);
    CHECK(mermaid == 3, "three Mermaid blocks: the two-series chart gets none, Mermaid names no series (got %zu)", mermaid);
    CHECK(headings == 1 + rep->ntables, "one heading for the title and one per table (got %zu)", headings);
    for (size_t i = 0; i < nt && i < rep->ntables; i++) {
        const tally_table *t = rep->tables[i];
        size_t rows = count_children(tables[i]);
        CHECK(rows == t->nrows + 1, "table '%s': %zu rows come back (header + %zu)", t->id, rows, t->nrows);
        int cols_ok = 1;
        for (cmark_node *row = cmark_node_first_child(tables[i]); row; row = cmark_node_next(row))
            if (count_children(row) != t->ncols) cols_ok = 0;
        CHECK(cols_ok, "table '%s': every row has %zu cells", t->id, t->ncols);
        int text_ok = 1;
        for (size_t r = 0; r < t->nrows; r++) {
            char got[512] = "";
            node_text(child(child(tables[i], r + 1), 0), got, sizeof got);
            const char *want = t->rows[r].cells[0].text ? t->rows[r].cells[0].text : "";
            char norm[512];
            snprintf(norm, sizeof norm, "%s", want);
            for (char *p = norm; *p; p++)
                if (*p == '\n' || *p == '\t') *p = ' ';
            if (strcmp(got, norm) != 0) {
                text_ok = 0;
                printf("#   row %zu: got '%s' want '%s'\n", r, got, norm);
            }
        }
        CHECK(text_ok, "table '%s': every row label reads back as the literal text", t->id);
    }
    /* The hostile table's header cell and a label with | and *. */
    if (nt > 1) {
        char got[512] = "";
        node_text(child(child(tables[1], 0), 0), got, sizeof got);
        CHECK_STR(got, "Answer | *all*", "a header with | and * reads back literally");
        got[0] = '\0';
        node_text(child(child(tables[1], 1), 0), got, sizeof got);
        CHECK_STR(got, "a | b * c", "a label with | and * renders as that literal text");
        got[0] = '\0';
        node_text(child(child(tables[0], 1), 2), got, sizeof got);
        CHECK_STR(got, "26.1%", "a percent cell reads back formatted");
    }
    cmark_node_free(doc);
}

int main(void)
{
    const tally_plugin_descriptor *d = fixture_plugin("markdown");
    CHECK(d != NULL, "the markdown plugin loads");
    if (!d) CHECK_DONE();
    CHECK(d->kind == TALLY_PLUGIN_OUTPUT && !strcmp(d->name, "markdown"), "it is the markdown output");
    tally_report *rep = fixture_report();
    char dir[] = "/tmp/tally-md-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "a scratch folder");
    char p1[256], p2[256];
    snprintf(p1, sizeof p1, "%s/a.md", dir);
    snprintf(p2, sizeof p2, "%s/b.md", dir);

    char *err;
    tally_options *o = tally_options_new("test.lua:1");
    char *a = fixture_write_twice(d, o, rep, p1, p2, "Markdown");
    char *b;
    int rc;
    if (getenv("TALLY_UPDATE_GOLDEN")) fixture_spit("tests/data/md/report.md", a ? a : "");
    char *golden = fixture_slurp("tests/data/md/report.md");
    CHECK(golden && a && !strcmp(a, golden), "output equals tests/data/md/report.md byte for byte");
    if (golden && a && strcmp(a, golden)) printf("#   diff -u tests/data/md/report.md %s\n", p1);
    CHECK_CONTAINS(a, "| :--- | ---: | ---: |", "label column left, numbers right");
    CHECK_CONTAINS(a, "| a \\| b \\* c | 1 | 0.0% |", "| and * are escaped in a cell");
    CHECK_CONTAINS(a, "\\<script\\>", "< and > are escaped");
    CHECK_CONTAINS(a, "*Base: N = 46*", "the base is under the table");
    CHECK_CONTAINS(a, "- 1\\. A note", "notes are listed, list markers escaped");
    CHECK_CONTAINS(a, "```mermaid\npie showData\n", "pie chart as Mermaid");
    CHECK_CONTAINS(a, "xychart-beta horizontal\n", "bar chart as horizontal xychart");
    CHECK_CONTAINS(a, "    line [3, 9, 14]\n", "line chart series");
    CHECK_CONTAINS(a, "    title \"Hostile #quot;labels#quot; 'x'\"", "quotes and backticks cannot break a Mermaid block");
    if (a) test_round_trip(rep, a);
    free(a);
    free(golden);

    /* charts = false */
    tally_options_set_bool(o, "charts", 0);
    b = fixture_rewrite(d, o, rep, p2, &rc);
    CHECK(rc == 0 && b && !strstr(b, "```mermaid") && strstr(b, "| Yes |"), "charts = false drops the Mermaid blocks only");
    free(b);

    /* heading_level */
    tally_options_set_number(o, "heading_level", 2);
    b = fixture_rewrite(d, o, rep, p2, &rc);
    CHECK(rc == 0 && b && !strncmp(b, "## German", 9) && strstr(b, "\n### Q1 Partner"), "heading_level = 2 shifts every heading");
    free(b);
    tally_options_free(o);

    /* step_summary */
    o = tally_options_new("test.lua:7");
    tally_options_set_string(o, "path", p1);
    tally_options_set_bool(o, "step_summary", 1);
    unsetenv("GITHUB_STEP_SUMMARY");
    rc = fixture_write(d, o, rep, p2, &err);
    CHECK(rc != 0, "step_summary without $GITHUB_STEP_SUMMARY fails");
    CHECK_CONTAINS(err, "test.lua:7: output 'markdown': step_summary = true but $GITHUB_STEP_SUMMARY is not set",
                   "the message names the config line and the variable");
    free(err);
    char summary[256];
    snprintf(summary, sizeof summary, "%s/summary.md", dir);
    fixture_spit(summary, "earlier step\n");
    setenv("GITHUB_STEP_SUMMARY", summary, 1);
    /* the append waits until the host knows every output succeeded */
    tally_ctx *sctx = tally_ctx_new("markdown");
    rc = d->write(tally_host_get(), sctx, o, rep, p2);
    char *s = fixture_slurp(summary);
    CHECK(rc == 0 && s && !strcmp(s, "earlier step\n"), "step_summary does not touch $GITHUB_STEP_SUMMARY while writing");
    free(s);
    err = NULL;
    CHECK(tally_ctx_flush_appends(sctx, &err) == 0, "the deferred append succeeds");
    free(err);
    tally_ctx_free(sctx);
    s = fixture_slurp(summary);
    b = fixture_slurp(p2);
    CHECK(rc == 0 && s && b && !strncmp(s, "earlier step\n", 13) && !strcmp(s + 13, b),
          "step_summary appends the report to $GITHUB_STEP_SUMMARY once the host flushes it");
    free(s);
    free(b);
    tally_options_free(o);

    /* a custom template, and a template error through the plugin */
    char tpl[256];
    snprintf(tpl, sizeof tpl, "%s/custom.md", dir);
    fixture_spit(tpl, "{{ n_chinese }} of {{ n_total }} cities ({{ pct_chinese }}).\n\n{{ table \"freq_q1\" }}\n");
    o = tally_options_new("test.lua:9");
    tally_options_set_string(o, "path", p1);
    tally_options_set_string(o, "template", tpl);
    b = fixture_rewrite(d, o, rep, p2, &rc);
    CHECK(rc == 0 && b && !strncmp(b, "12 of 46 cities (26.1%).\n\n| ", 28), "a custom template fills in values and a table");
    free(b);
    fixture_spit(tpl, "# Title\n\n{{ n_chinse }} cities\n");
    rc = fixture_write(d, o, rep, p2, &err);
    char want[512];
    snprintf(want, sizeof want, "%s:3: unknown value 'n_chinse' (did you mean 'n_chinese'?)", tpl);
    CHECK(rc != 0, "a misspelt value fails the output");
    CHECK_STR(err, want, "the error names template:line and the closest value");
    free(err);
    tally_options_free(o);

    unlink(tpl);
    unlink(summary);
    unlink(p1);
    unlink(p2);
    rmdir(dir);
    tally_report_free(rep);
    CHECK_DONE();
}
