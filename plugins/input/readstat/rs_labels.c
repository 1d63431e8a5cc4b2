/* rs_labels.c: value label sets collected while reading, applied to their columns at the end. */
#include "rs_internal.h"
#include "grow_buf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

char *rs_trimmed(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ') n--;
    char *t = malloc(n + 1);
    if (!t) return NULL;
    memcpy(t, s, n);
    t[n] = '\0';
    return t;
}

void rs_declare_tag(rs_state *st, rs_colinfo *c, char tag)
{
    uint32_t bit = 1u << (tag - 'a');
    if (c->tags & bit) return;
    c->tags |= bit;
    st->host->var_add_missing(st->ds, c->col, tally_tagged_missing_code(tag));
}

/* SAS names a label set by its format, which a variable may give with a width and a
 * dot ("SEXFMT8." for "SEXFMT"), in any case. 1 when a and b name the same set. */
static int same_format_name(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    while (na > 0 && (isdigit((unsigned char)a[na - 1]) || a[na - 1] == '.')) na--;
    while (nb > 0 && (isdigit((unsigned char)b[nb - 1]) || b[nb - 1] == '.')) nb--;
    if (na != nb) return 0;
    for (size_t i = 0; i < na; i++)
        if (toupper((unsigned char)a[i]) != toupper((unsigned char)b[i])) return 0;
    return 1;
}

static rs_labelset *find_set(rs_state *st, const char *name)
{
    for (size_t i = 0; i < st->nsets; i++)
        if (strcmp(st->sets[i].name, name) == 0) return &st->sets[i];
    if (st->format != RS_SAS7BDAT && st->format != RS_XPT) return NULL;
    for (size_t i = 0; i < st->nsets; i++)
        if (same_format_name(st->sets[i].name, name)) return &st->sets[i];
    /* a string format "$GRP" may name the catalogue's set "GRP" */
    if (name[0] == '$')
        for (size_t i = 0; i < st->nsets; i++)
            if (same_format_name(st->sets[i].name, name + 1)) return &st->sets[i];
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
    /* Tagged missing values (.a, .b, ...) are user-missing codes of their own; a label
     * for plain system-missing has no code to hang on. */
    char tag = 0;
    if (readstat_value_is_tagged_missing(value)) {
        tag = (char)tolower((unsigned char)readstat_value_tag(value));
        if (tag < 'a' || tag > 'z' || !st->user_missing) return;
    } else if (readstat_value_is_system_missing(value)) {
        return;
    }
    rs_labelset *s = get_set(st, set);
    if (!s) return;
    if (grow_array((void **)&s->items, &s->cap, s->n + 1, sizeof *s->items, 8) != 0) return;
    rs_label *l = &s->items[s->n];
    memset(l, 0, sizeof *l);
    if (readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING) {
        const char *code = readstat_string_value(value);
        l->is_string = 1;
        l->scode = rs_trimmed(code ? code : ""); /* SPSS pads label codes to the variable's width */
    } else if (tag) {
        l->code = tally_tagged_missing_code(tag);
        l->tag = tag;
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
            else if (!l->is_string && !c->is_string && l->tag) {
                rs_declare_tag(st, c, l->tag);
                st->host->var_add_value_label(st->ds, c->col, l->code, l->text);
            } else if (!l->is_string && !c->is_string)
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

static int on_catalog_label(const char *set, readstat_value_t value, const char *label, void *ctx)
{
    rs_labels_add(ctx, set, value, label);
    return READSTAT_HANDLER_OK;
}

static void on_catalog_error(const char *msg, void *ctx)
{
    rs_state *st = ctx;
    snprintf(st->readstat_msg, sizeof st->readstat_msg, "%s", msg);
    size_t n = strlen(st->readstat_msg);
    while (n > 0 && (st->readstat_msg[n - 1] == '\n' || st->readstat_msg[n - 1] == ' ')) st->readstat_msg[--n] = '\0';
}

int rs_labels_read_catalog(rs_state *st, const char *catalog, const char *encoding)
{
    FILE *f = fopen(catalog, "rb");
    if (!f) {
        st->host->error(st->ctx, "cannot open the catalogue '%s': %s; check the input's option catalog", catalog,
                        strerror(errno));
        return -1;
    }
    fclose(f);
    readstat_parser_t *p = readstat_parser_init();
    if (!p) {
        st->host->error(st->ctx, "%s: out of memory", catalog);
        return -1;
    }
    readstat_set_value_label_handler(p, on_catalog_label);
    readstat_set_error_handler(p, on_catalog_error);
    readstat_set_handler_character_encoding(p, "UTF-8");
    if (encoding) readstat_set_file_character_encoding(p, encoding);
    st->readstat_msg[0] = '\0';
    readstat_error_t err = readstat_parse_sas7bcat(p, catalog, st);
    readstat_parser_free(p);
    if (err != READSTAT_OK) {
        st->host->error(st->ctx, "cannot read '%s' as a SAS format catalogue (.sas7bcat): %s; name the catalogue "
                        "that holds the data file's formats in the option catalog", catalog,
                        st->readstat_msg[0] ? st->readstat_msg : readstat_error_message(err));
        return -1;
    }
    return 0;
}
