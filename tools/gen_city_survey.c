/* gen_city_survey.c: writes the flagship city-survey sample (CSV, SPSS .sav, Lua codebooks) from explicit tables. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <readstat.h>

#include "city_survey_data.h"
#include "util.h" /* xcalloc, str_list_has */
#include "city_survey_zh.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define N_CN NELEM(CN_CITIES)
#define MAX_ITEMS 16

/* 2021-03-01 00:00:00 UTC: the creation time written into the .sav headers. */
#define SAV_TIMESTAMP ((time_t)1614556800)

static const char *out_dir;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gen_city_survey: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* ---- deterministic pseudo-random numbers ------------------------------------------ */

/* FNV-1a: turns a name into a seed, so each question has its own stream. */
static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* splitmix64 step. */
static uint64_t rnd_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* ---- value labels ---------------------------------------------------------------- */

typedef struct { double value; const char *en; const char *de; } value_label;
typedef struct { const char *name; int n; value_label v[8]; } label_set;

static const label_set LABEL_SETS[] = {
    { "yesno", 2, { { 1, "Yes", "Ja" }, { 2, "No", "Nein" } } },
    { "mentioned", 2, { { 0, "Not mentioned", "Nicht genannt" }, { 1, "Mentioned", "Genannt" } } },
    { "linktype", 3, { { LT_SP, "Städtepartnerschaft (town twinning)", "Städtepartnerschaft" },
                       { LT_SF, "Städtefreundschaft (city friendship)", "Städtefreundschaft" },
                       { LT_SK, "Städtekontakt (city contact)", "Städtekontakt" } } },
    { "vitality", 4, { { 1, "Vital partnership", "Lebendige Partnerschaft" },
                       { 2, "Working partnership", "Funktionierende Partnerschaft" },
                       { 3, "Occasional contacts", "Gelegentliche Kontakte" },
                       { 4, "Inactive", "Ruhend" } } },
    { "active", 3, { { 1, "All active", "Alle aktiv" },
                     { 2, "Only some active", "Nur einige aktiv" },
                     { 3, "None active", "Keine aktiv" } } },
    { "formal", 3, { { 1, "With all partners", "Mit allen Partnern" },
                     { 2, "With some partners", "Mit einigen Partnern" },
                     { 3, "With no partner", "Mit keinem Partner" } } },
    { "importance", 5, { { 1, "Very important", "Sehr wichtig" },
                         { 2, "Important", "Wichtig" },
                         { 3, "Important to a minor extent", "In geringem Maße wichtig" },
                         { 4, "Not important at all", "Überhaupt nicht wichtig" },
                         { 9, "Don't know", "Weiß nicht" } } },
    { "coordination", 4, { { 1, "Coordinates fully", "Stimmt sich vollständig ab" },
                           { 2, "Coordinates to some extent", "Stimmt sich teilweise ab" },
                           { 3, "Does not coordinate at all", "Stimmt sich überhaupt nicht ab" },
                           { 9, "Don't know", "Weiß nicht" } } },
    { "influence", 5, { { 1, "Direct impact", "Direkter Einfluss" },
                        { 2, "Some impact", "Gewisser Einfluss" },
                        { 3, "Very small impact", "Sehr geringer Einfluss" },
                        { 4, "No impact at all", "Überhaupt kein Einfluss" },
                        { 9, "Don't know", "Weiß nicht" } } },
    { "entity_type", 4, { { EK_FRAME, "City in the sample frame", "Stadt der Stichprobe" },
                          { EK_TOWN, "Other municipality", "Andere Gemeinde" },
                          { EK_DISTRICT, "District (Kreis)", "Landkreis oder Kreis" },
                          { EK_STATE, "Federal state (Land)", "Bundesland" } } },
    { "period", 2, { { 1980, "1980s", "1980er" }, { 1990, "1990s", "1990er" } } },
    { "size_class", 4, { { SZ_50K, "50,000 to 99,999 inhabitants", "50.000 bis 99.999 Einwohner" },
                         { SZ_100K, "100,000 to 199,999 inhabitants", "100.000 bis 199.999 Einwohner" },
                         { SZ_200K, "200,000 to 499,999 inhabitants", "200.000 bis 499.999 Einwohner" },
                         { SZ_500K, "500,000 inhabitants and more", "500.000 Einwohner und mehr" } } },
};

static const label_set *label_set_find(const char *name)
{
    for (int i = 0; i < NELEM(LABEL_SETS); i++)
        if (strcmp(LABEL_SETS[i].name, name) == 0) return &LABEL_SETS[i];
    die("no label set '%s'", name);
    return NULL;
}

/* ---- a small table: typed columns with metadata, then rows ------------------------- */

enum { M_NOMINAL, M_ORDINAL, M_SCALE };
static const char *const MEASURE_NAMES[] = { "nominal", "ordinal", "scale" };

typedef struct {
    char name[64];
    int is_str;
    const char *en, *de;
    const char *labels; /* label set name, or NULL */
    int missing;        /* user-missing code, or -1 */
    int measure;
} var_def;

typedef struct {
    const char *name;              /* the set's name in the codebook */
    const char *en, *de;
    const char *prefix;            /* dichotomy: columns "PREFIX*" */
    const char *split;             /* split: the delimited variable */
    const item_spec *items; int nitems;
} mrset_def;

typedef struct {
    const char *name;  /* file stem: NAME.csv, NAME.sav, NAME.codebook.lua */
    const char *title; /* one line for the file headers */
    int nvars; var_def vars[96];
    int nmr; mrset_def mr[8];
    int nrows, cap;
    double *num; const char **str; /* nrows * nvars cells */
} table;

