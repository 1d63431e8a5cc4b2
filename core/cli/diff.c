/* diff.c: `tally diff`: compares two tally JSON reports table by table and figure by figure. */
/* The JSON is read with Jansson (Debian libjansson-dev): a well-kept parser that reports the
 * line and column of a syntax error, which is what a user needs to find a damaged file. */
#include "diff.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef enum {
    CH_FIGURE,
    CH_TABLE_ADDED,
    CH_TABLE_REMOVED,
    CH_ROW_ADDED,
    CH_ROW_REMOVED,
    CH_COL_ADDED,
    CH_COL_REMOVED,
    CH_VALUE_ADDED,
    CH_VALUE_REMOVED,
    CH_VALUE_CHANGED,
} change_kind;

/* One difference; the strings are owned, the JSON values borrowed from the loaded files. */
typedef struct change {
    change_kind kind;
    char *table, *title, *row, *col;
    json_t *old, *new;
} change;

typedef struct diff_state {
    const tally_diff_opts *o;
    change *list;
    size_t n, cap;
    size_t within;   /* figures that changed, but not beyond the thresholds */
    size_t compared; /* figures present in both files */
} diff_state;

static void add_change(diff_state *s, change_kind k, const char *table, const char *title, const char *row,
                       const char *col, json_t *old, json_t *new)
{
    s->list = xgrow(s->list, &s->cap, s->n + 1, sizeof *s->list, 16);
    change *c = &s->list[s->n++];
    c->kind = k;
    c->table = table ? xstrdup(table) : NULL;
    c->title = title ? xstrdup(title) : NULL;
    c->row = row ? xstrdup(row) : NULL;
    c->col = col ? xstrdup(col) : NULL;
    c->old = old;
    c->new = new;
}

/* ---- reading and checking a file ---------------------------------------------------- */

static int malformed(const char *path, const char *where, const char *what)
{
    fprintf(stderr, "tally diff: %s: %s: %s (is it a JSON report written by tally's json output?)\n", path, where,
            what);
    return 1;
}

/* Checks the parts diff relies on; 0 when usable, 1 after a message naming file and place. */
static int check_report(const char *path, json_t *root)
{
    if (!json_is_object(root)) return malformed(path, "top level", "not an object");
    json_t *tables = json_object_get(root, "tables");
    if (!json_is_array(tables)) return malformed(path, "top level", "no \"tables\" list");
    char where[160];
    for (size_t i = 0; i < json_array_size(tables); i++) {
        json_t *t = json_array_get(tables, i);
        snprintf(where, sizeof where, "tables[%zu]", i);
        if (!json_is_object(t)) return malformed(path, where, "not an object");
        if (!json_is_string(json_object_get(t, "id"))) return malformed(path, where, "no \"id\" text");
        snprintf(where, sizeof where, "tables[%zu] (id \"%.80s\")", i, json_string_value(json_object_get(t, "id")));
        json_t *cols = json_object_get(t, "columns"), *rows = json_object_get(t, "rows");
        if (!json_is_array(cols)) return malformed(path, where, "no \"columns\" list");
        if (!json_is_array(rows)) return malformed(path, where, "no \"rows\" list");
        for (size_t c = 0; c < json_array_size(cols); c++)
            if (!json_is_object(json_array_get(cols, c))) return malformed(path, where, "a column is not an object");
        for (size_t r = 0; r < json_array_size(rows); r++) {
            json_t *row = json_array_get(rows, r);
            if (!json_is_object(row) || !json_is_array(json_object_get(row, "cells"))) {
                snprintf(where + strlen(where), sizeof where - strlen(where), ", rows[%zu]", r);
                return malformed(path, where, "a row without a \"cells\" list");
            }
        }
    }
    json_t *values = json_object_get(root, "values");
    if (values && !json_is_object(values)) return malformed(path, "top level", "\"values\" is not an object");
    return 0;
}

