/* report_fixture.h: the report the markdown/html/json output tests render, built by hand with result.h, and the table, writer and format helpers the report tests share. */
#ifndef TALLY_TEST_REPORT_FIXTURE_H
#define TALLY_TEST_REPORT_FIXTURE_H

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "case_file.h"
#include "host.h"
#include "result.h"

/* Labels that Markdown, HTML and Mermaid would interpret; each must come back as written. */
static const char *const fixture_hostile[] = {
    "a | b * c",
    "<script>alert('x')</script>",
    "# not a heading",
    "1. not a list",
    "- not a bullet",
    "back\\slash `code` _under_ ~strike~ $math$",
    "[link](http://example.com) ![img](x.png)",
    "&amp; &#65; AT&T",
    "**bold** and \\| escaped pipe",
    "\"quoted\" ```fence```",
};
#define FIXTURE_NHOSTILE (sizeof fixture_hostile / sizeof fixture_hostile[0])

static inline void fixture_row(tally_table *t, tally_row_type type, const char *label, double a, double b)
{
    size_t r = tally_table_add_row(t, type);
    tally_table_set_text(t, r, 0, label);
    tally_table_set_number(t, r, 1, a);
    tally_table_set_number(t, r, 2, b);
}

/* One value column of a fixture table; a list of them ends with a NULL name. */
typedef struct {
    const char *name;
    tally_col_type type;
    int decimals;
} fixture_col;

/* A new table with a label column headed `label_head`, then the columns of `cols` (may be NULL). */
static inline tally_table *fixture_table(const char *id, const char *title, const char *label_head,
                                         const fixture_col *cols)
{
    tally_table *t = tally_table_new(id, title);
    tally_table_add_col(t, label_head, TALLY_COL_LABEL, 0);
    for (; cols && cols->name; cols++) tally_table_add_col(t, cols->name, cols->type, cols->decimals);
    return t;
}

/* A new table with a label column headed `label_head`, then Count and Percent. */
static inline tally_table *fixture_count_table(const char *id, const char *title, const char *label_head)
{
    return fixture_table(id, title, label_head,
                         (const fixture_col[]){{"Count", TALLY_COL_COUNT, 0}, {"Percent", TALLY_COL_PERCENT, 1}, {0}});
}

/* A new table for number-format checks: one category row labelled `row_label` (none when NULL),
 * then Count (0 decimals), Percent (pct_decimals) and Mean (mean_decimals) in columns 1 to 3. */
static inline tally_table *fixture_format_table(const char *id, const char *row_label, int pct_decimals,
                                                int mean_decimals)
{
    tally_table *t = fixture_table(id, "Formats", "", (const fixture_col[]){{"Count", TALLY_COL_COUNT, 0},
                                                                           {"Percent", TALLY_COL_PERCENT, pct_decimals},
                                                                           {"Mean", TALLY_COL_MEAN, mean_decimals}, {0}});
    size_t r = tally_table_add_row(t, TALLY_ROW_CATEGORY);
    if (row_label) tally_table_set_text(t, r, 0, row_label);
    return t;
}

/* A new report in `language` holding t (the report takes a reference of its own; caller frees
 * it with tally_report_free). */
static inline tally_report *fixture_report_in(const char *language, tally_table *t)
{
    tally_report *r = tally_report_new();
    tally_report_set_meta(r, "language", language);
    tally_report_add_table(r, t);
    return r;
}

