/* layout.c: which survey platform wrote a CSV (its header rows), header rows never read as respondents, read facts. */
#include "layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int csv_is_placeholder(const char *cell)
{
    return cell && (strcmp(cell, "Response") == 0 || strcmp(cell, "Open-Ended Response") == 0);
}

static int is_import_id(const char *cell)
{
    return cell && strncmp(cell, "{\"ImportId\":", 12) == 0;
}

static char *joined(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = malloc(na + nb + 4);
    if (!s) return NULL;
    memcpy(s, a, na);
    memcpy(s + na, " - ", 3);
    memcpy(s + na + 3, b, nb + 1);
    return s;
}

void csv_layout_question_labels(char **row1, char **labels, size_t ncols)
{
    const char *question = NULL;
    for (size_t i = 0; i < ncols; i++) {
        if (row1 && row1[i] && row1[i][0]) question = row1[i];
        if (!question) continue;
        char *l = labels[i] ? joined(question, labels[i]) : strdup(question);
        if (!l) continue;
        free(labels[i]);
        labels[i] = l;
    }
}

void csv_layout_qualtrics_labels(char **labels, size_t ncols)
{
    static const char tail[] = " - Selected Choice";
    for (size_t i = 0; i < ncols; i++) {
        char *l = labels[i], *at = l ? strstr(l, tail) : NULL;
        if (at) memmove(at, at + sizeof tail - 1, strlen(at + sizeof tail - 1) + 1);
    }
}

/* ---- detection ---------------------------------------------------------------------- */

static size_t count_placeholders(char **row, long n, size_t *nonempty)
{
    size_t k = 0;
    *nonempty = 0;
    for (long i = 0; row && i < n; i++) {
        if (row[i][0]) ++*nonempty;
        k += (size_t)csv_is_placeholder(row[i]);
    }
    return k;
}

static int has_cell(char **row, long n, const char *text)
{
    for (long i = 0; row && i < n; i++)
        if (strcmp(row[i], text) == 0) return 1;
    return 0;
}

static int row_has_import_id(char **row, long n)
{
    for (long i = 0; row && i < n; i++)
        if (is_import_id(row[i])) return 1;
    return 0;
}

/* Row 2 of a SurveyMonkey export: its "Response" placeholders. */
static int looks_like_monkey_row2(const csv_layout *lay, size_t r)
{
    size_t nonempty, k = count_placeholders(lay->rows[r], lay->nfields[r], &nonempty);
    int monkey_row1 = lay->nrows > 0 && (has_cell(lay->rows[0], lay->nfields[0], "Respondent ID") ||
                                         has_cell(lay->rows[0], lay->nfields[0], "Collector ID"));
    return k >= 2 || (k >= 1 && (monkey_row1 || k * 2 >= nonempty));
}

static const char *const google_stamp[] = {"Timestamp", "Zeitstempel", "Marca temporal", "Horodateur",
                                           "Carimbo de data/hora", "Informazioni cronologiche", NULL};

/* Row 2 of a Qualtrics export: the question texts under its fixed columns. */
static int looks_like_qualtrics_row2(const csv_layout *lay, size_t r)
{
    return lay->nrows > r && has_cell(lay->rows[0], lay->nfields[0], "ResponseId") &&
           has_cell(lay->rows[r], lay->nfields[r], "Response ID");
}

