/* test_template.c: the template engine: values, tables, conditionals, loops, includes and every error message. */
#include "check.h"
#include "case_file.h"
#include "result.h"
#include "host.h"
#include "template.h"
#include "md_render.h"
#include "report_fixture.h"

#include <sys/stat.h>
#include <unistd.h>

static tally_report *rep;

/* A block renderer that shows which table it was asked for. */
static void stub_table(const tally_host *h, const tally_report *r, tpl_buf *out, const tally_table *t)
{
    (void)r;
    tpl_buf_printf(out, "[table %s]\n", h->tab_id(t));
}

static void stub_chart(const tally_host *h, const tally_report *r, tpl_buf *out, const tally_table *t)
{
    (void)r;
    if (h->tab_chart_kind(t) != TALLY_CHART_NONE) tpl_buf_printf(out, "[chart %s]\n", h->tab_id(t));
}

static tpl_env env(void)
{
    tpl_env e = {tally_host_get(), rep, 1, stub_table, stub_chart, md_escape};
    return e;
}

/* A render's result: its output, or "ERROR: message" when it failed (new string; takes out and err). */
static char *output_or_error(char *out, char *err)
{
    if (out) {
        free(err);
        return out;
    }
    tpl_buf b = {0};
    tpl_buf_printf(&b, "ERROR: %s", err ? err : "(none)");
    free(err);
    return tpl_buf_take(&b);
}

/* Renders `text` as template "templates/x.md"; returns the output or "ERROR: message" (new string). */
static char *render(const char *text)
{
    tpl_env e = env();
    char *err = NULL;
    char *out = tpl_render_string(&e, "templates/x.md", text, &err);
    return output_or_error(out, err);
}

/* Renders the template file at `path` (NULL: the built-in default); as render. */
static char *render_file(const char *path)
{
    tpl_env e = env();
    char *err = NULL;
    char *out = tpl_render_file(&e, path, &err);
    return output_or_error(out, err);
}

#define RENDERS(text, want, what)        \
    do {                                 \
        char *got_ = render(text);       \
        CHECK_STR(got_, want, what);     \
        free(got_);                      \
    } while (0)

/* The render cases of `section` of tests/data/template/render_cases.txt: rendering each case's
 * template gives its output (or "ERROR: message"); one check a case, named by its "what". */
static void check_renders(const char *section)
{
    static const char *const fields[] = {"template", "output", "what", NULL};
    case_list *cases = case_list_read("tests/data/template/render_cases.txt", section, fields);
    for (size_t i = 0; i < cases->ncases; i++) {
        int failed = check_failures;
        RENDERS(case_text(cases, i, 0), case_text(cases, i, 1), case_text(cases, i, 2));
        if (check_failures > failed) case_where(cases, i);
    }
    case_list_free(cases);
}

static void test_values(void)
{
    check_renders("values");
}

static void test_errors(void)
{
    char *got = render("a\n{{ qqqqqqqqqq }}");
    CHECK_CONTAINS(got, "ERROR: templates/x.md:2: unknown value 'qqqqqqqqqq'; known: ", "no close name: the known values are listed");
    free(got);
    got = render("{% if report.title %}\n{{ foo bar }}\n{% endif %}");
    CHECK_CONTAINS(got, "ERROR: templates/x.md:2: unknown placeholder {{ foo bar }}", "an unknown placeholder names template:line");
    free(got);
    check_renders("errors");
}

static void test_conditionals(void)
{
    check_renders("conditions");
}

static void test_loops(void)
{
    check_renders("loops");
    char *got = render("{{ tables }}");
    CHECK(got && !strncmp(got, "## Q1 Partner city in China\n\nDoes your city have a partner city in China?\n\n[table freq_q1]\n\n[chart freq_q1]\n\n## Labels", 110),
          "{{ tables }}: heading, question, table and chart of each table");
    free(got);
    tpl_env e = env();
    e.chart = NULL;
    char *err = NULL;
    char *out = tpl_render_string(&e, "x.md", "{{ chart \"trend\" }}x", &err);
    CHECK_STR(out, "x", "charts off: {{ chart }} renders nothing");
    free(out);
    free(err);
}

