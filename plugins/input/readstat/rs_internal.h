/* rs_internal.h: shared state and helpers of the readstat input plugin (one read = one rs_state). */
#ifndef TALLY_RS_INTERNAL_H
#define TALLY_RS_INTERNAL_H

#include <readstat.h>
#include <stddef.h>
#include <stdint.h>
#include "tally/plugin.h"

/* The file formats the plugin reads. */
typedef enum { RS_AUTO = 0, RS_SAV, RS_ZSAV, RS_POR, RS_DTA, RS_SAS7BDAT, RS_XPT } rs_format;

/* How a numeric column's stored values become tally values. */
typedef enum {
    RS_DATE_NONE = 0,
    RS_DATE_SPSS,          /* seconds since 1582-10-14 at midnight -> days since 1970 */
    RS_DATE_SPSS_DATETIME, /* seconds since 1582-10-14 -> seconds since 1970 */
    RS_DATE_STATA_DAYS,    /* days since 1960 */
    RS_DATE_STATA_MS,      /* milliseconds since 1960 -> seconds since 1970 */
    RS_DATE_SAS_DAYS,      /* days since 1960 */
    RS_DATE_SAS_SECONDS,   /* seconds since 1960 -> seconds since 1970 */
    RS_DATE_CLOCK          /* seconds of a time (SPSS TIME, SAS TIME): kept as they are */
} rs_date_kind;

/* One value label as read, kept until the end of the file (Stata stores them last). */
typedef struct rs_label {
    int is_string;
    double code;
    char *scode; /* owned */
    char *text;  /* owned */
    char tag;    /* 'a'..'z' for a tagged missing value (code is then its tally code), else 0 */
} rs_label;

typedef struct rs_labelset {
    char *name; /* owned */
    rs_label *items;
    size_t n, cap;
} rs_labelset;

/* Per-column facts the value handler needs. */
typedef struct rs_colinfo {
    int col;              /* dataset column */
    int is_string;
    rs_date_kind date;
    char *labelset;       /* owned, NULL when none */
    uint32_t tags;        /* bit t: tagged missing value .a + t declared user-missing on the column */
} rs_colinfo;

typedef struct rs_state {
    const tally_host *host;
    tally_ctx *ctx;
    tally_dataset *ds;
    const char *path;     /* borrowed from the options */
    rs_format format;
    int user_missing;     /* 1: keep user-missing codes as metadata; 0: make them system-missing */
    rs_colinfo *cols;     /* indexed by ReadStat variable index */
    int ncols, cols_cap;
    double **num;         /* cached numeric column pointers, refreshed after each resize */
    long declared_rows;   /* row count from the file header, -1 when unknown */
    size_t rows_cap;      /* rows allocated in the dataset */
    size_t rows_seen;     /* highest obs_index + 1 */
    rs_labelset *sets;
    size_t nsets;
    int fweight_index;    /* ReadStat index of the frequency weight, -1 for none */
    char *file_encoding;  /* owned, as the file declares it; NULL when not declared */
    char *file_label;     /* owned */
    char readstat_msg[512]; /* the last message from ReadStat's error handler */
    int failed;           /* a handler reported an error through host->error */
} rs_state;

/* rs_detect.c */
const char *rs_format_name(rs_format f);
const char *rs_format_title(rs_format f);         /* "an SPSS system file (.sav)" */
rs_format rs_format_from_name(const char *name);  /* RS_AUTO for "auto" or unknown */
rs_format rs_format_from_path(const char *path);  /* by extension; RS_AUTO when unknown */
/* Reads the first bytes of the file: fills *sniffed with the format they show
 * (RS_AUTO when none) and `what` with a short description of the content for
 * messages ("text (looks like CSV)"). Returns 0, or -1 with errno set. */
int rs_sniff(const char *path, rs_format *sniffed, char *what, size_t whatsize, long *size);
/* 1 when a file sniffed as `sniffed` can be read as `f` (sav and zsav share a parser). */
int rs_format_matches(rs_format f, rs_format sniffed);

/* rs_dates.c */
rs_date_kind rs_date_kind_of(rs_format f, const char *format);
double rs_date_convert(rs_date_kind k, double v);
/* The tally_date_kind the converted numbers have (TALLY_DATE_NONE for RS_DATE_NONE). */
int rs_date_tally_kind(rs_date_kind k);

/* rs_labels.c */
void rs_labels_add(rs_state *st, const char *set, readstat_value_t value, const char *label);
/* Reads the value label sets of a SAS catalogue (.sas7bcat) into st; the data file's
 * variables name them by format. Returns 0, or -1 after host->error. */
int rs_labels_read_catalog(rs_state *st, const char *catalog, const char *encoding);
/* A copy of s without SPSS's trailing blanks (the padding of string values); NULL when out of memory. */
char *rs_trimmed(const char *s);
/* Declares the tagged missing value `tag` ('a'..'z') user-missing on column c (once). */
void rs_declare_tag(rs_state *st, rs_colinfo *c, char tag);
/* Gives every column the labels of its label set (converting date codes). */
void rs_labels_apply(rs_state *st);
void rs_labels_free(rs_state *st);

/* rs_handlers.c */
void rs_install_handlers(readstat_parser_t *parser);
/* Trims the dataset to the rows read and sets the weight; returns 0 or -1 (error reported). */
int rs_finish(rs_state *st);

/* sav_mrsets.c: multiple-response sets from the .sav dictionary (ReadStat 1.1.8 does not
 * expose them). Returns the number of sets added, or -1 after host->error. */
int rs_sav_read_mrsets(rs_state *st, const char *encoding_override);

/* por_reader.c: tally's own reader of SPSS portable files, used for every .por file
 * (libreadstat 1.1.8 rejects those PSPP writes). `encoding` overrides the text
 * encoding (NULL: UTF-8 when valid, else Latin-1). Returns 0, or -1 after host->error. */
int rs_por_read(rs_state *st, const char *encoding);

/* rs_gzip.c: a gzip-compressed file (by its mark), or a file named .zip holding one data file,
 * inflated to a private temporary file: *out gets its path (NULL when the file is not compressed); 0, or -1 after host->error. rs_gunzip_done removes it. */
int rs_gunzip(const tally_host *h, tally_ctx *ctx, const char *path, char **out);
void rs_gunzip_done(char *inflated);

#endif
