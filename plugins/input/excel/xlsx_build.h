/* xlsx_build.h: the excel input plugin's settings (from the options) and the dataset builder. */
#ifndef TALLY_XLSX_BUILD_H
#define TALLY_XLSX_BUILD_H

#include "plugin_call.h"
#include "xlsx_in.h"

#define XLSX_MAX_MISSING 32
#define XLSX_MAX_TYPES 4096

/* Option values; strings are borrowed from the option set. */
typedef struct xlsx_settings {
    const char *path;
    const char *sheet;        /* a name, or a 1-based index written as digits; NULL: the first */
    int header_rows;
    const char *missing[XLSX_MAX_MISSING]; /* besides the empty cell */
    size_t nmissing;
    const char *types[XLSX_MAX_TYPES];     /* "name:numeric" / "name:string" */
    size_t ntypes;
} xlsx_settings;

/* What the builder works from (all borrowed). */
typedef struct xlsx_build {
    plugin_call call;         /* the read's host and context */
    const xlsx_settings *s;
    const xlsx_book *b;
    xlsx_grid *g;             /* each column's cells are freed once copied into the dataset */
    const char *where;        /* "file.xlsx, sheet 'Data'" for messages */
} xlsx_build;

/* Columns, labels and cells of `ds` from the grid; 0, or -1 after host->error. */
int xlsx_build_dataset(const xlsx_build *x, tally_dataset *ds);

#endif
