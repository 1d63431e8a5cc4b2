/* pspp_csv.h: PSPP's CSV output (pspp -O format=csv) parsed into tables of records, for the tests that compare with PSPP. */
#ifndef TALLY_PSPP_CSV_H
#define TALLY_PSPP_CSV_H

#include <stdio.h>
#include <string.h>

#define MAXF 16
#define MAXR 64
typedef struct { char *f[MAXF]; int n; } record;
typedef struct { char name[64]; record head; record rows[MAXR]; int nrows; } table;
#define MAXT 32
static table tables[MAXT];
static int ntables;

/* Parses one CSV record at *p (quoted fields may hold newlines); returns 0 at the end of input. */
static int parse_record(char **p, record *r)
{
    r->n = 0;
    if (!**p) return 0;
    char *s = *p, *o;
    for (;;) {
        char *field = o = s;
        if (*s == '"') {
            for (s++; *s; s++) {
                if (*s == '"' && s[1] == '"') { *o++ = '"'; s++; }
                else if (*s == '"') { s++; break; }
                else *o++ = *s;
            }
        } else {
            while (*s && *s != ',' && *s != '\n') *o++ = *s++;
        }
        char end = *s;
        *o = '\0';
        if (r->n < MAXF) r->f[r->n++] = field;
        if (end == ',') { s++; continue; }
        if (end == '\n') s++;
        break;
    }
    *p = s;
    return 1;
}

static void parse_output(char *text)
{
    char *p = text;
    record r;
    table *t = NULL;
    while (parse_record(&p, &r)) {
        if (r.n == 1 && strncmp(r.f[0], "Table: ", 7) == 0 && ntables < MAXT) {
            t = &tables[ntables++];
            snprintf(t->name, sizeof t->name, "%s", r.f[0] + 7);
            if (!parse_record(&p, &t->head)) break;
        } else if (r.n == 1 && r.f[0][0] == '\0') {
            t = NULL;
        } else if (t && t->nrows < MAXR && strncmp(r.f[0], "Footnote", 8) != 0) {
            t->rows[t->nrows++] = r;
        }
    }
}

static inline const table *find_table(const char *name)
{
    for (int i = 0; i < ntables; i++)
        if (strcmp(tables[i].name, name) == 0) return &tables[i];
    return NULL;
}

static inline int field_index(const table *t, const char *name)
{
    for (int i = 0; i < t->head.n; i++)
        if (strcmp(t->head.f[i], name) == 0) return i;
    return -1;
}

#endif
