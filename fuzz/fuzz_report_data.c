/* fuzz_report_data.c: fuzzes the template renderer with random report data (texts, numbers, tables, charts) under fixed templates. */
#include "fuzz_common.h"
#include "host.h"
#include "md_render.h"
#include "result.h"
#include "template.h"

/* Reads the input front to back; running out gives zeros and empty strings. */
typedef struct reader { const uint8_t *p; size_t n; } reader;

static unsigned byte(reader *r) { if (!r->n) return 0; r->n--; return *r->p++; }

static double number(reader *r)
{
    double x = 0;
    if (r->n >= 8) { memcpy(&x, r->p, 8); r->p += 8; r->n -= 8; } /* any bit pattern: NaN, inf, 1e308 */
    else x = byte(r);
    return x;
}

static char *text(reader *r) /* one length byte, then the bytes (any, not only UTF-8) */
{
    size_t len = byte(r);
    if (len > r->n) len = r->n;
    char *s = fuzz_cstr(r->p, len);
    r->p += len;
    r->n -= len;
    return s;
}

static void set_text(tally_report *rep, const char *key, reader *r)
{
    char *s = text(r);
    tally_report_set_meta(rep, key, s);
    free(s);
}

static tally_report *report_from(reader *r)
{
    tally_report *rep = tally_report_new();
    set_text(rep, "title", r);
    set_text(rep, "subtitle", r);
    set_text(rep, "source", r);
    tally_report_set_meta(rep, "date", "2021-01-01");
    tally_report_set_meta(rep, "language", byte(r) & 1 ? "de" : "en");
    static const char *const names[] = {"cities_n", "pct", "note"};
    for (size_t i = 0; i < 3; i++) {
        char *s = text(r);
        if (byte(r) & 1) tally_report_set_text(rep, names[i], s);
        else tally_report_set_number(rep, names[i], number(r), *s ? s : NULL);
        free(s);
    }
    static const tally_col_type types[] = {TALLY_COL_LABEL, TALLY_COL_COUNT, TALLY_COL_PERCENT, TALLY_COL_NUMBER,
                                           TALLY_COL_MEAN, TALLY_COL_TEXT, TALLY_COL_LETTERS};
    static const tally_row_type rows[] = {TALLY_ROW_CATEGORY, TALLY_ROW_TOTAL, TALLY_ROW_BASE, TALLY_ROW_MISSING,
                                          TALLY_ROW_NET, TALLY_ROW_SECTION, TALLY_ROW_STAT};
    static const tally_chart_kind charts[] = {TALLY_CHART_NONE, TALLY_CHART_BAR, TALLY_CHART_COLUMN, TALLY_CHART_PIE,
                                              TALLY_CHART_LINE};
    size_t ntables = 1 + byte(r) % 3;
    for (size_t t = 0; t < ntables; t++) {
        char *title = text(r);
        tally_table *tb = tally_table_new(t == 0 ? "freq_q1" : t == 1 ? "freq_q2" : "t3", title);
        free(title);
        char *q = text(r);
        tally_table_set_question(tb, q);
        tally_table_add_note(tb, q);
        free(q);
        size_t ncols = 1 + byte(r) % 6, nrows = byte(r) % 24;
        for (size_t c = 0; c < ncols; c++) {
            char *label = text(r);
            tally_table_add_col(tb, label, types[byte(r) % 7], (int)(byte(r) % 12) - 1);
            free(label);
        }
        for (size_t i = 0; i < nrows; i++) {
            size_t row = tally_table_add_row(tb, rows[byte(r) % 7]);
            for (size_t c = 0; c < ncols; c++) {
                if (byte(r) & 1) {
                    char *s = text(r);
                    tally_table_set_text(tb, row, c, s);
                    free(s);
                } else {
                    tally_table_set_number(tb, row, c, number(r));
                }
            }
        }
        size_t series[4], nseries = byte(r) % 4;
        for (size_t k = 0; k < nseries; k++) series[k] = byte(r) % ncols;
        tally_table_set_chart(tb, charts[byte(r) % 5], "chart", series, nseries);
        tally_report_add_table(rep, tb);
        tally_table_unref(tb);
    }
    return rep;
}

static const char *const templates[] = {
    "{% if report.title %}{{ heading 1 }} {{ report.title }}\n{% endif %}{{ report.subtitle }}\n"
    "{% for t in tables %}{{ heading 2 }} {{ t.title }}\n{{ t.question }}\n{{ table t }}\n{{ chart t }}\n{% endfor %}",
    "{{ cities_n }} of {{ pct }} {{ note }}\n{% if note %}yes{% else %}{{ tr \"Base\" }}{% endif %}\n"
    "{{ table \"freq_q1\" }}{{ chart \"freq_q2\" }}{{ table \"t3\" }}{{ chart \"t3\" }}",
    "{% for t in tables %}{{ t.number }}. {{ t.title }} {{ t.base }} {{ t.notes }}\n{{ table t }}{% endfor %}",
};

/* Input: one byte (template, heading level, charts on/off), then the report data. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    tally_log_set_level(0);
    reader r = {data + 1, size - 1};
    tally_report *rep = report_from(&r);
    tpl_env env = {
        .host = tally_host_get(),
        .report = rep,
        .heading_level = 1 + (data[0] >> 2) % 6,
        .table = md_render_table,
        .chart = (data[0] & 0x80) ? md_render_chart : NULL,
        .text = md_escape,
    };
    char *err = NULL;
    char *out = tpl_render_string(&env, "fuzz/data.md", templates[data[0] % 3], &err);
    FUZZ_ASSERT(out ? err == NULL : err != NULL, "an error comes with a message, success without");
    free(out);
    free(err);
    tally_report_free(rep);
    return 0;
}
