/* gen_bench.c: writes the seeded benchmark survey (CSV), its tally codebook and the PSPP syntax of the same report. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Usage: gen_bench [--rows N] [--seed S] [--out FILE.csv] [--flat]
 *                  [--codebook FILE.lua] [--pspp FILE.sps --pspp-data CSV]
 *
 * The same seed and row count always give the same bytes. --flat replaces the
 * newlines inside quoted text fields by spaces (PSPP cannot read them); every
 * other byte is the same as without it.
 */

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MAX_CODES 20

/* ---- the questionnaire ----------------------------------------------------------------- */

typedef struct {
    const char *name, *label;
    int ncodes;
    const char *codes[MAX_CODES]; /* labels of codes 1..ncodes */
    int p[MAX_CODES];             /* relative frequencies */
    int dk_code;                  /* a "don't know" code declared missing, 0: none */
} single_q;

static const single_q SINGLE[] = {
    {"region", "Federal state of residence", 16,
     {"Baden-Württemberg", "Bayern", "Berlin", "Brandenburg", "Bremen", "Hamburg", "Hessen",
      "Mecklenburg-Vorpommern", "Niedersachsen", "Nordrhein-Westfalen", "Rheinland-Pfalz", "Saarland",
      "Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein", "Thüringen"},
     {134, 158, 44, 30, 8, 22, 76, 19, 96, 216, 49, 12, 49, 26, 35, 25}, 0},
    {"gender", "Gender", 3, {"female", "male", "diverse"}, {505, 490, 5}, 0},
    {"agegroup", "Age group", 5, {"18-29", "30-44", "45-59", "60-74", "75 and older"}, {0}, 0},
    {"education", "Highest school qualification", 5,
     {"none", "Hauptschule", "Realschule", "Abitur", "university degree"}, {4, 28, 30, 18, 20}, 0},
    {"employment", "Employment status", 6,
     {"full-time", "part-time", "self-employed", "in education", "retired", "not employed"},
     {38, 14, 8, 8, 24, 8}, 0},
    {"household", "Persons in the household", 5, {"1", "2", "3", "4", "5 or more"}, {41, 34, 12, 9, 4}, 0},
    {"children", "Children under 18 in the household", 4, {"none", "one", "two", "three or more"},
     {70, 15, 11, 4}, 0},
    {"housing", "Housing", 3, {"rented", "owned", "other"}, {54, 42, 4}, 0},
    {"settlement", "Place of residence", 4, {"big city", "medium-sized town", "small town", "rural"},
     {32, 27, 21, 20}, 0},
    {"internet", "How often do you use the internet?", 5,
     {"several times a day", "daily", "weekly", "less often", "never"}, {62, 20, 8, 4, 6}, 0},
    {"transport", "Main means of transport", 5, {"car", "public transport", "bicycle", "on foot", "other"},
     {52, 22, 13, 10, 3}, 0},
    {"contact", "Survey mode", 3, {"online", "telephone", "face to face"}, {60, 30, 10}, 0},
    {"vote", "Which party would you vote for next Sunday?", 9,
     {"Party A", "Party B", "Party C", "Party D", "Party E", "Party F", "another party", "would not vote",
      "don't know"},
     {24, 22, 14, 12, 9, 6, 4, 4, 5}, 9},
    {"satisfaction", "Overall, how satisfied are you with your life?", 5,
     {"very dissatisfied", "dissatisfied", "neither nor", "satisfied", "very satisfied"}, {0}, 0},
};

typedef struct {
    const char *name, *label;
    int nitems;
    const char *items[10];
    int p[10]; /* percent of respondents choosing each item */
} mr_q;

static const mr_q MULTI[] = {
    {"media", "Where do you get your news? (all that apply)", 8,
     {"television", "radio", "printed newspaper", "news websites", "social media", "podcasts",
      "messenger groups", "friends and family"},
     {71, 48, 29, 52, 38, 14, 19, 33}},
    {"leisure", "What do you do in your free time? (all that apply)", 10,
     {"sport", "reading", "music", "travel", "gaming", "gardening", "cooking", "volunteering", "cinema",
      "other"},
     {46, 51, 39, 44, 21, 27, 36, 17, 24, 6}},
    {"issues", "Which issues matter most to you? (all that apply)", 10,
     {"economy", "climate", "migration", "health", "education", "housing", "security", "pensions",
      "digitalisation", "energy prices"},
     {41, 37, 33, 45, 29, 34, 26, 31, 15, 39}},
};

