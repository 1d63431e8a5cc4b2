/* test_readstat_pspp.c: metadata and values the readstat plugin reads from a .sav, compared with what PSPP reports. */
#include "check.h"
#include "dataset.h"
#include "host.h"

#include <ctype.h>
#include <dlfcn.h>
#include <float.h>
#include <stdlib.h>
#include <unistd.h>

#include "pspp_csv.h"

/* ---- tally's side -------------------------------------------------------------------- */

static tally_dataset *read_sav(const char *path, char *err, size_t errsize)
{
    const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
    char so[4096];
    snprintf(so, sizeof so, "%s/plugins/readstat.so", build);
    void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    tally_plugin_entry_fn entry = h ? (tally_plugin_entry_fn)dlsym(h, TALLY_PLUGIN_ENTRY_NAME) : NULL;
    if (!entry) {
        snprintf(err, errsize, "cannot load readstat.so: %.900s", dlerror());
        return NULL;
    }
    tally_ctx *ctx = tally_ctx_new("readstat");
    tally_options *o = tally_options_new("test.lua:1");
    tally_options_set_string(o, "path", path);
    tally_dataset *ds = tally_dataset_new("t");
    if (entry()->read(tally_host_get(), ctx, o, ds) != 0) {
        snprintf(err, errsize, "%s", tally_ctx_error(ctx));
        tally_dataset_free(ds);
        ds = NULL;
    }
    tally_ctx_free(ctx);
    tally_options_free(o);
    return ds;
}

static void put_number(char *buf, size_t n, double v)
{
    if (v <= -DBL_MAX / 2) snprintf(buf, n, "LOWEST");
    else if (v >= DBL_MAX / 2) snprintf(buf, n, "HIGHEST");
    else snprintf(buf, n, "%.15g", v);
}

/* Missing values written the way PSPP's dictionary shows them: range first, then codes. */
static void missing_text(const tally_column *c, char *buf, size_t n)
{
    char a[64], b[64];
    buf[0] = '\0';
    if (c->has_range) {
        put_number(a, sizeof a, c->range_lo);
        put_number(b, sizeof b, c->range_hi);
        snprintf(buf, n, "%s THRU %s", a, b);
    }
    for (size_t i = 0; i < c->nmissing; i++) {
        put_number(a, sizeof a, c->missing[i]);
        snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", buf[0] ? "; " : "", a);
    }
    for (size_t i = 0; i < c->nsmissing; i++)
        snprintf(buf + strlen(buf), n - strlen(buf), "%s\"%s\"", buf[0] ? "; " : "", c->smissing[i]);
}

/* PSPP pads string missing codes to the variable's width: "\"        \"" -> "\"\"". */
static void unpad_quoted(char *s)
{
    char *o = s;
    for (int in = 0; *s; s++) {
        if (*s == '"') in = !in;
        if (in && *s == ' ' && (s[1] == ' ' || s[1] == '"')) {
            char *q = s;
            while (*q == ' ') q++;
            if (*q == '"') { s = q - 1; continue; }
        }
        *o++ = *s;
    }
    *o = '\0';
}

