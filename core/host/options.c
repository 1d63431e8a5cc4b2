/* options.c: option sets of config blocks, validated against plugin declarations. */
#include "host.h"
#include "host_entries.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct opt_value {
    char *name;
    tally_val_kind kind;
    char *str;      /* STRING; also the textual form of NUMBER and BOOL */
    double num;
    int boolean;
    char **items;   /* LIST */
    size_t nitems;
    int from_cli;   /* STRING as --set gave it: repeats joined by CLI_REPEAT, resolved by coerce */
} opt_value;

#define CLI_REPEAT '\x1f' /* joins the values of a repeated --set NAME=... */

struct tally_options {
    char *where;
    int cli;        /* given on the command line (--set), not in a config */
    opt_value *vals;
    size_t n;
};

tally_options *tally_options_new(const char *where)
{
    tally_options *o = xcalloc(1, sizeof *o);
    o->where = xstrdup(where ? where : "");
    return o;
}

static void value_clear(opt_value *v)
{
    free(v->str);
    free_strings(v->items, v->nitems);
    v->str = NULL;
    v->items = NULL;
    v->nitems = 0;
    v->from_cli = 0;
}

void tally_options_free(tally_options *o)
{
    if (!o) return;
    for (size_t i = 0; i < o->n; i++) {
        value_clear(&o->vals[i]);
        free(o->vals[i].name);
    }
    free(o->vals);
    free(o->where);
    free(o);
}

static opt_value *find(const tally_options *o, const char *name)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->vals[i].name, name) == 0) return &o->vals[i];
    return NULL;
}

static opt_value *slot(tally_options *o, const char *name)
{
    opt_value *v = find(o, name);
    if (v) {
        value_clear(v);
        return v;
    }
    o->vals = xrealloc(o->vals, (o->n + 1) * sizeof *o->vals);
    v = &o->vals[o->n++];
    memset(v, 0, sizeof *v);
    v->name = xstrdup(name);
    return v;
}

void tally_options_set_string(tally_options *o, const char *name, const char *value)
{
    opt_value *v = slot(o, name);
    v->kind = TALLY_VAL_STRING;
    v->str = xstrdup(value ? value : "");
}

void tally_options_set_from_cli(tally_options *o, const char *name, const char *value)
{
    opt_value *v = find(o, name);
    if (v && v->from_cli && v->kind == TALLY_VAL_STRING) {
        char *joined = xasprintf("%s%c%s", v->str, CLI_REPEAT, value ? value : "");
        free(v->str);
        v->str = joined;
        return;
    }
    tally_options_set_string(o, name, value);
    find(o, name)->from_cli = 1;
}

/* A --set value made what its declaration wants: a list takes every repeat's items
 * (separated by commas; \, is a comma inside an item), anything else the last repeat. */
static void cli_resolve(opt_value *v, int list)
{
    char *text = v->str;
    v->str = NULL;
    v->from_cli = 0;
    sbuf item;
    sbuf_init(&item);
    const char *last = strrchr(text, CLI_REPEAT);
    const char *p = list || !last ? text : last + 1;
    for (;; p++) {
        if (*p == '\\' && p[1] == ',') {
            sbuf_putc(&item, *++p);
            continue;
        }
        if (*p && (!list || (*p != ',' && *p != CLI_REPEAT))) {
            sbuf_putc(&item, *p);
            continue;
        }
        if (list && item.len) {
            v->items = xrealloc(v->items, (v->nitems + 1) * sizeof *v->items);
            v->items[v->nitems++] = xstrdup(item.data);
        }
        item.len = 0;
        if (!*p) break;
    }
    if (list) {
        v->kind = TALLY_VAL_LIST;
        sbuf_free(&item);
    } else {
        v->str = item.data ? sbuf_take(&item) : xstrdup("");
        sbuf_free(&item);
    }
    free(text);
}