static json_t *load_report(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "tally diff: cannot open '%s': %s\n", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "tally diff: '%s' is a folder, not a JSON report\n", path);
        fclose(f);
        return NULL;
    }
    json_error_t err;
    json_t *root = json_loadf(f, 0, &err);
    fclose(f);
    if (!root) {
        fprintf(stderr, "tally diff: %s:%d:%d: not valid JSON: %s\n", path, err.line, err.column, err.text);
        return NULL;
    }
    if (check_report(path, root)) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* ---- keys: rows by label, columns by group and label, repeats numbered ------------------ */

static const char *str_or(json_t *v, const char *dflt)
{
    return json_is_string(v) ? json_string_value(v) : dflt;
}

/* keys[i] for each element: its name, with " (2)", " (3)" for a repeated name. Caller frees. */
static char **make_keys(json_t *arr, int columns)
{
    size_t n = json_array_size(arr);
    char **keys = xcalloc(n + 1, sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(arr, i);
        const char *label = str_or(json_object_get(e, "label"), "");
        const char *group = columns ? str_or(json_object_get(e, "group"), NULL) : NULL;
        char *base = group && *group ? xasprintf("%s: %s", group, label) : xstrdup(label);
        size_t seen = 1;
        for (size_t j = 0; j < i; j++) {
            json_t *p = json_array_get(arr, j);
            const char *pl = str_or(json_object_get(p, "label"), "");
            const char *pg = columns ? str_or(json_object_get(p, "group"), NULL) : NULL;
            if (strcmp(pl, label) == 0 && ((!pg && !group) || (pg && group && strcmp(pg, group) == 0))) seen++;
        }
        keys[i] = seen > 1 ? xasprintf("%s (%zu)", base, seen) : xstrdup(base);
        free(base);
    }
    return keys;
}

static void free_keys(char **keys)
{
    for (size_t i = 0; keys && keys[i]; i++) free(keys[i]);
    free(keys);
}

static long find_key(char **keys, const char *k)
{
    for (size_t i = 0; keys[i]; i++)
        if (strcmp(keys[i], k) == 0) return (long)i;
    return -1;
}

static json_t *find_table(json_t *tables, const char *id)
{
    for (size_t i = 0; i < json_array_size(tables); i++) {
        json_t *t = json_array_get(tables, i);
        if (strcmp(json_string_value(json_object_get(t, "id")), id) == 0) return t;
    }
    return NULL;
}

/* ---- comparing ---------------------------------------------------------------------- */

/* 1 when the two cells differ beyond the thresholds; counts differences within them. */
static int moved(diff_state *s, json_t *a, json_t *b)
{
    s->compared++;
    if (json_is_number(a) && json_is_number(b)) {
        double x = json_number_value(a), y = json_number_value(b), d = fabs(y - x);
        if (d == 0) return 0;
        if (d > s->o->abs && d > s->o->rel * fabs(x)) return 1;
        s->within++;
        return 0;
    }
    if (json_equal(a, b) || (!a && json_is_null(b)) || (json_is_null(a) && !b)) return 0;
    return 1;
}

static void diff_table(diff_state *s, json_t *ot, json_t *nt)
{
    const char *id = json_string_value(json_object_get(nt, "id"));
    const char *title = str_or(json_object_get(nt, "title"), NULL);
    json_t *oc = json_object_get(ot, "columns"), *nc = json_object_get(nt, "columns");
    json_t *or = json_object_get(ot, "rows"), *nr = json_object_get(nt, "rows");
    char **ock = make_keys(oc, 1), **nck = make_keys(nc, 1), **ork = make_keys(or, 0), **nrk = make_keys(nr, 0);
    for (size_t c = 0; nck[c]; c++)
        if (find_key(ock, nck[c]) < 0) add_change(s, CH_COL_ADDED, id, title, NULL, nck[c], NULL, NULL);
    for (size_t c = 0; ock[c]; c++)
        if (find_key(nck, ock[c]) < 0) add_change(s, CH_COL_REMOVED, id, title, NULL, ock[c], NULL, NULL);
    for (size_t r = 0; nrk[r]; r++) {
        long orow = find_key(ork, nrk[r]);
        if (orow < 0) {
            add_change(s, CH_ROW_ADDED, id, title, nrk[r], NULL, NULL, NULL);
            continue;
        }
        json_t *ocells = json_object_get(json_array_get(or, (size_t)orow), "cells");
        json_t *ncells = json_object_get(json_array_get(nr, r), "cells");
        for (size_t c = 0; nck[c]; c++) {
            long ocol = find_key(ock, nck[c]);
            if (ocol < 0) continue;
            json_t *a = json_array_get(ocells, (size_t)ocol), *b = json_array_get(ncells, c);
            if (moved(s, a, b)) add_change(s, CH_FIGURE, id, title, nrk[r], nck[c], a, b);
        }
    }
    for (size_t r = 0; ork[r]; r++)
        if (find_key(nrk, ork[r]) < 0) add_change(s, CH_ROW_REMOVED, id, title, ork[r], NULL, NULL, NULL);
    free_keys(ock), free_keys(nck), free_keys(ork), free_keys(nrk);
}

