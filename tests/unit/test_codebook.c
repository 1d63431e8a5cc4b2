/* test_codebook.c: codebook files on CSV data: labels, languages, missing codes, sets, conversions, errors with file:line. */
#include "check.h"
#include "codebook.h"
#include "test_csv_helpers.h"

#define DATA "tests/data/csv/"

static tally_dataset *load(const char *csv, const char *opt)
{
    char *err;
    tally_dataset *ds = csv_load(csv, &err, opt);
    if (!ds) {
        printf("not ok - cannot read %s: %s\n", csv, err);
        exit(1);
    }
    return ds;
}

/* Reads `csv` with `opt` and applies `codebook` in `language`; checks that it applies and returns the
 * dataset, or NULL (the error printed) when it does not. */
static tally_dataset *load_coded(const char *csv, const char *opt, const char *codebook, const char *language)
{
    tally_dataset *ds = load(csv, opt);
    char *err = NULL;
    int rc = tally_codebook_apply(codebook, ds, language, &err);
    CHECK(rc == 0, "%s applies", strrchr(codebook, '/') + 1);
    if (rc == 0) return ds;
    printf("#   %s\n", err);
    free(err);
    tally_dataset_free(ds);
    return NULL;
}

static void test_forms(void)
{
    tally_dataset *ds = load_coded(DATA "forms.csv", "threads=1", DATA "forms.codebook.lua", "de");
    if (!ds) return;
    char *err = NULL;
    tally_column *q1 = ds->cols[tally_dataset_find(ds, "q1")];
    CHECK_STR(q1->label, "Kooperiert Ihre Stadt?", "bilingual label in the report language");
    CHECK_STR(tally_column_value_label(q1, 9), "weiß nicht", "bilingual value label");
    CHECK_STR(tally_column_value_label(q1, 1), "yes", "plain value label");
    CHECK(tally_column_is_user_missing(q1, 9) && !tally_column_is_user_missing(q1, 1), "missing code 9");
    CHECK(q1->measure == TALLY_NOMINAL && q1->format && strcmp(q1->format, "F1.0") == 0 && q1->width == 1,
          "measure and format");
    CHECK(q1->nlabels == 3 && q1->labels[0].code == 1 && q1->labels[2].code == 9, "value labels sorted by code");
    const tally_mrset *m = tally_dataset_find_mrset(ds, "init");
    CHECK(m && m->kind == TALLY_MRSET_DICHOTOMY && m->ncols == 3 && m->counted == 1, "split: a dichotomy set of 3");
    CHECK(m && strcmp(m->label, "Who initiated the partnership?") == 0, "split: the set's label");
    CHECK(m && strcmp(ds->cols[m->cols[0]]->name, "initiators_economy") == 0 &&
              strcmp(ds->cols[m->cols[2]]->name, "initiators_sport") == 0,
          "split: columns named after the options");
    CHECK(m && strcmp(ds->cols[m->cols[1]]->label, "Culture") == 0, "split: option text as column label");
    CHECK(cell_num(ds, "initiators_economy", 0) == 1 && cell_num(ds, "initiators_culture", 0) == 1 &&
              cell_num(ds, "initiators_sport", 0) == 0,
          "split: 'Economy;Culture'");
    CHECK(cell_num(ds, "initiators_culture", 1) == 1 && cell_num(ds, "initiators_economy", 1) == 0, "split: 'Culture'");
    CHECK(isnan(cell_num(ds, "initiators_economy", 2)), "split: a blank answer is missing, not 'none'");
    CHECK(cell_num(ds, "initiators_sport", 3) == 1 && cell_num(ds, "initiators_culture", 3) == 1,
          "split: spaces around options ignored");
    CHECK(ds->weight == tally_dataset_find(ds, "w"), "weight \"w\"");
    tally_dataset_free(ds);

    ds = load(DATA "forms.csv", "threads=1");
    tally_codebook_apply(DATA "forms.codebook.lua", ds, "fr", &err);
    CHECK_STR(ds->cols[tally_dataset_find(ds, "q1")]->label, "Does your city cooperate?", "language falls back to en");
    tally_dataset_free(ds);
}

