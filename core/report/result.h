/* result.h: the result model stages produce and outputs read: tables, charts, named values. */
#ifndef TALLY_RESULT_H
#define TALLY_RESULT_H

#include <stddef.h>
#include "tally/plugin.h"

typedef struct tally_cell {
    double num;  /* NaN: empty or text */
    char *text;  /* NULL for a number */
    int date;    /* a tally_date_kind: the number is a date, datetime or time; 0 for none */
} tally_cell;

typedef struct tally_tcol {
    char *label;
    char *group;           /* banner header spanning columns, NULL */
    tally_col_type type;
    int decimals;
} tally_tcol;

typedef struct tally_trow {
    tally_row_type type;
    tally_cell *cells;     /* ncols cells; column 0 is usually the label */
} tally_trow;

struct tally_table {
    int refs;
    char *id;              /* unique within the report, "freq_q1" */
    char *title;
    char *question;        /* NULL if none */
    char *base;            /* base text, NULL if none */
    char **notes;
    size_t nnotes;
    tally_tcol *cols;
    size_t ncols;
    tally_trow *rows;
    size_t nrows, rows_cap;
    tally_chart_kind chart;
    char *chart_title;
    size_t *series;        /* column indices the chart plots */
    size_t nseries;
    char *lang;            /* report language the cells are formatted in (dates), NULL: ISO */
    struct tally_banner *banner; /* banner model (banner.h), owned; NULL for other tables */
    /* The smallest (unweighted) base a percentage of the table rests on, for the report's
     * margin-of-error note (moe_note.c): set with the base line (stats_set_base_range), smaller
     * for column percentages; 0: none known. pct_weighted: the table is weighted. */
    double pct_n;
    int pct_weighted;
};

typedef struct tally_named_value {
    char *name;
    tally_value_kind kind; /* TALLY_VALUE_TEXT for text */
    int is_number;
    double number;
    char *text;            /* formatted text */
} tally_named_value;

typedef struct tally_meta {
    char *key, *value;
} tally_meta;

struct tally_report {
    tally_meta *meta;
    size_t nmeta;
    tally_table **tables;
    size_t ntables;
    tally_named_value *values;
    size_t nvalues;
    tally_dataset **datasets; /* borrowed: the runner owns them */
    size_t ndatasets;
    int failed_checks;        /* assert stages that failed */
    char **check_messages;
    size_t nchecks;
    int keep_ids;             /* 1: tables keep the ids they ask for (a stage's own report in a batch,
                               * stage_batch.h: ids are made unique when it joins the run's report) */
};

/* Tables: tally_table_new returns a table with one reference. */
tally_table *tally_table_new(const char *id, const char *title);
void tally_table_ref(tally_table *t);
void tally_table_unref(tally_table *t);
size_t tally_table_add_col(tally_table *t, const char *label, tally_col_type type, int decimals);
void tally_table_set_col_group(tally_table *t, size_t col, const char *group);
/* Adds a row of empty cells; returns its index. */
size_t tally_table_add_row(tally_table *t, tally_row_type type);
void tally_table_set_number(tally_table *t, size_t row, size_t col, double v);
void tally_table_set_text(tally_table *t, size_t row, size_t col, const char *s);
/* A number that is a date, datetime or time (a tally_date_kind; 0 makes it a plain number). */
void tally_table_set_date(tally_table *t, size_t row, size_t col, double v, int kind);
/* The language dates are formatted in ("de": 24.03.1949); reports set it on the tables they get. */
void tally_table_set_lang(tally_table *t, const char *lang);
void tally_table_set_question(tally_table *t, const char *q);
void tally_table_set_base(tally_table *t, const char *base);
void tally_table_set_title(tally_table *t, const char *title);
void tally_table_set_id(tally_table *t, const char *id);
void tally_table_add_note(tally_table *t, const char *note);
void tally_table_set_chart(tally_table *t, tally_chart_kind kind, const char *title,
                           const size_t *series, size_t nseries);
/* `v` with `dec` decimals, halves rounded away from zero as SPSS and Excel show them
 * (31.25 -> "31.3", not the "31.2" of printf's round-half-even); returns buf. */
const char *tally_format_fixed(double v, int dec, char *buf, size_t n);
/* Formats cell (r, c) as shown in reports, in the table's language: counts as integers when whole,
 * percents with '%' ("78,9 %" in German), thousands grouped;
 * date cells as dates. */
const char *tally_table_format_cell(const tally_table *t, size_t r, size_t c, char *buf, size_t n);
int tally_table_find_col(const tally_table *t, const char *label); /* -1 if none */
int tally_table_find_row(const tally_table *t, const char *label); /* by column-0 text, -1 if none */

/* Reports. */
tally_report *tally_report_new(void);
void tally_report_free(tally_report *r);
void tally_report_set_meta(tally_report *r, const char *key, const char *value);
const char *tally_report_meta(const tally_report *r, const char *key);
/* Adds a table (takes a new reference). A duplicate id gets a suffix "_2", "_3"... */
void tally_report_add_table(tally_report *r, tally_table *t);
const tally_table *tally_report_find_table(const tally_report *r, const char *id);
void tally_report_set_number(tally_report *r, const char *name, double v, const char *text);
void tally_report_set_text(tally_report *r, const char *name, const char *text);
/* A number with its kind (count, percent, p...); `text` NULL: written by kind in the report language. */
void tally_report_set_value(tally_report *r, const char *name, double v, tally_value_kind kind, const char *text);
/* `v` as a value of `kind` in `language`; decimals < 0 the kind's own. Returns buf. */
const char *tally_format_value(const char *language, tally_value_kind kind, double v, int decimals, char *buf,
                               size_t n);
const tally_named_value *tally_report_find_value(const tally_report *r, const char *name);
void tally_report_add_dataset(tally_report *r, tally_dataset *ds);
void tally_report_add_check(tally_report *r, int passed, const char *message);

/* tally_tr, UI text in the report's language, is in messages.h. */
#include "messages.h"

#endif
