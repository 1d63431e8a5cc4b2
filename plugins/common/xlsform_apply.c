/* xlsform_apply.c: an XLSForm applied to a KoboToolbox/ODK export's dataset: labels, choices, multiple-response sets, metadata. */
#include "xlsform.h"
#include "civil_days.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What the apply found, for describe and -v. */
typedef struct xf_report {
    char meta[1024], unknown[1024], absent[1024], grouped[1024], made[1024];
    size_t nsel1, nselm, nother, nmeta, nabsent;
} xf_report;

static void list_add(char *buf, size_t n, const char *fmt, const char *a, unsigned row)
{
    size_t o = strlen(buf);
    if (o + 16 >= n) {
        if (!strstr(buf, ", ...")) snprintf(buf + o, n - o, ", ...");
        return;
    }
    if (o) o += (size_t)snprintf(buf + o, n - o, ", ");
    snprintf(buf + o, n - o, fmt, a, row);
}

int xlsform_parse_iso(const char *s, double *v, int *kind)
{
    int y, mo, d, hh = 0, mi = 0, n = 0;
    double sec = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10 || mo < 1 || mo > 12 || d < 1 || d > 31)
        return 0;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap)) return 0;
    double days = (double)civil_days(y, mo, d);
    s += n;
    if (!*s) {
        *v = days;
        *kind = TALLY_DATE_DAYS;
        return 1;
    }
    if ((*s != 'T' && *s != ' ') || sscanf(s + 1, "%2d:%2d%n", &hh, &mi, &n) != 2 || n != 5) return 0;
    s += 1 + n;
    if (*s == ':') {
        char *end;
        sec = strtod(s + 1, &end);
        if (end == s + 1 || sec < 0 || sec >= 61) return 0;
        s = end;
    }
    int off = 0;
    if (*s == 'Z') s++;
    else if (*s == '+' || *s == '-') {
        int oh, om = 0, sign = *s == '-' ? -1 : 1;
        if (sscanf(s + 1, "%2d:%2d%n", &oh, &om, &n) == 2) s += 1 + n;
        else if (sscanf(s + 1, "%2d%n", &oh, &n) == 1) s += 1 + n;
        else return 0;
        off = sign * (oh * 60 + om);
    }
    if (*s || hh > 23 || mi > 59) return 0;
    *v = days * 86400.0 + hh * 3600.0 + mi * 60.0 + sec - off * 60.0;
    *kind = TALLY_DATE_DATETIME;
    return 1;
}

/* The dataset column of a form field: its group path ("grp/q1"), ODK Central's "grp-q1", or its name. */
static int find_col(const tally_host *h, tally_dataset *ds, const char *path, const char *name)
{
    int nc = h->ds_ncols(ds);
    char dashed[1024];
    snprintf(dashed, sizeof dashed, "%s", path);
    for (char *p = dashed; *p; p++)
        if (*p == '/') *p = '-';
    const char *tries[3] = {path, dashed, name};
    for (int t = 0; t < 3; t++)
        for (int c = 0; c < nc; c++)
            if (strcmp(h->var_name(ds, c), tries[t]) == 0) return c;
    return -1;
}

/* A text column whose every filled cell is an ISO date or datetime becomes a date column in
 * place (same name, label and position); 1 converted, 0 left as it is. */
