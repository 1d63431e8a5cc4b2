/* xlsform_read.c: reads an XLSForm's survey and choices sheets (through the excel plugin's streaming reader) into questions and choice lists. */
#include "xlsform.h"
#include "../input/excel/xlsx_in.h"
#include "free_all.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A sheet's cells as texts, row by row (NULL: empty). */
typedef struct xf_table {
    char **cell;
    size_t nr, nc;
    const char *sheet;  /* its name as the form spells it */
} xf_table;

static const char *tcell(const xf_table *t, size_t r, long c)
{
    if (c < 0 || r >= t->nr || (size_t)c >= t->nc) return NULL;
    const char *s = t->cell[r * t->nc + (size_t)c];
    return s && *s ? s : NULL;
}

static void table_free(xf_table *t)
{
    if (t->cell)
        for (size_t i = 0; i < t->nr * t->nc; i++) free(t->cell[i]);
    free(t->cell);
    memset(t, 0, sizeof *t);
}

static char *dup_trim(const char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

/* Reads sheet k into t: every cell's text, numbers written as %.15g (choice names such as 1, 2). */
static int table_read(xlsx_zip *z, const xlsx_book *b, size_t k, xf_table *t, char err[XLSX_ERR])
{
    xlsx_grid g;
    memset(&g, 0, sizeof g);
    memset(t, 0, sizeof *t);
    t->sheet = b->sheet_names[k];
    if (xlsx_sheet_read(z, b, k, &g, err) != 0) {
        xlsx_grid_free(&g);
        return -1;
    }
    t->nr = g.nrows;
    t->nc = g.ncols;
    t->cell = calloc(t->nr * t->nc + 1, sizeof *t->cell);
    int rc = t->cell ? 0 : -1;
    for (size_t c = 0; rc == 0 && c < g.ncols; c++) {
        const xlsx_col *col = &g.cols[c];
        for (size_t i = 0; i < col->n; i++) {
            char buf[64];
            const char *s = xlsx_cell_text(b, col, i);
            if (col->kind[i] == XC_ERROR) continue;
            if (!s) {
                if (col->kind[i] == XC_BOOL) snprintf(buf, sizeof buf, "%s", xlsx_col_num(col, i) != 0 ? "TRUE" : "FALSE");
                else snprintf(buf, sizeof buf, "%.15g", xlsx_col_num(col, i));
                s = buf;
            }
            char **slot = &t->cell[(size_t)xlsx_col_row(col, i) * t->nc + c];
            free(*slot);
            if (!(*slot = dup_trim(s))) rc = -1;
        }
    }
    if (rc != 0) snprintf(err, XLSX_ERR, "out of memory");
    xlsx_grid_free(&g);
    return rc;
}

/* The column whose header (row 1) is `name`, ignoring case; -1 when none. */
static long header_col(const xf_table *t, const char *name)
{
    for (size_t c = 0; c < t->nc; c++) {
        const char *s = tcell(t, 0, (long)c);
        if (s && strcasecmp(s, name) == 0) return (long)c;
    }
    return -1;
}

void xlsform_label_language(const char *header, char *code, size_t n)
{
    static const char *const names[][2] = {
        {"english", "en"}, {"deutsch", "de"}, {"german", "de"}, {"french", "fr"}, {"francais", "fr"},
        {"français", "fr"}, {"spanish", "es"}, {"español", "es"}, {"chinese", "zh"}, {"中文", "zh"},
        {"arabic", "ar"}, {"portuguese", "pt"}, {"russian", "ru"}};
    snprintf(code, n, "%s", "");
    const char *sep = strstr(header, "::");
    if (!sep) return;
    const char *s = sep + 2, *open = strrchr(s, '('), *close = open ? strchr(open, ')') : NULL;
    if (open && close && close > open + 1) { /* "Deutsch (de)" */
        snprintf(code, n, "%.*s", (int)(close - open - 1), open + 1);
    } else {
        snprintf(code, n, "%s", s);
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strcasecmp(s, names[i][0]) == 0) snprintf(code, n, "%s", names[i][1]);
    }
    for (char *p = code; *p; p++) *p = (char)tolower((unsigned char)*p);
}

/* The label column for `lang`: the one naming it, else English, else a plain "label", else the first. */
static long label_col(const xf_table *t, const char *lang)
{
    long plain = -1, first = -1, en = -1;
    for (size_t c = 0; c < t->nc; c++) {
        const char *s = tcell(t, 0, (long)c);
        if (!s || strncasecmp(s, "label", 5) != 0 || (s[5] && strncmp(s + 5, "::", 2) != 0)) continue;
        char code[64];
        xlsform_label_language(s, code, sizeof code);
        if (first < 0) first = (long)c;
        if (!s[5]) plain = (long)c;
        if (strcmp(code, lang) == 0) return (long)c;
        if (en < 0 && strcmp(code, "en") == 0) en = (long)c;
    }
    return en >= 0 ? en : plain >= 0 ? plain : first;
}

