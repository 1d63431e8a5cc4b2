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
    char decimal;          /* 0: detect ('.' unless the delimiter is not ',' and numbers are written 12,5) */
    char thousands;        /* 0: none */
    int date_format;       /* date_format: CSV_DATE_DOTS, _MDY or _DMY besides ISO; CSV_DATE_NONE: no inference */
    csv_encoding encoding;
    int replace_invalid;   /* invalid_utf8 = "replace" */
    int header_rows;
    int skip_ragged;
    size_t max_field;
    int threads;           /* 0: one per core */
    const char *missing[CSV_MAX_MISSING];
    size_t nmissing;
    const char *types[CSV_MAX_TYPES]; /* "name:numeric" / "name:string" / "name:date" */
    size_t ntypes;
    int cli;               /* options given on the command line: messages spell them --set NAME=VALUE */
    int header_rows_set;   /* header_rows given, not the default */
    int delim_set, decimal_set, encoding_set;
    csv_layout_kind layout; /* CSV_LAYOUT_AUTO: detected */
    const char *choices[CSV_MAX_MISSING]; /* check-all options that contain the delimiter */
    size_t nchoices;
    const char *check_all[CSV_MAX_MISSING]; /* SurveyMonkey questions declared check-all */
    size_t ncheck_all;
    int utf16;             /* encoding = "utf-16*": a CSV_UTF16_* (csv_decode.h); the text is UTF-8 after decoding */
} csv_settings;

/* An option as the user writes it where they work: "--set name=value" on the
 * command line, else `name = "value"` (a number unquoted). Returns buf. */
const char *csv_spell(const csv_settings *s, char *buf, size_t size, const char *name, const char *value);

/* Reads s->path into `out` (columns, rows, labels from extra header rows).
 * Returns 0, or -1 after host->error. */
int csv_read_file(const tally_host *host, tally_ctx *ctx, const csv_settings *s, tally_dataset *out);

/* mapguard.c: while a guard is on, a read of [map, map+len) past the end of a file
 * that shrank gives zeros instead of SIGBUS, and csv_mapguard_hit() turns 1.
 * begin: 0, or -1 when a guard is already on (the mapping is then unguarded).
 * end: restores the previous SIGBUS handler; 1 when the file shrank. */
int csv_mapguard_begin(const void *map, size_t len);
int csv_mapguard_hit(void);
int csv_mapguard_end(void);

#endif