static int text_to_date(const tally_host *h, tally_dataset *ds, int col)
{
    if (h->var_type(ds, col) != TALLY_STRING) return 0;
    size_t n = h->ds_nrows(ds);
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return 0;
    int kind = 0, any_days = 0, filled = 0;
    for (size_t r = 0; r < n; r++) {
        const char *s = h->ds_string(ds, col, r);
        int k;
        v[r] = NAN;
        if (!s || !*s) continue;
        if (!xlsform_parse_iso(s, &v[r], &k)) {
            free(v);
            return 0;
        }
        filled = 1;
        if (k == TALLY_DATE_DAYS) any_days = 1;
        if (k > kind) kind = k;
    }
    if (!filled) {
        free(v);
        return 0;
    }
    if (kind == TALLY_DATE_DATETIME && any_days) /* dates among datetimes: midnight */
        for (size_t r = 0; r < n; r++)
            if (!isnan(v[r]) && v[r] == floor(v[r]) && fabs(v[r]) < 1e6) v[r] *= 86400.0;
    char *name = strdup(h->var_name(ds, col));
    const char *l = h->var_label(ds, col);
    char *label = l ? strdup(l) : NULL;
    h->ds_drop_column(ds, col);
    int nc = name ? h->ds_add_column(ds, name, TALLY_NUMERIC) : -1;
    if (nc >= 0) {
        memcpy(h->ds_numeric_data(ds, nc), v, n * sizeof *v);
        h->var_set_date(ds, nc, kind);
        if (label) h->var_set_label(ds, nc, label);
        h->ds_move_column(ds, nc, col);
    }
    free(name);
    free(label);
    free(v);
    return nc >= 0;
}

/* Metadata fields KoboToolbox and ODK add to every submission, besides the form's own. */
static int is_meta_name(const char *name)
{
    static const char *const names[] = {"start", "end", "today", "deviceid", "subscriberid", "simserial",
                                        "phonenumber", "username", "email", "audit", "instanceID", "instanceName",
                                        "rootUuid", "deprecatedID", "uuid", "KEY", "SubmissionDate",
                                        "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
                                        "Status", "ReviewState", "DeviceID", "Edits", "FormVersion", NULL};
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    if (name[0] == '_') return 1; /* _id, _uuid, _submission_time, _index, _validation_status, ... */
    if (strncmp(name, "meta/", 5) == 0 || strncmp(name, "formhub/", 8) == 0) return 1;
    for (size_t i = 0; names[i]; i++)
        if (strcmp(base, names[i]) == 0 && (base == name || strcmp(names[i], "instanceID") == 0)) return 1;
    return 0;
}

/* A cell as text: a string cell, or a number as %.15g ("1" for a choice named 1); "" when empty. */
static const char *cell_text(const tally_host *h, tally_dataset *ds, int col, size_t r, char *buf, size_t n)
{
    if (h->var_type(ds, col) == TALLY_STRING) {
        const char *s = h->ds_string(ds, col, r);
        return s ? s : "";
    }
    double v = h->ds_number(ds, col, r);
    if (isnan(v)) return "";
    snprintf(buf, n, "%.15g", v);
    return buf;
}

/* select_one: the question's label and its choices as value labels (codes or names); a
 * value the list lacks is named in a warning. */
static void apply_select_one(const tally_host *h, tally_ctx *ctx, const xlsform *f, const xf_question *q,
                             tally_dataset *ds, int col)
{
    int numeric = h->var_type(ds, col) == TALLY_NUMERIC;
    for (size_t k = 0; k < f->nc; k++) {
        const xf_choice *c = &f->c[k];
        if (strcmp(c->list, q->list) != 0) continue;
        const char *label = c->label ? c->label : c->name;
        char *end;
        double code = strtod(c->name, &end);
        if (!numeric) h->var_add_string_value_label(ds, col, c->name, label);
        else if (!*end && end != c->name) h->var_add_value_label(ds, col, code, label);
    }
    h->var_set_measure(ds, col, TALLY_NOMINAL);
    size_t n = h->ds_nrows(ds);
    for (size_t r = 0; r < n; r++) {
        char buf[64];
        const char *v = cell_text(h, ds, col, r, buf, sizeof buf);
        if (!*v) continue;
        size_t k = 0;
        while (k < f->nc && (strcmp(f->c[k].list, q->list) != 0 || strcmp(f->c[k].name, v) != 0)) k++;
        if (k == f->nc) {
            h->log(ctx, TALLY_LOG_WARN, "%s: column '%s', data row %zu: '%s' is not a choice of list '%s' in the "
                                        "form (%s, survey row %u); it stays without a label",
                   f->path, h->var_name(ds, col), r + 1, v, q->list, q->type, q->row);
            return;
        }
    }
}

