/* xlsform.h: an XLSForm (KoboToolbox, ODK) read through the excel plugin's reader and applied to an export's dataset. */
#ifndef TALLY_XLSFORM_H
#define TALLY_XLSFORM_H

#include <stddef.h>

#include "tally/plugin.h"

/*
 * The form's `survey` sheet gives each question its type, name and label (in one
 * language, or several as label::Deutsch (de)), groups (begin group / end group) and
 * notes; the `choices` sheet gives the answer lists (list_name, name, label). Applied
 * to the data a KoboToolbox or ODK export holds, the form labels the questions in
 * the report's language, labels select_one codes, makes each select_multiple a
 * multiple-response set (from its space-separated column or its q/option 0/1
 * columns), and recognises the metadata fields (start, end, _uuid, ...), dates as dates.
 * Linked into the excel and csv input plugins.
 */

#define XF_MAX_LABELS 32 /* label columns a sheet may have (languages) */

typedef enum {
    XF_OTHER = 0,       /* text, integer, decimal, date, ...: a question with a label */
    XF_SELECT_ONE,
    XF_SELECT_MULTIPLE,
    XF_NOTE,            /* shown to the respondent, no data */
    XF_META,            /* start, end, today, deviceid, ...: metadata */
    XF_UNKNOWN          /* a type the form standard does not have */
} xf_kind;

typedef struct xf_question {
    char *type;         /* as the form writes it ("select_one yesno") */
    char *name;
    char *path;         /* group path and name: "household/size" */
    char *label;        /* in the chosen language, or NULL */
    char *list;         /* select_*: the choice list's name */
    xf_kind kind;
    int date_kind;      /* a tally_date_kind for date, dateTime, time, start, end, today */
    unsigned row;       /* 1-based row of the survey sheet */
} xf_question;

typedef struct xf_choice {
    char *list, *name, *label;
    unsigned row;       /* 1-based row of the choices sheet */
} xf_choice;

typedef struct xlsform {
    char *path;          /* the form file, for messages */
    xf_question *q;
    size_t nq;
    xf_choice *c;
    size_t nc;
    char *survey_label;  /* the survey sheet's label column used ("label::Deutsch (de)"), or NULL */
    char *choices_label; /* the same for the choices sheet */
    size_t ngroups, nnotes;
} xlsform;

/* Reads the form at `path`, picking label columns for language `lang` ("de"; then
 * "en", then the first); NULL after host->error naming the sheet and row. */
xlsform *xlsform_read(const tally_host *h, tally_ctx *ctx, const char *path, const char *lang);
void xlsform_free(xlsform *f);
/* The language code a label column header names: "label::Deutsch (de)" -> "de",
 * "label::de" -> "de", "label::English" -> "en", "label" -> "" (written into code). */
void xlsform_label_language(const char *header, char *code, size_t n);

/* Applies the form to `ds` (labels, value labels, sets, metadata dates) and says what it
 * did (host->ds_set_info, and at -v); 0, or -1 after host->error. */
int xlsform_apply(const tally_host *h, tally_ctx *ctx, const xlsform *f, tally_dataset *ds);

/* The input option `form` of a file input plugin: reads the form named by option
 * `form` (when set) and applies it; 0, or -1 after host->error. */
int xlsform_option(const tally_host *h, tally_ctx *ctx, const tally_options *o, tally_dataset *ds);

/* An ISO 8601 date or datetime as KoboToolbox and ODK write them ("2024-05-06",
 * "2024-05-06T09:12:44.120+02:00"): 1 with *v days (date) or seconds since 1970 UTC
 * (datetime) and *kind, 0 when the text is not one. */
int xlsform_parse_iso(const char *s, double *v, int *kind);

#endif
