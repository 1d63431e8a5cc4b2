/* fuzz_report.h: a small report (meta, values, tables with hostile text, a chart) for the template and Markdown fuzz targets. */
#ifndef TALLY_FUZZ_REPORT_H
#define TALLY_FUZZ_REPORT_H

#include "result.h"

static inline tally_report *fuzz_report(void)
{
    tally_report *r = tally_report_new();
    tally_report_set_meta(r, "title", "Partners | *test* <b>&amp;</b>");
    tally_report_set_meta(r, "language", "en");
    tally_report_set_meta(r, "date", "2021-01-01");
    tally_report_set_number(r, "cities_n", 79, NULL);
    tally_report_set_number(r, "zero", 0, NULL);
    tally_report_set_number(r, "pct", 41.5, "41.5%");
    tally_report_set_text(r, "note", "# not a heading\n- nor a list | `code`");
    tally_report_set_text(r, "empty", "");
    static const char *const labels[] = {"East", "West | *x*", "<script>", "", "1. \xE2\x80\xA6"};
    for (int k = 0; k < 2; k++) {
        tally_table *t = tally_table_new(k ? "freq_q2" : "freq_q1", k ? "Second | table" : "First `table`");
        tally_table_set_question(t, "Does your city cooperate?\nSecond line");
        tally_table_set_base(t, "All cities (n = 79)");
        tally_table_add_note(t, "A note with _underscores_ and [links](x)");
        tally_table_add_col(t, "Answer", TALLY_COL_LABEL, 0);
        tally_table_add_col(t, "n", TALLY_COL_COUNT, 0);
        tally_table_add_col(t, "%", TALLY_COL_PERCENT, 1);
        for (size_t i = 0; i < sizeof labels / sizeof *labels; i++) {
            size_t row = tally_table_add_row(t, i == 4 ? TALLY_ROW_TOTAL : TALLY_ROW_CATEGORY);
            tally_table_set_text(t, row, 0, labels[i]);
            tally_table_set_number(t, row, 1, (double)(i * 7));
            tally_table_set_number(t, row, 2, (double)i * 12.5);
        }
        size_t series[1] = {k ? 2 : 1};
        tally_table_set_chart(t, k ? TALLY_CHART_BAR : TALLY_CHART_PIE, "Chart \"title\"", series, 1);
        tally_report_add_table(r, t);
    }
    return r;
}

#endif