/* A named value compares by its number, or by its text when it has no number. */
static void diff_values(diff_state *s, json_t *ov, json_t *nv)
{
    const char *name;
    json_t *v;
    json_object_foreach(nv, name, v) {
        json_t *o = ov ? json_object_get(ov, name) : NULL;
        if (!o) {
            add_change(s, CH_VALUE_ADDED, NULL, NULL, name, NULL, NULL, v);
            continue;
        }
        json_t *a = json_object_get(o, "number"), *b = json_object_get(v, "number");
        if (!json_is_number(a) || !json_is_number(b)) a = json_object_get(o, "text"), b = json_object_get(v, "text");
        if (moved(s, a, b)) add_change(s, CH_VALUE_CHANGED, NULL, NULL, name, NULL, a, b);
    }
    json_object_foreach(ov, name, v) {
        if (!nv || !json_object_get(nv, name)) add_change(s, CH_VALUE_REMOVED, NULL, NULL, name, NULL, v, NULL);
    }
}

static void diff_reports(diff_state *s, json_t *oldr, json_t *newr)
{
    json_t *ot = json_object_get(oldr, "tables"), *nt = json_object_get(newr, "tables");
    for (size_t i = 0; i < json_array_size(nt); i++) {
        json_t *t = json_array_get(nt, i);
        const char *id = json_string_value(json_object_get(t, "id"));
        json_t *o = find_table(ot, id);
        if (o) diff_table(s, o, t);
        else add_change(s, CH_TABLE_ADDED, id, str_or(json_object_get(t, "title"), NULL), NULL, NULL, NULL, NULL);
    }
    for (size_t i = 0; i < json_array_size(ot); i++) {
        json_t *t = json_array_get(ot, i);
        const char *id = json_string_value(json_object_get(t, "id"));
        if (!find_table(nt, id))
            add_change(s, CH_TABLE_REMOVED, id, str_or(json_object_get(t, "title"), NULL), NULL, NULL, NULL, NULL);
    }
    json_t *ov = json_object_get(oldr, "values"), *nv = json_object_get(newr, "values");
    if (json_is_object(nv)) diff_values(s, json_is_object(ov) ? ov : NULL, nv);
    else if (json_is_object(ov)) { /* every value removed */
        json_t *none = json_object();
        diff_values(s, ov, none);
        json_decref(none);
    }
}

/* ---- writing ------------------------------------------------------------------------- */

/* A cell as short text: numbers with up to 10 significant digits, texts quoted, empty as "empty". */
static void cell_text(json_t *v, char *buf, size_t n)
{
    if (!v || json_is_null(v)) snprintf(buf, n, "empty");
    else if (json_is_number(v)) snprintf(buf, n, "%.10g", json_number_value(v));
    else if (json_is_string(v)) snprintf(buf, n, "\"%s\"", json_string_value(v));
    else if (json_is_true(v) || json_is_false(v)) snprintf(buf, n, "%s", json_is_true(v) ? "true" : "false");
    else snprintf(buf, n, "(value)");
}

static void delta_text(json_t *a, json_t *b, char *buf, size_t n)
{
    if (json_is_number(a) && json_is_number(b)) snprintf(buf, n, "%+.6g", json_number_value(b) - json_number_value(a));
    else snprintf(buf, n, "%s", "");
}