static void fail(const tally_host *h, tally_ctx *ctx, const xlsform *f, const xf_table *t, size_t row,
                 const char *what)
{
    if (row) h->error(ctx, "%s, sheet '%s', row %zu: %s", f->path, t->sheet, row, what);
    else h->error(ctx, "%s, sheet '%s': %s", f->path, t->sheet, what);
}

/* What a type word makes of a row; *date_kind for the types that hold dates. */
static xf_kind type_kind(const char *type, int *date_kind)
{
    static const char *const meta[] = {"start", "end", "today", "deviceid", "phonenumber", "username", "simserial",
                                       "subscriberid", "email", "audit", "start-geopoint", "instanceid", NULL};
    static const char *const other[] = {"integer", "decimal", "range", "text", "rank", "geopoint", "geotrace",
                                        "geoshape", "date", "time", "datetime", "image", "audio", "background-audio",
                                        "video", "file", "barcode", "calculate", "acknowledge", "trigger", "hidden",
                                        "xml-external", "csv-external", "select_one_from_file",
                                        "select_multiple_from_file", NULL};
    size_t n = strcspn(type, " ");
    *date_kind = 0;
    if (n == 4 && strncasecmp(type, "date", 4) == 0) *date_kind = TALLY_DATE_DAYS;
    if ((n == 8 && strncasecmp(type, "datetime", 8) == 0) || (n == 5 && strncasecmp(type, "start", 5) == 0) ||
        (n == 3 && strncasecmp(type, "end", 3) == 0))
        *date_kind = TALLY_DATE_DATETIME;
    if (n == 5 && strncasecmp(type, "today", 5) == 0) *date_kind = TALLY_DATE_DAYS;
    if (n == 4 && strncasecmp(type, "time", 4) == 0) *date_kind = TALLY_DATE_TIME;
    if (strncasecmp(type, "select_one ", 11) == 0 || strncasecmp(type, "select one ", 11) == 0) return XF_SELECT_ONE;
    if (strncasecmp(type, "select_multiple ", 16) == 0 || strncasecmp(type, "select multiple ", 16) == 0)
        return XF_SELECT_MULTIPLE;
    if (n == 4 && strncasecmp(type, "note", 4) == 0) return XF_NOTE;
    for (size_t i = 0; meta[i]; i++)
        if (strlen(meta[i]) == n && strncasecmp(type, meta[i], n) == 0) return XF_META;
    for (size_t i = 0; other[i]; i++)
        if (strlen(other[i]) == n && strncasecmp(type, other[i], n) == 0) return XF_OTHER;
    return XF_UNKNOWN;
}

/* +1 for begin group/repeat, -1 for end group/repeat, 0 otherwise. */
static int group_step(const char *type)
{
    if (!strncasecmp(type, "begin group", 11) || !strncasecmp(type, "begin_group", 11) ||
        !strncasecmp(type, "begin repeat", 12) || !strncasecmp(type, "begin_repeat", 12))
        return 1;
    if (!strncasecmp(type, "end group", 9) || !strncasecmp(type, "end_group", 9) ||
        !strncasecmp(type, "end repeat", 10) || !strncasecmp(type, "end_repeat", 10))
        return -1;
    return 0;
}

/* The list name of "select_one yesno" / "select_multiple areas or_other". */
static char *list_of(const char *type)
{
    const char *s = strchr(type, ' ');
    while (s && *s == ' ') s++;
    if (!s || !*s) return NULL;
    size_t n = strcspn(s, " ");
    char *l = malloc(n + 1);
    if (l) {
        memcpy(l, s, n);
        l[n] = 0;
    }
    return l;
}

typedef struct group_stack {
    char path[1024]; /* "household/members" */
    size_t len[64];
    int depth;
} group_stack;

static int add_question(xlsform *f, const char *type, const char *name, const char *label, const group_stack *g,
                        unsigned row)
{
    xf_question *q = realloc(f->q, (f->nq + 1) * sizeof *q);
    if (!q) return -1;
    f->q = q;
    q = &f->q[f->nq++];
    memset(q, 0, sizeof *q);
    q->kind = type_kind(type, &q->date_kind);
    q->type = dup_trim(type);
    q->name = dup_trim(name);
    q->label = label ? dup_trim(label) : NULL;
    q->row = row;
    size_t n = strlen(g->path) + strlen(name) + 2;
    q->path = malloc(n);
    if (q->path) snprintf(q->path, n, "%s%s%s", g->path, g->path[0] ? "/" : "", name);
    if (q->kind == XF_SELECT_ONE || q->kind == XF_SELECT_MULTIPLE) q->list = list_of(type);
    return q->type && q->name && q->path ? 0 : -1;
}

