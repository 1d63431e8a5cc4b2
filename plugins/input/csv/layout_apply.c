/* layout_apply.c: after a survey-platform CSV is read: option columns folded into questions and sets, delimited
 * check-all answers split into sets, timestamps read as dates. */
#include "layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A cell as text (numbers as typed); "" for a missing cell. buf holds a number's digits. */
static const char *cell(const tally_host *h, const tally_dataset *ds, int col, size_t row, char *buf, size_t size)
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

/* Replaces column `col` by a new numeric column `name` holding vals (nrows of them);
 * returns 0 or -1. The new column takes the old one's place. */
static int replace_numeric(const tally_host *h, tally_dataset *ds, int col, const char *name, const double *vals)
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

/* A name not yet in ds: base, else base_2, base_3, ... */
static void free_name(const tally_host *h, const tally_dataset *ds, const char *base, char *out, size_t size)
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
        const char *v = cell(h, ds, c, r, buf, sizeof buf);
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
        for (size_t r = 0; r < n; r++) v[r] = !answered[r] ? NAN : cell(h, ds, opts[k], r, buf, sizeof buf)[0] ? 1 : 0;
        char item[540];
        if (strcmp(h->var_name(ds, opts[k]), name) == 0) { /* the question's name goes to the set */
            snprintf(item, sizeof item, "%s_1", name);
            if (h->ds_drop_column(ds, opts[k]) != 0) rc = -1;
            char unique[560];
            free_name(h, ds, item, unique, sizeof unique);
            int at = rc ? -1 : h->ds_add_column(ds, unique, TALLY_NUMERIC);
            if (at < 0 || h->ds_move_column(ds, at, opts[k]) != 0 || !h->ds_numeric_data(ds, opts[k])) rc = -1;
            else memcpy(h->ds_numeric_data(ds, opts[k]), v, n * sizeof *v);
        } else {
            snprintf(item, sizeof item, "%s", h->var_name(ds, opts[k]));
            rc = replace_numeric(h, ds, opts[k], item, v);
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
            if (cell(h, ds, opts[k], r, buf, sizeof buf)[0]) chosen++, code[r] = k + 1;
        int other_text = other >= 0 && cell(h, ds, other, r, buf, sizeof buf)[0];
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
        if (rc == 0) rc = replace_numeric(h, ds, a, name, code);
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
            const char *v = cell(h, ds, c, r, buf, sizeof buf);
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
        for (int k = 0; k < nopt; k++) chosen += cell(h, ds, opts[k], r, buf, sizeof buf)[0] != 0;
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

/* ---- Google and Microsoft Forms: check-all answers in one delimited cell ------------------ */

typedef struct token_list {
    char **text;
    size_t *uses;
    size_t n, cap;
} token_list;

static long token_find(const token_list *t, const char *s, size_t len)
{
    for (size_t i = 0; i < t->n; i++)
        if (strlen(t->text[i]) == len && memcmp(t->text[i], s, len) == 0) return (long)i;
    return -1;
}

static long token_add(token_list *t, const char *s, size_t len)
{
    long at = token_find(t, s, len);
    if (at >= 0) return at;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **nt = realloc(t->text, cap * sizeof *nt);
        if (nt) t->text = nt;
        size_t *nu = realloc(t->uses, cap * sizeof *nu);
        if (nu) t->uses = nu;
        if (!nt || !nu) return -1;
        t->cap = cap;
    }
    t->text[t->n] = strndup(s, len);
    if (!t->text[t->n]) return -1;
    t->uses[t->n] = 0;
    return (long)t->n++;
}

static void token_free(token_list *t)
{
    for (size_t i = 0; i < t->n; i++) free(t->text[i]);
    free(t->text);
    free(t->uses);
}

/* Calls fn for each answer of a delimited cell: known choices (which may hold the
 * delimiter) first, else up to the next delimiter; spaces around answers dropped. */
static int each_answer(const char *v, const char *delim, const csv_settings *s,
                       int (*fn)(void *arg, const char *tok, size_t len), void *arg)
{
    size_t dl = strlen(delim), count = 0;
    for (const char *p = v; *p;) {
        while (*p == ' ') p++;
        if (!*p) break;
        size_t len = 0;
        for (size_t k = 0; k < s->nchoices && !len; k++) {
            size_t cl = strlen(s->choices[k]);
            if (strncmp(p, s->choices[k], cl) == 0 && (!p[cl] || strncmp(p + cl, delim, dl) == 0)) len = cl;
        }
        if (!len) {
            const char *d = strstr(p, delim);
            len = d ? (size_t)(d - p) : strlen(p);
        }
        size_t t = len;
        while (t && p[t - 1] == ' ') t--;
        if (t && fn(arg, p, t) != 0) return -1;
        count += t > 0;
        p += len;
        if (strncmp(p, delim, dl) == 0) p += dl;
    }
    return (int)count;
}