/* Returns a new report (caller frees with tally_report_free). */
static inline tally_report *fixture_report(void)
{
    tally_report *rep = tally_report_new();
    tally_report_set_meta(rep, "title", "German cities and their Chinese partners");
    tally_report_set_meta(rep, "source", "responses.csv");
    tally_report_set_meta(rep, "date", "2021-01-01");

    tally_table *t = fixture_count_table("freq_q1", "Q1 Partner city in China", "");
    tally_table_set_question(t, "Does your city have a partner city in China?");
    fixture_row(t, TALLY_ROW_CATEGORY, "Yes", 12, 26.0869565217);
    fixture_row(t, TALLY_ROW_CATEGORY, "No", 30, 65.2173913043);
    fixture_row(t, TALLY_ROW_CATEGORY, "Don't know", 4, 8.6956521739);
    fixture_row(t, TALLY_ROW_TOTAL, "Total", 46, 100);
    tally_table_set_base(t, "N = 46");
    size_t pie[] = {2};
    tally_table_set_chart(t, TALLY_CHART_PIE, "Partner city in China", pie, 1);
    tally_report_add_table(rep, t);
    tally_table_unref(t);

    t = fixture_count_table("hostile", "Labels <script>alert(1)</script> & [links](x) | pipes *stars*", "Answer | *all*");
    for (size_t i = 0; i < FIXTURE_NHOSTILE; i++) fixture_row(t, TALLY_ROW_CATEGORY, fixture_hostile[i], (double)i + 1, 10.0 * (double)i);
    fixture_row(t, TALLY_ROW_MISSING, "line\nbreak\tand tab", 0, 0);
    tally_table_set_base(t, "N = 55, more than one answer possible");
    tally_table_add_note(t, "1. A note that looks like a list item");
    tally_table_add_note(t, "Source: <b>survey</b> | 2021");
    size_t bar[] = {1};
    tally_table_set_chart(t, TALLY_CHART_BAR, "Hostile \"labels\" `x`", bar, 1);
    tally_report_add_table(rep, t);
    tally_table_unref(t);

    t = tally_table_new("crosstab_q2_region", "Q2 Exchange programmes by region");
    tally_table_add_col(t, "", TALLY_COL_LABEL, 0);
    tally_table_set_col_group(t, tally_table_add_col(t, "North", TALLY_COL_PERCENT, 1), "Region");
    tally_table_set_col_group(t, tally_table_add_col(t, "South", TALLY_COL_PERCENT, 1), "Region");
    tally_table_add_col(t, "Sig.", TALLY_COL_LETTERS, 0);
    size_t r = tally_table_add_row(t, TALLY_ROW_SECTION);
    tally_table_set_text(t, r, 0, "Programmes");
    fixture_row(t, TALLY_ROW_CATEGORY, "Schools", 40, 25.5);
    tally_table_set_text(t, 1, 3, "B");
    fixture_row(t, TALLY_ROW_CATEGORY, "Universities", 60, 74.5);
    r = tally_table_add_row(t, TALLY_ROW_BASE);
    tally_table_set_text(t, r, 0, "Base");
    tally_table_set_number(t, r, 1, 20);
    /* South base left empty: an empty cell */
    size_t cols[] = {1, 2};
    tally_table_set_chart(t, TALLY_CHART_COLUMN, NULL, cols, 2);
    tally_table_set_base(t, "N = 46");
    tally_report_add_table(rep, t);
    tally_table_unref(t);

    t = fixture_table("trend", "Partnerships founded per decade", "Decade",
                      (const fixture_col[]){{"Count", TALLY_COL_COUNT, 0}, {"Mean age", TALLY_COL_MEAN, 2}, {0}});
    fixture_row(t, TALLY_ROW_CATEGORY, "1980s", 3, 12.345);
    fixture_row(t, TALLY_ROW_CATEGORY, "1990s", 9, -0.001);
    fixture_row(t, TALLY_ROW_CATEGORY, "2000s", 14, 0.5);
    size_t line[] = {1};
    tally_table_set_chart(t, TALLY_CHART_LINE, "Founded per decade", line, 1);
    tally_report_add_table(rep, t);
    tally_table_unref(t);

    t = fixture_table("empty", "A table without rows", "Label", (const fixture_col[]){{"Count", TALLY_COL_COUNT, 0}, {0}});
    tally_report_add_table(rep, t);
    tally_table_unref(t);

    tally_report_set_number(rep, "n_total", 46, NULL);
    tally_report_set_number(rep, "n_chinese", 12, NULL);
    tally_report_set_number(rep, "pct_chinese", 26.0869565217, "26.1%");
    tally_report_set_number(rep, "zero", 0, NULL);
    tally_report_set_text(rep, "empty_text", "");
    tally_report_set_text(rep, "city", "Köln *am Rhein*");
    return rep;
}

/* Reads a whole file (new string, caller frees), NULL when it cannot. */
static inline char *fixture_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    size_t n;
    while (s && (n = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) s = realloc(s, cap *= 2);
    }
    fclose(f);
    if (s) s[len] = '\0';
    return s;
}

