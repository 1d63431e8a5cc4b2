/* test_describe.c: tally_describe_print on a dataset built through the host table, compared with the exact text. */
#include "check.h"
#include "dataset.h"
#include "describe.h"
#include "host.h"

#include <float.h>
#include <stdlib.h>

static const char *const want =
    "Source: city.csv (csv)\n"
    "Rows: 3\n"
    "Weight: wt\n"
    "\n"
    "Variables (6):\n"
    "  1. q1\n"
    "    Label:    How important is culture?\n"
    "    Type:     numeric\n"
    "    Measure:  ordinal\n"
    "    Report:   categorical (a frequency table)\n"
    "    Format:   F2.0\n"
    "    Missing:  95 THRU HIGHEST; 9\n"
    "    Values:\n"
    "      1 = very important\n"
    "      2 = important\n"
    "      9 = don't know  [missing]\n"
    "  2. city\n"
    "    Type:     string, width 9\n"
    "    Measure:  nominal\n"
    "    Report:   categorical (a frequency table)\n"
    "    Missing:  \"n/a\"; \"say \"\"no\"\"\"\n"
    "    Values:\n"
    "      \"Berlin\" = Capital\n"
    "      \"n/a\" = not answered  [missing]\n"
    "  3. born\n"
    "    Type:     numeric, date (days since 1970-01-01)\n"
    "    Measure:  scale\n"
    "    Report:   date (not tabulated)\n"
    "    Missing:  LOWEST THRU -1.5\n"
    "  4. m1\n"
    "    Type:     numeric\n"
    "    Measure:  scale (inferred: the file gives none)\n"
    "    Report:   in the table of set $media\n"
    "  5. m2\n"
    "    Type:     numeric\n"
    "    Measure:  scale (inferred: the file gives none)\n"
    "    Report:   in the table of set $media\n"
    "  6. wt\n"
    "    Type:     numeric\n"
    "    Measure:  scale\n"
    "    Report:   the weight, not tabulated\n"
    "\n"
    "Multiple-response sets (2):\n"
    "  $media\n"
    "    Label:     Media used\n"
    "    Kind:      dichotomy, counted value 1\n"
    "    Variables: m1 m2\n"
    "  $nolabel\n"
    "    Kind:      category\n"
    "    Variables: m2 m1\n";

static char *describe(const tally_dataset *ds)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return NULL;
    tally_describe_print(f, ds);
    fclose(f);
    return text;
}

/* Adds the blank-separated columns of `spec` through the host, numeric unless a name ends in ":text";
 * *cols[i] gets the index of the i-th. */
static void add_columns(const tally_host *h, tally_dataset *ds, const char *spec, int *const *cols)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", spec);
    size_t i = 0;
    for (char *save = NULL, *name = strtok_r(buf, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
        char *colon = strchr(name, ':');
        if (colon) *colon = '\0';
        *cols[i++] = h->ds_add_column(ds, name, colon && !strcmp(colon + 1, "text") ? TALLY_STRING : TALLY_NUMERIC);
    }
}