static int table_var(table *t, const char *name, int is_str, const char *en, const char *de,
                     const char *labels, int missing, int measure)
{
    if (t->nvars >= NELEM(t->vars)) die("too many variables in %s", t->name);
    var_def *v = &t->vars[t->nvars];
    snprintf(v->name, sizeof v->name, "%s", name);
    v->is_str = is_str;
    v->en = en;
    v->de = de;
    v->labels = labels;
    v->missing = missing;
    v->measure = measure;
    return t->nvars++;
}

static int table_find(const table *t, const char *name)
{
    for (int i = 0; i < t->nvars; i++)
        if (strcmp(t->vars[i].name, name) == 0) return i;
    die("no variable '%s' in %s", name, t->name);
    return -1;
}

static int table_row(table *t)
{
    if (t->nrows == t->cap) {
        int cap = t->cap ? 2 * t->cap : 64;
        t->num = realloc(t->num, (size_t)cap * t->nvars * sizeof *t->num);
        t->str = realloc(t->str, (size_t)cap * t->nvars * sizeof *t->str);
        if (!t->num || !t->str) die("out of memory");
        t->cap = cap;
    }
    for (int i = 0; i < t->nvars; i++) {
        t->num[(size_t)t->nrows * t->nvars + i] = NAN;
        t->str[(size_t)t->nrows * t->nvars + i] = NULL;
    }
    return t->nrows++;
}

static void set_num(table *t, int row, const char *var, double value)
{
    t->num[(size_t)row * t->nvars + table_find(t, var)] = value;
}

static void set_str(table *t, int row, const char *var, const char *value)
{
    t->str[(size_t)row * t->nvars + table_find(t, var)] = value;
}

/* ---- writers ------------------------------------------------------------------------- */

static FILE *open_out(const char *name, const char *ext)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s%s", out_dir, name, ext);
    FILE *f = fopen(path, "wb");
    if (!f) die("cannot write %s", path);
    return f;
}

static void close_out(FILE *f, const char *name, const char *ext)
{
    if (ferror(f) | fclose(f)) die("error writing %s/%s%s", out_dir, name, ext);
}

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void write_csv(const table *t)
{
    FILE *f = open_out(t->name, ".csv");
    for (int v = 0; v < t->nvars; v++) {
        if (v) fputc(',', f);
        csv_field(f, t->vars[v].name);
    }
    fputc('\n', f);
    for (int r = 0; r < t->nrows; r++) {
        for (int v = 0; v < t->nvars; v++) {
            size_t k = (size_t)r * t->nvars + v;
            if (v) fputc(',', f);
            if (t->vars[v].is_str) {
                if (t->str[k]) csv_field(f, t->str[k]);
            } else if (!isnan(t->num[k])) {
                if (t->num[k] != floor(t->num[k])) die("non-integer cell in %s", t->name);
                fprintf(f, "%.0f", t->num[k]);
            }
        }
        fputc('\n', f);
    }
    close_out(f, t->name, ".csv");
}

/* A Lua string literal. */
static void lua_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* The Chinese text of an English label; a label without one stops the generator (the Chinese
 * partner workbook is to be Chinese throughout). */
static const char *zh_text(const char *en)
{
    for (size_t i = 0; i < sizeof city_survey_zh / sizeof city_survey_zh[0]; i++)
        if (strcmp(city_survey_zh[i].en, en) == 0) return city_survey_zh[i].zh;
    die("no Chinese text for \"%s\" in tools/city_survey_zh.h", en);
    return NULL;
}

static void lua_text(FILE *f, const char *en, const char *de)
{
    fputs("{ en = ", f);
    lua_str(f, en);
    fputs(", de = ", f);
    lua_str(f, de);
    fputs(", zh = ", f);
    lua_str(f, zh_text(en));
    fputs(" }", f);
}

/* The start of a codebook block: `kind "name" {` and its label in the three languages. */
static void block_head(FILE *f, const char *kind, const char *name, const char *en, const char *de)
{
    fprintf(f, "%s ", kind);
    lua_str(f, name);
    fputs(" {\n  label = ", f);
    lua_text(f, en, de);
    fputs(",\n", f);
}

/* A variable's value labels: `values = { [code] = { en, de, zh }, ... },`. */
static void value_labels(FILE *f, const label_set *ls)
{
    fputs("  values = {\n", f);
    for (int i = 0; i < ls->n; i++) {
        fprintf(f, "    [%.0f] = ", ls->v[i].value);
        lua_text(f, ls->v[i].en, ls->v[i].de);
        fputs(",\n", f);
    }
    fputs("  },\n", f);
}

static void write_codebook(const table *t)
{
    FILE *f = open_out(t->name, ".codebook.lua");
    fprintf(f, "-- %s.codebook.lua: question texts and value labels (English, German, Chinese) for %s.csv.\n",
            t->name, t->name);
    fprintf(f, "-- %s. Generated by tools/gen_city_survey.c: do not edit by hand.\n\n", t->title);
    for (int v = 0; v < t->nvars; v++) {
        const var_def *d = &t->vars[v];
        block_head(f, "variable", d->name, d->en, d->de);
        if (d->labels) value_labels(f, label_set_find(d->labels));
        if (d->missing >= 0) fprintf(f, "  missing = { %d },\n", d->missing);
        fprintf(f, "  measure = \"%s\",\n}\n\n", MEASURE_NAMES[d->measure]);
    }
    for (int m = 0; m < t->nmr; m++) {
        const mrset_def *s = &t->mr[m];
        block_head(f, "mrset", s->name, s->en, s->de);
        if (s->split) {
            /* The split makes one 0/1 column per option, SPLIT_CODE, in the options' order;
             * the variable blocks after it label them in both languages. */
            fputs("  split = ", f);
            lua_str(f, s->split);
            fputs(",\n  delimiter = \";\",\n  options = {", f);
            for (int i = 0; i < s->nitems; i++) {
                fputs(i ? ", " : " ", f);
                lua_str(f, s->items[i].code);
            }
            fputs(" },\n}\n\n", f);
            for (int i = 0; i < s->nitems; i++) {
                char column[256];
                snprintf(column, sizeof column, "%s_%s", s->split, s->items[i].code);
                block_head(f, "variable", column, s->items[i].en, s->items[i].de);
                value_labels(f, label_set_find("mentioned"));
                fputs("  measure = \"nominal\",\n}\n\n", f);
            }
        } else {
            fprintf(f, "  kind = \"dichotomy\",\n  counted = 1,\n  columns = \"%s*\",\n}\n\n",
                    s->prefix);
        }
    }
    close_out(f, t->name, ".codebook.lua");
}

