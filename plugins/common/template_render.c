/* template_render.c: a parsed template rendered against a report: values, tables, loops, conditions, filters. */
#include "template_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TPL_MAX_LOOPS 8
#define TPL_NUM_SIZE 64 /* a table number, a formatted date or value */
#define TPL_MAX_GUARDS 32

typedef struct loopvar {
    const char *name;
    const tally_table *t; /* NULL while checking a loop body over no tables */
    size_t index;
} loopvar;

typedef struct renderer {
    const tpl_env *env;
    tpl_buf *out;
    char *err;
    loopvar vars[TPL_MAX_LOOPS];
    size_t nvars;
    const char *guards[TPL_MAX_GUARDS]; /* values an enclosing {% if %} found missing */
    size_t nguards;
} renderer;

static const char *const meta_keys[] = {"title", "subtitle", "author", "subject", "language", "source", "date"};
static const char *const table_fields[] = {"id", "title", "question", "base", "notes", "number"};

static int rfail(renderer *r, const node *nd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int rfail(renderer *r, const node *nd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tpl_keep_first_error(&r->err, nd->file, nd->line, fmt, ap);
    va_end(ap);
    return -1;
}

static void put_text(renderer *r, const char *s)
{
    if (!s) return;
    if (r->env->text) r->env->text(r->out, s);
    else tpl_buf_puts(r->out, s);
}

static loopvar *find_var(renderer *r, const char *name)
{
    for (size_t i = r->nvars; i-- > 0;)
        if (strcmp(r->vars[i].name, name) == 0) return &r->vars[i];
    return NULL;
}

static int in_list(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w, list[i]) == 0) return 1;
    return 0;
}

static int field_error(renderer *r, const node *nd, const char *head, const char *field,
                       const char *const *known, size_t n)
{
    tpl_names ns = {0};
    for (size_t i = 0; i < n; i++) tpl_names_add(&ns, known[i]);
    tpl_buf b = {0};
    char prefix[80];
    snprintf(prefix, sizeof prefix, "%s.", head);
    tpl_names_hint(r->env->host, &b, &ns, field, prefix);
    rfail(r, nd, "unknown field '%s.%s'%s", head, field, b.data ? b.data : "");
    tpl_buf_free(&b);
    return -1;
}

static int value_error(renderer *r, const node *nd, const char *name)
{
    const tally_host *h = r->env->host;
    tpl_names ns = {0};
    size_t nv = h->rep_nvalues(r->env->report);
    for (size_t i = 0; i < nv; i++) tpl_names_add(&ns, h->rep_value_name(r->env->report, i));
    for (size_t i = 0; i < r->nvars; i++) tpl_names_add(&ns, r->vars[i].name);
    tpl_buf b = {0};
    tpl_names_hint(h, &b, &ns, name, "");
    rfail(r, nd, "unknown value '%s'%s", name, b.data ? b.data : "");
    tpl_buf_free(&b);
    return -1;
}

/* The text of a loop table's field (NULL when unset); `num` holds "number". */
static const char *table_field(renderer *r, const loopvar *v, const char *field, char *num, tpl_buf *notes)
{
    const tally_host *h = r->env->host;
    const tally_table *t = v->t;
    if (!t) return NULL;
    if (!strcmp(field, "id")) return h->tab_id(t);
    if (!strcmp(field, "title")) return h->tab_title(t);
    if (!strcmp(field, "question")) return h->tab_question(t);
    if (!strcmp(field, "base")) return h->tab_base(t);
    if (!strcmp(field, "number")) {
        snprintf(num, TPL_NUM_SIZE, "%zu", v->index + 1);
        return num;
    }
    size_t nn = h->tab_nnotes(t);
    for (size_t i = 0; i < nn; i++) {
        if (i) tpl_buf_putc(notes, ' ');
        tpl_buf_puts(notes, h->tab_note(t, i));
    }
    return nn ? notes->data : NULL;
}

static int guarded(renderer *r, const char *name)
{
    for (size_t i = 0; i < r->nguards; i++)
        if (strcmp(r->guards[i], name) == 0) return 1;
    return 0;
}

/* Resolves a dotted or plain name to its text. Returns 0 (with *text, maybe
 * NULL), 1 for a bare loop variable, 2 for a missing named value, -1 on error. */