/* The 0/1 column of one option (COL/CHOICE) from the space-separated answers of `agg`:
 * 1 chosen, 0 not, system-missing where the question has no answer; the column's index, or -1. */
static int option_from_answers(const tally_host *h, tally_dataset *ds, int agg, const char *name)
{
    int col = h->ds_add_column(ds, name, TALLY_NUMERIC);
    if (col < 0) return -1;
    const char *choice = strrchr(name, '/') + 1;
    size_t n = h->ds_nrows(ds), len = strlen(choice);
    double *d = h->ds_numeric_data(ds, col);
    for (size_t r = 0; r < n; r++) {
        char buf[64];
        const char *v = cell_text(h, ds, agg, r, buf, sizeof buf);
        d[r] = *v ? 0 : NAN;
        for (const char *p = v; *p;) {
            size_t t = strcspn(p, " ");
            if (t == len && strncmp(p, choice, len) == 0) d[r] = 1;
            p += t;
            while (*p == ' ') p++;
        }
    }
    return col;
}

/* Every answer in `agg` is a choice of the list; else an error naming the data row. */
static int check_answers(const tally_host *h, tally_ctx *ctx, const xlsform *f, const xf_question *q,
                         tally_dataset *ds, int agg)
{
    size_t n = h->ds_nrows(ds);
    for (size_t r = 0; r < n; r++) {
        char buf[64];
        const char *v = cell_text(h, ds, agg, r, buf, sizeof buf);
        for (const char *p = v; *p;) {
            size_t t = strcspn(p, " "), k = 0;
            while (k < f->nc && (strcmp(f->c[k].list, q->list) != 0 || strlen(f->c[k].name) != t ||
                                 strncmp(f->c[k].name, p, t) != 0))
                k++;
            if (k == f->nc) {
                h->error(ctx, "column '%s', data row %zu: '%.*s' is not a choice of list '%s' (%s, survey row %u: "
                              "%s); the export does not belong to this form, or the choices sheet lacks it",
                         h->var_name(ds, agg), r + 1, (int)t, p, q->list, f->path, q->row, q->type);
                return -1;
            }
            p += t;
            while (*p == ' ') p++;
        }
    }
    return 0;
}

/* The prefix of a select_multiple's option columns (PREFIX/choice) when the export has no
 * column of its space-separated answers: the group path, ODK Central's dashed one, or the name. */
static int option_prefix(const tally_host *h, tally_dataset *ds, const xlsform *f, const xf_question *q, char *out,
                         size_t n)
{
    size_t k = 0;
    while (k < f->nc && strcmp(f->c[k].list, q->list) != 0) k++;
    char dashed[1024];
    snprintf(dashed, sizeof dashed, "%s", q->path);
    for (char *p = dashed; *p; p++)
        if (*p == '/') *p = '-';
    const char *tries[3] = {q->path, dashed, q->name};
    for (int t = 0; t < 3 && k < f->nc; t++) {
        char name[2048];
        snprintf(name, sizeof name, "%s/%s", tries[t], f->c[k].name);
        if (find_col(h, ds, name, name) >= 0) {
            snprintf(out, n, "%s", tries[t]);
            return 0;
        }
    }
    return -1;
}

/* select_multiple: a dichotomy set over its Q/option 0/1 columns, taken from the export
 * (KoboToolbox's separate columns) or made from its space-separated answers. */