static ssize_t sav_bytes(const void *data, size_t len, void *ctx)
{
    return fwrite(data, 1, len, (FILE *)ctx) == len ? (ssize_t)len : -1;
}

static void rs_check(readstat_error_t err, const char *what)
{
    if (err != READSTAT_OK) die("ReadStat: %s: %s", what, readstat_error_message(err));
}

static void write_sav(const table *t)
{
    FILE *f = open_out(t->name, ".sav");
    readstat_writer_t *w = readstat_writer_init();
    rs_check(readstat_set_data_writer(w, sav_bytes), "data writer");
    rs_check(readstat_writer_set_file_label(w, t->title), "file label");
    rs_check(readstat_writer_set_file_timestamp(w, SAV_TIMESTAMP), "timestamp");
    readstat_add_note(w, "Synthetic microdata reconstructed from published aggregates.");
    readstat_add_note(w, "Source: J. Ciesielska-Klikowska, Sprawy Miedzynarodowe 74(1), 2021.");
    readstat_add_note(w, "Generated by tools/gen_city_survey.c; see samples/city-survey/README.md.");

    const label_set *sets[NELEM(LABEL_SETS)];
    readstat_label_set_t *rsets[NELEM(LABEL_SETS)];
    int nsets = 0;
    readstat_variable_t *vars[NELEM(t->vars)];
    for (int v = 0; v < t->nvars; v++) {
        const var_def *d = &t->vars[v];
        size_t width = 0;
        if (d->is_str) {
            for (int r = 0; r < t->nrows; r++) {
                const char *s = t->str[(size_t)r * t->nvars + v];
                if (s && strlen(s) > width) width = strlen(s);
            }
            if (width == 0) width = 1;
        }
        vars[v] = readstat_add_variable(w, d->name, d->is_str ? READSTAT_TYPE_STRING
                                                              : READSTAT_TYPE_DOUBLE, width);
        readstat_variable_set_label(vars[v], d->en);
        if (!d->is_str) readstat_variable_set_format(vars[v], "F8.0"); /* every number is whole */
        readstat_variable_set_measure(vars[v], d->measure == M_NOMINAL ? READSTAT_MEASURE_NOMINAL
                                               : d->measure == M_ORDINAL ? READSTAT_MEASURE_ORDINAL
                                                                         : READSTAT_MEASURE_SCALE);
        if (d->labels) {
            const label_set *ls = label_set_find(d->labels);
            int k = 0;
            while (k < nsets && sets[k] != ls) k++;
            if (k == nsets) {
                sets[k] = ls;
                rsets[k] = readstat_add_label_set(w, READSTAT_TYPE_DOUBLE, ls->name);
                for (int i = 0; i < ls->n; i++)
                    readstat_label_double_value(rsets[k], ls->v[i].value, ls->v[i].en);
                nsets++;
            }
            readstat_variable_set_label_set(vars[v], rsets[k]);
        }
        if (d->missing >= 0)
            rs_check(readstat_variable_add_missing_double_value(vars[v], d->missing), "missing");
    }
    rs_check(readstat_begin_writing_sav(w, f, t->nrows), "begin");
    for (int r = 0; r < t->nrows; r++) {
        rs_check(readstat_begin_row(w), "row");
        for (int v = 0; v < t->nvars; v++) {
            size_t k = (size_t)r * t->nvars + v;
            if (t->vars[v].is_str)
                rs_check(readstat_insert_string_value(w, vars[v], t->str[k] ? t->str[k] : ""), "string");
            else if (isnan(t->num[k]))
                rs_check(readstat_insert_missing_value(w, vars[v]), "missing value");
            else
                rs_check(readstat_insert_double_value(w, vars[v], t->num[k]), "value");
        }
        rs_check(readstat_end_row(w), "end row");
    }
    rs_check(readstat_end_writing(w), "end");
    readstat_writer_free(w);
    close_out(f, t->name, ".sav");
}

/* ---- the assignment of answers to cases --------------------------------------------- */

static const long long *sort_keys;

static int by_key(const void *a, const void *b)
{
    long long ka = sort_keys[*(const int *)a], kb = sort_keys[*(const int *)b];
    if (ka != kb) return ka < kb ? -1 : 1;
    return *(const int *)a - *(const int *)b;
}


/*
 * Hands out the answers of one multiple-response question: item j goes to exactly
 * items[j].count of the N cases. Cases earlier in CITY (more engaged) are likelier to give
 * an answer; pins force an answer on or off; FORBID (nitems x n, may be NULL) excludes
 * cases. With NEED_ONE every case ends with at least one answer, moved from a case that
 * has two or more, so the counts stay exact. Result: sel[j * n + c] = 0/1.
 */