void tally_options_set_number(tally_options *o, const char *name, double value)
{
    opt_value *v = slot(o, name);
    v->kind = TALLY_VAL_NUMBER;
    v->num = value;
    v->str = (value == floor(value) && fabs(value) < 1e15) ? xasprintf("%.0f", value) : xasprintf("%.17g", value);
}

void tally_options_set_bool(tally_options *o, const char *name, int value)
{
    opt_value *v = slot(o, name);
    v->kind = TALLY_VAL_BOOL;
    v->boolean = value != 0;
    v->str = xstrdup(value ? "true" : "false");
}

void tally_options_set_empty_list(tally_options *o, const char *name)
{
    slot(o, name)->kind = TALLY_VAL_LIST;
}

void tally_options_add_list_item(tally_options *o, const char *name, const char *item)
{
    opt_value *v = find(o, name);
    if (!v || v->kind != TALLY_VAL_LIST) {
        v = slot(o, name);
        v->kind = TALLY_VAL_LIST;
    }
    v->items = xrealloc(v->items, (v->nitems + 1) * sizeof *v->items);
    v->items[v->nitems++] = xstrdup(item);
}

int tally_options_remove(tally_options *o, const char *name)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->vals[i].name, name) == 0) {
            value_clear(&o->vals[i]);
            free(o->vals[i].name);
            memmove(&o->vals[i], &o->vals[i + 1], (o->n - i - 1) * sizeof *o->vals);
            o->n--;
            return 1;
        }
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(const opt_value *const *)a)->name, (*(const opt_value *const *)b)->name);
}

/* 1 when name is one of the NULL-terminated names (none when names is NULL). */
static int named_in(const char *name, const char *const *names)
{
    for (size_t k = 0; names && names[k]; k++)
        if (strcmp(names[k], name) == 0) return 1;
    return 0;
}

char *tally_options_canonical(const tally_options *o) { return tally_options_canonical_except(o, NULL); }

char *tally_options_canonical_except(const tally_options *o, const char *const *except)
{
    const opt_value **sorted = xmalloc((o->n ? o->n : 1) * sizeof *sorted);
    size_t n = 0;
    for (size_t i = 0; i < o->n; i++)
        if (!named_in(o->vals[i].name, except)) sorted[n++] = &o->vals[i];
    qsort(sorted, n, sizeof *sorted, by_name);
    sbuf b;
    sbuf_init(&b);
    for (size_t i = 0; i < n; i++) { /* lengths before texts: no value can fake a boundary */
        const opt_value *v = sorted[i];
        sbuf_printf(&b, "%zu:%s=%d", strlen(v->name), v->name, (int)v->kind);
        if (v->kind == TALLY_VAL_LIST)
            for (size_t k = 0; k < v->nitems; k++) sbuf_printf(&b, ",%zu:%s", strlen(v->items[k]), v->items[k]);
        else if (v->str)
            sbuf_printf(&b, ",%zu:%s", strlen(v->str), v->str);
        sbuf_putc(&b, '\n');
    }
    free(sorted);
    return sbuf_take(&b);
}

const char *tally_options_where(const tally_options *o) { return o->where; }
void tally_options_set_cli(tally_options *o, int cli) { o->cli = cli; }
int tally_options_from_cli(const tally_options *o) { return o->cli; }

/* ---- validation ------------------------------------------------------------- */

static const char *type_name(tally_opt_type t)
{
    switch (t) {
    case TALLY_OPT_STRING: return "a string";
    case TALLY_OPT_PATH: return "a path (string)";
    case TALLY_OPT_INT: return "a whole number";
    case TALLY_OPT_NUMBER: return "a number";
    case TALLY_OPT_BOOL: return "true or false";
    case TALLY_OPT_CHOICE: return "one of the choices";
    case TALLY_OPT_LIST: return "a list of strings";
    }
    return "a value";
}

static const char *kind_name(tally_val_kind k)
{
    switch (k) {
    case TALLY_VAL_STRING: return "a string";
    case TALLY_VAL_NUMBER: return "a number";
    case TALLY_VAL_BOOL: return "a boolean";
    case TALLY_VAL_LIST: return "a list";
    }
    return "a value";
}

