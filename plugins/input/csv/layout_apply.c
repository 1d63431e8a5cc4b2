/* layout_apply.c: after a SurveyMonkey or Qualtrics CSV is read: option columns folded into questions and sets. */
#include "layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *csv_layout_cell(const tally_host *h, const tally_dataset *ds, int col, size_t row, char *buf, size_t size)
{
    if (h->var_type(ds, col) == TALLY_STRING) {
        const char *s = h->ds_string(ds, col, row);
        return s ? s : "";
    }
    double v = h->ds_number(ds, col, row);
    if (v != v) return "";
    snprintf(buf, size, "%.15g", v);
    return buf;
}

int csv_layout_replace_numeric(const tally_host *h, tally_dataset *ds, int col, const char *name, const double *vals)
{
    char *keep = strdup(name);
    if (!keep || h->ds_drop_column(ds, col) != 0) {
        free(keep);
        return -1;
    }
    int k = h->ds_add_column(ds, keep, TALLY_NUMERIC);
    free(keep);
    if (k < 0 || h->ds_move_column(ds, k, col) != 0) return -1;
    double *num = h->ds_numeric_data(ds, col);
    if (!num) return -1;
    memcpy(num, vals, h->ds_nrows(ds) * sizeof *vals);
    return 0;
}

void csv_layout_free_name(const tally_host *h, const tally_dataset *ds, const char *base, char *out, size_t size)
{
    snprintf(out, size, "%s", base);
    for (int k = 2;; k++) {
        int taken = 0;
        for (int c = 0; c < h->ds_ncols(ds) && !taken; c++) taken = strcmp(h->var_name(ds, c), out) == 0;
        if (!taken) return;
        snprintf(out, size, "%s_%d", base, k);
    }
}

/* ---- SurveyMonkey: one column per option ------------------------------------------------ */

static int is_other(const char *row2)
{
    return row2 && (strncmp(row2, "Other (please specify)", 22) == 0 || strcmp(row2, "Open-Ended Response") == 0);
}

/* Every filled cell of column c is its option text (row 2): an option column. */
static int option_column(const tally_host *h, const tally_dataset *ds, int c, const char *option)
{
    char buf[64];
    if (!option || !option[0] || csv_is_placeholder(option)) return 0;
    for (size_t r = 0, n = h->ds_nrows(ds); r < n; r++) {
        const char *v = csv_layout_cell(h, ds, c, r, buf, sizeof buf);
        if (v[0] && strcmp(v, option) != 0) return 0;
    }
    return 1;
}

/* Option columns opts[0..nopt) (ascending, each cell its option text, a "1" or blank)
 * replaced in place by 0/1 variables labelled texts[k], and a dichotomy set `name` over
 * them; a row that answered none of them (answered[r] 0) is blank in every item. The
 * first column is renamed NAME_1 when it carries the set's name. 0 or -1. */
static int make_set(const tally_host *h, tally_dataset *ds, const int *opts, int nopt, const char *const *texts,
                    const unsigned char *answered, const char *name, const char *question)
{
    size_t n = h->ds_nrows(ds);
    double *v = malloc((n ? n : 1) * sizeof *v);
    int cols[256], rc = v ? 0 : -1;
    char buf[64];
    for (int k = nopt - 1; k >= 0 && rc == 0; k--) {
        for (size_t r = 0; r < n; r++) v[r] = !answered[r] ? NAN : csv_layout_cell(h, ds, opts[k], r, buf, sizeof buf)[0] ? 1 : 0;
        char item[540];
        if (strcmp(h->var_name(ds, opts[k]), name) == 0) { /* the question's name goes to the set */
            snprintf(item, sizeof item, "%s_1", name);
            if (h->ds_drop_column(ds, opts[k]) != 0) rc = -1;
            char unique[560];
            csv_layout_free_name(h, ds, item, unique, sizeof unique);
            int at = rc ? -1 : h->ds_add_column(ds, unique, TALLY_NUMERIC);
            if (at < 0 || h->ds_move_column(ds, at, opts[k]) != 0 || !h->ds_numeric_data(ds, opts[k])) rc = -1;
            else memcpy(h->ds_numeric_data(ds, opts[k]), v, n * sizeof *v);
        } else {
            snprintf(item, sizeof item, "%s", h->var_name(ds, opts[k]));
            rc = csv_layout_replace_numeric(h, ds, opts[k], item, v);
        }
        if (rc) break;
        h->var_set_label(ds, opts[k], texts[k]);
        h->var_add_value_label(ds, opts[k], 0, "Not selected");
        h->var_add_value_label(ds, opts[k], 1, texts[k]);
        h->var_set_measure(ds, opts[k], TALLY_NOMINAL);
        cols[k] = opts[k];
    }
    if (rc == 0 && h->ds_add_mrset(ds, name, question, TALLY_MRSET_DICHOTOMY, 1, cols, (size_t)nopt) < 0) rc = -1;
    free(v);
    return rc;
}