static void assign_items(const char *set, int n, const char *const *city, int nitems,
                         const item_spec *items, const unsigned char *forbid, int need_one,
                         unsigned char *sel)
{
    long long *key = xcalloc((size_t)nitems * n, sizeof *key);
    unsigned char *pinned = xcalloc((size_t)nitems * n, 1);
    unsigned char *banned = xcalloc((size_t)nitems * n, 1);
    int *order = xcalloc((size_t)n, sizeof *order);
    memset(sel, 0, (size_t)nitems * n);
    for (int j = 0; j < nitems; j++) {
        uint64_t state = hash_str(set) ^ hash_str(items[j].code);
        long long *kj = key + (size_t)j * n;
        for (int c = 0; c < n; c++) {
            kj[c] = (long long)c * 1000 + (long long)(rnd_next(&state) % ((uint64_t)n * 2500));
            banned[j * n + c] = (forbid && forbid[j * n + c]) || str_list_has(items[j].pin_no, ';', city[c], 0);
            if (str_list_has(items[j].pin_yes, ';', city[c], 0)) {
                pinned[j * n + c] = 1;
                kj[c] = -1000000 + c;
            }
        }
        int m = 0;
        for (int c = 0; c < n; c++)
            if (!banned[j * n + c]) order[m++] = c;
        sort_keys = kj;
        qsort(order, (size_t)m, sizeof *order, by_key);
        if (items[j].count > m) die("%s: %s: %d answers but %d cases", set, items[j].code,
                                    items[j].count, m);
        for (int i = 0; i < items[j].count; i++) sel[j * n + order[i]] = 1;
    }
    if (need_one) {
        for (int c = 0; c < n; c++) {
            int total = 0;
            for (int j = 0; j < nitems; j++) total += sel[j * n + c];
            for (int j = 0; j < nitems && total == 0; j++) {
                if (banned[j * n + c]) continue;
                int donor = -1;
                for (int d = 0; d < n; d++) {
                    if (!sel[j * n + d] || pinned[j * n + d]) continue;
                    int dt = 0;
                    for (int i = 0; i < nitems; i++) dt += sel[i * n + d];
                    if (dt < 2) continue;
                    if (donor < 0 || key[(size_t)j * n + d] > key[(size_t)j * n + donor]) donor = d;
                }
                if (donor < 0) continue;
                sel[j * n + donor] = 0;
                sel[j * n + c] = 1;
                total = 1;
            }
            if (total == 0) die("%s: no answer left for %s", set, city[c]);
        }
    }
    free(key);
    free(pinned);
    free(banned);
    free(order);
}

/* Hands out the codes of one rated question over the N cases; out[c] = code. */
static void assign_rating(const rating_spec *r, int n, int *out)
{
    long long *key = xcalloc((size_t)n, sizeof *key);
    int *order = xcalloc((size_t)n, sizeof *order);
    uint64_t state = hash_str(r->name);
    for (int c = 0; c < n; c++) {
        key[c] = (long long)c * 1000 + (long long)(rnd_next(&state) % ((uint64_t)n * 3000));
        order[c] = c;
    }
    sort_keys = key;
    qsort(order, (size_t)n, sizeof *order, by_key);
    int i = 0;
    for (int k = 0; k < NELEM(r->dist) && r->dist[k].count; k++)
        for (int m = 0; m < r->dist[k].count; m++) {
            if (i >= n) die("%s: more answers than cases", r->name);
            out[order[i++]] = r->dist[k].code;
        }
    if (i != n) die("%s: %d answers for %d cases", r->name, i, n);
    free(key);
    free(order);
}

/* ---- the answers of one city ------------------------------------------------------ */

typedef struct {
    const char *city;
    int cn, named;
    int pc[NELEM(COUNTRY_ITEMS)];
    int cn_count, cn_type, vitality, active, formal;
    int init[NELEM(INITIATOR_ITEMS)];
    const char *init_other;
    int area[NELEM(AREA_ITEMS)], inst[NELEM(INST_ITEMS)], form[NELEM(FORM_ITEMS)];
    int ben[NELEM(BENEFIT_ITEMS)], obs[NELEM(OBSTACLE_ITEMS)];
    int sf[NELEM(SUCCESS_RATINGS)];
    const char *sf_other;
    int coord[NELEM(COORD_RATINGS)], infl[NELEM(INFLUENCE_RATINGS)];
} answers;

static int frame_state(const char *city)
{
    for (int i = 0; i < NELEM(FRAME); i++)
        if (strcmp(FRAME[i].city, city) == 0) return FRAME[i].state;
    return -1;
}

/* Copies one multiple-response question from SEL (nitems x N_CN) into each city's DST. */
#define TAKE(field, arr, sel)                                                   \
    for (int c = 0; c < N_CN; c++)                                              \
        for (int j = 0; j < NELEM(arr); j++) ans[c].field[j] = (sel)[j * N_CN + c]