static csv_layout_kind sniff(const csv_layout *lay, char *why, size_t size, int *rows)
{
    *rows = 1;
    if (lay->nrows >= 3 && row_has_import_id(lay->rows[2], lay->nfields[2])) {
        snprintf(why, size, "row 3 holds Qualtrics' {\"ImportId\": ...} cells");
        *rows = 3;
        return CSV_LAYOUT_QUALTRICS;
    }
    if (looks_like_qualtrics_row2(lay, 1)) {
        snprintf(why, size, "row 1 holds Qualtrics' ResponseId, row 2 its question texts (no ImportId row)");
        *rows = 2;
        return CSV_LAYOUT_QUALTRICS;
    }
    if (lay->nrows >= 2 && looks_like_monkey_row2(lay, 1)) {
        snprintf(why, size, "row 2 holds SurveyMonkey's \"Response\" / \"Open-Ended Response\" placeholders");
        *rows = 2;
        return CSV_LAYOUT_SURVEYMONKEY;
    }
    char **r1 = lay->nrows ? lay->rows[0] : NULL;
    long n1 = lay->nrows ? lay->nfields[0] : 0;
    for (int k = 0; n1 >= 2 && google_stamp[k]; k++)
        if (strcmp(r1[0], google_stamp[k]) == 0) {
            snprintf(why, size, "column 1 is Google Forms' \"%s\"", google_stamp[k]);
            return CSV_LAYOUT_GOOGLE_FORMS;
        }
    if (n1 >= 3 && strcmp(r1[0], "ID") == 0 && strcmp(r1[1], "Start time") == 0 &&
        strcmp(r1[2], "Completion time") == 0) {
        snprintf(why, size, "columns 1-3 are Microsoft Forms' ID, Start time, Completion time");
        return CSV_LAYOUT_MICROSOFT_FORMS;
    }
    snprintf(why, size, "no survey platform's header found");
    return CSV_LAYOUT_PLAIN;
}


/* A data row that is a header row of a known layout is an error: it would count as a respondent. */
static int check_data_rows(const tally_host *h, tally_ctx *ctx, const csv_settings *s, const csv_layout *lay)
{
    char fix1[96], fix2[96];
    for (size_t r = (size_t)lay->header_rows; r < lay->nrows; r++) {
        if (row_has_import_id(lay->rows[r], lay->nfields[r])) {
            h->error(ctx, "%s:%zu: this row holds Qualtrics' {\"ImportId\": ...} cells: a header row, not a "
                          "respondent; read the file with %s (or %s)", s->path, lay->line[r],
                     csv_spell(s, fix1, sizeof fix1, "layout", "qualtrics"),
                     csv_spell(s, fix2, sizeof fix2, "header_rows", "3"));
            return -1;
        }
        if (r == 1 && looks_like_qualtrics_row2(lay, r)) {
            h->error(ctx, "%s:%zu: this row holds Qualtrics' question texts (\"Response ID\" under ResponseId): a "
                          "header row, not a respondent; read the file with %s", s->path, lay->line[r],
                     csv_spell(s, fix1, sizeof fix1, "layout", "qualtrics"));
            return -1;
        }
        if (r == 1 && looks_like_monkey_row2(lay, r)) {
            h->error(ctx, "%s:%zu: this row holds SurveyMonkey's \"Response\" placeholders: a header row, not a "
                          "respondent; read the file with %s (or %s)", s->path, lay->line[r],
                     csv_spell(s, fix1, sizeof fix1, "layout", "surveymonkey"),
                     csv_spell(s, fix2, sizeof fix2, "header_rows", "2"));
            return -1;
        }
    }
    return 0;
}

int csv_layout_detect(const tally_host *h, tally_ctx *ctx, const csv_cfg *cfg, const csv_settings *s, const char *buf,
                      const char *end, csv_layout *lay)
{
    memset(lay, 0, sizeof *lay);
    const char *pos = buf;
    size_t lines = 0;
    while (lay->nrows < CSV_LAYOUT_ROWS && pos < end) {
        size_t line = lines + 1;
        long n = csv_row_texts(cfg, &pos, end, &lines, &lay->rows[lay->nrows]);
        if (n < 0) break; /* the header reader reports it */
        lay->line[lay->nrows] = line;
        lay->nfields[lay->nrows++] = n;
    }
    static const char *const names[] = {"auto", "plain", "surveymonkey", "qualtrics", "google_forms",
                                        "microsoft_forms"};
    char why[160];
    int found_rows;
    csv_layout_kind found = sniff(lay, why, sizeof why, &found_rows);
    if (s->layout != CSV_LAYOUT_AUTO) {
        lay->kind = s->layout;
        snprintf(lay->reason, sizeof lay->reason, "set");
    } else if (found != CSV_LAYOUT_PLAIN && s->header_rows_set && s->header_rows != found_rows) {
        lay->kind = CSV_LAYOUT_PLAIN; /* the header rows given do not fit: read as asked, checked below */
        snprintf(lay->reason, sizeof lay->reason, "header_rows = %d does not fit the %s layout found (%s)",
                 s->header_rows, names[found], why);
    } else {
        lay->kind = found;
        lay->detected = 1;
        snprintf(lay->reason, sizeof lay->reason, "detected: %s", why);
    }
    /* a layout set by hand reads as many header rows as the file shows it has */
    int rows = found == lay->kind ? found_rows : lay->kind == CSV_LAYOUT_SURVEYMONKEY ? 2
                                               : lay->kind == CSV_LAYOUT_QUALTRICS ? 3 : 1;
    lay->header_rows = s->header_rows_set || lay->kind == CSV_LAYOUT_PLAIN ? s->header_rows : rows;
    h->log(ctx, TALLY_LOG_INFO, "%s: layout %s (%s), %d header row%s", s->path, names[lay->kind], lay->reason,
           lay->header_rows, lay->header_rows == 1 ? "" : "s");
    return check_data_rows(h, ctx, s, lay);
}