/* Days since 1970 of a DATE11 text "01-JAN-1990"; NaN when it is not one. */
static double date_days(const char *s)
{
    static const char *const mon[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    int d, y;
    char m[4];
    if (sscanf(s, "%d-%3s-%d", &d, m, &y) != 3) return NAN;
    int mi = -1;
    for (int i = 0; i < 12; i++)
        if (strcmp(m, mon[i]) == 0) mi = i + 1;
    if (mi < 0) return NAN;
    /* days from civil date (proleptic Gregorian) */
    int yy = y - (mi <= 2), era = (yy >= 0 ? yy : yy - 399) / 400;
    int yoe = yy - era * 400, mp = (mi + 9) % 12, doy = (153 * mp + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097.0 + doe - 719468;
}

static void compare_variables(const tally_dataset *ds, const table *t)
{
    int fn = field_index(t, "Name"), fp = field_index(t, "Position"), fl = field_index(t, "Label");
    int fm = field_index(t, "Measurement Level"), ff = field_index(t, "Print Format");
    int fmiss = field_index(t, "Missing Values"), fw = field_index(t, "Width");
    CHECK(fn >= 0 && fp >= 0 && fl >= 0 && fm >= 0 && ff >= 0 && fmiss >= 0 && fw >= 0, "PSPP Variables table has its columns");
    if (fn < 0 || fp < 0 || fl < 0 || fm < 0 || ff < 0 || fmiss < 0 || fw < 0) return;
    CHECK((size_t)t->nrows == ds->ncols, "variable count: PSPP %d, tally %zu", t->nrows, ds->ncols);
    int bad_pos = 0, bad_label = 0, bad_measure = 0, bad_format = 0, bad_missing = 0, bad_width = 0;
    for (int i = 0; i < t->nrows; i++) {
        const record *r = &t->rows[i];
        int c = tally_dataset_find(ds, r->f[fn]);
        if (c < 0 || c + 1 != atoi(r->f[fp])) { bad_pos++; printf("#   position of %s\n", r->f[fn]); continue; }
        const tally_column *col = ds->cols[c];
        if (strcmp(col->label ? col->label : "", r->f[fl]) != 0) { bad_label++; printf("#   label of %s\n", r->f[fn]); }
        const char *m = col->measure == TALLY_NOMINAL ? "Nominal" : col->measure == TALLY_ORDINAL ? "Ordinal" : "Scale";
        if (strcmp(m, r->f[fm]) != 0) { bad_measure++; printf("#   measure of %s: %s vs %s\n", r->f[fn], m, r->f[fm]); }
        if (strcmp(col->format ? col->format : "", r->f[ff]) != 0) { bad_format++; printf("#   format of %s\n", r->f[fn]); }
        char mine[512], theirs[512];
        missing_text(col, mine, sizeof mine);
        snprintf(theirs, sizeof theirs, "%s", r->f[fmiss]);
        unpad_quoted(theirs);
        if (strcmp(mine, theirs) != 0) { bad_missing++; printf("#   missing of %s: '%s' vs '%s'\n", r->f[fn], mine, theirs); }
        if (col->type == TALLY_STRING && col->width != atoi(r->f[fw])) { bad_width++; printf("#   width of %s\n", r->f[fn]); }
    }
    CHECK(bad_pos == 0, "variable names and positions agree with PSPP");
    CHECK(bad_label == 0, "variable labels agree with PSPP");
    CHECK(bad_measure == 0, "measurement levels agree with PSPP");
    CHECK(bad_format == 0, "print formats agree with PSPP");
    CHECK(bad_missing == 0, "user-missing values and ranges agree with PSPP");
    CHECK(bad_width == 0, "string widths agree with PSPP");
}

static void compare_value_labels(const tally_dataset *ds, const table *t)
{
    const tally_column *cur = NULL;
    size_t theirs = 0, mine = 0;
    int bad = 0;
    for (int i = 0; i < t->nrows; i++) {
        const record *r = &t->rows[i];
        if (r->n < 3) { bad++; continue; }
        if (r->f[0][0]) { /* the variable, by its label (or name when it has none) */
            cur = NULL;
            for (size_t c = 0; c < ds->ncols; c++) {
                const tally_column *col = ds->cols[c];
                if (strcmp(col->label ? col->label : col->name, r->f[0]) == 0) cur = col;
            }
        }
        if (!cur) { bad++; printf("#   no variable for '%s'\n", r->f[0]); continue; }
        char code[256];
        snprintf(code, sizeof code, "%s", r->f[1]);
        char *mark = strstr(code, "[a]");
        if (mark) *mark = '\0';
        const char *label;
        int missing;
        if (cur->type == TALLY_STRING) {
            label = tally_column_string_value_label(cur, code);
            missing = tally_column_is_user_missing_string(cur, code);
        } else {
            label = tally_column_value_label(cur, strtod(code, NULL));
            missing = tally_column_is_user_missing(cur, strtod(code, NULL));
        }
        if (!label || strcmp(label, r->f[2]) != 0 || missing != (mark != NULL)) {
            bad++;
            printf("#   %s = %s: tally has %s%s\n", code, r->f[2], label ? label : "(none)", missing ? " [missing]" : "");
        }
        theirs++;
    }
    for (size_t c = 0; c < ds->ncols; c++) mine += ds->cols[c]->nlabels;
    CHECK(bad == 0 && theirs > 0, "value labels (and which are user-missing) agree with PSPP (%zu labels)", theirs);
    CHECK(mine == theirs, "value label count: tally %zu, PSPP %zu", mine, theirs);
}

static void compare_mrsets(const tally_dataset *ds, const table *t)
{
    int fn = field_index(t, "Name"), fl = field_index(t, "Label"), fe = field_index(t, "Encoding");
    int fc = field_index(t, "Counted Value"), fv = field_index(t, "Member Variables");
    CHECK(fn >= 0 && fl >= 0 && fe >= 0 && fc >= 0 && fv >= 0, "PSPP Multiple Response Sets table has its columns");
    if (fn < 0 || fl < 0 || fe < 0 || fc < 0 || fv < 0) return;
    CHECK((size_t)t->nrows == ds->nmrsets, "set count: PSPP %d, tally %zu", t->nrows, ds->nmrsets);
    for (int i = 0; i < t->nrows; i++) {
        const record *r = &t->rows[i];
        const tally_mrset *m = tally_dataset_find_mrset(ds, r->f[fn]);
        CHECK(m != NULL, "set %s exists", r->f[fn]);
        if (!m) continue;
        char vars[512] = "";
        for (size_t k = 0; k < m->ncols; k++)
            snprintf(vars + strlen(vars), sizeof vars - strlen(vars), "%s%s", k ? "\n" : "", ds->cols[m->cols[k]]->name);
        int dich = strcmp(r->f[fe], "Dichotomies") == 0;
        CHECK(strcmp(m->label ? m->label : "", r->f[fl]) == 0, "set %s: label agrees with PSPP", r->f[fn]);
        CHECK((m->kind == TALLY_MRSET_DICHOTOMY) == dich && (!dich || m->counted == strtod(r->f[fc], NULL)),
              "set %s: kind and counted value agree with PSPP", r->f[fn]);
        CHECK(strcmp(vars, r->f[fv]) == 0, "set %s: member variables agree with PSPP", r->f[fn]);
    }
}

static void compare_data(const tally_dataset *ds, const table *t)
{
    CHECK((size_t)t->nrows == ds->nrows, "row count: PSPP %d, tally %zu", t->nrows, ds->nrows);
    int bad = 0, cells = 0;
    for (int f = 0; f < t->head.n; f++) {
        int c = tally_dataset_find(ds, t->head.f[f]);
        if (c < 0) { bad++; continue; }
        const tally_column *col = ds->cols[c];
        for (int i = 0; i < t->nrows && (size_t)i < ds->nrows; i++, cells++) {
            const char *s = t->rows[i].f[f];
            while (*s == ' ') s++;
            if (col->type == TALLY_STRING) {
                if (strcmp(tally_column_string(col, (size_t)i), s) != 0) bad++;
                continue;
            }
            double want, got = col->num[i], tol = 1e-9;
            if (strncmp(s, ".", 1) == 0 && (s[1] == '\0' || s[1] == ' ')) want = NAN;
            else if (col->is_date) want = date_days(s);
            else {
                want = strtod(s, NULL);
                const char *dot = strchr(s, '.');
                if (dot) tol = 0.5 * pow(10, -(double)strlen(dot + 1)) + 1e-9;
            }
            int same = (want != want) ? got != got : fabs(got - want) <= tol;
            if (!same) {
                bad++;
                printf("#   %s row %d: PSPP '%s', tally %.10g\n", col->name, i + 1, s, got);
            }
        }
    }
    CHECK(bad == 0 && cells > 40, "all %d cells agree with PSPP's LIST (numbers, strings, dates, system-missing)", cells);
}

int main(void)
{
    char repo[4096], tmp[64] = "/tmp/tally-rs-pspp.XXXXXX", cmd[16384], err[2048];
    if (!getcwd(repo, sizeof repo) || !mkdtemp(tmp)) CHECK_DONE();
    snprintf(cmd, sizeof cmd, "cd '%s' && pspp '%s/tests/data/spss/survey.sps' >make.log 2>&1 && "
             "pspp -O format=csv '%s/tests/data/spss/oracle.sps' >oracle.csv 2>oracle.err", tmp, repo, repo);
    CHECK(system(cmd) == 0, "pspp writes survey.sav and reports its dictionary and data");
    snprintf(cmd, sizeof cmd, "%s/oracle.csv", tmp);
    FILE *f = fopen(cmd, "rb");
    static char text[1 << 16];
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f) fclose(f);
    text[n] = '\0';
    parse_output(text);
    const table *vars = find_table("Variables"), *labels = find_table("Value Labels");
    const table *sets = find_table("Multiple Response Sets"), *data = find_table("Data List");
    CHECK(vars && labels && sets && data, "PSPP output has the Variables, Value Labels, Multiple Response Sets and Data List tables");
    snprintf(cmd, sizeof cmd, "%s/survey.sav", tmp);
    tally_dataset *ds = read_sav(cmd, err, sizeof err);
    CHECK(ds != NULL, "tally reads survey.sav%s%s", ds ? "" : ": ", ds ? "" : err);
    if (ds && vars && labels && sets && data) {
        compare_variables(ds, vars);
        compare_value_labels(ds, labels);
        compare_mrsets(ds, sets);
        compare_data(ds, data);
    }
    tally_dataset_free(ds);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) printf("# could not remove %s\n", tmp);
    CHECK_DONE();
}