static void build_answers(answers *ans, int *nans)
{
    const char *city[N_CN + NELEM(NO_CN_CITIES)];
    unsigned char sel[MAX_ITEMS * (N_CN + NELEM(NO_CN_CITIES))];
    int n = 0;

    /* The register decides the number and the (oldest) kind of each city's links. */
    for (int c = 0; c < N_CN; c++) {
        answers *a = &ans[n++];
        memset(a, 0, sizeof *a);
        a->city = city[c] = CN_CITIES[c].city;
        a->cn = 1;
        a->named = 1;
        a->formal = CN_CITIES[c].formal;
        a->vitality = CN_CITIES[c].vitality;
        a->active = CN_CITIES[c].active;
        if (frame_state(a->city) < 0) die("%s is not in the frame", a->city);
        int first_year = 9999;
        for (int l = 0; l < NELEM(LINKS); l++) {
            if (strcmp(LINKS[l].entity, a->city) != 0) continue;
            a->cn_count++;
            if (LINKS[l].year < first_year) {
                first_year = LINKS[l].year;
                a->cn_type = LINKS[l].type;
            }
        }
        if (!a->cn_count) die("%s has no link in the register", a->city);
    }
    for (int c = 0; c < NELEM(NO_CN_CITIES); c++) {
        answers *a = &ans[n++];
        memset(a, 0, sizeof *a);
        a->city = NO_CN_CITIES[c].city;
        a->named = NO_CN_CITIES[c].named == 1;
        if (frame_state(a->city) < 0) die("%s is not in the frame", a->city);
        for (int l = 0; l < NELEM(LINKS); l++)
            if (strcmp(LINKS[l].entity, a->city) == 0) die("%s answered 'no Chinese partner' but has a link", a->city);
    }
    *nans = n;

    /* Partner countries: over the cities that named partners (the 46 first). */
    int nn = 0;
    for (int i = 0; i < n; i++)
        if (ans[i].named) city[nn++] = ans[i].city;
    unsigned char forbid[NELEM(COUNTRY_ITEMS) * (N_CN + NELEM(NO_CN_CITIES))];
    memset(forbid, 0, sizeof forbid);
    for (int c = N_CN; c < nn; c++) forbid[1 * nn + c] = 1; /* China: only cities with a partner */
    if (strcmp(COUNTRY_ITEMS[1].code, "chn") != 0) die("China must be the second country");
    assign_items("countries", nn, city, NELEM(COUNTRY_ITEMS), COUNTRY_ITEMS, forbid, 1, sel);
    for (int i = 0, c = 0; i < n; i++) {
        for (int j = 0; j < NELEM(COUNTRY_ITEMS); j++) ans[i].pc[j] = ans[i].named ? sel[j * nn + c] : -1;
        if (ans[i].named) c++;
    }

    /* The questions asked of the 46 cities with a Chinese partner. */
    for (int c = 0; c < N_CN; c++) city[c] = CN_CITIES[c].city;
    assign_items("initiators", N_CN, city, NELEM(INITIATOR_ITEMS), INITIATOR_ITEMS, NULL, 1, sel);
    TAKE(init, INITIATOR_ITEMS, sel);
    assign_items("areas", N_CN, city, NELEM(AREA_ITEMS), AREA_ITEMS, NULL, 1, sel);
    TAKE(area, AREA_ITEMS, sel);
    assign_items("institutions", N_CN, city, NELEM(INST_ITEMS), INST_ITEMS, NULL, 0, sel);
    TAKE(inst, INST_ITEMS, sel);
    assign_items("forms", N_CN, city, NELEM(FORM_ITEMS), FORM_ITEMS, NULL, 1, sel);
    TAKE(form, FORM_ITEMS, sel);
    assign_items("benefits", N_CN, city, NELEM(BENEFIT_ITEMS), BENEFIT_ITEMS, NULL, 1, sel);
    TAKE(ben, BENEFIT_ITEMS, sel);
    assign_items("obstacles", N_CN, city, NELEM(OBSTACLE_ITEMS), OBSTACLE_ITEMS, NULL, 1, sel);
    TAKE(obs, OBSTACLE_ITEMS, sel);

    int codes[N_CN];
    for (int r = 0; r < NELEM(SUCCESS_RATINGS); r++) {
        assign_rating(&SUCCESS_RATINGS[r], N_CN, codes);
        for (int c = 0; c < N_CN; c++) ans[c].sf[r] = codes[c];
    }
    for (int r = 0; r < NELEM(COORD_RATINGS); r++) {
        assign_rating(&COORD_RATINGS[r], N_CN, codes);
        for (int c = 0; c < N_CN; c++) ans[c].coord[r] = codes[c];
    }
    for (int r = 0; r < NELEM(INFLUENCE_RATINGS); r++) {
        assign_rating(&INFLUENCE_RATINGS[r], N_CN, codes);
        for (int c = 0; c < N_CN; c++) ans[c].infl[r] = codes[c];
    }

    /* Free texts: "other" initiators (Leipzig's own text first), other success factors. */
    int other = NELEM(INITIATOR_ITEMS) - 1, k = 0;
    for (int c = 0; c < N_CN; c++) {
        if (!ans[c].init[other]) continue;
        if (strcmp(ans[c].city, "Leipzig") == 0) ans[c].init_other = INITIATOR_OTHER_TEXTS[0];
        else ans[c].init_other = INITIATOR_OTHER_TEXTS[1 + k++ % (NELEM(INITIATOR_OTHER_TEXTS) - 1)];
    }
    rating_spec pick = { "sf_other_text", "", "", "", { { 1, NELEM(SUCCESS_OTHER_TEXTS) },
                                                        { 0, N_CN - NELEM(SUCCESS_OTHER_TEXTS) } } };
    assign_rating(&pick, N_CN, codes);
    for (int c = 0, t = 0; c < N_CN; c++)
        if (codes[c] == 1) ans[c].sf_other = SUCCESS_OTHER_TEXTS[t++];
}

/* Osnabrück's first questionnaire: the same city, answers that do not always overlap. */
static answers osnabrueck_first(const answers *kept)
{
    answers a = *kept;
    a.pc[3] = !a.pc[3];                          /* Italy */
    a.vitality = a.vitality == 1 ? 2 : 1;
    a.init[1] = !a.init[1];                      /* Chinese local/regional authorities */
    int any = 0;
    for (int j = 0; j < NELEM(INITIATOR_ITEMS); j++) any |= a.init[j];
    if (!any) a.init[0] = 1;
    a.area[0] = !a.area[0];                      /* economy */
    a.form[2] = !a.form[2];                      /* trade missions */
    a.ben[5] = !a.ben[5];                        /* tourism */
    a.obs[2] = !a.obs[2];                        /* language barriers */
    a.sf[1] = a.sf[1] == 1 ? 2 : 1;              /* the mayor's attitude */
    a.coord[1] = a.coord[1] == 3 ? 2 : 3;        /* with other cities */
    a.infl[2] = a.infl[2] == 1 ? 3 : 1;          /* on the federal state */
    return a;
}

