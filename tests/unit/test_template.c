/* test_template.c: the template engine: values, tables, conditionals, loops, includes and every error message. */
#include "check.h"
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

/* One template case: rendering `text` gives `want` (or "ERROR: message"). */
typedef struct {
    const char *text, *want, *what;
} render_case;

static void check_renders(const render_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) RENDERS(cases[i].text, cases[i].want, cases[i].what);
}
#define CHECK_RENDERS(cases) check_renders((cases), sizeof(cases) / sizeof((cases)[0]))

static void test_values(void)
{
    static const render_case value_cases[] = {
        {"{{ n_chinese }} of {{ n_total }} cities ({{ pct_chinese }})", "12 of 46 cities (26.1%)", "named values fill in their formatted text"},
        {"{{report.title}}: {{ report.date }}", "German cities and their Chinese partners: 2021-01-01", "report meta fields"},
        {"x{{ report.author }}y", "xy", "an unset meta field is empty"},
        {"City: {{ city }}", "City: Köln \\*am Rhein\\*", "inserted text is escaped for Markdown"},
        {"{{ heading 1 }} A\n{{ heading 3 }} B", "# A\n### B", "heading N"},
        {"{{ tr \"Base\" }}", "Base", "tr gives UI text in the report language"},
    };
    CHECK_RENDERS(value_cases);
}

static void test_errors(void)
{
    char *got = render("a\n{{ qqqqqqqqqq }}");
    CHECK_CONTAINS(got, "ERROR: templates/x.md:2: unknown value 'qqqqqqqqqq'; known: ", "no close name: the known values are listed");
    free(got);
    got = render("{% if report.title %}\n{{ foo bar }}\n{% endif %}");
    CHECK_CONTAINS(got, "ERROR: templates/x.md:2: unknown placeholder {{ foo bar }}", "an unknown placeholder names template:line");
    free(got);
    static const render_case error_cases[] = {
        {"line 1\n\n{{ n_chinse }}", "ERROR: templates/x.md:3: unknown value 'n_chinse' (did you mean 'n_chinese'?)", "an unknown value names template:line and the closest name"},
        {"{{ N_CHINESE }}", "ERROR: templates/x.md:1: unknown value 'N_CHINESE' (did you mean 'n_chinese'?)", "the hint ignores case, as the core's do (one edit distance: the host's str_distance)"},
        {"{{ report.titel }}", "ERROR: templates/x.md:1: unknown field 'report.titel' (did you mean 'report.title'?)", "an unknown report field"},
        {"\n{{ table \"freq_qq\" }}", "ERROR: templates/x.md:2: unknown table 'freq_qq' (did you mean 'freq_q1'?)", "an unknown table id"},
        {"{% if zero %}\n{{ typo_value }}\n{% endif %}", "ERROR: templates/x.md:2: unknown value 'typo_value'; known: n_total, n_chinese, pct_chinese, zero, empty_text, city", "errors in a branch not taken are still reported"},
        {"a\n{% if zero %}\nb\n", "ERROR: templates/x.md:2: {% if %} is never closed", "an unclosed if"},
        {"a\n{% endfor %}\n", "ERROR: templates/x.md:2: {% endfor %} without a matching opening tag", "a stray endfor"},
        {"{% for t in tables %}\n{% endif %}", "ERROR: templates/x.md:2: {% endif %} inside {% for %} (line 1); expected {% endfor %}", "a mismatched closing tag"},
        {"{% for t in rows %}{% endfor %}", "ERROR: templates/x.md:1: expected {% for NAME in tables %}, got {% for t in rows %}", "a for loop over something else"},
        {"{% frobnicate %}", "ERROR: templates/x.md:1: unknown tag {% frobnicate %} (tags: if, else, endif, for, endfor, include)", "an unknown tag"},
        {"x {{ n_total", "ERROR: templates/x.md:1: '{{' is never closed with '}}'", "an unclosed placeholder"},
        {"{% for t in tables %}{{ t }}{% endfor %}", "ERROR: templates/x.md:1: 't' is a table: write {{ table t }} or {{ t.title }}", "a bare loop variable"},
        {"{% for t in tables %}{{ t.titel }}{% endfor %}", "ERROR: templates/x.md:1: unknown field 't.titel' (did you mean 't.title'?)", "an unknown table field"},
    };
    CHECK_RENDERS(error_cases);
}

static void test_conditionals(void)
{
    static const render_case condition_cases[] = {
        {"{% if n_total %}yes{% else %}no{% endif %}", "yes", "a non-zero number is true"},
        {"{% if zero %}yes{% else %}no{% endif %}", "no", "zero is false"},
        {"{% if empty_text %}yes{% else %}no{% endif %}", "no", "empty text is false"},
        {"{% if not zero %}yes{% endif %}", "yes", "if not"},
        {"{% if maybe_missing %}{{ maybe_missing }}{% else %}none{% endif %}", "none", "a missing value is false and may be used inside its own if"},
        {"{% if report.subtitle %}S{% endif %}{% if report.title %}T{% endif %}", "T", "meta fields in conditions"},
        {"a\n{% if n_total %}\nb\n{% endif %}\nc\n", "a\nb\nc\n", "a tag alone on its line leaves no blank line"},
        {"a\n  {% if zero %}\nb\n  {% endif %}\nc\n", "a\nc\n", "indented tags alone on a line vanish too"},
        {"a\n{{ chart \"empty\" }}\nb\n", "a\nb\n", "a placeholder alone on its line that renders nothing takes its line"},
    };
    CHECK_RENDERS(condition_cases);
}

