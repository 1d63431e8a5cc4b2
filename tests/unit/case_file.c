/* case_file.c: reads one section of a plain-text case file (format in case_file.h), failing the test loudly on any fault. */
#include "case_file.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints "not ok - path:line: message" (line 0: no line) and ends the test with exit status 1. */
static void __attribute__((noreturn, format(printf, 3, 4))) case_fail(const char *path, size_t line, const char *fmt, ...)
{
    va_list ap;
    if (line) printf("not ok - case file %s:%zu: ", path, line);
    else printf("not ok - case file %s: ", path);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    exit(1);
}

/* The value text after "field: " with its escapes undone (new string). */
static char *unescape(const char *s, const char *path, size_t line)
{
    char *out = xmalloc(strlen(s) + 1), *o = out;
    for (; *s; s++) {
        if (*s != '\\') {
            *o++ = *s;
            continue;
        }
        s++;
        if (*s == 'n') *o++ = '\n';
        else if (*s == 't') *o++ = '\t';
        else if (*s == '\\') *o++ = '\\';
        else {
            char bad = *s ? *s : ' ';
            free(out); /* case_fail exits: the leak checker would otherwise turn its status 1 into its own */
            case_fail(path, line, "unknown escape '\\%c' (escapes: \\n \\t \\\\)", bad);
        }
    }
    *o = '\0';
    return out;
}

/* Index of `name` among the asked fields, or -1. */
static long field_index(const case_list *l, const char *const *fields, const char *name)
{
    for (size_t f = 0; f < l->nfields; f++)
        if (strcmp(fields[f], name) == 0) return (long)f;
    return -1;
}

/* Ends the case being read (if any): every asked field must be there. */
static void case_end(case_list *l, const char *const *fields, char **current, size_t *cap)
{
    size_t have = 0;
    for (size_t f = 0; f < l->nfields; f++) have += current[f] != NULL;
    if (have == 0) return;
    size_t start = l->lines[l->ncases];
    for (size_t f = 0; f < l->nfields; f++)
        if (!current[f]) case_fail(l->path, start, "the case has no field '%s'", fields[f]);
    l->values = xgrow(l->values, cap, (l->ncases + 1) * l->nfields, sizeof *l->values, 64);
    memcpy(l->values + l->ncases * l->nfields, current, l->nfields * sizeof *current);
    memset(current, 0, l->nfields * sizeof *current);
    l->ncases++;
}

/* Reads one "field: value" line of a case in the wanted section. */
static void case_field(case_list *l, const char *const *fields, char **current, size_t *line_cap, char *text, size_t line)
{
    char *colon = strstr(text, ": ");
    if (!colon || colon == text) case_fail(l->path, line, "expected 'field: value', '[section]', '#' or a blank line");
    *colon = '\0';
    long f = field_index(l, fields, text);
    if (f < 0) case_fail(l->path, line, "unknown field '%s'", text);
    if (current[f]) case_fail(l->path, line, "field '%s' twice in one case", text);
    int first = 1;
    for (size_t g = 0; g < l->nfields; g++) first &= current[g] == NULL;
    if (first) {
        l->lines = xgrow(l->lines, line_cap, l->ncases + 1, sizeof *l->lines, 16);
        l->lines[l->ncases] = line;
    }
    current[f] = unescape(colon + 2, l->path, line);
}

case_list *case_list_read(const char *path, const char *section, const char *const *fields)
{
    FILE *in = fopen(path, "r");
    if (!in) case_fail(path, 0, "cannot read it: %s", strerror(errno));
    case_list *l = xcalloc(1, sizeof *l);
    l->path = xstrdup(path);
    l->section = xstrdup(section);
    while (fields[l->nfields]) l->nfields++;
    char **current = xcalloc(l->nfields, sizeof *current), *text = NULL;
    size_t cap = 0, line_cap = 0, text_cap = 0, line = 0;
    int in_section = 0, seen = 0;
    ssize_t len;
    while ((len = getline(&text, &text_cap, in)) >= 0) {
        line++;
        if (len > 0 && text[len - 1] == '\n') text[--len] = '\0';
        if (text[0] == '#') continue;
        if (len == 0 || text[0] == '[') {
            if (in_section) case_end(l, fields, current, &cap);
            if (len == 0) continue;
            if (text[len - 1] != ']') case_fail(path, line, "a section line is '[name]'");
            text[len - 1] = '\0';
            in_section = strcmp(text + 1, section) == 0;
            if (in_section && seen) case_fail(path, line, "section [%s] twice", section);
            seen |= in_section;
            continue;
        }
        if (in_section) case_field(l, fields, current, &line_cap, text, line);
        else if (!strstr(text, ": ")) case_fail(path, line, "expected 'field: value', '[section]', '#' or a blank line");
    }
    if (in_section) case_end(l, fields, current, &cap);
    free(text);
    free(current);
    fclose(in);
    if (!seen) case_fail(path, 0, "no section [%s]", section);
    if (l->ncases == 0) case_fail(path, 0, "section [%s] holds no case", section);
    return l;
}

void case_list_free(case_list *l)
{
    if (!l) return;
    free_strings(l->values, l->ncases * l->nfields);
    free(l->lines);
    free(l->path);
    free(l->section);
    free(l);
}

void case_where(const case_list *l, size_t i)
{
    printf("#   case: %s:%zu\n", l->path, l->lines[i]);
}

const char *case_text(const case_list *l, size_t i, size_t field)
{
    return l->values[i * l->nfields + field];
}

double case_number(const case_list *l, size_t i, size_t field)
{
    const char *s = case_text(l, i, field);
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end != s && *end == '/') {
        const char *d = end + 1;
        v /= strtod(d, &end);
        if (end == d) end = (char *)s;
    }
    if (end == s || *end || errno || !isfinite(v)) case_fail(l->path, l->lines[i], "'%s' is no number (write 2.5, 1e-9 or 100/3)", s);
    return v;
}

size_t case_index(const case_list *l, size_t i, size_t field)
{
    double v = case_number(l, i, field);
    if (v < 0 || v != floor(v)) case_fail(l->path, l->lines[i], "'%s' is no row or column index (0, 1, 2, ...)", case_text(l, i, field));
    return (size_t)v;
}
