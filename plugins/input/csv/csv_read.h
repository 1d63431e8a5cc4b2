/* csv_read.h: the csv plugin's settings (from the options) and the file reader's entry point. */
#ifndef TALLY_CSV_READ_H
#define TALLY_CSV_READ_H

#include "csv.h"

#define CSV_MAX_TYPES 4096

typedef enum { CSV_ENC_UTF8 = 0, CSV_ENC_CP1252, CSV_ENC_LATIN1 } csv_encoding;

/* Option values; all strings are borrowed from the option set. */
typedef struct csv_settings {
    const char *path;
    char delim;            /* 0: detect */
    char decimal;
    csv_encoding encoding;
    int replace_invalid;   /* invalid_utf8 = "replace" */
    int header_rows;
    int skip_ragged;
    size_t max_field;
    int threads;           /* 0: one per core */
    const char *missing[CSV_MAX_MISSING];
    size_t nmissing;
    const char *types[CSV_MAX_TYPES]; /* "name:numeric" / "name:string" */
    size_t ntypes;
    int utf16;             /* encoding = "utf-16*": a CSV_UTF16_* (csv_decode.h); the text is UTF-8 after decoding */
} csv_settings;

/* Reads s->path into `out` (columns, rows, labels from extra header rows).
 * Returns 0, or -1 after host->error. */
int csv_read_file(const tally_host *host, tally_ctx *ctx, const csv_settings *s, tally_dataset *out);

#endif