static void test_checkboxes(void)
{
    tally_dataset *ds = load_coded(DATA "two-header.csv", "header_rows=2", DATA "two-header.codebook.lua", "en");
    if (!ds) return;
    const tally_mrset *m = tally_dataset_find_mrset(ds, "areas");
    CHECK(m && m->ncols == 3 && m->counted == 1, "option-text checkboxes: a set of 3 (pattern area*)");
    CHECK(col_type(ds, "area") == TALLY_NUMERIC && tally_dataset_find(ds, "area_2") == 3,
          "checkboxes become numeric in place");
    CHECK(cell_num(ds, "area", 0) == 1 && cell_num(ds, "area", 1) == 0 && cell_num(ds, "area_3", 0) == 1,
          "option text = 1, blank = 0");
    int c = tally_dataset_find(ds, "area_2");
    CHECK_STR(ds->cols[c]->label, "Culture", "the header's option text stays the label");
    CHECK_STR(tally_column_value_label(ds->cols[c], 1), "Culture", "value label 1 = the option text");
    CHECK_STR(tally_column_value_label(ds->cols[tally_dataset_find(ds, "coop")], 2), "no", "variables { ... } applies");
    tally_dataset_free(ds);

    ds = load_coded(DATA "checkbox.csv", "threads=1", DATA "checkbox.codebook.lua", NULL);
    if (!ds) return;
    CHECK(cell_num(ds, "help_money", 0) == 1 && cell_num(ds, "help_staff", 0) == 0 && cell_num(ds, "help_space", 2) == 0,
          "Selected = 1, Not selected = 0, blank = 0");
    CHECK_STR(tally_column_value_label(ds->cols[1], 1), "Selected", "value label 1 = the selected text");
    tally_dataset_free(ds);
}

/* Applies codebook text to forms.csv; returns the error (caller frees) or NULL. */
static char *apply_text(const char *text)
{
    tally_dataset *ds = load(DATA "forms.csv", "threads=1");
    char *path = csv_tmpfile(text, strlen(text));
    char *err = NULL;
    if (tally_codebook_apply(path, ds, "en", &err) == 0) err = NULL;
    char *msg = err ? xasprintf("%s", strstr(err, path) == err ? err + strlen(path) : err) : NULL;
    free(err);
    unlink(path);
    free(path);
    tally_dataset_free(ds);
    return msg; /* starts at ":line:" when the message names the file */
}

static void expect(const char *text, const char *want, const char *what)
{
    char *got = apply_text(text);
    CHECK_STR(got, want, what);
    free(got);
}

static void test_errors(void)
{
    expect("-- a\nvariable \"q9\" { label = \"x\" }\n",
           ":2: variable 'q9': the data has no column 'q9' (did you mean 'q1'?)", "a column the data lacks");
    expect("variable \"q1\" { lable = \"x\" }\n",
           ":1: variable 'q1': unknown field 'lable' (did you mean 'label'?); allowed: label, values, missing, measure, "
           "format, order", "misspelt field");
    expect("\n\nmrset \"m\" { columns = \"zz_*\" }\n", ":3: mrset 'm': no column of the data matches 'zz_*'",
           "pattern that matches nothing");
    expect("mrset \"i\" {\n  split = \"initiators\",\n  options = { \"Economy\" },\n}\n",
           ":1: mrset 'i': row 1 of column 'initiators' holds 'Culture', which options does not list; add it to options",
           "split: an answer the options lack");
    expect("variable \"q1\" {\n", ":2: unexpected symbol near <eof>", "syntax error");
    expect("local f = io.open(\"/etc/passwd\")\n", ":1: attempt to index a nil value (global 'io')",
           "io is not there");
    expect("variable \"q1\"\nweight \"w\"\n", ":1: variable 'q1' has no { ... } block after it", "declaration without block");
    expect("weight \"initiators\"\n", ":1: weight: column 'initiators' holds text; a weight must be numeric",
           "text weight");
    expect("variable \"q1\" { values = { yes = \"Yes\" } }\n",
           ":1: variable 'q1': values: key 'yes' is not a number, but column 'q1' is numeric; write [1] = \"...\"",
           "text key for a numeric column");
    expect("variable \"q1\" { measure = \"interval\" }\n",
           ":1: variable 'q1': measure must be nominal, ordinal or scale, not 'interval'", "bad measure");
    expect("variable \"q1\" { missing = { range = { 9, 1 } } }\n",
           ":1: variable 'q1': missing: range must be { low, high } with low <= high, on a numeric column", "bad range");
    expect("variables { \"q1\", \"nope\" } { label = \"x\" }\n",
           ":1: variables { 'q1', ... }: the data has no column 'nope'; check the name against the data's header",
           "variables list with an unknown name");
    expect("while true do end\n", ":1: the codebook runs too long (an endless loop?)", "endless loop stops");
    char *err = NULL;
    tally_dataset *ds = tally_dataset_new("x");
    CHECK(tally_codebook_apply(DATA "none.codebook.lua", ds, "en", &err) != 0, "missing codebook fails");
    CHECK_STR(err, DATA "none.codebook.lua: cannot open codebook: No such file or directory", "missing codebook message");
    free(err);
    tally_dataset_free(ds);
}

int main(void)
{
    test_forms();
    test_checkboxes();
    test_errors();
    CHECK_DONE();
}
