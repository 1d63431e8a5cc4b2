/* layout_forms.c: Google and Microsoft Forms exports: delimited check-all answers split into sets, timestamps as dates. */
#include "layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
        csv_layout_free_name(h, ds, base, item, sizeof item);
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
    int rc = csv_layout_replace_numeric(h, ds, c, name, v);
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

int csv_layout_apply_forms(const tally_host *h, tally_ctx *ctx, const csv_settings *s, tally_dataset *ds,
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