/* Question [a, b): its option columns folded into one categorical variable (at most one
 * chosen in every row) or made a dichotomy set (several chosen somewhere). */
static int fold_question(const tally_host *h, tally_ctx *ctx, const csv_settings *s, tally_dataset *ds,
                         csv_layout *lay, int a, int b)
{
    char **row2 = lay->rows[1];
    int opts[256], nopt = 0, other = -1;
    for (int c = a; c < b; c++) {
        if (is_other(row2[c]) && other < 0) other = c;
        else if (nopt < 256 && option_column(h, ds, c, row2[c])) opts[nopt++] = c;
        else return 0; /* a matrix or ratings: each column stays a variable */
    }
    size_t n = h->ds_nrows(ds);
    if (nopt < 2 || opts[0] != a || n == 0) return 0; /* no rows: nothing to decide from */
    char buf[64];
    int single = 1;
    double *code = malloc((n ? n : 1) * sizeof *code);
    unsigned char *answered = calloc(n ? n : 1, 1);
    if (!code || !answered) {
        free(code);
        free(answered);
        return -1;
    }
    for (size_t r = 0; r < n; r++) {
        int chosen = 0;
        code[r] = NAN;
        for (int k = 0; k < nopt; k++)
            if (csv_layout_cell(h, ds, opts[k], r, buf, sizeof buf)[0]) chosen++, code[r] = k + 1;
        int other_text = other >= 0 && csv_layout_cell(h, ds, other, r, buf, sizeof buf)[0];
        if (chosen > 1) single = 0;
        if (!chosen && other_text) code[r] = nopt + 1; /* "Other" is the answer */
        answered[r] = chosen || other_text;
    }
    const char *question = lay->rows[0][a];
    int rc = 0;
    char name[512];
    snprintf(name, sizeof name, "%s", h->var_name(ds, a));
    int declared = 0;
    for (size_t k = 0; k < s->ncheck_all && k < CSV_MAX_MISSING; k++)
        if (s->check_all[k] && strcmp(s->check_all[k], name) == 0) declared = lay->check_all_used[k] = 1;
    if (declared) single = 0;
    if (single) {
        for (int k = nopt - 1; k >= 1 && rc == 0; k--) rc = h->ds_drop_column(ds, opts[k]);
        if (rc == 0) rc = csv_layout_replace_numeric(h, ds, a, name, code);
        if (rc == 0) {
            h->var_set_label(ds, a, question);
            for (int k = 0; k < nopt; k++) h->var_add_value_label(ds, a, k + 1, row2[opts[k]]);
            if (other >= 0) h->var_add_value_label(ds, a, nopt + 1, row2[other]);
            h->var_set_measure(ds, a, TALLY_NOMINAL);
            lay->folded++;
            h->log(ctx, TALLY_LOG_INFO, "'%s': %d option columns folded into one variable (no row has two "
                                        "options)", name, nopt);
        }
    } else {
        const char *texts[256];
        for (int k = 0; k < nopt; k++) texts[k] = row2[opts[k]];
        rc = make_set(h, ds, opts, nopt, texts, answered, name, question);
        if (rc == 0) {
            lay->sets++;
            h->log(ctx, TALLY_LOG_INFO, "'%s': %d option columns made a dichotomy set (%s)", name, nopt,
                   declared ? "declared in check_all" : "some rows have several");
        }
    }
    free(code);
    free(answered);
    return rc;
}

static int apply_monkey(const tally_host *h, tally_ctx *ctx, const csv_settings *s, tally_dataset *ds,
                        csv_layout *lay)
{
    if (lay->nrows < 2 || lay->header_rows != 2) return 0;
    int ncols = (int)lay->nfields[0];
    if (ncols != h->ds_ncols(ds)) return 0;
    /* questions right to left: a question's changes leave the columns before it where they are */
    for (int b = ncols; b > 0;) {
        int a = b - 1;
        while (a > 0 && !lay->rows[0][a][0]) a--;
        if (b - a >= 2 && fold_question(h, ctx, s, ds, lay, a, b) != 0) return -1;
        b = a;
    }
    for (size_t k = 0; k < s->ncheck_all && k < CSV_MAX_MISSING; k++)
        if (!lay->check_all_used[k]) {
            h->error(ctx, "%s: check_all names '%s', which is no question spread over option columns; give the "
                          "name of the question's first column", s->path, s->check_all[k]);
            return -2;
        }
    return 0;
}