/* The survey sheet's rows into f->q; 0, or -1 after host->error. */
static int read_survey(const tally_host *h, tally_ctx *ctx, xlsform *f, const xf_table *t, const char *lang)
{
    long ct = header_col(t, "type"), cn = header_col(t, "name"), cl = label_col(t, lang);
    if (ct < 0 || cn < 0) {
        fail(h, ctx, f, t, 1, "the header row has no 'type' and 'name' columns; an XLSForm's survey sheet starts "
                              "with type, name, label");
        return -1;
    }
    if (cl >= 0) f->survey_label = dup_trim(tcell(t, 0, cl));
    group_stack g;
    memset(&g, 0, sizeof g);
    for (size_t r = 1; r < t->nr; r++) {
        const char *type = tcell(t, r, ct), *name = tcell(t, r, cn);
        if (!type) continue; /* blank rows and comments */
        int step = group_step(type);
        if (step > 0) {
            if (!name || g.depth >= 64 || strlen(g.path) + strlen(name) + 2 > sizeof g.path) {
                fail(h, ctx, f, t, r + 1, name ? "groups nested too deep" : "a group without a name; give it one");
                return -1;
            }
            g.len[g.depth++] = strlen(g.path);
            snprintf(g.path + strlen(g.path), sizeof g.path - strlen(g.path), "%s%s", g.path[0] ? "/" : "", name);
            f->ngroups++;
            continue;
        }
        if (step < 0) {
            if (g.depth == 0) {
                fail(h, ctx, f, t, r + 1, "'end group' without a 'begin group' above it");
                return -1;
            }
            g.path[g.len[--g.depth]] = 0;
            continue;
        }
        if (!name) {
            char msg[256];
            snprintf(msg, sizeof msg, "a '%s' row without a name; every question needs one", type);
            fail(h, ctx, f, t, r + 1, msg);
            return -1;
        }
        if (add_question(f, type, name, tcell(t, r, cl), &g, (unsigned)(r + 1)) != 0) return -1;
        if (f->q[f->nq - 1].kind == XF_NOTE) f->nnotes++;
        if (f->q[f->nq - 1].list == NULL &&
            (f->q[f->nq - 1].kind == XF_SELECT_ONE || f->q[f->nq - 1].kind == XF_SELECT_MULTIPLE)) {
            fail(h, ctx, f, t, r + 1, "a select question without a choice list; write 'select_one LIST'");
            return -1;
        }
    }
    return 0;
}

/* The choices sheet's rows into f->c; 0, or -1 after host->error. */
static int read_choices(const tally_host *h, tally_ctx *ctx, xlsform *f, const xf_table *t, const char *lang)
{
    long cl = header_col(t, "list_name"), cn = header_col(t, "name"), clab = label_col(t, lang);
    if (cl < 0) cl = header_col(t, "list name");
    if (cl < 0 || cn < 0) {
        fail(h, ctx, f, t, 1, "the header row has no 'list_name' and 'name' columns; an XLSForm's choices sheet "
                              "starts with list_name, name, label");
        return -1;
    }
    if (clab >= 0) f->choices_label = dup_trim(tcell(t, 0, clab));
    f->c = calloc(t->nr + 1, sizeof *f->c);
    if (!f->c) return -1;
    for (size_t r = 1; r < t->nr; r++) {
        const char *list = tcell(t, r, cl), *name = tcell(t, r, cn), *label = tcell(t, r, clab);
        if (!list && !name) continue;
        if (!list || !name) {
            fail(h, ctx, f, t, r + 1, list ? "a choice without a name" : "a choice without a list_name");
            return -1;
        }
        xf_choice *c = &f->c[f->nc++];
        c->list = dup_trim(list);
        c->name = dup_trim(name);
        c->label = label ? dup_trim(label) : NULL;
        c->row = (unsigned)(r + 1);
        if (!c->list || !c->name) return -1;
    }
    return 0;
}

/* Every select question's list is in the choices sheet; else an error naming the question's row. */
static int check_lists(const tally_host *h, tally_ctx *ctx, xlsform *f, const xf_table *survey, int have_choices)
{
    for (size_t i = 0; i < f->nq; i++) {
        const xf_question *q = &f->q[i];
        if (!q->list) continue;
        size_t k = 0;
        while (k < f->nc && strcmp(f->c[k].list, q->list) != 0) k++;
        if (k < f->nc) continue;
        char msg[512];
        if (!have_choices)
            snprintf(msg, sizeof msg, "'%s' needs the choice list '%s', but the form has no 'choices' sheet; add "
                                      "one (list_name, name, label)", q->name, q->list);
        else
            snprintf(msg, sizeof msg, "the choice list '%s' of '%s' is not in the 'choices' sheet; add its "
                                      "choices there (list_name = %s) or correct the type", q->list, q->name, q->list);
        fail(h, ctx, f, survey, q->row, msg);
        return -1;
    }
    return 0;
}

