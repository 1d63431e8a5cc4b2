/* test_csv_helpers.h: shared helpers of the csv plugin's unit tests: load the plugin, read a file, capture warnings. */
#ifndef TALLY_TEST_CSV_HELPERS_H
#define TALLY_TEST_CSV_HELPERS_H

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "host.h"
#include "util.h"
#include "plugin_harness.h"

/* The csv plugin's descriptor from $BUILD/plugins/csv.so, or from $TALLY_TEST_CSV_SO (a build
 * with tiny steps, tests/e2e/csv_small_steps.sh); exits when it cannot be loaded. */
static const tally_plugin_descriptor *csv_plugin(void)
{
    static const tally_plugin_descriptor *desc;
    if (!desc) desc = harness_build_plugin("csv", "TALLY_TEST_CSV_SO");
    return desc;
}

/* Warnings the last csv_load logged (stderr captured). */
static char csv_warnings[8192];

/* Reads `path` with options given as "name=value" ("name[]=value" appends to a
 * list); NULL-terminated. Returns a new dataset, or NULL with the error in *err. */
static tally_dataset *csv_load_v(const char *path, const char *const *opts, char **err)
{
    return harness_read(csv_plugin(), "csv", path, opts, err, csv_warnings, sizeof csv_warnings);
}

#define csv_load(path, err, ...) csv_load_v((path), (const char *const[]){__VA_ARGS__, NULL}, (err))

/* Writes `len` bytes to a new temporary file; returns its path (caller frees and unlinks). */
static char *csv_tmpfile(const char *data, size_t len)
{
    char *path = xstrdup("/tmp/tally-csv-test.XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
        printf("not ok - cannot write a temporary file\n");
        exit(1);
    }
    close(fd);
    return path;
}

/* Writes a temporary CSV file of `header` and then rows 0..n-1, each appended by
 * write_row (given the caller's `arg`); returns its path (remove with csv_tmpfile_remove). */
static inline char *csv_tmpfile_rows(const char *header, int n, void (*write_row)(sbuf *b, int i, const void *arg),
                                     const void *arg)
{
    sbuf b;
    sbuf_init(&b);
    sbuf_puts(&b, header);
    for (int i = 0; i < n; i++) write_row(&b, i, arg);
    char *path = csv_tmpfile(b.data, b.len);
    sbuf_free(&b);
    return path;
}

/* Removes a file csv_tmpfile wrote and frees its name. */
static inline void csv_tmpfile_remove(char *path)
{
    unlink(path);
    free(path);
}

/* Reads `text` as a CSV file (written to a temporary file, removed again) with options as
 * for csv_load; NULL-terminated. Returns a new dataset, or NULL with the error in *err. */
static inline tally_dataset *csv_load_text_v(const char *text, const char *const *opts, char **err)
{
    char *path = csv_tmpfile(text, strlen(text));
    tally_dataset *ds = csv_load_v(path, opts, err);
    csv_tmpfile_remove(path);
    return ds;
}

#define csv_load_text(text, err, ...) csv_load_text_v((text), (const char *const[]){__VA_ARGS__, NULL}, (err))

static inline const char *cell_str(const tally_dataset *ds, const char *col, size_t row)
{
    int c = tally_dataset_find(ds, col);
    return c < 0 ? "(no column)" : tally_column_string(ds->cols[c], row);
}

static inline double cell_num(const tally_dataset *ds, const char *col, size_t row)
{
    int c = tally_dataset_find(ds, col);
    return c < 0 || ds->cols[c]->type != TALLY_NUMERIC || row >= ds->nrows ? -999999 : tally_col_num(ds->cols[c], row);
}

static inline int col_type(const tally_dataset *ds, const char *col)
{
    int c = tally_dataset_find(ds, col);
    return c < 0 ? 0 : (int)ds->cols[c]->type;
}

#endif