/* ---- the three data sets ------------------------------------------------------------- */

static void add_items(table *t, const char *prefix, const item_spec *items, int n)
{
    for (int j = 0; j < n; j++) {
        char name[64];
        snprintf(name, sizeof name, "%s%s", prefix, items[j].code);
        table_var(t, name, 0, items[j].en, items[j].de, "mentioned", -1, M_NOMINAL);
    }
}

static void add_ratings(table *t, const rating_spec *r, int n)
{
    for (int j = 0; j < n; j++)
        table_var(t, r[j].name, 0, r[j].en, r[j].de, r[j].labels, 9, M_ORDINAL);
}

static void add_mrset(table *t, const char *name, const char *en, const char *de,
                      const char *prefix, const char *split, const item_spec *items, int nitems)
{
    mrset_def *m = &t->mr[t->nmr++];
    m->name = name;
    m->en = en;
    m->de = de;
    m->prefix = prefix;
    m->split = split;
    m->items = items;
    m->nitems = nitems;
}

static void put_items(table *t, int row, const char *prefix, const item_spec *items, int n,
                      const int *val, int asked)
{
    for (int j = 0; j < n; j++) {
        char name[64];
        snprintf(name, sizeof name, "%s%s", prefix, items[j].code);
        set_num(t, row, name, asked ? val[j] : NAN);
    }
}

/* Adds DAYS to the date Y-M-D. */
static void date_add(int *y, int *m, int *d, int days)
{
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    while (days-- > 0) {
        int len = mdays[*m - 1] + (*m == 2 && *y % 4 == 0 && (*y % 100 != 0 || *y % 400 == 0));
        if (++*d > len) {
            *d = 1;
            if (++*m > 12) {
                *m = 1;
                ++*y;
            }
        }
    }
}

static void put_answers(table *t, int row, const answers *a, int id, const char *submitted)
{
    set_num(t, row, "id", id);
    set_str(t, row, "city", a->city);
    set_str(t, row, "submitted", submitted);
    set_num(t, row, "worldwide", 1);
    set_num(t, row, "named_partners", a->named ? 1 : 2);
    put_items(t, row, "pc_", COUNTRY_ITEMS, NELEM(COUNTRY_ITEMS), a->pc, a->named);
    set_num(t, row, "cn_partner", a->cn ? 1 : 2);
    if (!a->cn) return; /* skip logic: the rest stays system-missing */
    set_num(t, row, "cn_count", a->cn_count);
    set_num(t, row, "cn_type", a->cn_type);
    set_num(t, row, "cn_vitality", a->vitality);
    set_num(t, row, "cn_active", a->active);
    set_num(t, row, "cn_formal", a->formal);
    static char cells[128][256];
    static int ncells;
    char *cell = cells[ncells++ % 128];
    cell[0] = '\0';
    for (int j = 0; j < NELEM(INITIATOR_ITEMS); j++)
        if (a->init[j]) {
            if (cell[0]) strcat(cell, ";");
            strcat(cell, INITIATOR_ITEMS[j].code);
        }
    set_str(t, row, "initiators", cell);
    set_str(t, row, "init_other_text", a->init_other);
    put_items(t, row, "area_", AREA_ITEMS, NELEM(AREA_ITEMS), a->area, 1);
    put_items(t, row, "inst_", INST_ITEMS, NELEM(INST_ITEMS), a->inst, 1);
    put_items(t, row, "form_", FORM_ITEMS, NELEM(FORM_ITEMS), a->form, 1);
    put_items(t, row, "ben_", BENEFIT_ITEMS, NELEM(BENEFIT_ITEMS), a->ben, 1);
    put_items(t, row, "obs_", OBSTACLE_ITEMS, NELEM(OBSTACLE_ITEMS), a->obs, 1);
    for (int j = 0; j < NELEM(SUCCESS_RATINGS); j++) set_num(t, row, SUCCESS_RATINGS[j].name, a->sf[j]);
    set_str(t, row, "sf_other_text", a->sf_other);
    for (int j = 0; j < NELEM(COORD_RATINGS); j++) set_num(t, row, COORD_RATINGS[j].name, a->coord[j]);
    for (int j = 0; j < NELEM(INFLUENCE_RATINGS); j++)
        set_num(t, row, INFLUENCE_RATINGS[j].name, a->infl[j]);
}

