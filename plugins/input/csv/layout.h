/* layout.h: survey-platform export layouts (SurveyMonkey, Qualtrics, Google and Microsoft Forms) of the csv plugin. */
#ifndef TALLY_CSV_LAYOUT_H
#define TALLY_CSV_LAYOUT_H

#include "csv.h"
#include "csv_read.h"

#define CSV_LAYOUT_ROWS 4 /* rows looked at: up to three header rows and the first data row */

/* What the first rows of a file say about its layout. */
typedef struct csv_layout {
    csv_layout_kind kind;   /* never CSV_LAYOUT_AUTO once decided */
    int detected;           /* 1: found by layout = "auto" */
    int header_rows;        /* header rows the layout reads */
    char reason[320];       /* why, for `tally describe` and -v */
    char **rows[CSV_LAYOUT_ROWS]; /* the first rows' texts (owned); rows[1] is SurveyMonkey's option row */
    long nfields[CSV_LAYOUT_ROWS];
    size_t line[CSV_LAYOUT_ROWS]; /* the line each row starts on */
    size_t nrows;
    /* what apply changed, for `tally describe` */
    size_t folded, sets, split, dates;
    unsigned char check_all_used[CSV_MAX_MISSING]; /* which check_all names matched a question */
} csv_layout;

/* Decides the layout from s->layout and the first rows of [buf, end) (cfg's delimiter and
 * line end set), fills *lay and checks that no data row among them looks like a header row
 * of a known layout. 0, or -1 after host->error. */
int csv_layout_detect(const tally_host *h, tally_ctx *ctx, const csv_cfg *cfg, const csv_settings *s, const char *buf,
                      const char *end, csv_layout *lay);
/* Columns the layout reads as text whatever they hold (Qualtrics' open "other" answers, *_TEXT). */
void csv_layout_force_types(const csv_layout *lay, char **names, size_t ncols, int *forced);
/* After the read: option columns folded into questions and sets, delimited check-all answers
 * split, timestamps read as dates. 0, or -1 after host->error. */
int csv_layout_apply(const tally_host *h, tally_ctx *ctx, const csv_settings *s, csv_layout *lay, tally_dataset *ds);
/* The facts of the read for `tally describe` (encoding, delimiter, decimal mark, header rows, layout). */
void csv_layout_info(const tally_host *h, tally_dataset *ds, const csv_settings *s, const csv_cfg *cfg,
                     const csv_layout *lay, int bom);
void csv_layout_free(csv_layout *lay);

/* Shared by layout_apply.c and layout_forms.c. */
/* A cell as text (numbers as typed); "" for a missing cell. buf holds a number's digits. */
const char *csv_layout_cell(const tally_host *h, const tally_dataset *ds, int col, size_t row, char *buf, size_t size);
/* Replaces column `col` by a new numeric column `name` holding vals (one a row) in its
 * place; 0 or -1. */
int csv_layout_replace_numeric(const tally_host *h, tally_dataset *ds, int col, const char *name, const double *vals);
/* A name not yet in ds: base, else base_2, base_3, ... into out. */
void csv_layout_free_name(const tally_host *h, const tally_dataset *ds, const char *base, char *out, size_t size);
/* Forms: check-all answers split, timestamps read as dates; 0 or -1. */
int csv_layout_apply_forms(const tally_host *h, tally_ctx *ctx, const csv_settings *s, tally_dataset *ds,
                           csv_layout *lay);

#endif