/* ---- Qualtrics: a multiple-answer question as columns Q3_1, Q3_2, ... --------------------- */

/* The stem of "Q3_12" (length of "Q3"), or 0 when the name does not end in _DIGITS. */
static size_t numbered_stem(const char *name)
{
    size_t n = strlen(name), d = n;
    while (d > 0 && name[d - 1] >= '0' && name[d - 1] <= '9') d--;
    return d < n && d > 1 && name[d - 1] == '_' ? d - 1 : 0;
}

/* Columns [a, b) share a stem: a multiple-answer question when every filled cell of each
 * is "1" or its choice's text (the label after the last " - "), and some row chose two. */
static int qualtrics_set(const tally_host *h, tally_ctx *ctx, tally_dataset *ds, csv_layout *lay, int a, int b,
                         size_t stem)
{
    int opts[256], nopt = 0;
    const char *texts[256];
    char buf[64];
    size_t n = h->ds_nrows(ds);
    for (int c = a; c < b && nopt < 256; c++) {
        const char *label = h->var_label(ds, c), *dash = label ? strrchr(label, '-') : NULL;
        const char *text = dash && dash > label && dash[-1] == ' ' && dash[1] == ' ' ? dash + 2 : NULL;
        if (!text) return 0;
        for (size_t r = 0; r < n; r++) {
            const char *v = csv_layout_cell(h, ds, c, r, buf, sizeof buf);
            if (v[0] && strcmp(v, "1") != 0 && strcmp(v, text) != 0) return 0; /* a matrix: ratings */
        }
        texts[nopt] = text;
        opts[nopt++] = c;
    }
    if (nopt < 2 || n == 0) return 0;
    unsigned char *answered = calloc(n, 1);
    if (!answered) return -1;
    int several = 0;
    for (size_t r = 0; r < n; r++) {
        int chosen = 0;
        for (int k = 0; k < nopt; k++) chosen += csv_layout_cell(h, ds, opts[k], r, buf, sizeof buf)[0] != 0;
        answered[r] = chosen > 0;
        several |= chosen > 1;
    }
    char name[512], question[1024], *copies[256];
    snprintf(name, sizeof name, "%.*s", (int)stem, h->var_name(ds, a));
    const char *label = h->var_label(ds, a);
    snprintf(question, sizeof question, "%.*s", (int)(texts[0] - 3 - label), label);
    int rc = 0;
    for (int k = 0; k < nopt; k++) /* the labels are replaced below: keep the texts */
        if (!(copies[k] = strdup(texts[k]))) rc = -1;
    if (rc == 0 && several) {
        rc = make_set(h, ds, opts, nopt, (const char *const *)copies, answered, name, question);
        if (rc == 0) {
            lay->sets++;
            h->log(ctx, TALLY_LOG_INFO, "'%s': %d choice columns made a dichotomy set", name, nopt);
        }
    }
    for (int k = 0; k < nopt; k++) free(copies[k]);
    free(answered);
    return rc;
}

static int apply_qualtrics(const tally_host *h, tally_ctx *ctx, tally_dataset *ds, csv_layout *lay)
{
    for (int b = h->ds_ncols(ds); b > 0;) { /* right to left, as for SurveyMonkey */
        const char *last = h->var_name(ds, b - 1);
        size_t stem = numbered_stem(last);
        int a = b - 1;
        while (stem && a > 0 && numbered_stem(h->var_name(ds, a - 1)) == stem &&
               strncmp(h->var_name(ds, a - 1), last, stem) == 0)
            a--;
        if (stem && b - a >= 2 && qualtrics_set(h, ctx, ds, lay, a, b, stem) != 0) return -1;
        b = a;
    }
    return 0;
}

int csv_layout_apply(const tally_host *h, tally_ctx *ctx, const csv_settings *s, csv_layout *lay, tally_dataset *ds)
{
    if (lay->kind == CSV_LAYOUT_PLAIN) return 0;
    if (!TALLY_HOST_HAS(h, opt_from_cli) || !h->ds_drop_column || !h->ds_move_column) {
        h->log(ctx, TALLY_LOG_WARN, "%s: this tally is too old to fold the export's option columns; they stay as "
                                    "they are", s->path);
        return 0;
    }
    int rc = lay->kind == CSV_LAYOUT_SURVEYMONKEY ? apply_monkey(h, ctx, s, ds, lay)
             : lay->kind == CSV_LAYOUT_QUALTRICS  ? apply_qualtrics(h, ctx, ds, lay)
                                                  : csv_layout_apply_forms(h, ctx, s, ds, lay);
    if (rc == -1) h->error(ctx, "%s: out of memory arranging the export's columns", s->path);
    return rc ? -1 : 0;
}
