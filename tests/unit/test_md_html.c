/* test_md_html.c: the html output plugin: one self-contained page, tables kept, no raw HTML from the data. */
#include "check.h"
#include "report_fixture.h"

#include <unistd.h>

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; p && (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
    return n;
}

int main(void)
{
    const tally_plugin_descriptor *d = fixture_plugin("html");
    CHECK(d != NULL && !strcmp(d->name, "html"), "the html plugin loads");
    if (!d) CHECK_DONE();
    tally_report *rep = fixture_report();
    char p1[] = "/tmp/tally-html-a-XXXXXX", p2[] = "/tmp/tally-html-b-XXXXXX";
    tally_options *o = tally_options_new("test.lua:3");
    char *a = fixture_write_twice(d, o, rep, p1, p2, "HTML");
    CHECK(a && !strncmp(a, "<!DOCTYPE html>\n<html lang=\"en\">", 31), "a complete HTML document");
    CHECK(a && !strstr(a, "<script") && !strstr(a, "<SCRIPT"), "no <script> anywhere, not even from a hostile label");
    CHECK_CONTAINS(a, "&lt;script&gt;alert(", "the hostile label is shown as text");
    CHECK(a && !strstr(a, "<b>survey"), "HTML in a note is not passed through");
    CHECK(a && !strstr(a, "src=") && !strstr(a, "href=\"http") && !strstr(a, "<link"), "nothing external is loaded");
    CHECK_CONTAINS(a, "@media print", "the stylesheet has print rules");
    CHECK_CONTAINS(a, "<title>German cities and their Chinese partners</title>", "the title comes from the report");
    CHECK(count(a, "<table") == (int)rep->ntables, "one <table> per report table (%d)", count(a, "<table"));
    CHECK(count(a, "<table id=\"table-") == (int)rep->ntables, "each table carries the id the contents list links to");
    CHECK_CONTAINS(a, "<td align=\"right\">26.1%</td>", "numbers are right-aligned cells");
    CHECK_CONTAINS(a, "<td align=\"left\">a | b * c</td>", "a label with | and * is literal text");
    CHECK(a && !strstr(a, "mermaid"), "no Mermaid blocks in HTML");
    free(a);
    tally_options_set_string(o, "title", "Q&A <report>");
    a = fixture_rewrite(d, o, rep, p1, NULL);
    CHECK_CONTAINS(a, "<title>Q&amp;A &lt;report&gt;</title>", "the title option is escaped");
    free(a);
    fixture_release(o, rep, p1, p2);
    CHECK_DONE();
}