typedef struct counts {
    size_t figures, tables_added, tables_removed, rows, cols, values_changed, values_added, values_removed;
} counts;

static counts count_changes(const diff_state *s)
{
    counts c = {0};
    for (size_t i = 0; i < s->n; i++) switch (s->list[i].kind) {
        case CH_FIGURE: c.figures++; break;
        case CH_TABLE_ADDED: c.tables_added++; break;
        case CH_TABLE_REMOVED: c.tables_removed++; break;
        case CH_ROW_ADDED: case CH_ROW_REMOVED: c.rows++; break;
        case CH_COL_ADDED: case CH_COL_REMOVED: c.cols++; break;
        case CH_VALUE_CHANGED: c.values_changed++; break;
        case CH_VALUE_ADDED: c.values_added++; break;
        case CH_VALUE_REMOVED: c.values_removed++; break;
        }
    return c;
}

/* "3 figures changed, 1 table added" or "no figure changed". */
static char *summary_text(const diff_state *s)
{
    counts c = count_changes(s);
    sbuf b;
    sbuf_init(&b);
    struct { size_t n; const char *one, *many; } parts[] = {
        {c.figures, "figure changed", "figures changed"},
        {c.values_changed, "named value changed", "named values changed"},
        {c.tables_added, "table added", "tables added"},
        {c.tables_removed, "table removed", "tables removed"},
        {c.rows, "row added or removed", "rows added or removed"},
        {c.cols, "column added or removed", "columns added or removed"},
        {c.values_added, "named value added", "named values added"},
        {c.values_removed, "named value removed", "named values removed"},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (parts[i].n) sbuf_printf(&b, "%s%zu %s", b.len ? ", " : "", parts[i].n, parts[i].n == 1 ? parts[i].one : parts[i].many);
    if (!b.len) sbuf_puts(&b, "no figure changed");
    return sbuf_take(&b);
}

static char *thresholds_text(const tally_diff_opts *o)
{
    if (o->abs == 0 && o->rel == 0) return xstrdup("any difference counts");
    if (o->rel == 0) return xasprintf("thresholds: abs %g", o->abs);
    if (o->abs == 0) return xasprintf("thresholds: rel %g%%", o->rel * 100);
    return xasprintf("thresholds: abs %g, rel %g%%", o->abs, o->rel * 100);
}

static void write_text(const diff_state *s, FILE *f)
{
    char a[512], b[512], d[64];
    for (size_t i = 0; i < s->n; i++) {
        const change *c = &s->list[i];
        switch (c->kind) {
        case CH_FIGURE:
            cell_text(c->old, a, sizeof a), cell_text(c->new, b, sizeof b), delta_text(c->old, c->new, d, sizeof d);
            fprintf(f, "changed  %s / %s / %s: %s -> %s%s%s%s\n", c->table, c->row, c->col, a, b, *d ? " (" : "", d, *d ? ")" : "");
            break;
        case CH_TABLE_ADDED: fprintf(f, "added    table %s \"%s\"\n", c->table, c->title ? c->title : ""); break;
        case CH_TABLE_REMOVED: fprintf(f, "removed  table %s \"%s\"\n", c->table, c->title ? c->title : ""); break;
        case CH_ROW_ADDED: fprintf(f, "added    row %s / %s\n", c->table, c->row); break;
        case CH_ROW_REMOVED: fprintf(f, "removed  row %s / %s\n", c->table, c->row); break;
        case CH_COL_ADDED: fprintf(f, "added    column %s / %s\n", c->table, c->col); break;
        case CH_COL_REMOVED: fprintf(f, "removed  column %s / %s\n", c->table, c->col); break;
        case CH_VALUE_ADDED: fprintf(f, "added    value %s\n", c->row); break;
        case CH_VALUE_REMOVED: fprintf(f, "removed  value %s\n", c->row); break;
        case CH_VALUE_CHANGED:
            cell_text(c->old, a, sizeof a), cell_text(c->new, b, sizeof b), delta_text(c->old, c->new, d, sizeof d);
            fprintf(f, "changed  value %s: %s -> %s%s%s%s\n", c->row, a, b, *d ? " (" : "", d, *d ? ")" : "");
            break;
        }
    }
    char *sum = summary_text(s), *th = thresholds_text(s->o);
    fprintf(f, "%s (%zu figures compared; %s", sum, s->compared, th);
    if (s->within) fprintf(f, "; %zu within the thresholds", s->within);
    fprintf(f, ")\n");
    free(sum), free(th);
}

/* Text for a Markdown table cell or list item: punctuation that Markdown reads is escaped. */
static void md_put(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\n' || *s == '\r') fputc(' ', f);
        else if (strchr("\\`*_[]<>|#!~&", *s)) fprintf(f, "\\%c", *s);
        else fputc(*s, f);
    }
}