static int resolve(renderer *r, const node *nd, const char *word, const char **text, char *num, tpl_buf *notes)
{
    const tally_host *h = r->env->host;
    const tally_report *rep = r->env->report;
    *text = NULL;
    const char *dot = strchr(word, '.');
    if (dot && !h->rep_value_text(rep, word)) {
        char head[64];
        snprintf(head, sizeof head, "%.*s", (int)(dot - word), word);
        const char *field = dot + 1;
        if (!strcmp(head, "report")) {
            if (!in_list(field, meta_keys, 7)) return field_error(r, nd, head, field, meta_keys, 7);
            *text = h->rep_meta(rep, field);
            if (*text && !strcmp(field, "date")) *text = h->rep_format_date(rep, *text, num, TPL_NUM_SIZE);
            return 0;
        }
        loopvar *v = find_var(r, head);
        if (!v) return value_error(r, nd, head);
        if (!in_list(field, table_fields, 6)) return field_error(r, nd, head, field, table_fields, 6);
        *text = table_field(r, v, field, num, notes);
        return 0;
    }
    if (find_var(r, word)) return 1;
    *text = h->rep_value_text(rep, word);
    return *text ? 0 : 2;
}

static void put_heading(renderer *r, long level)
{
    long n = r->env->heading_level + level - 1;
    if (n < 1) n = 1;
    if (n > 6) n = 6;
    for (long i = 0; i < n; i++) tpl_buf_putc(r->out, '#');
}

static void put_chart(renderer *r, const tally_table *t)
{
    if (!r->env->chart) return;
    r->env->chart(r->env->host, r->env->report, r->out, t);
}

/* One table as {{ tables }} shows it: heading, question, table block, chart. */
static void put_section(renderer *r, const tally_table *t)
{
    const tally_host *h = r->env->host;
    put_heading(r, 2);
    tpl_buf_putc(r->out, ' ');
    put_text(r, h->tab_title(t));
    tpl_buf_puts(r->out, "\n\n");
    const char *q = h->tab_question(t);
    if (q && *q) {
        put_text(r, q);
        tpl_buf_puts(r->out, "\n\n");
    }
    r->env->table(h, r->env->report, r->out, t);
    size_t mark = r->out->len;
    tpl_buf_putc(r->out, '\n');
    put_chart(r, t);
    if (r->out->len == mark + 1) r->out->data[r->out->len = mark] = '\0';
}

typedef struct token {
    int is_string;
    char *s;
} token;

/* Splits a placeholder into words and "strings"; returns the count or -1. */
/* Frees the tokens made so far when tokenizing fails. */
static int tokens_fail(token *tok, int n)
{
    for (int k = 0; k < n; k++) free(tok[k].s);
    return -1;
}

static int tokenize(const char *c, token *tok, int max)
{
    int n = 0;
    while (*c) {
        if (tpl_is_blank(*c) || *c == '\n' || *c == '\r') {
            c++;
            continue;
        }
        if (n == max) return tokens_fail(tok, n);
        if (*c == '"') {
            tpl_buf b = {0};
            c++;
            while (*c && *c != '"') {
                if (*c == '\\' && c[1]) c++;
                tpl_buf_putc(&b, *c++);
            }
            if (*c != '"') {
                tpl_buf_free(&b);
                return tokens_fail(tok, n);
            }
            c++;
            tok[n].is_string = 1;
            tok[n++].s = tpl_buf_take(&b);
            continue;
        }
        size_t w = strcspn(c, " \t\r\n\"");
        tok[n].is_string = 0;
        tok[n++].s = tpl_must(strndup(c, w));
        c += w;
    }
    return n;
}

static const tally_table *find_table_arg(renderer *r, const node *nd, const token *arg, int *err)
{
    const tally_host *h = r->env->host;
    *err = 0;
    if (!arg->is_string) {
        loopvar *v = find_var(r, arg->s);
        if (!v) {
            *err = 1;
            rfail(r, nd, "'%s' is not a table: write {{ table \"ID\" }} or use a {%% for %%} variable", arg->s);
        }
        return v ? v->t : NULL;
    }
    const tally_table *t = h->rep_find_table(r->env->report, arg->s);
    if (!t) {
        tpl_names ns = {0};
        size_t nt = h->rep_ntables(r->env->report);
        for (size_t i = 0; i < nt; i++) tpl_names_add(&ns, h->tab_id(h->rep_table(r->env->report, i)));
        tpl_buf b = {0};
        tpl_names_hint(h, &b, &ns, arg->s, "");
        rfail(r, nd, "unknown table '%s'%s", arg->s, b.data ? b.data : "");
        tpl_buf_free(&b);
        *err = 1;
    }
    return t;
}

/* The kinds the filters write a value as; decimals(N) keeps the value's own kind. */
static const struct {
    const char *name;
    tally_value_kind kind;
} filters[] = {{"count", TALLY_VALUE_COUNT}, {"percent", TALLY_VALUE_PERCENT}, {"p", TALLY_VALUE_P},
               {"number", TALLY_VALUE_NUMBER}, {"statistic", TALLY_VALUE_STATISTIC},
               {"proportion", TALLY_VALUE_PROPORTION}};