static void make_responses(table *t)
{
    t->name = "responses";
    t->title = "City survey: German-Chinese city cooperation (synthetic)";
    table_var(t, "id", 0, "Questionnaire number (in order of submission)",
              "Fragebogennummer (in der Reihenfolge des Eingangs)", NULL, -1, M_NOMINAL);
    table_var(t, "city", 1, "City", "Stadt", NULL, -1, M_NOMINAL);
    table_var(t, "submitted", 1, "Date and time the questionnaire was submitted",
              "Datum und Uhrzeit der Abgabe des Fragebogens", NULL, -1, M_NOMINAL);
    table_var(t, "worldwide", 0, "Does your city cooperate with cities abroad?",
              "Arbeitet Ihre Stadt mit Städten im Ausland zusammen?", "yesno", -1, M_NOMINAL);
    table_var(t, "named_partners", 0, "Did the city name its most important partner cities?",
              "Hat die Stadt ihre wichtigsten Partnerstädte genannt?", "yesno", -1, M_NOMINAL);
    add_items(t, "pc_", COUNTRY_ITEMS, NELEM(COUNTRY_ITEMS));
    table_var(t, "cn_partner", 0,
              "Has your city signed a partnership or cooperation agreement with a municipality in China?",
              "Hat Ihre Stadt eine Partnerschafts- oder Kooperationsvereinbarung mit einer Kommune in China?",
              "yesno", -1, M_NOMINAL);
    table_var(t, "cn_count", 0, "Number of Chinese partner cities", "Anzahl der chinesischen Partnerstädte",
              NULL, -1, M_SCALE);
    table_var(t, "cn_type", 0, "Form of the oldest partnership with a Chinese city",
              "Form der ältesten Partnerschaft mit einer chinesischen Stadt", "linktype", -1, M_NOMINAL);
    table_var(t, "cn_vitality", 0, "How would you describe the partnership with China?",
              "Wie würden Sie die Partnerschaft mit China beschreiben?", "vitality", -1, M_ORDINAL);
    table_var(t, "cn_active", 0,
              "Are all your associations with China active (joint action in the last two years)?",
              "Sind alle Ihre Verbindungen nach China aktiv (gemeinsame Aktivitäten in den letzten zwei Jahren)?",
              "active", -1, M_ORDINAL);
    table_var(t, "cn_formal", 0, "Does your city have formal agreements with its Chinese partners?",
              "Hat Ihre Stadt förmliche Vereinbarungen mit ihren chinesischen Partnern?", "formal", -1,
              M_ORDINAL);
    table_var(t, "initiators", 1, "Who initiated the cooperation with China? (codes separated by ;)",
              "Wer hat die Zusammenarbeit mit China initiiert? (Codes durch ; getrennt)", NULL, -1,
              M_NOMINAL);
    table_var(t, "init_other_text", 1, "Who initiated the cooperation: others (text)",
              "Initiator der Zusammenarbeit: Sonstige (Text)", NULL, -1, M_NOMINAL);
    add_items(t, "area_", AREA_ITEMS, NELEM(AREA_ITEMS));
    add_items(t, "inst_", INST_ITEMS, NELEM(INST_ITEMS));
    add_items(t, "form_", FORM_ITEMS, NELEM(FORM_ITEMS));
    add_items(t, "ben_", BENEFIT_ITEMS, NELEM(BENEFIT_ITEMS));
    add_items(t, "obs_", OBSTACLE_ITEMS, NELEM(OBSTACLE_ITEMS));
    add_ratings(t, SUCCESS_RATINGS, NELEM(SUCCESS_RATINGS));
    table_var(t, "sf_other_text", 1, "Other success factors (text)", "Sonstige Erfolgsfaktoren (Text)",
              NULL, -1, M_NOMINAL);
    add_ratings(t, COORD_RATINGS, NELEM(COORD_RATINGS));
    add_ratings(t, INFLUENCE_RATINGS, NELEM(INFLUENCE_RATINGS));

    add_mrset(t, "countries", "Countries of the most important partner cities",
              "Länder der wichtigsten Partnerstädte", "pc_", NULL, COUNTRY_ITEMS, NELEM(COUNTRY_ITEMS));
    add_mrset(t, "initiators", "Who initiated the cooperation with China?",
              "Wer hat die Zusammenarbeit mit China initiiert?", NULL, "initiators", INITIATOR_ITEMS,
              NELEM(INITIATOR_ITEMS));
    add_mrset(t, "areas", "What are the areas of cooperation with Chinese partners?",
              "In welchen Bereichen arbeiten Sie mit chinesischen Partnern zusammen?", "area_", NULL,
              AREA_ITEMS, NELEM(AREA_ITEMS));
    add_mrset(t, "institutions", "Does the cooperation with Chinese partners also engage other local institutions from your region?",
              "Bezieht die Zusammenarbeit mit chinesischen Partnern weitere lokale Einrichtungen aus Ihrer Region ein?",
              "inst_", NULL, INST_ITEMS, NELEM(INST_ITEMS));
    add_mrset(t, "forms", "Which forms of cooperation with Chinese partners are of crucial importance?",
              "Welche Formen der Zusammenarbeit mit chinesischen Partnern sind von zentraler Bedeutung?",
              "form_", NULL, FORM_ITEMS, NELEM(FORM_ITEMS));
    add_mrset(t, "benefits", "What are the benefits of the cooperation?", "Welchen Nutzen bringt die Zusammenarbeit?",
              "ben_", NULL, BENEFIT_ITEMS, NELEM(BENEFIT_ITEMS));
    add_mrset(t, "obstacles", "What are the biggest obstacles to intensive cooperation?",
              "Was sind die größten Hindernisse für eine intensive Zusammenarbeit?", "obs_", NULL,
              OBSTACLE_ITEMS, NELEM(OBSTACLE_ITEMS));

    static answers ans[N_CN + NELEM(NO_CN_CITIES)];
    int n;
    build_answers(ans, &n);

    /* Submission order: a fixed shuffle; Osnabrück answers 12th and again 63rd. */
    int order[N_CN + NELEM(NO_CN_CITIES) + 1], m = 0, osna = -1;
    for (int i = 0; i < n; i++) {
        if (strcmp(ans[i].city, "Osnabrück") == 0) osna = i;
        else order[m++] = i;
    }
    if (osna < 0) die("Osnabrück did not answer");
    uint64_t state = hash_str("submission order");
    for (int i = m - 1; i > 0; i--) {
        int j = (int)(rnd_next(&state) % (uint64_t)(i + 1)), tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
    static const int FIRST_AT = 11, SECOND_AT = 62;
    answers first = osnabrueck_first(&ans[osna]);
    static char stamps[96][48];
    for (int pos = 0, next = 0; pos < m + 2; pos++) {
        const answers *a = pos == FIRST_AT ? &first : pos == SECOND_AT ? &ans[osna] : &ans[order[next++]];
        int y = 2020, mo = 10, d = 19;
        date_add(&y, &mo, &d, pos * 131 / (m + 2));
        int secs = 8 * 3600 + (int)(rnd_next(&state) % (9 * 3600));
        snprintf(stamps[pos], sizeof stamps[pos], "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d,
                 secs / 3600, secs / 60 % 60, secs % 60);
        put_answers(t, table_row(t), a, pos + 1, stamps[pos]);
    }
}

static int by_link(const void *a, const void *b)
{
    const link_row *x = *(const link_row *const *)a, *y = *(const link_row *const *)b;
    if (x->year != y->year) return x->year - y->year;
    int c = strcmp(x->entity, y->entity);
    return c ? c : strcmp(x->partner, y->partner);
}

static void make_partnerships(table *t)
{
    t->name = "partnerships";
    t->title = "German-Chinese municipal links 1982-2018 (synthetic)";
    table_var(t, "link_id", 0, "Link number (in order of establishment)",
              "Laufende Nummer der Verbindung (nach Gründungsjahr)", NULL, -1, M_NOMINAL);
    table_var(t, "entity", 1, "German entity", "Deutsche Gebietskörperschaft", NULL, -1, M_NOMINAL);
    table_var(t, "entity_type", 0, "Kind of German entity", "Art der deutschen Gebietskörperschaft",
              "entity_type", -1, M_NOMINAL);
    table_var(t, "state", 1, "Federal state (Land) of the German entity",
              "Bundesland der deutschen Gebietskörperschaft", NULL, -1, M_NOMINAL);
    table_var(t, "partner", 1, "Chinese partner (city or province)",
              "Chinesischer Partner (Stadt oder Provinz)", NULL, -1, M_NOMINAL);
    table_var(t, "province", 1, "Chinese province of the partner", "Chinesische Provinz des Partners",
              NULL, -1, M_NOMINAL);
    table_var(t, "year", 0, "Year the link was established", "Gründungsjahr der Verbindung", NULL, -1,
              M_SCALE);
    table_var(t, "period", 0, "Period (Chart 1: 1980s, 1990s, then each year)",
              "Zeitraum (Abbildung 1: 1980er, 1990er, dann jedes Jahr)", "period", -1, M_ORDINAL);
    table_var(t, "type", 0, "Form of the link", "Form der Verbindung", "linktype", -1, M_NOMINAL);

    const link_row *sorted[NELEM(LINKS)];
    for (int i = 0; i < NELEM(LINKS); i++) sorted[i] = &LINKS[i];
    qsort(sorted, NELEM(LINKS), sizeof sorted[0], by_link);
    int entities = 0;
    for (int i = 0; i < NELEM(LINKS); i++) {
        const link_row *l = sorted[i];
        int seen = 0;
        for (int k = 0; k < i && !seen; k++) seen = strcmp(sorted[k]->entity, l->entity) == 0;
        entities += !seen;
        if (l->kind == EK_FRAME && frame_state(l->entity) != l->state)
            die("%s: not in the frame, or another state", l->entity);
        if (l->year < 1982 || l->year > 2018) die("%s: year %d", l->entity, l->year);
        int r = table_row(t);
        set_num(t, r, "link_id", i + 1);
        set_str(t, r, "entity", l->entity);
        set_num(t, r, "entity_type", l->kind);
        set_str(t, r, "state", STATE_NAMES[l->state]);
        set_str(t, r, "partner", l->partner);
        set_str(t, r, "province", l->province);
        set_num(t, r, "year", l->year);
        set_num(t, r, "period", l->year < 1990 ? 1980 : l->year < 2000 ? 1990 : l->year);
        set_num(t, r, "type", l->type);
    }
    if (entities != 135) die("the register has %d German entities, want 135", entities);
}

static void make_frame(table *t)
{
    t->name = "frame";
    t->title = "Sample frame: 126 German cities with at least 50,000 inhabitants";
    table_var(t, "frame_id", 0, "Number in the sample frame", "Nummer in der Stichprobe", NULL, -1,
              M_NOMINAL);
    table_var(t, "city", 1, "City", "Stadt", NULL, -1, M_NOMINAL);
    table_var(t, "state", 1, "Federal state (Land)", "Bundesland", NULL, -1, M_NOMINAL);
    table_var(t, "size_class", 0, "City size class (inhabitants on 31 December 2019)",
              "Größenklasse der Stadt (Einwohner am 31.12.2019)", "size_class", -1, M_ORDINAL);
    if (NELEM(FRAME) != 126) die("the frame has %d cities, want 126", NELEM(FRAME));
    for (int i = 0; i < NELEM(FRAME); i++) {
        int r = table_row(t);
        set_num(t, r, "frame_id", i + 1);
        set_str(t, r, "city", FRAME[i].city);
        set_str(t, r, "state", STATE_NAMES[FRAME[i].state]);
        set_num(t, r, "size_class", FRAME[i].size_class);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: gen_city_survey OUTDIR\n"
                        "  writes frame.csv, responses.{csv,sav}, partnerships.{csv,sav} and their\n"
                        "  .codebook.lua files into OUTDIR (samples/city-survey in the repository)\n");
        return 2;
    }
    out_dir = argv[1];
    /* ReadStat formats the .sav creation time in local time: pin it for identical bytes. */
    setenv("TZ", "UTC", 1);
    tzset();

    static table frame, responses, partnerships;
    make_frame(&frame);
    make_responses(&responses);
    make_partnerships(&partnerships);

    write_csv(&frame);
    write_codebook(&frame);
    write_csv(&responses);
    write_codebook(&responses);
    write_sav(&responses);
    write_csv(&partnerships);
    write_codebook(&partnerships);
    write_sav(&partnerships);
    return 0;
}