static int apply_select_multiple(const tally_host *h, tally_ctx *ctx, const xlsform *f, const xf_question *q,
                                 tally_dataset *ds, int agg, xf_report *rep)
{
    char prefix[1024];
    if (agg >= 0) snprintf(prefix, sizeof prefix, "%s", h->var_name(ds, agg));
    if (agg < 0 && option_prefix(h, ds, f, q, prefix, sizeof prefix) != 0) {
        h->error(ctx, "%s, sheet 'survey', row %u: the data has no column for '%s' (%s): neither '%s' with the "
                      "answers nor its '%s/OPTION' columns; export the data with this form",
                 f->path, q->row, q->name, q->type, q->path, q->path);
        return -1;
    }
    if (agg >= 0 && check_answers(h, ctx, f, q, ds, agg) != 0) return -1;
    int *cols = malloc((f->nc + 1) * sizeof *cols);
    size_t ncols = 0;
    for (size_t k = 0; cols && k < f->nc; k++) {
        const xf_choice *c = &f->c[k];
        if (strcmp(c->list, q->list) != 0) continue;
        char name[2048];
        snprintf(name, sizeof name, "%s/%s", prefix, c->name);
        int col = find_col(h, ds, name, name);
        if (col < 0 && agg < 0) {
            h->error(ctx, "%s, sheet 'choices', row %u: the data has no column '%s' for choice '%s' of '%s'; "
                          "export every option's column, or the answers column '%s'",
                     f->path, c->row, name, c->name, q->name, prefix);
            free(cols);
            return -1;
        }
        if (col >= 0 && h->var_type(ds, col) != TALLY_NUMERIC) {
            h->error(ctx, "column '%s' (choice '%s' of '%s', %s, sheet 'choices', row %u) holds text; an option's "
                          "column holds 1 (chosen) or 0", name, c->name, q->name, f->path, c->row);
            free(cols);
            return -1;
        }
        if (col < 0 && (col = option_from_answers(h, ds, agg, name)) >= 0)
            list_add(rep->made, sizeof rep->made, "%s", name, 0);
        if (col < 0) continue;
        h->var_set_label(ds, col, c->label ? c->label : c->name);
        cols[ncols++] = col;
    }
    if (ncols) h->ds_add_mrset(ds, q->name, q->label ? q->label : q->name, TALLY_MRSET_DICHOTOMY, 1, cols, ncols);
    free(cols);
    return 0;
}

/* Column col as a metadata field: a date when its text is one, marked so the default report leaves it out. */
static void mark_metadata(const tally_host *h, tally_dataset *ds, int col, xf_report *rep)
{
    list_add(rep->meta, sizeof rep->meta, "%s", h->var_name(ds, col), 0);
    rep->nmeta++;
    text_to_date(h, ds, col);
    if (TALLY_HOST_HAS(h, var_set_metadata)) h->var_set_metadata(ds, col, 1);
}

/* Metadata columns by name (KoboToolbox's _uuid, _submission_time, ...). */
static void apply_metadata_names(const tally_host *h, tally_dataset *ds, xf_report *rep)
{
    for (int c = 0; c < h->ds_ncols(ds); c++)
        if (is_meta_name(h->var_name(ds, c))) mark_metadata(h, ds, c, rep);
}

/* One form row onto its column; 0, or -1 after host->error. */
static int apply_question(const tally_host *h, tally_ctx *ctx, const xlsform *f, const xf_question *q,
                          tally_dataset *ds, xf_report *rep)
{
    int col = find_col(h, ds, q->path, q->name);
    if (q->kind == XF_UNKNOWN) list_add(rep->unknown, sizeof rep->unknown, "'%s' (row %u)", q->type, q->row);
    if (q->kind == XF_SELECT_MULTIPLE) {
        rep->nselm++;
        if (col >= 0 && q->label) h->var_set_label(ds, col, q->label);
        return apply_select_multiple(h, ctx, f, q, ds, col, rep);
    }
    if (col < 0 && q->kind == XF_SELECT_ONE) {
        int grouped = strcmp(q->path, q->name) != 0;
        h->error(ctx, "%s, sheet 'survey', row %u: the data has no column for '%s' (%s); looked for '%s'%s%s%s; "
                      "export the data with this form",
                 f->path, q->row, q->name, q->type, q->path, grouped ? " and '" : "", grouped ? q->name : "",
                 grouped ? "'" : "");
        return -1;
    }
    if (col < 0) {
        if (q->kind != XF_META) {
            list_add(rep->absent, sizeof rep->absent, "%s (row %u)", q->name, q->row);
            rep->nabsent++;
        }
        return 0;
    }
    if (strcmp(h->var_name(ds, col), q->name) != 0)
        list_add(rep->grouped, sizeof rep->grouped, "%s", h->var_name(ds, col), 0);
    if (q->date_kind) text_to_date(h, ds, col);
    if (q->label) h->var_set_label(ds, col, q->label);
    if (q->kind == XF_SELECT_ONE) {
        rep->nsel1++;
        apply_select_one(h, ctx, f, q, ds, col);
    } else if (q->kind == XF_META) {
        if (!is_meta_name(h->var_name(ds, col))) mark_metadata(h, ds, col, rep);
    } else {
        rep->nother++;
    }
    return 0;
}