static int choice_ok(const char *choices, const char *value)
{
    size_t n = strlen(value);
    for (const char *p = choices; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, value, n) == 0) return 1;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

static char *choices_list(const char *choices)
{
    sbuf b;
    sbuf_init(&b);
    for (const char *p = choices; *p; p++) {
        if (*p == '|') sbuf_puts(&b, ", ");
        else sbuf_putc(&b, *p);
    }
    return sbuf_take(&b);
}

/* Converts a value to the declared type where the meaning is unambiguous
 * (a number given for a string option, "3" for an int); else an error text. */
static char *coerce(opt_value *v, const tally_option_decl *d, const char *base_dir)
{
    if (v->from_cli && v->kind == TALLY_VAL_STRING) cli_resolve(v, d->type == TALLY_OPT_LIST);
    switch (d->type) {
    case TALLY_OPT_STRING:
    case TALLY_OPT_PATH:
    case TALLY_OPT_CHOICE:
        if (v->kind == TALLY_VAL_LIST || v->kind == TALLY_VAL_BOOL)
            return xasprintf("option '%s' must be %s, not %s", d->name, type_name(d->type), kind_name(v->kind));
        v->kind = TALLY_VAL_STRING;
        if (d->type == TALLY_OPT_CHOICE && !choice_ok(d->choices, v->str)) {
            char *list = choices_list(d->choices);
            char *msg = xasprintf("option '%s' must be one of %s, not '%s'", d->name, list, v->str);
            free(list);
            return msg;
        }
        if (d->type == TALLY_OPT_PATH && base_dir && v->str[0] && v->str[0] != '/') {
            char *abs = path_join(base_dir, v->str);
            free(v->str);
            v->str = abs;
        }
        return NULL;
    case TALLY_OPT_INT:
    case TALLY_OPT_NUMBER: {
        if (v->kind == TALLY_VAL_STRING) {
            char *end;
            errno = 0;
            double x = strtod(v->str, &end);
            if (end == v->str || *end || errno)
                return xasprintf("option '%s' must be %s, not '%s'", d->name, type_name(d->type), v->str);
            v->num = x;
            v->kind = TALLY_VAL_NUMBER;
        }
        if (v->kind != TALLY_VAL_NUMBER)
            return xasprintf("option '%s' must be %s, not %s", d->name, type_name(d->type), kind_name(v->kind));
        if (d->type == TALLY_OPT_INT && v->num != floor(v->num))
            return xasprintf("option '%s' must be a whole number, not %g", d->name, v->num);
        if (d->min < d->max && (v->num < d->min || v->num > d->max))
            return xasprintf("option '%s' must be between %g and %g, not %g", d->name, d->min, d->max, v->num);
        return NULL;
    }
    case TALLY_OPT_BOOL:
        if (v->kind == TALLY_VAL_STRING) {
            if (strcasecmp(v->str, "true") == 0 || strcmp(v->str, "1") == 0 || strcasecmp(v->str, "yes") == 0)
                v->boolean = 1;
            else if (strcasecmp(v->str, "false") == 0 || strcmp(v->str, "0") == 0 || strcasecmp(v->str, "no") == 0)
                v->boolean = 0;
            else
                return xasprintf("option '%s' must be true or false, not '%s'", d->name, v->str);
            v->kind = TALLY_VAL_BOOL;
        }
        if (v->kind != TALLY_VAL_BOOL)
            return xasprintf("option '%s' must be true or false, not %s", d->name, kind_name(v->kind));
        return NULL;
    case TALLY_OPT_LIST:
        if (v->kind == TALLY_VAL_STRING || v->kind == TALLY_VAL_NUMBER) { /* one item */
            char *item = v->str;
            v->str = NULL;
            v->kind = TALLY_VAL_LIST;
            v->items = xmalloc(sizeof *v->items);
            v->items[0] = item;
            v->nitems = 1;
        }
        if (v->kind != TALLY_VAL_LIST)
            return xasprintf("option '%s' must be a list of strings, not %s", d->name, kind_name(v->kind));
        return NULL;
    }
    return NULL;
}