/* One filter of {{ NAME | filter | ... }}: sets *kind and *decimals, or fails naming template:line. */
static int parse_filter(renderer *r, const node *nd, const char *f, tally_value_kind *kind, int *decimals)
{
    while (tpl_is_blank(*f)) f++;
    size_t n = strlen(f);
    while (n && (tpl_is_blank(f[n - 1]) || f[n - 1] == '\n' || f[n - 1] == '\r')) n--;
    int d, used = 0;
    if (sscanf(f, "decimals(%d)%n", &d, &used) == 1 && (size_t)used == n) {
        if (d < 0 || d > 10) return rfail(r, nd, "decimals(%d): the decimals go from 0 to 10", d);
        *decimals = d;
        return 0;
    }
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
        if (strlen(filters[i].name) == n && !strncmp(f, filters[i].name, n)) {
            *kind = filters[i].kind;
            return 0;
        }
    return rfail(r, nd, "unknown filter '%.*s' (expected decimals(N), count, percent, p, number, statistic or proportion)",
                 (int)n, f);
}

/* {{ NAME | filter ... }}: the named value's number written by the filters' kind and decimals. */
static int eval_filtered(renderer *r, const node *nd, const char *bar, int dry)
{
    const tally_host *h = r->env->host;
    const tally_report *rep = r->env->report;
    char name[128];
    const char *s = nd->text;
    while (tpl_is_blank(*s) || *s == '\n') s++;
    size_t len = (size_t)(bar - s);
    while (len && tpl_is_blank(s[len - 1])) len--;
    const char *blank = strpbrk(s, " \t");
    if (!len || len >= sizeof name || memchr(s, '"', len) || (blank && blank < s + len))
        return rfail(r, nd, "a filter needs a value name before '|': {{ NAME | p }}");
    snprintf(name, sizeof name, "%.*s", (int)len, s);
    int kind = h->rep_value_kind(rep, name), decimals = -1;
    tally_value_kind want = kind > 0 ? (tally_value_kind)kind : TALLY_VALUE_NUMBER;
    for (const char *f = bar; f; f = strchr(f + 1, '|')) {
        const char *next = strchr(f + 1, '|');
        char one[64];
        snprintf(one, sizeof one, "%.*s", (int)(next ? next - f - 1 : (ptrdiff_t)strlen(f + 1)), f + 1);
        if (parse_filter(r, nd, one, &want, &decimals) < 0) return -1;
    }
    double v;
    if (kind < 0) return guarded(r, name) ? 0 : value_error(r, nd, name);
    if (!h->rep_value_number(rep, name, &v))
        return rfail(r, nd, "'%s' is text; filters write numbers", name);
    char buf[TPL_NUM_SIZE];
    if (!dry) put_text(r, h->rep_format_value(rep, want, v, decimals, buf, sizeof buf));
    return 0;
}

static int eval_out(renderer *r, const node *nd, int dry)
{
    const tally_host *h = r->env->host;
    const char *bar = strchr(nd->text, '|');
    if (bar && !memchr(nd->text, '"', (size_t)(bar - nd->text))) return eval_filtered(r, nd, bar, dry);
    token tok[4];
    int n = tokenize(nd->text, tok, 4);
    int rc = 0;
    if (n == 1 && !tok[0].is_string) {
        const char *w = tok[0].s;
        if (!strcmp(w, "tables")) {
            size_t nt = h->rep_ntables(r->env->report);
            for (size_t i = 0; i < nt && !dry; i++) {
                if (i) tpl_buf_putc(r->out, '\n');
                put_section(r, h->rep_table(r->env->report, i));
            }
        } else {
            const char *text;
            char num[TPL_NUM_SIZE];
            tpl_buf notes = {0};
            int k = resolve(r, nd, w, &text, num, &notes);
            if (k == 1) rc = rfail(r, nd, "'%s' is a table: write {{ table %s }} or {{ %s.title }}", w, w, w);
            else if (k == 2 && !guarded(r, w)) rc = value_error(r, nd, w);
            else if (k == 0 && !dry) put_text(r, text);
            else if (k < 0) rc = -1;
            tpl_buf_free(&notes);
        }
    } else if (n == 2 && !tok[0].is_string && (!strcmp(tok[0].s, "table") || !strcmp(tok[0].s, "chart"))) {
        int err;
        const tally_table *t = find_table_arg(r, nd, &tok[1], &err);
        if (err) rc = -1;
        else if (t && !dry) {
            if (tok[0].s[0] == 't') r->env->table(h, r->env->report, r->out, t);
            else put_chart(r, t);
        }
    } else if (n == 2 && !tok[0].is_string && !strcmp(tok[0].s, "heading") && !tok[1].is_string) {
        char *end;
        long level = strtol(tok[1].s, &end, 10);
        if (*end || level < 1 || level > 6) rc = rfail(r, nd, "expected {{ heading N }} with N from 1 to 6");
        else if (!dry) put_heading(r, level);
    } else if (n == 2 && !tok[0].is_string && !strcmp(tok[0].s, "tr") && tok[1].is_string) {
        if (!dry) put_text(r, h->rep_tr(r->env->report, tok[1].s));
    } else {
        rc = rfail(r, nd, "unknown placeholder {{ %s }} (expected a value name, report.FIELD, "
                          "table \"ID\", chart \"ID\", tables, heading N, tr \"TEXT\" or NAME | filter)", nd->text);
    }
    for (int i = 0; i < n; i++) free(tok[i].s);
    return rc;
}