/* One list of what the form did (names, comma-separated), unless empty: a read fact under `key`
 * in describe, and at -v as "what: list". */
static void say_list(const tally_host *h, tally_ctx *ctx, tally_dataset *ds, const char *key, const char *what,
                     const char *list)
{
    if (!list[0]) return;
    h->ds_set_info(ds, key, list);
    h->log(ctx, TALLY_LOG_INFO, "%s: %s", what, list);
}

/* What the form did, in describe's read facts and at -v; unknown types also as a warning. */
static void say(const tally_host *h, tally_ctx *ctx, const xlsform *f, tally_dataset *ds, const xf_report *rep)
{
    const char *base = strrchr(f->path, '/');
    base = base ? base + 1 : f->path;
    char text[2048];
    snprintf(text, sizeof text, "%s: %zu select_one, %zu select_multiple (as multiple-response sets), %zu other "
                                "questions; %zu group%s; %zu note%s ignored; labels from '%s' (choices '%s')",
             base, rep->nsel1, rep->nselm, rep->nother, f->ngroups, f->ngroups == 1 ? "" : "s", f->nnotes,
             f->nnotes == 1 ? "" : "s", f->survey_label ? f->survey_label : "none",
             f->choices_label ? f->choices_label : "none");
    h->ds_set_info(ds, "form", text);
    h->log(ctx, TALLY_LOG_INFO, "form %s", text);
    say_list(h, ctx, ds, "form metadata", "form metadata fields (kept, not questions)", rep->nmeta ? rep->meta : "");
    say_list(h, ctx, ds, "form group paths", "form: columns named by their group path", rep->grouped);
    say_list(h, ctx, ds, "form option columns made",
             "form: 0/1 columns made from the space-separated answers of select_multiple questions", rep->made);
    say_list(h, ctx, ds, "form questions without a column", "form: questions the data has no column for",
             rep->absent);
    if (rep->unknown[0]) {
        h->ds_set_info(ds, "form types unknown", rep->unknown);
        h->log(ctx, TALLY_LOG_WARN, "%s: survey types the XLSForm standard does not have: %s; their columns are "
                                    "read as they are", f->path, rep->unknown);
    }
}

int xlsform_apply(const tally_host *h, tally_ctx *ctx, const xlsform *f, tally_dataset *ds)
{
    xf_report rep;
    memset(&rep, 0, sizeof rep);
    apply_metadata_names(h, ds, &rep);
    for (size_t i = 0; i < f->nq; i++) {
        if (f->q[i].kind == XF_NOTE) continue;
        if (apply_question(h, ctx, f, &f->q[i], ds, &rep) != 0) return -1;
    }
    say(h, ctx, f, ds, &rep);
    return 0;
}

int xlsform_option(const tally_host *h, tally_ctx *ctx, const tally_options *o, tally_dataset *ds)
{
    const char *path = h->opt_is_set(o, "form") ? h->opt_string(o, "form") : NULL;
    if (!path || !*path) return 0;
    if (!TALLY_HOST_HAS(h, ctx_language)) {
        h->error(ctx, "%s: option 'form' needs a newer tally (plugin ABI 1.4)", path);
        return -1;
    }
    xlsform *f = xlsform_read(h, ctx, path, h->ctx_language(ctx));
    if (!f) return -1;
    int rc = xlsform_apply(h, ctx, f, ds);
    xlsform_free(f);
    return rc;
}