void csv_layout_force_types(const csv_layout *lay, char **names, size_t ncols, int *forced)
{
    if (lay->kind != CSV_LAYOUT_QUALTRICS) return;
    for (size_t i = 0; i < ncols; i++) {
        size_t n = strlen(names[i]);
        if (n > 5 && strcmp(names[i] + n - 5, "_TEXT") == 0 && !forced[i]) forced[i] = TALLY_STRING;
    }
}

void csv_layout_free(csv_layout *lay)
{
    for (size_t r = 0; r < lay->nrows; r++) csv_free_strings(lay->rows[r], (size_t)lay->nfields[r]);
    memset(lay, 0, sizeof *lay);
}

/* ---- what `tally describe` shows -------------------------------------------------------- */

static const char *delim_name(char d)
{
    return d == ',' ? "comma \",\"" : d == ';' ? "semicolon \";\"" : d == '\t' ? "tab" : d == '|' ? "pipe \"|\"" : "?";
}

void csv_layout_info(const tally_host *h, tally_dataset *ds, const csv_settings *s, const csv_cfg *cfg,
                     const csv_layout *lay, int bom)
{
    if (!TALLY_HOST_HAS(h, ds_set_info) || !h->ds_set_info) return;
    static const char *const names[] = {"auto", "plain", "surveymonkey", "qualtrics", "google_forms",
                                        "microsoft_forms"};
    char buf[400];
    const char *enc = s->encoding == CSV_ENC_CP1252 ? "windows-1252" : s->encoding == CSV_ENC_LATIN1 ? "latin-1"
                                                                                                    : "utf-8";
    snprintf(buf, sizeof buf, "%s (%s%s)", enc, s->encoding_set ? "set" : "default",
             bom ? ", with byte-order mark" : "");
    h->ds_set_info(ds, "encoding", buf);
    snprintf(buf, sizeof buf, "%s (%s)", delim_name(cfg->delim), s->delim_set ? "set" : "detected");
    h->ds_set_info(ds, "delimiter", buf);
    snprintf(buf, sizeof buf, "\"%c\" (%s)", cfg->decimal, s->decimal_set ? "set" : "default");
    h->ds_set_info(ds, "decimal", buf);
    snprintf(buf, sizeof buf, "%d (%s)", lay->header_rows,
             s->header_rows_set ? "set" : lay->kind == CSV_LAYOUT_PLAIN ? "default" : "from the layout");
    h->ds_set_info(ds, "header rows", buf);
    snprintf(buf, sizeof buf, "%s (%s)", names[lay->kind], lay->reason);
    h->ds_set_info(ds, "layout", buf);
    if (lay->kind == CSV_LAYOUT_QUALTRICS && lay->header_rows >= 3 && lay->nrows >= 3 &&
        row_has_import_id(lay->rows[2], lay->nfields[2])) {
        snprintf(buf, sizeof buf, "row 3 ({\"ImportId\": ...}) dropped; row 2 gives the labels");
        h->ds_set_info(ds, "layout rows", buf);
    }
    if (lay->folded || lay->sets || lay->split || lay->dates) {
        snprintf(buf, sizeof buf, "%zu single-choice question%s folded from option columns, %zu check-all "
                                  "set%s from option columns, %zu from delimited answers, %zu timestamp column%s "
                                  "read as dates",
                 lay->folded, lay->folded == 1 ? "" : "s", lay->sets, lay->sets == 1 ? "" : "s", lay->split,
                 lay->dates, lay->dates == 1 ? "" : "s");
        h->ds_set_info(ds, "layout made", buf);
    }
}