/* Evaluates {% if [not] NAME %}: 0 with *truth set, or -1. *missing names a
 * value that does not exist (the then-branch may still mention it). */
static int eval_cond(renderer *r, const node *nd, int *truth, const char **missing)
{
    const tally_host *h = r->env->host;
    const char *c = nd->text;
    int negate = 0;
    *missing = NULL;
    if (strncmp(c, "not ", 4) == 0) {
        negate = 1;
        c += 4;
        while (tpl_is_blank(*c)) c++;
    }
    if (!*c || strpbrk(c, " \t\r\n\""))
        return rfail(r, nd, "expected {%% if NAME %%} or {%% if not NAME %%}, got {%% if %s %%}", nd->text);
    int v;
    if (!strcmp(c, "tables")) v = h->rep_ntables(r->env->report) > 0;
    else if (!strcmp(c, "charts")) v = r->env->chart != NULL;
    else {
        const char *text;
        char num[TPL_NUM_SIZE];
        tpl_buf notes = {0};
        int k = resolve(r, nd, c, &text, num, &notes);
        double d;
        if (k < 0) {
            tpl_buf_free(&notes);
            return -1;
        }
        if (k == 1) v = find_var(r, c)->t != NULL;
        else if (k == 2) {
            v = 0;
            *missing = c;
        } else if (!strchr(c, '.') && h->rep_value_number(r->env->report, c, &d)) {
            v = d != 0 && !isnan(d);
        } else {
            v = text && *text && strcmp(text, "0") != 0;
        }
        tpl_buf_free(&notes);
    }
    *truth = negate ? !v : v;
    return 0;
}

static int render_list(renderer *r, const nodelist *l, int dry)
{
    for (size_t i = 0; i < l->n; i++) {
        const node *nd = &l->v[i];
        switch (nd->kind) {
        case N_TEXT:
            if (!dry) tpl_buf_add(r->out, nd->text, nd->len);
            break;
        case N_OUT: {
            size_t before = r->out->len;
            if (eval_out(r, nd, dry) < 0) return -1;
            if (!dry && nd->eol && r->out->len > before) tpl_buf_putc(r->out, '\n');
            break;
        }
        case N_IF: {
            int truth = 0;
            const char *missing;
            if (eval_cond(r, nd, &truth, &missing) < 0) return -1;
            int guard = missing && r->nguards < TPL_MAX_GUARDS;
            if (guard) r->guards[r->nguards++] = missing;
            int rc = render_list(r, &nd->body, dry || !truth);
            if (guard) r->nguards--;
            if (rc < 0 || render_list(r, &nd->alt, dry || truth) < 0) return -1;
            break;
        }
        case N_FOR: {
            if (r->nvars == TPL_MAX_LOOPS) return rfail(r, nd, "loops nested more than %d deep", TPL_MAX_LOOPS);
            const tally_host *h = r->env->host;
            size_t nt = h->rep_ntables(r->env->report);
            loopvar *v = &r->vars[r->nvars++];
            v->name = nd->text;
            v->t = NULL;
            v->index = 0;
            int rc = 0;
            if (nt == 0) rc = render_list(r, &nd->body, 1); /* still checks the body */
            for (size_t k = 0; k < nt && rc == 0; k++) {
                v->t = h->rep_table(r->env->report, k);
                v->index = k;
                rc = render_list(r, &nd->body, dry);
            }
            r->nvars--;
            if (rc < 0) return -1;
            break;
        }
        }
    }
    return 0;
}

char *tpl_render_nodes(const tpl_env *env, const nodelist *root, char **err)
{
    tpl_buf out = {0};
    renderer r = {.env = env, .out = &out};
    char *result = NULL;
    if (render_list(&r, root, 0) == 0) result = tpl_buf_take(&out);
    else *err = r.err;
    tpl_buf_free(&out);
    return result;
}
