/* test_plugin_h.c: the enum name tables plugin.h exports: every value named once, names found back, the JSON output and Lua stages spelling them alike. */
#include "check.h"
#include "tally/plugin.h"

typedef const char *(*name_fn)(int);

/* Every value first..last has a name, the name finds its value back, and no other value has one. */
static void round_trip(const char *what, name_fn name_of, int first, int last)
{
    int ok = 1;
    for (int v = 0; v < 64; v++) {
        const char *n = name_of(v);
        if (v >= first && v <= last) ok &= n != NULL && tally_enum_lookup(name_of, n) == v;
        else ok &= n == NULL;
    }
    CHECK(ok, "%s: values %d..%d named and found back, no other value named", what, first, last);
}

int main(void)
{
    round_trip("column types", tally_col_type_name, TALLY_COL_LABEL, TALLY_COL_TEXT);
    round_trip("row types", tally_row_type_name, TALLY_ROW_CATEGORY, TALLY_ROW_SECTION);
    round_trip("chart kinds", tally_chart_kind_name, TALLY_CHART_NONE, TALLY_CHART_STACKED_BAR);
    CHECK_STR(tally_chart_kind_name(TALLY_CHART_STACKED_BAR), "stacked", "TALLY_CHART_STACKED_BAR is 'stacked'");
    CHECK_STR(tally_col_type_name(TALLY_COL_LETTERS), "letters", "TALLY_COL_LETTERS is 'letters'");
    CHECK_STR(tally_row_type_name(TALLY_ROW_BASE), "base", "TALLY_ROW_BASE is 'base'");
    CHECK_STR(tally_chart_kind_name(TALLY_CHART_PIE), "pie", "TALLY_CHART_PIE is 'pie'");
    CHECK(tally_enum_lookup(tally_chart_kind_name, "donut") == -1, "an unknown name is -1");
    CHECK(tally_enum_lookup(tally_row_type_name, NULL) == -1, "no name is -1");
    return check_failures != 0;
}
