/* gen_date_files.c: writes dates.dta (%td, %tc) and dates.sas7bdat (DATE9., DATETIME20., TIME8.) for the date tests. */
#include <readstat.h>
#include <stdio.h>
#include <string.h>

/* Three respondents; the first born 1949-03-24, interviewed 2024-02-29 13:45:10, for 01:30:00. */
#define DAYS_1960_TO_1970 3653.0
static const double born[3] = {-7588, 0, 19782};                          /* days since 1970 */
static const double at[3] = {19782 * 86400.0 + 49510, 86399, -1};          /* seconds since 1970 */
static const double took[3] = {5400, 86399, 0};                            /* seconds */
static const int group[3] = {1, 2, 1};

static ssize_t write_bytes(const void *data, size_t len, void *ctx) { return (ssize_t)fwrite(data, 1, len, ctx); }

static int write_file(const char *path, int sas)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return -1;
    }
    readstat_writer_t *w = readstat_writer_init();
    readstat_set_data_writer(w, write_bytes);
    readstat_variable_t *g = readstat_add_variable(w, "grp", READSTAT_TYPE_DOUBLE, 0);
    readstat_variable_set_label(g, "Group");
    readstat_variable_t *b = readstat_add_variable(w, "born", READSTAT_TYPE_DOUBLE, 0);
    readstat_variable_set_label(b, "Date of birth");
    readstat_variable_set_format(b, sas ? "DATE9" : "%td");
    readstat_variable_t *a = readstat_add_variable(w, "at", READSTAT_TYPE_DOUBLE, 0);
    readstat_variable_set_label(a, "Interview start");
    readstat_variable_set_format(a, sas ? "DATETIME20" : "%tc");
    readstat_variable_t *t = NULL;
    if (sas) { /* Stata has no time-of-day format */
        t = readstat_add_variable(w, "took", READSTAT_TYPE_DOUBLE, 0);
        readstat_variable_set_label(t, "Duration");
        readstat_variable_set_format(t, "TIME8");
    }
    readstat_error_t e = sas ? readstat_begin_writing_sas7bdat(w, f, 3) : readstat_begin_writing_dta(w, f, 3);
    for (int r = 0; r < 3 && e == READSTAT_OK; r++) {
        e = readstat_begin_row(w);
        readstat_insert_double_value(w, g, group[r]);
        readstat_insert_double_value(w, b, born[r] + DAYS_1960_TO_1970);
        double secs = at[r] + DAYS_1960_TO_1970 * 86400.0;
        readstat_insert_double_value(w, a, sas ? secs : secs * 1000.0); /* %tc counts milliseconds */
        if (t) readstat_insert_double_value(w, t, took[r]);
        if (e == READSTAT_OK) e = readstat_end_row(w);
    }
    if (e == READSTAT_OK) e = readstat_end_writing(w);
    readstat_writer_free(w);
    fclose(f);
    if (e != READSTAT_OK) fprintf(stderr, "%s: %s\n", path, readstat_error_message(e));
    return e == READSTAT_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_date_files DIR (writes DIR/dates.dta and DIR/dates.sas7bdat)\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/dates.dta", argv[1]);
    if (write_file(path, 0) != 0) return 1;
    snprintf(path, sizeof path, "%s/dates.sas7bdat", argv[1]);
    return write_file(path, 1) != 0;
}