static const char *const LIKERT_ITEMS[] = {
    "My neighbourhood is a good place to live", "Public transport here is reliable",
    "I trust the local administration", "There are enough doctors nearby",
    "Schools in my area are good", "I feel safe at night",
    "Housing here is affordable", "I would recommend my town to friends",
};
static const char *const LIKERT_SCALE[] = {"strongly disagree", "disagree", "neither agree nor disagree",
                                           "agree", "strongly agree"};

/* Free texts: every CSV hazard (delimiters, quotes, newlines, umlauts, Chinese, formula-like starts). */
static const char *const COMMENTS[] = {
    "Alles gut.",
    "Mehr Radwege, bitte",
    "Zu teuer, zu langsam, zu laut",
    "Sie sagte \"nie wieder\" und ging",
    "Erste Zeile\nzweite Zeile",
    "Grüße aus Köln: Straße gesperrt, Öffnungszeiten ändern",
    "服务很好，谢谢",
    "=1+1",
    "+49 30 1234567",
    "Besser \"digital\",\nweniger Papier",
    "中德合作, \"很好\"\n第二行",
    "-- keine Angabe --",
    "@home",
    "Übergänge für Fußgänger fehlen",
};
static const char *const OTHER_TEXTS[] = {
    "Schach", "Angeln, Jagen", "Kochen \"wie bei Oma\"", "=HYPERLINK(\"x\")", "+ mehr Zeit",
    "书法\n(calligraphy)", "Töpfern", "Chor; Orchester",
};

/* Age-group distribution, and satisfaction shifted by age group (gives the crosstab a real effect). */
static const int AGE_LO[] = {18, 30, 45, 60, 75}, AGE_HI[] = {29, 44, 59, 74, 90};
static const int AGE_P[] = {16, 23, 26, 22, 13};
static const int SATISF_P[5][5] = {
    {4, 10, 22, 44, 20}, {5, 12, 24, 43, 16}, {6, 14, 25, 41, 14}, {4, 9, 21, 44, 22}, {3, 8, 20, 45, 24}};

/* ---- deterministic pseudo-random numbers ------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double unif(void) { return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0); }

/* A code 1..n drawn with relative frequencies p. */
static int pick(const int *p, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++) total += p[i];
    int r = (int)(unif() * total);
    for (int i = 0; i < n; i++) {
        if (r < p[i]) return i + 1;
        r -= p[i];
    }
    return n;
}

/* ---- buffered output ------------------------------------------------------------------------ */

static FILE *out_fp;
static char obuf[1 << 20];
static size_t olen;

static void flush_out(void)
{
    if (olen && fwrite(obuf, 1, olen, out_fp) != olen) {
        perror("gen_bench: write");
        exit(1);
    }
    olen = 0;
}

static void put_mem(const char *s, size_t n)
{
    if (olen + n > sizeof obuf) flush_out();
    memcpy(obuf + olen, s, n);
    olen += n;
}

static void put_ch(char c)
{
    if (olen == sizeof obuf) flush_out();
    obuf[olen++] = c;
}

static void put_uint(uint64_t v)
{
    char tmp[24];
    int n = 0;
    do tmp[n++] = (char)('0' + v % 10); while (v /= 10);
    if (olen + (size_t)n > sizeof obuf) flush_out();
    while (n) obuf[olen++] = tmp[--n];
}

/* v / 10^decimals with exactly `decimals` digits after the point. */
static void put_fixed(uint64_t v, int decimals)
{
    uint64_t scale = 1;
    for (int i = 0; i < decimals; i++) scale *= 10;
    put_uint(v / scale);
    put_ch('.');
    char tmp[20];
    uint64_t f = v % scale;
    for (int i = decimals - 1; i >= 0; i--, f /= 10) tmp[i] = (char)('0' + f % 10);
    put_mem(tmp, (size_t)decimals);
}

/* A text field, quoted when it holds a delimiter, a quote or a line break (RFC 4180). */
static void put_text(const char *s, int flat)
{
    if (!strpbrk(s, ",\"\n\r")) {
        put_mem(s, strlen(s));
        return;
    }
    put_ch('"');
    for (; *s; s++) {
        if (*s == '"') put_ch('"');
        put_ch(flat && (*s == '\n' || *s == '\r') ? ' ' : *s);
    }
    put_ch('"');
}

/* ---- the data ---------------------------------------------------------------------------- */

