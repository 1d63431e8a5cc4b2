/* describe.c: the dictionary of a dataset as text, for `tally describe` (see describe.h). */
#include "describe.h"
#include "dataset.h"
#include "datefmt.h"
#include "treatment.h"
#include "util.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *measure_name(tally_measure m)
{
    switch (m) {
    case TALLY_NOMINAL: return "nominal";
    case TALLY_ORDINAL: return "ordinal";
    case TALLY_SCALE: return "scale";
    default: return "unknown";
    }
}

/* A code as text; the extremes SPSS uses for LOWEST and HIGHEST get their names, Stata's
 * and SAS's tagged missing values theirs (.a). */
static void put_number(FILE *out, double v)
{
    char tag = tally_tagged_missing_tag(v);
    if (tag) fprintf(out, ".%c", tag);
    else if (v <= -DBL_MAX / 2) fputs("LOWEST", out);
    else if (v >= DBL_MAX / 2) fputs("HIGHEST", out);
    else fprintf(out, "%.15g", v);
}

/* A code of column c: a date column's whole codes as ISO dates ("1949-03-24"), others
 * (and fractions, which a date would round) as numbers. */
static void put_code(FILE *out, const tally_column *c, double v)
{
    char buf[64];
    if (c->is_date && isfinite(v) && v == floor(v) && fabs(v) < 1e14 && !tally_tagged_missing_tag(v))
        fputs(tally_format_date_iso(v, c->is_date, buf, sizeof buf), out);
    else
        put_number(out, v);
}

static void put_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out); /* doubled, as in SPSS syntax */
        fputc(*s, out);
    }
    fputc('"', out);
}

static size_t string_width(const tally_column *c)
{
    if (c->width > 0) return (size_t)c->width;
    size_t w = 0; /* no declared width (CSV): the longest cell */
    for (size_t i = 0; i < c->len; i++) {
        size_t n = strlen(tally_column_string(c, i));
        if (n > w) w = n;
    }
    return w;
}

static void put_missing(FILE *out, const tally_column *c)
{
    if (c->nmissing == 0 && c->nsmissing == 0 && !c->has_range) return;
    fputs("    Missing:  ", out);
    int first = 1;
    if (c->has_range) {
        put_code(out, c, c->range_lo);
        fputs(" THRU ", out);
        put_code(out, c, c->range_hi);
        first = 0;
    }
    for (size_t i = 0; i < c->nmissing; i++, first = 0) {
        if (!first) fputs("; ", out);
        put_code(out, c, c->missing[i]);
    }
    for (size_t i = 0; i < c->nsmissing; i++, first = 0) {
        if (!first) fputs("; ", out);
        put_quoted(out, c->smissing[i]);
    }
    fputc('\n', out);
}

static int label_cmp(const void *a, const void *b)
{
    const tally_value_label *x = *(const tally_value_label *const *)a, *y = *(const tally_value_label *const *)b;
    if (x->scode || y->scode) {
        if (!x->scode) return -1;
        if (!y->scode) return 1;
        return strcmp(x->scode, y->scode);
    }
    return (x->code > y->code) - (x->code < y->code);
}

static void put_value_labels(FILE *out, const tally_column *c)
{
    if (c->nlabels == 0) return;
    const tally_value_label **sorted = xmalloc(c->nlabels * sizeof *sorted);
    for (size_t i = 0; i < c->nlabels; i++) sorted[i] = &c->labels[i];
    qsort(sorted, c->nlabels, sizeof *sorted, label_cmp);
    fputs("    Values:\n", out);
    for (size_t i = 0; i < c->nlabels; i++) {
        const tally_value_label *l = sorted[i];
        fputs("      ", out);
        int missing;
        if (l->scode) {
            put_quoted(out, l->scode);
            missing = tally_column_is_user_missing_string(c, l->scode);
        } else {
            put_code(out, c, l->code);
            missing = tally_column_is_user_missing(c, l->code);
        }
        fprintf(out, " = %s%s\n", l->label, missing ? "  [missing]" : "");
    }
    free(sorted);
}

static const char *date_kind_text(int kind)
{
    switch (kind) {
    case TALLY_DATE_DAYS: return ", date (days since 1970-01-01)";
    case TALLY_DATE_DATETIME: return ", date and time (seconds since 1970-01-01 00:00:00)";
    case TALLY_DATE_TIME: return ", time (seconds)";
    default: return "";
    }
}