static int count_token(void *arg, const char *tok, size_t len)
{
    long at = token_add(arg, tok, len);
    if (at < 0) return -1;
    ((token_list *)arg)->uses[at]++;
    return 0;
}

typedef struct mark_ctx {
    const token_list *t;
    double *const *vals;
    size_t row;
} mark_ctx;

static int mark_token(void *arg, const char *tok, size_t len)
{
    mark_ctx *m = arg;
    long at = token_find(m->t, tok, len);
    if (at >= 0) m->vals[at][m->row] = 1;
    return 0;
}

/* Column c is a check-all question when some answer holds several options and the
 * options recur (on average twice or more; free text does not), or when every answer
 * is one of the declared choices. */
static int split_column(const tally_host *h, tally_ctx *ctx, tally_dataset *ds, const csv_settings *s,
                        csv_layout *lay, int c, const char *delim)
{
    if (h->var_type(ds, c) != TALLY_STRING) return 0;
    size_t n = h->ds_nrows(ds), uses = 0;
    int several = 0;
    token_list t = {0};
    for (size_t r = 0; r < n; r++) {
        int k = each_answer(h->ds_string(ds, c, r), delim, s, count_token, &t);
        if (k < 0) {
            token_free(&t);
            return -1;
        }
        several |= k > 1;
        uses += (size_t)k;
    }
    int all_known = s->nchoices > 0 && t.n > 0; /* every answer one of the declared choices */
    for (size_t k = 0; k < t.n && all_known; k++) {
        all_known = 0;
        for (size_t j = 0; j < s->nchoices; j++) all_known |= strcmp(t.text[k], s->choices[j]) == 0;
    }
    if (!all_known && (!several || t.n > 64 || uses < 2 * t.n)) {
        token_free(&t);
        return 0;
    }
    char name[512], label[1024];
    snprintf(name, sizeof name, "%s", h->var_name(ds, c));
    snprintf(label, sizeof label, "%s", h->var_label(ds, c) ? h->var_label(ds, c) : name);
    double **vals = calloc(t.n, sizeof *vals);
    int rc = vals ? 0 : -1;
    for (size_t k = 0; k < t.n && rc == 0; k++)
        if (!(vals[k] = malloc((n ? n : 1) * sizeof **vals))) rc = -1;
    for (size_t r = 0; r < n && rc == 0; r++) {
        const char *v = h->ds_string(ds, c, r);
        for (size_t k = 0; k < t.n; k++) vals[k][r] = v && v[0] ? 0 : NAN;
        mark_ctx m = {&t, vals, r};
        each_answer(v, delim, s, mark_token, &m);
    }
    int *cols = malloc(t.n * sizeof *cols);
    if (!cols) rc = -1;
    if (rc == 0) rc = h->ds_drop_column(ds, c);
    for (size_t k = 0; k < t.n && rc == 0; k++) {
        char base[540], item[560];
        snprintf(base, sizeof base, "%s_%zu", name, k + 1);
        free_name(h, ds, base, item, sizeof item);
        int at = h->ds_add_column(ds, item, TALLY_NUMERIC);
        cols[k] = c + (int)k;
        if (at < 0 || h->ds_move_column(ds, at, cols[k]) != 0 || !h->ds_numeric_data(ds, cols[k])) {
            rc = -1;
            break;
        }
        memcpy(h->ds_numeric_data(ds, cols[k]), vals[k], n * sizeof **vals);
        h->var_set_label(ds, cols[k], t.text[k]);
        h->var_add_value_label(ds, cols[k], 0, "Not selected");
        h->var_add_value_label(ds, cols[k], 1, t.text[k]);
        h->var_set_measure(ds, cols[k], TALLY_NOMINAL);
    }
    if (rc == 0 && h->ds_add_mrset(ds, name, label, TALLY_MRSET_DICHOTOMY, 1, cols, t.n) < 0) rc = -1;
    if (rc == 0) lay->split++;
    if (rc == 0)
        h->log(ctx, TALLY_LOG_INFO, "'%s': answers split at \"%s\" into a set of %zu options", name, delim, t.n);
    for (size_t k = 0; vals && k < t.n; k++) free(vals[k]);
    free(vals);
    free(cols);
    token_free(&t);
    return rc;
}

/* ---- timestamps ------------------------------------------------------------------------- */