static void write_header(void)
{
    put_mem("id", 2);
    for (int q = 0; q < NELEM(SINGLE); q++) {
        put_ch(',');
        put_mem(SINGLE[q].name, strlen(SINGLE[q].name));
    }
    char name[64];
    for (int m = 0; m < NELEM(MULTI); m++)
        for (int i = 1; i <= MULTI[m].nitems; i++) {
            int n = snprintf(name, sizeof name, ",%s_%d", MULTI[m].name, i);
            put_mem(name, (size_t)n);
        }
    for (int i = 1; i <= NELEM(LIKERT_ITEMS); i++) {
        int n = snprintf(name, sizeof name, ",att_%d", i);
        put_mem(name, (size_t)n);
    }
    const char *rest = ",age,income,hours,weight,comment,other_text\n";
    put_mem(rest, strlen(rest));
}

static void write_row(uint64_t id, int flat)
{
    put_uint(id);
    int agegroup = pick(AGE_P, NELEM(AGE_P));
    int age = AGE_LO[agegroup - 1] + (int)(unif() * (AGE_HI[agegroup - 1] - AGE_LO[agegroup - 1] + 1));
    int gender = 0;
    for (int q = 0; q < NELEM(SINGLE); q++) {
        const single_q *s = &SINGLE[q];
        int code;
        if (strcmp(s->name, "agegroup") == 0) code = agegroup;
        else if (strcmp(s->name, "satisfaction") == 0) code = pick(SATISF_P[agegroup - 1], 5);
        else code = pick(s->p, s->ncodes);
        if (strcmp(s->name, "gender") == 0) gender = code;
        put_ch(',');
        put_uint((uint64_t)code);
    }
    for (int m = 0; m < NELEM(MULTI); m++) {
        int chosen[10], any = 0;
        for (int i = 0; i < MULTI[m].nitems; i++) any |= chosen[i] = unif() * 100 < MULTI[m].p[i];
        int skip = !any && unif() < 0.5; /* half of those choosing nothing skipped the question */
        for (int i = 0; i < MULTI[m].nitems; i++) {
            put_ch(',');
            if (!skip) put_ch(chosen[i] ? '1' : '0');
        }
    }
    double mood = (unif() + unif() + unif() - 1.5) * 1.6; /* one attitude behind all items */
    for (int i = 0; i < NELEM(LIKERT_ITEMS); i++) {
        put_ch(',');
        if (unif() < 0.02) continue; /* item skipped: system-missing */
        int v = (int)(3.4 + mood + (unif() - 0.5) * 2.6 - 0.15 * i);
        put_ch((char)('0' + (v < 1 ? 1 : v > 5 ? 5 : v)));
    }
    put_ch(',');
    put_uint((uint64_t)age);
    put_ch(',');
    if (unif() >= 0.06) { /* income in euro cents; 6% refused */
        double u = unif();
        put_fixed((uint64_t)(90000 + u * u * 900000 + unif() * 150000), 2);
    }
    put_ch(',');
    put_fixed((uint64_t)(unif() * unif() * 600), 1);
    put_ch(',');
    static const int gender_w[] = {0, 9800, 10300, 10000}, age_w[] = {0, 12400, 10600, 9300, 9000, 10200};
    double w = gender_w[gender] / 1e4 * age_w[agegroup] / 1e4 * (0.5 + unif());
    put_fixed((uint64_t)(w * 1e4 + 0.5), 4);
    put_ch(',');
    if (unif() < 0.20) put_text(COMMENTS[rnd() % NELEM(COMMENTS)], flat);
    put_ch(',');
    if (unif() < 0.08) put_text(OTHER_TEXTS[rnd() % NELEM(OTHER_TEXTS)], flat);
    put_ch('\n');
}

/* ---- codebook and PSPP syntax ------------------------------------------------------------------ */

/* s as a Lua or PSPP string literal body: doubles the quote character q, escapes backslashes for Lua. */
static void fput_quoted(FILE *f, const char *s, char q)
{
    fputc(q, f);
    for (; *s; s++) {
        if (*s == q) fputc(q == '"' ? '\\' : q, f);
        else if (*s == '\\' && q == '"') fputc('\\', f);
        fputc(*s, f);
    }
    fputc(q, f);
}