/* What `tally report` does with the variable (the overview stage's rules, treatment.h). */
static void put_treatment(FILE *out, const tally_dataset *ds, size_t i, tally_treatment t)
{
    for (size_t k = 0; k < ds->nmrsets; k++)
        for (size_t j = 0; j < ds->mrsets[k].ncols; j++)
            if ((size_t)ds->mrsets[k].cols[j] == i) {
                fprintf(out, "    Report:   in the table of set %s\n", ds->mrsets[k].name);
                return;
            }
    if (ds->weight >= 0 && (size_t)ds->weight == i) {
        fputs("    Report:   the weight, not tabulated\n", out);
        return;
    }
    static const char *const what[] = {NULL, "a frequency table", "descriptives", "not tabulated",
                                       "not tabulated", "not tabulated", "not tabulated"};
    fprintf(out, "    Report:   %s (%s)\n", tally_treatment_name(t), what[t]);
}

static void put_variable(FILE *out, const tally_dataset *ds, size_t i)
{
    const tally_column *c = ds->cols[i];
    fprintf(out, "  %zu. %s\n", i + 1, c->name);
    if (c->label) fprintf(out, "    Label:    %s\n", c->label);
    if (c->type == TALLY_STRING)
        fprintf(out, "    Type:     string, width %zu%s\n", string_width(c),
                c->blank_valid ? ", a blank is a valid answer" : "");
    else fprintf(out, "    Type:     numeric%s\n", date_kind_text(c->is_date));
    int inferred;
    tally_treatment t = tally_treatment_of(ds, (int)i, TALLY_DEFAULT_MAX_CATEGORIES); /* reads the values once */
    tally_measure m = tally_measure_of(c, t, &inferred);
    fprintf(out, "    Measure:  %s%s\n", measure_name(m), inferred ? " (inferred: the file gives none)" : "");
    put_treatment(out, ds, i, t);
    if (c->format) fprintf(out, "    Format:   %s\n", c->format);
    put_missing(out, c);
    put_value_labels(out, c);
}

static void put_mrset(FILE *out, const tally_dataset *ds, const tally_mrset *m)
{
    fprintf(out, "  %s\n", m->name);
    if (m->label) fprintf(out, "    Label:     %s\n", m->label);
    if (m->kind == TALLY_MRSET_DICHOTOMY) {
        fputs("    Kind:      dichotomy, counted value ", out);
        put_number(out, m->counted);
        fputc('\n', out);
    } else {
        fputs("    Kind:      category\n", out);
    }
    fputs("    Variables:", out);
    for (size_t k = 0; k < m->ncols; k++) fprintf(out, " %s", ds->cols[m->cols[k]]->name);
    fputc('\n', out);
}

void tally_describe_print(FILE *out, const tally_dataset *ds)
{
    fprintf(out, "Source: %s\n", ds->source ? ds->source : "(unknown)");
    if (ds->file_label) fprintf(out, "File label: %s\n", ds->file_label);
    if (ds->ndocuments) {
        fprintf(out, "Documents (%zu lines):\n", ds->ndocuments);
        for (size_t i = 0; i < ds->ndocuments; i++) fprintf(out, "  %s\n", ds->documents[i]);
    }
    if (ds->ninfo) { /* how the file was read: what a reader guessed is said so */
        fputs("Read as:\n", out);
        for (size_t i = 0; i < ds->ninfo; i++) fprintf(out, "  %-12s %s\n", ds->info[2 * i], ds->info[2 * i + 1]);
    }
    fprintf(out, "Rows: %zu\n", ds->nrows);
    if (ds->weight >= 0 && (size_t)ds->weight < ds->ncols)
        fprintf(out, "Weight: %s\n", ds->cols[ds->weight]->name);
    else
        fputs("Weight: none\n", out);
    fprintf(out, "\nVariables (%zu):\n", ds->ncols);
    for (size_t i = 0; i < ds->ncols; i++) put_variable(out, ds, i);
    fprintf(out, "\nMultiple-response sets (%zu):\n", ds->nmrsets);
    if (ds->nmrsets == 0) fputs("  none\n", out);
    for (size_t i = 0; i < ds->nmrsets; i++) put_mrset(out, ds, &ds->mrsets[i]);
}