static void test_loops(void)
{
    static const render_case loop_cases[] = {
        {"{% for t in tables %}{{ t.number }}. {{ t.id }}\n{% endfor %}", "1. freq\\_q1\n2. hostile\n3. crosstab\\_q2\\_region\n4. trend\n5. empty\n", "a loop over tables in order"},
        {"{% for t in tables %}{% if t.question %}{{ t.question }}|{% endif %}{% endfor %}", "Does your city have a partner city in China?|", "fields in conditions"},
        {"{% for t in tables %}\n{{ table t }}\n{% endfor %}", "[table freq_q1]\n\n[table hostile]\n\n[table crosstab_q2_region]\n\n[table trend]\n\n[table empty]\n\n", "{{ table t }} inside a loop"},
        {"{{ table \"trend\" }}{{ chart \"trend\" }}{{ chart \"empty\" }}", "[table trend]\n[chart trend]\n", "table and chart by id"},
    };
    CHECK_RENDERS(loop_cases);
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
    static const render_case kind_cases[] = {
        {"= {{ k_p }}", "= \\< .001", "a p-value below .001 (the Markdown escaper guards the <)"},
        {"= {{ k_p2 }}", "= .027", "a p-value as journals print it (not 0.0)"},
        {"= {{ k_v }}", "= 0.54", "a statistic with two decimals (Cramér's V not 0.5)"},
        {"= {{ k_share }}", "= 0.13", "a proportion with two decimals"},
        {"= {{ k_n }}", "= 1,234", "a count with thousands separators"},
        {"= {{ k_pct }}", "= 78.9%", "a percent with one decimal"},
        {"= {{ k_x }}", "= 2.3", "a plain number with one decimal"},
        {"= {{ k_text }}", "= Köln", "a text value as it is"},
        {"= {{ k_p2 | decimals(3) }}", "= 0.027", "decimals(3) on a p-value"},
        {"= {{ k_x|decimals(0) }}", "= 2", "decimals(0), no blanks around the bar"},
        {"= {{ k_v | p }}", "= .541", "p on a statistic"},
        {"= {{ k_x | count }}", "= 2.3", "count on a number that is not whole"},
        {"= {{ k_n | count }}", "= 1,234", "count"},
        {"= {{ k_x | count | decimals(0) }}", "= 2", "count with decimals(0): whole"},
        {"= {{ k_n | number }}", "= 1234", "number: no separators"},
        {"= {{ k_share | percent }}", "= 0.1%", "percent writes the number as a percent (0..100)"},
        {"= {{ k_pct | decimals(2) }}", "= 78.94%", "decimals(2) keeps the percent kind"},
        {"= {{ k_pct | statistic }}", "= 78.94", "statistic"},
        {"= {{ k_x | proportion }}", "= 2.35", "proportion"},
        {"= {{ k_x | number | decimals(3) }}", "= 2.346", "filters chain"},
        {"{{ k_pct | round }}", "ERROR: templates/x.md:1: unknown filter 'round' (expected decimals(N), count, percent, p, number, statistic or proportion)", "an unknown filter names template:line"},
        {"line\n{{ k_pct | decimals(x) }}", "ERROR: templates/x.md:2: unknown filter 'decimals(x)' (expected decimals(N), count, percent, p, number, statistic or proportion)", "decimals needs a number"},
        {"{{ k_text | p }}", "ERROR: templates/x.md:1: 'k_text' is text; filters write numbers", "a filter on text"},
        {"{{ k_nope | p }}", "ERROR: templates/x.md:1: unknown value 'k_nope'; known: k_p, k_p2, k_v, k_share, k_n, k_pct, k_x, k_text", "a filter on an unknown value"},
        {"{{ | p }}", "ERROR: templates/x.md:1: a filter needs a value name before '|': {{ NAME | p }}", "a filter without a value"},
    };
    CHECK_RENDERS(kind_cases);

    /* the same values in a German report: decimal commas, "78,9 %", "1.234", German dates */
    tally_report *de = tally_report_new();
    tally_report_set_meta(de, "language", "de");
    tally_report_set_meta(de, "date", "1949-03-24");
    set_kind_values(de);
    tally_report_free(rep);
    rep = de;
    static const render_case german_cases[] = {
        {"= {{ k_p }} {{ k_p2 }} {{ k_n }} {{ k_pct }} {{ k_v }}", "= \\< ,001 ,027 1.234 78,9 % 0,54", "German: p, count, percent and statistic"},
        {"= {{ k_pct | decimals(2) }} {{ k_v | decimals(3) }}", "= 78,94 % 0,541", "German decimals filter"},
        {"= {{ report.date }}", "= 24.03.1949", "German report date"},
    };
    CHECK_RENDERS(german_cases);
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