static void write_codebook(FILE *f)
{
    fputs("-- bench.codebook.lua: metadata of the benchmark survey (samples/bench/survey-*.csv).\n"
          "-- Written by tools/gen_bench.c --codebook: do not edit by hand.\n\n"
          "variable \"id\" { label = \"Respondent number\", measure = \"nominal\" }\n",
          f);
    for (int q = 0; q < NELEM(SINGLE); q++) {
        const single_q *s = &SINGLE[q];
        fprintf(f, "\nvariable \"%s\" {\n  label = ", s->name);
        fput_quoted(f, s->label, '"');
        fputs(",\n  values = {\n", f);
        for (int c = 0; c < s->ncodes; c++) {
            fprintf(f, "    [%d] = ", c + 1);
            fput_quoted(f, s->codes[c], '"');
            fputs(",\n", f);
        }
        fputs("  },\n", f);
        if (s->dk_code) fprintf(f, "  missing = { %d },\n", s->dk_code);
        fprintf(f, "  measure = \"%s\",\n}\n",
                strcmp(s->name, "satisfaction") == 0 || strcmp(s->name, "agegroup") == 0 ? "ordinal" : "nominal");
    }
    for (int m = 0; m < NELEM(MULTI); m++) {
        const mr_q *s = &MULTI[m];
        for (int i = 0; i < s->nitems; i++) {
            fprintf(f, "\nvariable \"%s_%d\" { label = ", s->name, i + 1);
            fput_quoted(f, s->items[i], '"');
            fputs(" }\n", f);
        }
        fprintf(f, "\nvariables { \"%s_*\" } { values = { [0] = \"not chosen\", [1] = \"chosen\" }, measure = \"nominal\" }\n",
                s->name);
        fprintf(f, "\nmrset \"%s\" {\n  label = ", s->name);
        fput_quoted(f, s->label, '"');
        fprintf(f, ",\n  kind = \"dichotomy\",\n  counted = 1,\n  columns = \"%s_*\",\n}\n", s->name);
    }
    for (int i = 0; i < NELEM(LIKERT_ITEMS); i++) {
        fprintf(f, "\nvariable \"att_%d\" { label = ", i + 1);
        fput_quoted(f, LIKERT_ITEMS[i], '"');
        fputs(" }\n", f);
    }
    fputs("\nvariables { \"att_*\" } {\n  values = {\n", f);
    for (int c = 0; c < NELEM(LIKERT_SCALE); c++) fprintf(f, "    [%d] = \"%s\",\n", c + 1, LIKERT_SCALE[c]);
    fputs("  },\n  measure = \"ordinal\",\n}\n\n"
          "variable \"age\" { label = \"Age in years\", measure = \"scale\", format = \"F3.0\" }\n"
          "variable \"income\" { label = \"Net monthly household income (EUR)\", measure = \"scale\", format = \"F10.2\" }\n"
          "variable \"hours\" { label = \"Hours online per week\", measure = \"scale\", format = \"F5.1\" }\n"
          "variable \"weight\" { label = \"Design weight (gender by age group)\", measure = \"scale\", format = \"F8.4\" }\n"
          "variable \"comment\" { label = \"Any other comments?\" }\n"
          "variable \"other_text\" { label = \"Other free-time activity (please specify)\" }\n\n"
          "weight \"weight\"\n",
          f);
}

/* Prints "first TO last" lists of the single-choice and Likert variables (all categorical ones). */
static void pspp_categorical(FILE *f)
{
    fprintf(f, "%s TO %s att_1 TO att_%d", SINGLE[0].name, SINGLE[NELEM(SINGLE) - 1].name, NELEM(LIKERT_ITEMS));
}

static void pspp_analyses(FILE *f)
{
    fputs("FREQUENCIES /VARIABLES=", f);
    pspp_categorical(f);
    fputs(".\nFREQUENCIES /VARIABLES=age income hours /FORMAT=NOTABLE /PERCENTILES=25 50 75.\n"
          "DESCRIPTIVES /VARIABLES=age income hours /STATISTICS=MEAN STDDEV MIN MAX.\n"
          "DESCRIPTIVES /VARIABLES=att_1 TO att_8 /STATISTICS=MEAN STDDEV.\n",
          f);
    /* PSPP 1.6 has MRSETS but neither MULT RESPONSE nor CTABLES: the sets' items are counted by FREQUENCIES. */
    fprintf(f, "FREQUENCIES /VARIABLES=%s_1 TO %s_%d.\n", MULTI[0].name, MULTI[NELEM(MULTI) - 1].name,
            MULTI[NELEM(MULTI) - 1].nitems);
    fputs("CROSSTABS /TABLES=satisfaction BY agegroup /CELLS=COUNT COLUMN /STATISTICS=CHISQ.\n", f);
}