static inline void fixture_spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* The descriptor of plugin NAME from $BUILD/plugins (NULL on failure). */
static inline const tally_plugin_descriptor *fixture_plugin(const char *name)
{
    const char *build = getenv("BUILD");
    char path[4096];
    snprintf(path, sizeof path, "%s/plugins/%s.so", build && *build ? build : "build", name);
    void *so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!so) {
        printf("# dlopen %s: %s\n", path, dlerror());
        return NULL;
    }
    tally_plugin_entry_fn entry = (tally_plugin_entry_fn)dlsym(so, TALLY_PLUGIN_ENTRY_NAME);
    return entry ? entry() : NULL;
}

/* Runs plugin `d` with options `o` (validated here) on `rep`, writing `path`.
 * Returns its status; *err receives the recorded error (new string) or NULL. */
static inline int fixture_write(const tally_plugin_descriptor *d, tally_options *o, const tally_report *rep,
                         const char *path, char **err)
{
    *err = NULL;
    if (tally_options_validate(o, d->options, "output", ".", err) != 0) return -1;
    tally_ctx *ctx = tally_ctx_new(d->name);
    int rc = d->write(tally_host_get(), ctx, o, rep, path);
    if (tally_ctx_error(ctx)) *err = strdup(tally_ctx_error(ctx));
    tally_ctx_free(ctx);
    return rc;
}

/* Writes rep with plugin d to path again (with o as it is now) and returns the file's text (caller
 * frees); *rc gets the status when rc is not NULL, the error is dropped. */
static inline char *fixture_rewrite(const tally_plugin_descriptor *d, tally_options *o, const tally_report *rep,
                                    const char *path, int *rc)
{
    char *err;
    int status = fixture_write(d, o, rep, path, &err);
    free(err);
    if (rc) *rc = status;
    return fixture_slurp(path);
}

/* Frees a writer test's options and report and removes its two output files. */
static inline void fixture_release(tally_options *o, tally_report *rep, const char *p1, const char *p2)
{
    tally_options_free(o);
    tally_report_free(rep);
    unlink(p1);
    unlink(p2);
}

#ifdef CHECK
/* The formatting cases of section `section` of tests/data/report/format_cases.txt: each case's
 * cell (row, col) of t is set to its value and reads its text (needs case_file.o). */
static inline void check_formats(tally_table *t, const char *section)
{
    static const char *const fields[] = {"row", "col", "value", "text", "what", NULL};
    case_list *cases = case_list_read("tests/data/report/format_cases.txt", section, fields);
    char buf[64];
    for (size_t i = 0; i < cases->ncases; i++) {
        size_t row = case_index(cases, i, 0), col = case_index(cases, i, 1);
        tally_table_set_number(t, row, col, case_number(cases, i, 2));
        int failed = check_failures;
        CHECK_STR(tally_table_format_cell(t, row, col, buf, sizeof buf), case_text(cases, i, 3), case_text(cases, i, 4));
        if (check_failures > failed) case_where(cases, i);
    }
    case_list_free(cases);
}

/* Writes rep with plugin d to p1 and once more to p2 (the path option set to p1; a name
 * ending in XXXXXX is first made a new temporary file's, as mkstemp does),
 * checks that the first write succeeds and that both runs give the same bytes
 * (`kind` names the format in the check), and returns p1's text (caller frees). */
static inline char *fixture_write_twice(const tally_plugin_descriptor *d, tally_options *o, const tally_report *rep,
                                        char *p1, char *p2, const char *kind)
{
    char *err;
    if (strstr(p1, "XXXXXX")) close(mkstemp(p1)); /* a template: made into a new file's name */
    if (strstr(p2, "XXXXXX")) close(mkstemp(p2));
    tally_options_set_string(o, "path", p1);
    int rc = fixture_write(d, o, rep, p1, &err);
    CHECK(rc == 0, "write succeeds (%s)", err ? err : "no error");
    free(err);
    fixture_write(d, o, rep, p2, &err);
    free(err);
    char *a = fixture_slurp(p1), *b = fixture_slurp(p2);
    CHECK(a && b && !strcmp(a, b), "two runs give byte-identical %s", kind);
    free(b);
    return a;
}
#endif

#endif