/* Seconds since 1970 (UTC, the offset dropped) of "2024/03/05 10:15:32 AM GMT+1",
 * "2024-03-05 10:15:32", "3/5/2024 10:15:32" or "3/5/24 10:15"; day_first swaps the
 * first two numbers of the slash form. 0 when the text is none of these. */
static int parse_stamp(const char *v, int day_first, double *out, int *max_first)
{
    int y, m, d, H = 0, M = 0, S = 0, used = 0;
    char ampm[3] = "";
    if (sscanf(v, "%4d%*[-/]%2d%*[-/]%2d %2d:%2d:%2d%n", &y, &m, &d, &H, &M, &S, &used) == 6 && y > 999) {
        /* year first */
    } else if (sscanf(v, "%2d/%2d/%4d %2d:%2d%n", &m, &d, &y, &H, &M, &used) == 5) {
        int more = 0;
        if (sscanf(v + used, ":%2d%n", &S, &more) == 1) used += more;
        if (m > *max_first) *max_first = m;
        if (day_first) {
            int t = m;
            m = d;
            d = t;
        }
        if (y < 100) y += 2000;
    } else {
        return 0;
    }
    const char *rest = v + used;
    while (*rest == ' ') rest++;
    if (sscanf(rest, "%2[APMapm]", ampm) == 1 && (ampm[1] == 'M' || ampm[1] == 'm')) {
        if (H == 12) H = 0;
        if (ampm[0] == 'P' || ampm[0] == 'p') H += 12;
    }
    if (m < 1 || m > 12 || d < 1 || d > 31 || H > 23 || M > 59 || S > 60) return 0;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = H;
    tm.tm_min = M;
    tm.tm_sec = S;
    *out = (double)timegm(&tm);
    return 1;
}

static int stamp_column(const tally_host *h, tally_ctx *ctx, const csv_settings *s, tally_dataset *ds,
                        csv_layout *lay, int c)
{
    if (h->var_type(ds, c) != TALLY_STRING || !TALLY_HOST_HAS(h, var_set_date)) return 0;
    size_t n = h->ds_nrows(ds);
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return -1;
    int max_first = 0, day_first = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t r = 0; r < n; r++) {
            const char *t = h->ds_string(ds, c, r);
            v[r] = NAN;
            if (t && t[0] && !parse_stamp(t, day_first, &v[r], &max_first)) {
                h->log(ctx, TALLY_LOG_WARN, "%s: column '%s' holds '%.40s' (data row %zu), which is not a "
                                            "timestamp tally reads; the column stays text", s->path,
                       h->var_name(ds, c), t, r + 1);
                free(v);
                return 0;
            }
        }
        if (max_first <= 12) break;
        day_first = 1; /* 25/3/2024: day first */
    }
    char name[512], label[512];
    snprintf(name, sizeof name, "%s", h->var_name(ds, c));
    const char *l = h->var_label(ds, c);
    snprintf(label, sizeof label, "%s", l ? l : "");
    int rc = replace_numeric(h, ds, c, name, v);
    free(v);
    if (rc) return -1;
    if (label[0]) h->var_set_label(ds, c, label);
    h->var_set_date(ds, c, TALLY_DATE_DATETIME);
    h->var_set_measure(ds, c, TALLY_SCALE);
    lay->dates++;
    return 0;
}

static int is_stamp_name(csv_layout_kind k, const char *name)
{
    static const char *const google[] = {"Timestamp", "Zeitstempel", "Marca temporal", "Horodateur", NULL};
    static const char *const ms[] = {"Start time", "Completion time", "Last modified time", NULL};
    const char *const *list = k == CSV_LAYOUT_GOOGLE_FORMS ? google : ms;
    for (int i = 0; list[i]; i++)
        if (strcmp(name, list[i]) == 0) return 1;
    return 0;
}

static int apply_forms(const tally_host *h, tally_ctx *ctx, const csv_settings *s, tally_dataset *ds,
                       csv_layout *lay)
{
    const char *delim = lay->kind == CSV_LAYOUT_GOOGLE_FORMS ? ", " : ";";
    for (int c = h->ds_ncols(ds) - 1; c >= 0; c--) {
        const char *name = h->var_name(ds, c);
        int rc = is_stamp_name(lay->kind, name) ? stamp_column(h, ctx, s, ds, lay, c)
                                                : split_column(h, ctx, ds, s, lay, c, delim);
        if (rc) return -1;
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
                                                  : apply_forms(h, ctx, s, ds, lay);
    if (rc == -1) h->error(ctx, "%s: out of memory arranging the export's columns", s->path);
    return rc ? -1 : 0;
}