static void write_pspp(FILE *f, const char *data)
{
    fputs("* peer_pspp.sps: the benchmark report as a PSPP job. Written by tools/gen_bench.c --pspp.\n"
          "SET WORKSPACE=4194304.\n"
          "GET DATA /TYPE=TXT /FILE=",
          f);
    fput_quoted(f, data, '\'');
    fputs(" /ENCODING='UTF-8'\n  /ARRANGEMENT=DELIMITED /DELCASE=LINE /FIRSTCASE=2 /DELIMITERS=\",\" /QUALIFIER='\"'\n"
          "  /VARIABLES=id F8.0",
          f);
    for (int q = 0; q < NELEM(SINGLE); q++) fprintf(f, "\n    %s F2.0", SINGLE[q].name);
    for (int m = 0; m < NELEM(MULTI); m++)
        for (int i = 1; i <= MULTI[m].nitems; i++) fprintf(f, "\n    %s_%d F1.0", MULTI[m].name, i);
    for (int i = 1; i <= NELEM(LIKERT_ITEMS); i++) fprintf(f, "\n    att_%d F1.0", i);
    fputs("\n    age F3.0 income F10.2 hours F5.1 weight F8.4 comment A120 other_text A60.\n", f);
    for (int q = 0; q < NELEM(SINGLE); q++) {
        const single_q *s = &SINGLE[q];
        fprintf(f, "VARIABLE LABELS %s ", s->name);
        fput_quoted(f, s->label, '\'');
        fprintf(f, ".\nVALUE LABELS %s", s->name);
        for (int c = 0; c < s->ncodes; c++) {
            fprintf(f, " %d ", c + 1);
            fput_quoted(f, s->codes[c], '\'');
        }
        fputs(".\n", f);
        if (s->dk_code) fprintf(f, "MISSING VALUES %s (%d).\n", s->name, s->dk_code);
    }
    fputs("VALUE LABELS att_1 TO att_8", f);
    for (int c = 0; c < NELEM(LIKERT_SCALE); c++) fprintf(f, " %d '%s'", c + 1, LIKERT_SCALE[c]);
    fputs(".\nMRSETS", f);
    for (int m = 0; m < NELEM(MULTI); m++) {
        fprintf(f, "\n  /MDGROUP NAME=$%s LABEL=", MULTI[m].name);
        fput_quoted(f, MULTI[m].label, '\'');
        fprintf(f, " VARIABLES=%s_1 TO %s_%d VALUE=1", MULTI[m].name, MULTI[m].name, MULTI[m].nitems);
    }
    fputs(".\n\n* Unweighted.\n", f);
    pspp_analyses(f);
    fputs("\n* Weighted.\nWEIGHT BY weight.\n", f);
    pspp_analyses(f);
}

/* ---- main ----------------------------------------------------------------------------------- */

static void usage(void)
{
    fputs("usage: gen_bench [--rows N] [--seed S] [--out FILE.csv] [--flat]\n"
          "                 [--codebook FILE.lua] [--pspp FILE.sps --pspp-data CSV]\n",
          stderr);
    exit(2);
}

static FILE *open_out(const char *path)
{
    if (strcmp(path, "-") == 0) return stdout;
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "gen_bench: cannot write %s: ", path);
        perror(NULL);
        exit(1);
    }
    return f;
}

static void close_out(FILE *f, const char *path)
{
    if ((f == stdout ? fflush(f) : fclose(f)) != 0) {
        fprintf(stderr, "gen_bench: error writing %s\n", path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    uint64_t rows = 100000, seed = 2024;
    const char *out = NULL, *codebook = NULL, *pspp = NULL, *pspp_data = NULL;
    int flat = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--flat") == 0) { flat = 1; continue; }
        if (!v) usage();
        if (strcmp(a, "--rows") == 0) rows = strtoull(v, NULL, 10);
        else if (strcmp(a, "--seed") == 0) seed = strtoull(v, NULL, 10);
        else if (strcmp(a, "--out") == 0) out = v;
        else if (strcmp(a, "--codebook") == 0) codebook = v;
        else if (strcmp(a, "--pspp") == 0) pspp = v;
        else if (strcmp(a, "--pspp-data") == 0) pspp_data = v;
        else usage();
        i++;
    }
    if ((!out && !codebook && !pspp) || (pspp && !pspp_data)) usage();
    if (codebook) {
        FILE *f = open_out(codebook);
        write_codebook(f);
        close_out(f, codebook);
    }
    if (pspp) {
        FILE *f = open_out(pspp);
        write_pspp(f, pspp_data);
        close_out(f, pspp);
    }
    if (out) {
        out_fp = open_out(out);
        rng_state = seed * 0x2545F4914F6CDD1DULL + 1;
        write_header();
        for (uint64_t r = 1; r <= rows; r++) write_row(r, flat);
        flush_out();
        close_out(out_fp, out);
    }
    return 0;
}