static void md_list(FILE *f, const diff_state *s, change_kind k, const char *heading)
{
    int any = 0;
    for (size_t i = 0; i < s->n; i++) {
        const change *c = &s->list[i];
        if (c->kind != k) continue;
        if (!any) fprintf(f, "\n**%s**\n\n", heading);
        any = 1;
        fputs("- ", f);
        md_put(f, c->table ? c->table : c->row);
        if (c->table && (c->row || c->col)) fputs(": ", f), md_put(f, c->row ? c->row : c->col);
        else if (c->title) fputs(" (", f), md_put(f, c->title), fputc(')', f);
        fputc('\n', f);
    }
}

static void write_markdown(const diff_state *s, FILE *f, const char *old_path, const char *new_path)
{
    char *sum = summary_text(s), *th = thresholds_text(s->o);
    fputs("### Report changes: ", f), md_put(f, sum), fputs("\n\n", f);
    fputs("Compared ", f), md_put(f, old_path), fputs(" with ", f), md_put(f, new_path);
    fprintf(f, ": %zu figures in both (%s", s->compared, th);
    if (s->within) fprintf(f, "; %zu changed within them", s->within);
    fputs(").\n", f);
    free(sum), free(th);
    int head = 0;
    char a[512], b[512], d[64];
    for (size_t i = 0; i < s->n; i++) {
        const change *c = &s->list[i];
        if (c->kind != CH_FIGURE && c->kind != CH_VALUE_CHANGED) continue;
        if (!head) fputs("\n| Table | Row | Column | Old | New | Change |\n|---|---|---|---:|---:|---:|\n", f);
        head = 1;
        cell_text(c->old, a, sizeof a), cell_text(c->new, b, sizeof b), delta_text(c->old, c->new, d, sizeof d);
        fputs("| ", f), md_put(f, c->kind == CH_FIGURE ? c->table : "(named value)");
        fputs(" | ", f), md_put(f, c->row);
        fputs(" | ", f), md_put(f, c->col ? c->col : "");
        fputs(" | ", f), md_put(f, a);
        fputs(" | ", f), md_put(f, b);
        fputs(" | ", f), md_put(f, d);
        fputs(" |\n", f);
    }
    md_list(f, s, CH_TABLE_ADDED, "Tables added");
    md_list(f, s, CH_TABLE_REMOVED, "Tables removed");
    md_list(f, s, CH_ROW_ADDED, "Rows added");
    md_list(f, s, CH_ROW_REMOVED, "Rows removed");
    md_list(f, s, CH_COL_ADDED, "Columns added");
    md_list(f, s, CH_COL_REMOVED, "Columns removed");
    md_list(f, s, CH_VALUE_ADDED, "Named values added");
    md_list(f, s, CH_VALUE_REMOVED, "Named values removed");
}

int tally_diff_files(const char *old_path, const char *new_path, const tally_diff_opts *o, FILE *text, FILE *md)
{
    json_t *oldr = load_report(old_path);
    if (!oldr) return 1;
    json_t *newr = load_report(new_path);
    if (!newr) {
        json_decref(oldr);
        return 1;
    }
    diff_state s = {.o = o};
    diff_reports(&s, oldr, newr);
    if (text) write_text(&s, text);
    if (md) write_markdown(&s, md, old_path, new_path);
    int rc = s.n ? 3 : 0;
    for (size_t i = 0; i < s.n; i++) free(s.list[i].table), free(s.list[i].title), free(s.list[i].row), free(s.list[i].col);
    free(s.list);
    json_decref(oldr), json_decref(newr);
    return rc;
}