int tally_options_validate(tally_options *o, const tally_option_decl *decls, const char *what,
                           const char *base_dir, char **err)
{
    size_t ndecl = 0;
    while (decls && decls[ndecl].name) ndecl++;
    const char **names = xmalloc((ndecl + 1) * sizeof *names);
    for (size_t i = 0; i < ndecl; i++) names[i] = decls[i].name;
    char *msg = NULL;

    for (size_t i = 0; i < o->n && !msg; i++) {
        const tally_option_decl *d = NULL;
        for (size_t k = 0; k < ndecl; k++)
            if (strcmp(decls[k].name, o->vals[i].name) == 0) d = &decls[k];
        if (!d) {
            char *unknown = str_unknown("option", o->vals[i].name, names, ndecl);
            char *allowed = str_join(names, ndecl);
            msg = xasprintf("%s; allowed: %s", unknown, allowed);
            free(unknown);
            free(allowed);
            break;
        }
        msg = coerce(&o->vals[i], d, base_dir);
    }
    for (size_t k = 0; k < ndecl && !msg; k++) {
        const tally_option_decl *d = &decls[k];
        if (find(o, d->name)) continue;
        if (d->required) {
            msg = xasprintf("missing required option '%s' (%s: %s)", d->name, type_name(d->type),
                            d->help ? d->help : "");
            break;
        }
        if (d->default_value) {
            if (d->type == TALLY_OPT_LIST) {
                slot(o, d->name)->kind = TALLY_VAL_LIST;
                if (*d->default_value) tally_options_add_list_item(o, d->name, d->default_value);
            } else {
                tally_options_set_string(o, d->name, d->default_value);
                msg = coerce(find(o, d->name), d, base_dir);
            }
        }
    }
    free(names);
    if (msg) {
        *err = xasprintf("%s%s%s: %s", o->where, *o->where ? ": " : "", what, msg);
        free(msg);
        return -1;
    }
    return 0;
}

/* ---- host table entries ----------------------------------------------------------- */

int host_opt_is_set(const tally_options *o, const char *name) { return find(o, name) != NULL; }

const char *host_opt_string(const tally_options *o, const char *name)
{
    opt_value *v = find(o, name);
    if (!v) return NULL;
    if (v->kind == TALLY_VAL_LIST) return v->nitems ? v->items[0] : NULL;
    return v->str;
}

double host_opt_number(const tally_options *o, const char *name)
{
    opt_value *v = find(o, name);
    if (!v) return NAN;
    if (v->kind == TALLY_VAL_NUMBER) return v->num;
    if (v->kind == TALLY_VAL_BOOL) return v->boolean;
    return v->str ? strtod(v->str, NULL) : NAN;
}

int64_t host_opt_int(const tally_options *o, const char *name)
{
    double x = host_opt_number(o, name);
    return x == x ? (int64_t)x : 0;
}

int host_opt_bool(const tally_options *o, const char *name)
{
    opt_value *v = find(o, name);
    if (!v) return 0;
    if (v->kind == TALLY_VAL_BOOL) return v->boolean;
    if (v->kind == TALLY_VAL_NUMBER) return v->num != 0;
    return v->str && (strcasecmp(v->str, "true") == 0 || strcmp(v->str, "1") == 0);
}

size_t host_opt_list_len(const tally_options *o, const char *name)
{
    opt_value *v = find(o, name);
    if (!v) return 0;
    return v->kind == TALLY_VAL_LIST ? v->nitems : 1;
}

const char *host_opt_list_item(const tally_options *o, const char *name, size_t i)
{
    opt_value *v = find(o, name);
    if (!v) return NULL;
    if (v->kind != TALLY_VAL_LIST) return i == 0 ? v->str : NULL;
    return i < v->nitems ? v->items[i] : NULL;
}