/* File label, documents, date kinds, blanks, and each treatment inferred from the values. */
static void check_spss_facts(const tally_host *h)
{
    tally_dataset *ds = tally_dataset_new("s");
    int id, q, x, note, at, took;
    add_columns(h, ds, "id q x note:text at took", (int *const[]){&id, &q, &x, &note, &at, &took});
    h->ds_resize(ds, 12);
    double *idv = h->ds_numeric_data(ds, id), *qv = h->ds_numeric_data(ds, q), *xv = h->ds_numeric_data(ds, x);
    for (size_t r = 0; r < 12; r++) {
        idv[r] = 1001 + (double)r;       /* distinct whole numbers: an identifier */
        qv[r] = (double)(r % 3);         /* three values that repeat: categorical */
        xv[r] = 0.5 * (double)r * r;     /* distinct, not whole: a scale */
        char s[32];
        int n = snprintf(s, sizeof s, "answer %zu", r); /* distinct texts: free text */
        h->ds_set_string(ds, note, r, s, (size_t)n);
    }
    h->var_set_blank_valid(ds, note, 1);
    h->var_set_date(ds, at, TALLY_DATE_DATETIME);
    h->var_set_date(ds, took, TALLY_DATE_TIME);
    h->var_add_missing(ds, at, -1);
    h->ds_set_file_label(ds, "City survey 2024");
    h->ds_add_document(ds, "Wave 1, fielded in March.");
    h->ds_add_document(ds, "Weights added in April.");
    char *got = describe(ds);
    CHECK_CONTAINS(got, "File label: City survey 2024\nDocuments (2 lines):\n  Wave 1, fielded in March.\n"
                        "  Weights added in April.\n", "describe shows the file label and the documents");
    CHECK_CONTAINS(got, "  1. id\n    Type:     numeric\n    Measure:  nominal (inferred: the file gives none)\n"
                        "    Report:   identifier (not tabulated)\n", "distinct whole numbers: an identifier, nominal");
    CHECK_CONTAINS(got, "  2. q\n    Type:     numeric\n    Measure:  nominal (inferred: the file gives none)\n"
                        "    Report:   categorical (a frequency table)\n", "repeated codes: categorical, nominal");
    CHECK_CONTAINS(got, "  3. x\n    Type:     numeric\n    Measure:  scale (inferred: the file gives none)\n"
                        "    Report:   scale (descriptives)\n", "distinct fractions: a scale");
    CHECK_CONTAINS(got, "  4. note\n    Type:     string, width 9, a blank is a valid answer\n"
                        "    Measure:  nominal (inferred: the file gives none)\n    Report:   text (not tabulated)\n",
                   "distinct texts: free text; blanks that count are said");
    CHECK_CONTAINS(got, "    Type:     numeric, date and time (seconds since 1970-01-01 00:00:00)\n"
                        "    Measure:  scale (inferred: the file gives none)\n    Report:   date (not tabulated)\n",
                   "a datetime");
    CHECK_CONTAINS(got, "    Missing:  1969-12-31T23:59:59\n", "a date column's missing codes are dates");
    CHECK_CONTAINS(got, "    Type:     numeric, time (seconds)\n", "a time");
    free(got);
    tally_dataset_free(ds);
}

int main(void)
{
    const tally_host *h = tally_host_get();
    tally_dataset *ds = tally_dataset_new("d");
    int q1, city, born, m1, m2, wt;
    add_columns(h, ds, "q1 city:text born m1 m2 wt", (int *const[]){&q1, &city, &born, &m1, &m2, &wt});
    CHECK(h->ds_resize(ds, 3) == 0, "dataset of 3 rows");
    h->ds_set_string(ds, city, 0, "Berlin", 6);
    h->ds_set_string(ds, city, 1, "Frankfurt", 9); /* widest cell: no declared width, so width 9 */
    h->ds_set_source(ds, "city.csv (csv)");
    h->var_set_label(ds, q1, "How important is culture?");
    h->var_set_measure(ds, q1, TALLY_ORDINAL);
    h->var_set_format(ds, q1, "F2.0", 2, 0);
    /* added out of order: the dictionary sorts value labels by code */
    h->var_add_value_label(ds, q1, 9, "don't know");
    h->var_add_value_label(ds, q1, 2, "important");
    h->var_add_value_label(ds, q1, 1, "very important");
    h->var_add_missing(ds, q1, 9);
    h->var_set_missing_range(ds, q1, 95, DBL_MAX);
    h->var_set_measure(ds, city, TALLY_NOMINAL);
    h->var_add_string_value_label(ds, city, "n/a", "not answered");
    h->var_add_string_value_label(ds, city, "Berlin", "Capital");
    h->var_add_missing_string(ds, city, "n/a");
    h->var_add_missing_string(ds, city, "say \"no\"");
    h->var_set_date(ds, born, 1);
    h->var_set_measure(ds, born, TALLY_SCALE);
    h->var_set_missing_range(ds, born, -DBL_MAX, -1.5);
    h->var_set_measure(ds, wt, TALLY_SCALE);
    h->ds_set_weight(ds, wt);
    int dich[] = {m1, m2}, cat[] = {m2, m1};
    CHECK(h->ds_add_mrset(ds, "$media", "Media used", TALLY_MRSET_DICHOTOMY, 1, dich, 2) == 0, "dichotomy set added");
    CHECK(h->ds_add_mrset(ds, "$nolabel", NULL, TALLY_MRSET_CATEGORY, 0, cat, 2) == 1, "category set added");

    char *got = describe(ds);
    CHECK_STR(got, want, "describe prints the whole dictionary exactly");
    if (got && strcmp(got, want) != 0) printf("# full output:\n%s", got);
    free(got);

    check_spss_facts(h);

    tally_dataset *empty = tally_dataset_new("e");
    got = describe(empty);
    CHECK_STR(got, "Source: (unknown)\nRows: 0\nWeight: none\n\nVariables (0):\n\nMultiple-response sets (0):\n  none\n",
              "describe of an empty dataset");
    free(got);
    tally_dataset_free(empty);
    tally_dataset_free(ds);
    CHECK_DONE();
}