/* "select_one LIST or_other": the form standard adds the choice "other" (labelled Other) to LIST. */
static int add_or_other(xlsform *f)
{
    for (size_t i = 0; i < f->nq; i++) {
        const xf_question *q = &f->q[i];
        size_t n = strlen(q->type), k = 0;
        if (!q->list || n < 9 || strcasecmp(q->type + n - 9, " or_other") != 0) continue;
        while (k < f->nc && (strcmp(f->c[k].list, q->list) != 0 || strcmp(f->c[k].name, "other") != 0)) k++;
        if (k < f->nc) continue;
        xf_choice *c = realloc(f->c, (f->nc + 1) * sizeof *c);
        if (!c) return -1;
        f->c = c;
        c = &f->c[f->nc++];
        c->list = dup_trim(q->list);
        c->name = dup_trim("other");
        c->label = dup_trim("Other");
        c->row = q->row;
        if (!c->list || !c->name || !c->label) return -1;
    }
    return 0;
}

/* The sheet called `name` (any case); -1 when the book has none. */
static long find_sheet(const xlsx_book *b, const char *name)
{
    for (size_t i = 0; i < b->nsheets; i++)
        if (strcasecmp(b->sheet_names[i], name) == 0) return (long)i;
    return -1;
}

/* Both sheets of the open book into f; 0, or -1 after host->error. */
static int read_sheets(const tally_host *h, tally_ctx *ctx, xlsform *f, xlsx_zip *z, const xlsx_book *b,
                       const char *lang)
{
    char err[XLSX_ERR] = "";
    long ks = find_sheet(b, "survey"), kc = find_sheet(b, "choices");
    if (ks < 0) {
        char list[512] = "";
        for (size_t i = 0, o = 0; i < b->nsheets && o < sizeof list - 8; i++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s'%s'", i ? ", " : "", b->sheet_names[i]);
        h->error(ctx, "%s: the form has no sheet 'survey' (its sheets: %s); option 'form' names an XLSForm, a "
                      "workbook with a 'survey' and a 'choices' sheet", f->path, list);
        return -1;
    }
    xf_table ts, tc;
    memset(&tc, 0, sizeof tc);
    if (table_read(z, b, (size_t)ks, &ts, err) != 0) {
        h->error(ctx, "%s, sheet '%s': %s", f->path, b->sheet_names[ks], err);
        table_free(&ts);
        return -1;
    }
    int rc = read_survey(h, ctx, f, &ts, lang);
    if (rc == 0 && kc >= 0 && table_read(z, b, (size_t)kc, &tc, err) != 0) {
        h->error(ctx, "%s, sheet '%s': %s", f->path, b->sheet_names[kc], err);
        rc = -1;
    }
    if (rc == 0 && kc >= 0) rc = read_choices(h, ctx, f, &tc, lang);
    if (rc == 0) rc = check_lists(h, ctx, f, &ts, kc >= 0);
    if (rc == 0 && add_or_other(f) != 0) {
        h->error(ctx, "%s: out of memory", f->path);
        rc = -1;
    }
    table_free(&ts);
    table_free(&tc);
    return rc;
}

xlsform *xlsform_read(const tally_host *h, tally_ctx *ctx, const char *path, const char *lang)
{
    char err[XLSX_ERR] = "";
    xlsform *f = calloc(1, sizeof *f);
    if (!f || !(f->path = dup_trim(path))) {
        free(f);
        h->error(ctx, "%s: out of memory", path);
        return NULL;
    }
    xlsx_book b;
    memset(&b, 0, sizeof b);
    xlsx_zip *z = xlsx_zip_open(path, err);
    int rc = -1;
    if (!z) h->error(ctx, "%s: %s", path, err);
    else if (xlsx_book_read(z, &b, err) != 0) h->error(ctx, "%s: %s", path, err);
    else rc = read_sheets(h, ctx, f, z, &b, lang && *lang ? lang : "en");
    xlsx_book_free(&b);
    xlsx_zip_close(z);
    if (rc != 0) {
        xlsform_free(f);
        return NULL;
    }
    return f;
}

void xlsform_free(xlsform *f)
{
    if (!f) return;
    for (size_t i = 0; i < f->nq; i++)
        tally_free_all(f->q[i].type, f->q[i].name, f->q[i].path, f->q[i].label, f->q[i].list);
    for (size_t i = 0; i < f->nc; i++) tally_free_all(f->c[i].list, f->c[i].name, f->c[i].label);
    tally_free_all(f->q, f->c, f->survey_label, f->choices_label, f->path, f);
}