/* ---- command line ---------------------------------------------------------------------- */

static const char diff_usage[] =
    "Usage: tally diff OLD.json NEW.json [--abs X] [--rel Y%] [-o CHANGES.md]\n"
    "\n"
    "Compares two reports written by the json output: tables matched by id, rows by label,\n"
    "columns by name (group: label), named values by name. Lists the tables, rows, columns\n"
    "and values added or removed and every figure that moved.\n"
    "\n"
    "  --abs X       a figure moved only when it changed by more than X (e.g. 0.5 points)\n"
    "  --rel Y%      ... and by more than Y percent of its old value (e.g. 1%)\n"
    "  -o FILE.md    also write the changes as Markdown (for a pull-request comment or\n"
    "                $GITHUB_STEP_SUMMARY); '-' writes the Markdown to standard output instead\n"
    "                of the plain list\n"
    "\n"
    "Exit codes: 0 nothing moved beyond the thresholds, 3 something did (like a failed assert\n"
    "stage, for CI gates), 1 a file is missing or not a tally JSON report, 2 usage error.\n";

static int diff_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "tally: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nRun 'tally diff --help' for usage.\n");
    return 2;
}

/* A non-negative number; for --rel a trailing % divides by 100, without it the value is a fraction. */
static int parse_threshold(const char *s, int percent_ok, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v) || v < 0) return 0;
    if (percent_ok && *end == '%') v /= 100, end++;
    if (*end) return 0;
    *out = v;
    return 1;
}

int tally_diff_main(int argc, char **argv)
{
    tally_diff_opts o = {0, 0};
    const char *paths[2] = {NULL, NULL}, *md_path = NULL;
    int np = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(diff_usage, stdout);
            return 0;
        } else if ((strcmp(a, "--abs") == 0 || strcmp(a, "--rel") == 0) && i + 1 < argc) {
            int rel = a[2] == 'r';
            if (!parse_threshold(argv[++i], rel, rel ? &o.rel : &o.abs))
                return diff_usage_error(rel ? "--rel needs a percentage like 1%% ('%s' is not one)"
                                            : "--abs needs a number of 0 or more ('%s' is not one)", argv[i]);
        } else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
            md_path = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return diff_usage_error("unknown option '%s'", a);
        } else if (np < 2) {
            paths[np++] = a;
        } else {
            return diff_usage_error("diff compares two files ('%s' is a third)", a);
        }
    }
    if (np < 2) return diff_usage_error("%s", "diff needs two JSON reports: tally diff OLD.json NEW.json");
    if (md_path && strcmp(md_path, "-") == 0) return tally_diff_files(paths[0], paths[1], &o, NULL, stdout);
    if (!md_path) return tally_diff_files(paths[0], paths[1], &o, stdout, NULL);
    /* The Markdown goes to a temporary file renamed at the end: a failed diff leaves nothing half-written. */
    char *tmp = xasprintf("%s.tmp-XXXXXX", md_path);
    int fd = mkstemp(tmp);
    if (fd >= 0) {
        mode_t mask = umask(0);
        umask(mask);
        (void)fchmod(fd, 0666 & ~mask); /* mkstemp made it private; the file is for sharing */
    }
    FILE *md = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!md) {
        fprintf(stderr, "tally diff: cannot write '%s': %s\n", md_path, strerror(errno));
        free(tmp);
        return 1;
    }
    int rc = tally_diff_files(paths[0], paths[1], &o, stdout, md);
    int bad = ferror(md) | (fclose(md) != 0);
    if (rc == 1 || bad || rename(tmp, md_path) != 0) {
        if (bad || rc != 1) fprintf(stderr, "tally diff: cannot write '%s': %s\n", md_path, strerror(errno));
        unlink(tmp);
        if (rc != 1) rc = 1;
    }
    free(tmp);
    return rc;
}
