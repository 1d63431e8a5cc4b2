/* rs_labels.c: value label sets collected while reading, applied to their columns at the end. */
#include "rs_internal.h"

#include <stdlib.h>
#include <string.h>

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static rs_labelset *find_set(rs_state *st, const char *name)
{
    for (size_t i = 0; i < st->nsets; i++)
        if (strcmp(st->sets[i].name, name) == 0) return &st->sets[i];
    return NULL;
}

static rs_labelset *get_set(rs_state *st, const char *name)
{
    rs_labelset *s = find_set(st, name);
    if (s) return s;
    rs_labelset *grown = realloc(st->sets, (st->nsets + 1) * sizeof *grown);
    if (!grown) return NULL;
    st->sets = grown;
    s = &st->sets[st->nsets];
    memset(s, 0, sizeof *s);
    s->name = dup_str(name);
    if (!s->name) return NULL;
    st->nsets++;
    return s;
}

void rs_labels_add(rs_state *st, const char *set, readstat_value_t value, const char *label)
{
    /* Stata's tagged missing values (.a, .b, ...) are read as system-missing, so a
     * label for one has no cell to describe. */
    if (readstat_value_is_tagged_missing(value) || readstat_value_is_system_missing(value)) return;
    rs_labelset *s = get_set(st, set);
    if (!s) return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        rs_label *items = realloc(s->items, cap * sizeof *items);
        if (!items) return;
        s->items = items;
        s->cap = cap;
    }
    rs_label *l = &s->items[s->n];
    memset(l, 0, sizeof *l);
    if (readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING) {
        const char *code = readstat_string_value(value);
        l->is_string = 1;
        l->scode = dup_str(code ? code : "");
    } else {
        l->code = readstat_double_value(value);
    }
    l->text = dup_str(label ? label : "");
    s->n++;
}

void rs_labels_apply(rs_state *st)
{
    for (int i = 0; i < st->ncols; i++) {
        rs_colinfo *c = &st->cols[i];
        if (!c->labelset) continue;
        rs_labelset *s = find_set(st, c->labelset);
        if (!s) continue;
        for (size_t k = 0; k < s->n; k++) {
            rs_label *l = &s->items[k];
            if (l->is_string && c->is_string)
                st->host->var_add_string_value_label(st->ds, c->col, l->scode, l->text);
            else if (!l->is_string && !c->is_string)
                st->host->var_add_value_label(st->ds, c->col, rs_date_convert(c->date, l->code), l->text);
        }
    }
}

void rs_labels_free(rs_state *st)
{
    for (size_t i = 0; i < st->nsets; i++) {
        for (size_t k = 0; k < st->sets[i].n; k++) {
            free(st->sets[i].items[k].scode);
            free(st->sets[i].items[k].text);
        }
        free(st->sets[i].items);
        free(st->sets[i].name);
    }
    free(st->sets);
    st->sets = NULL;
    st->nsets = 0;
}