static void test_includes(void)
{
    char dir[] = "/tmp/tally-tpl-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "a scratch folder");
    char a[256], b[256], c[256], sub[256];
    snprintf(sub, sizeof sub, "%s/parts", dir);
    mkdir(sub, 0700);
    snprintf(a, sizeof a, "%s/main.md", dir);
    snprintf(b, sizeof b, "%s/parts/intro.md", dir);
    snprintf(c, sizeof c, "%s/parts/loop.md", dir);
    fixture_spit(a, "start\n{% include \"parts/intro.md\" %}\nend\n");
    fixture_spit(b, "{{ n_total }} cities\n");
    char *got = render_file(a);
    CHECK_STR(got, "start\n46 cities\nend\n", "include is relative to the including template");
    free(got);
    fixture_spit(b, "intro\n\n{% include \"loop.md\" %}\n");
    fixture_spit(c, "x\n{% include \"../main.md\" %}\n");
    got = render_file(a);
    char want[2048];
    snprintf(want, sizeof want, "ERROR: %s:2: include cycle: %s -> %s -> %s -> %s/parts/../main.md", c, a, b, c, dir);
    CHECK(!strncmp(got, "ERROR: ", 7), "an include cycle is an error");
    CHECK_STR(got, want, "the cycle message names template:line and the chain");
    free(got);
    fixture_spit(b, "{{ n_totl }}\n");
    got = render_file(a);
    snprintf(want, sizeof want, "ERROR: %s:1: unknown value 'n_totl' (did you mean 'n_total'?)", b);
    CHECK_STR(got, want, "errors in an included file name that file and line");
    free(got);
    fixture_spit(a, "{% include \"nope.md\" %}");
    got = render_file(a);
    CHECK_CONTAINS(got, ":1: cannot read included template", "a missing include");
    free(got);
    got = render_file("/nonexistent/t.md");
    CHECK_STR(got, "ERROR: cannot read template '/nonexistent/t.md': No such file or directory", "a missing template");
    free(got);
    unlink(a), unlink(b), unlink(c), rmdir(sub), rmdir(dir);
}

static void test_default(void)
{
    char *file = fixture_slurp("templates/default.md");
    CHECK(file && !strcmp(file, tpl_default_text), "the built-in default template equals templates/default.md");
    free(file);
    char *out = render_file(NULL);
    CHECK(out && !strncmp(out, "# German cities and their Chinese partners\n\nData source: responses.csv\n\nDate: 2021-01-01\n\n## Q1", 95),
          "the default template starts with title, source and date");
    CHECK_CONTAINS(out, "[table empty]\n", "the default template lists every table");
    free(out);
}

static void test_escape(void)
{
    tpl_buf b = {0};
    md_escape(&b, "- item");
    CHECK_STR(b.data, "\\- item", "a leading list marker is escaped at a line start");
    b.len = 0;
    md_escape(&b, "12. twelve");
    CHECK_STR(b.data, "12\\. twelve", "an ordered-list marker is escaped at a line start");
    b.len = 0;
    md_escape(&b, "    code?");
    CHECK_STR(b.data, "code?", "leading blanks cannot start a code block");
    b.len = 0;
    tpl_buf_puts(&b, "x ");
    md_escape(&b, "- 1. mid");
    CHECK_STR(b.data, "x - 1. mid", "no line-start escapes mid-line");
    b.len = 0;
    md_escape_cell(&b, "a|b\\c*d_e`f<g>h[i]j~k$l#m&amp;n & o\x01p\nq");
    CHECK_STR(b.data, "a\\|b\\\\c\\*d\\_e\\`f\\<g\\>h\\[i\\]j\\~k\\$l\\#m\\&amp;n & op q", "every interpreted character in a cell");
    tpl_buf_free(&b);
}

/* One named value of each kind (and a text), the same in every language's report. */
static void set_kind_values(tally_report *r)
{
    static const struct {
        const char *name;
        double value;
        tally_value_kind kind;
    } values[] = {
        {"k_p", 0.0004, TALLY_VALUE_P},          {"k_p2", 0.0272, TALLY_VALUE_P},
        {"k_v", 0.5412, TALLY_VALUE_STATISTIC},  {"k_share", 0.125, TALLY_VALUE_PROPORTION},
        {"k_n", 1234, TALLY_VALUE_COUNT},        {"k_pct", 78.94, TALLY_VALUE_PERCENT},
        {"k_x", 2.3456, TALLY_VALUE_NUMBER},
    };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        tally_report_set_value(r, values[i].name, values[i].value, values[i].kind, NULL);
    tally_report_set_text(r, "k_text", "Köln");
}

/* Named values keep their kind: each kind's default text, every filter, in English and German. */
static void test_kinds_and_filters(void)
{
    tally_report *keep = rep;
    rep = tally_report_new();
    tally_report_set_meta(rep, "language", "en");
    set_kind_values(rep);
    check_renders("kinds");

    /* the same values in a German report: decimal commas, "78,9 %", "1.234", German dates */
    tally_report *de = tally_report_new();
    tally_report_set_meta(de, "language", "de");
    tally_report_set_meta(de, "date", "1949-03-24");
    set_kind_values(de);
    tally_report_free(rep);
    rep = de;
    check_renders("german");
    tally_report_set_meta(de, "language", "zh");
    RENDERS("= {{ report.date }} {{ k_pct | percent }}", "= 1949年3月24日 78.9%", "Chinese date and percent");
    rep = keep;
    tally_report_free(de);
}

int main(void)
{
    rep = fixture_report();
    test_values();
    test_kinds_and_filters();
    test_errors();
    test_conditionals();
    test_loops();
    test_includes();
    test_default();
    test_escape();
    tally_report_free(rep);
    CHECK_DONE();
}
