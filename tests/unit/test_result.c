/* test_result.c: the result model: cell formatting (SPSS rounding), ids, named values, translations. */
#include "check.h"
#include "datefmt.h"
#include "report_fixture.h"
#include "result.h"
#include "util.h"

/* Date cells: ISO by default, the report language's format once the table is in a German report. */
static void check_dates(void)
{
    char buf[64];
    CHECK_STR(tally_format_date(-7588, TALLY_DATE_DAYS, NULL, buf, sizeof buf), "1949-03-24", "days: ISO date");
    CHECK_STR(tally_format_date(-7588, TALLY_DATE_DAYS, "de", buf, sizeof buf), "24.03.1949", "days: German date");
    CHECK_STR(tally_format_date(4064.67, TALLY_DATE_DAYS, NULL, buf, sizeof buf), "1981-02-17", "a mean of dates rounds to the day");
    CHECK_STR(tally_format_date(-1, TALLY_DATE_DATETIME, NULL, buf, sizeof buf), "1969-12-31 23:59:59",
              "a datetime before 1970");
    CHECK_STR(tally_format_date_iso(19782 * 86400.0 + 49510, TALLY_DATE_DATETIME, buf, sizeof buf), "2024-02-29T13:45:10",
              "ISO datetime with T (JSON)");
    CHECK_STR(tally_format_date(-141428, TALLY_DATE_DAYS, NULL, buf, sizeof buf), "1582-10-14", "SPSS's day zero");
    CHECK_STR(tally_format_date(100000, TALLY_DATE_TIME, NULL, buf, sizeof buf), "27:46:40", "a duration beyond a day");
    CHECK_STR(tally_format_date(-90, TALLY_DATE_TIME, NULL, buf, sizeof buf), "-00:01:30", "a negative duration");
    CHECK_STR(tally_format_date(NAN, TALLY_DATE_DAYS, NULL, buf, sizeof buf), "", "a missing date is empty");

    tally_table *t = tally_table_new("d", "Dates");
    tally_table_add_col(t, "", TALLY_COL_LABEL, 0);
    tally_table_add_col(t, "Minimum", TALLY_COL_NUMBER, 2);
    size_t r = tally_table_add_row(t, TALLY_ROW_STAT);
    tally_table_set_date(t, r, 1, -7588, TALLY_DATE_DAYS);
    CHECK_STR(tally_table_format_cell(t, r, 1, buf, sizeof buf), "1949-03-24", "a date cell, not -7588.00");
    tally_report *rep = fixture_report_in("de", t);
    CHECK_STR(tally_table_format_cell(t, r, 1, buf, sizeof buf), "24.03.1949", "in a German report: 24.03.1949");
    tally_report_set_meta(rep, "language", "en");
    CHECK_STR(tally_table_format_cell(t, r, 1, buf, sizeof buf), "1949-03-24", "the language set later applies too");
    tally_table_set_number(t, r, 1, 2.5);
    CHECK_STR(tally_table_format_cell(t, r, 1, buf, sizeof buf), "2.50", "a number written over a date is a number");
    tally_report_free(rep);
    tally_table_unref(t);
}

int main(void)
{
    check_dates();
    char buf[64];
    CHECK_STR(tally_format_fixed(31.25, 1, buf, sizeof buf), "31.3", "a half rounds away from zero (5/16)");
    CHECK_STR(tally_format_fixed(1.005, 2, buf, sizeof buf), "1.01", "1.005 rounds as it reads");
    CHECK_STR(tally_format_fixed(-2.5, 0, buf, sizeof buf), "-3", "negative halves round away from zero");
    CHECK_STR(tally_format_fixed(-0.04, 1, buf, sizeof buf), "0.0", "no minus sign on a zero");
    CHECK_STR(tally_format_fixed(58.227848, 1, buf, sizeof buf), "58.2", "46 of 79");
    CHECK_STR(tally_format_fixed(62.698412, 1, buf, sizeof buf), "62.7", "79 of 126");
    CHECK_STR(tally_format_fixed(0.125, 2, buf, sizeof buf), "0.13", "0.125 to two decimals");
    CHECK_STR(tally_format_fixed(1234567.0, 0, buf, sizeof buf), "1234567", "whole numbers");
    CHECK_STR(tally_format_fixed(0.05, 3, buf, sizeof buf), "0.050", "leading zeros of the fraction");

    tally_table *t = fixture_format_table("freq", "Economy", 0, 2);
    check_formats(t, "freq");
    {
        tally_table *w = fixture_table("w", "Weighted", "", (const fixture_col[]){{"Count", TALLY_COL_COUNT, 1}, {0}});
        for (int i = 0; i < 3; i++) tally_table_add_row(w, i < 2 ? TALLY_ROW_CATEGORY : TALLY_ROW_BASE); /* 2 + base */
        check_formats(w, "weighted");
        tally_table_unref(w);
    }
    CHECK(tally_table_find_row(t, "Economy") == 0 && tally_table_find_col(t, "Percent") == 2, "rows and columns by label");

    tally_report *rep = tally_report_new();
    tally_report_add_table(rep, t);
    tally_table *t2 = tally_table_new("freq", "Q again");
    tally_report_add_table(rep, t2);
    CHECK_STR(t2->id, "freq_2", "a duplicate id gets a suffix");
    tally_report_set_number(rep, "pct", 58.25, NULL);
    CHECK_STR(tally_report_find_value(rep, "pct")->text, "58.3", "named numbers use the same rounding");
    tally_report_set_number(rep, "n", 46, NULL);
    CHECK_STR(tally_report_find_value(rep, "n")->text, "46", "whole named numbers");
    CHECK_STR(tally_tr("de", "Percent"), "Prozent", "German UI text");
    CHECK_STR(tally_tr("en", "Percent"), "Percent", "English stays");
    CHECK_STR(tally_tr("de", "no such text"), "no such text", "unknown text stays English");
    tally_table_unref(t);
    tally_table_unref(t2);
    tally_report_free(rep);
    CHECK_DONE();
}
