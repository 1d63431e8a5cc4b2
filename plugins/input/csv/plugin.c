/* plugin.c: the csv input plugin's descriptor and its options. */
#include "csv.h"
#include "csv_read.h"
#include "csv_decode.h"
#include "input_options.h"
#include "xlsform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const tally_option_decl csv_options[] = {
    {"path", TALLY_OPT_PATH, 1, NULL, NULL, 0, 0, "the CSV/TSV file to read"},
    {"delimiter", TALLY_OPT_STRING, 0, "auto", NULL, 0, 0,
     "field separator: auto (the one of , ; tab | splitting the first rows into equal field counts; a tie "
     "is warned), \",\", \";\", \"tab\" or \"|\""},
    {"decimal", TALLY_OPT_CHOICE, 0, "auto", "auto|.|,", 0, 0,
     "decimal separator in numbers: auto (\",\" when the delimiter is not a comma and numbers are written 12,5), "
     "\".\" or \",\""},
    {"thousands", TALLY_OPT_STRING, 0, NULL, NULL, 0, 0,
     "digit group separator in numbers (\".\" for 1.234,56; \",\", \"space\" or \"'\"); none by default"},
    {"date_format", TALLY_OPT_CHOICE, 0, "auto", "auto|dd.mm.yyyy|mm/dd/yyyy|dd/mm/yyyy|none", 0, 0,
     "columns of dates become date variables: ISO 8601 (2024-03-05, 2024-03-05T14:30) and this form; "
     "auto: dd.mm.yyyy; none: dates stay text"},
    {"encoding", TALLY_OPT_CHOICE, 0, "utf-8", "utf-8|windows-1252|latin-1|utf-16|utf-16le|utf-16be", 0, 0,
     "text encoding of the file; converted to UTF-8 (a UTF-16 byte-order mark and gzip are detected)"},
    {"invalid_utf8", TALLY_OPT_CHOICE, 0, "error", "error|replace", 0, 0,
     "invalid UTF-8 bytes: stop with an error, or replace them with U+FFFD and warn"},
    {"header_rows", TALLY_OPT_INT, 0, "1", NULL, 0, 10,
     "header rows: 0 (names V1..Vn), 1 (names), 2+ (names, then labels such as option texts)"},
    {"missing", TALLY_OPT_LIST, 0, NULL, NULL, 0, 0,
     "tokens read as system-missing, besides the empty field (default: { \"NA\" })"},
    {"types", TALLY_OPT_LIST, 0, NULL, NULL, 0, 0,
     "type overrides, { \"zip:string\", \"q1:numeric\", \"born:date\" }; other columns are inferred"},
    {"on_ragged", TALLY_OPT_CHOICE, 0, "error", "error|skip", 0, 0,
     "rows whose field count differs from the header: stop, or skip them with a warning"},
    {"max_field_bytes", TALLY_OPT_INT, 0, "16777216", NULL, 1, 2147483647.0,
     "largest field accepted, in bytes"},
    {"threads", TALLY_OPT_INT, 0, "0", NULL, 0, 64, "threads for large files (0: one per core)"},
    {"layout", TALLY_OPT_CHOICE, 0, "auto", "auto|plain|surveymonkey|qualtrics|google_forms|microsoft_forms", 0, 0,
     "survey-platform export layout: header rows, labels, option columns folded into questions and sets"},
    {"choices", TALLY_OPT_LIST, 0, NULL, NULL, 0, 0,
     "check-all options that contain the delimiter (\"Yes, often\"), kept whole when a Forms answer is split"},
    {"check_all", TALLY_OPT_LIST, 0, NULL, NULL, 0, 0,
     "SurveyMonkey questions (their first column's name) read as check-all sets even when no row has two options"},
    {"form", TALLY_OPT_PATH, 0, NULL, NULL, 0, 0,
     "the XLSForm (.xlsx, survey and choices sheets) of a KoboToolbox/ODK export: labels, choices, sets, metadata"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

static const char *opt_or(const tally_host *h, const tally_options *o, const char *name, const char *def)
{
    const char *v = h->opt_is_set(o, name) ? h->opt_string(o, name) : NULL;
    return v ? v : def;
}

static int64_t int_or(const tally_host *h, const tally_options *o, const char *name, int64_t def)
{
    return h->opt_is_set(o, name) ? h->opt_int(o, name) : def;
}

/* The `thousands` option: one separator byte, different from the decimal mark. */
static int parse_thousands(const tally_host *h, tally_ctx *ctx, const tally_options *o, const char *where,
                           csv_settings *s)
{
    const char *t = opt_or(h, o, "thousands", NULL);
    s->thousands = 0;
    if (!t || !*t) return 0;
    if (strcmp(t, "space") == 0 || strcmp(t, " ") == 0) s->thousands = ' ';
    else if (strcmp(t, ".") == 0 || strcmp(t, ",") == 0 || strcmp(t, "'") == 0) s->thousands = t[0];
    else {
        h->error(ctx, "%s: option 'thousands' must be \".\", \",\", \"space\" or \"'\", not '%s'", where, t);
        return -1;
    }
    if (!s->decimal && (s->thousands == '.' || s->thousands == ',')) /* the other one is the decimal mark */
        s->decimal = s->thousands == '.' ? ',' : '.';
    if (s->thousands == s->decimal) {
        h->error(ctx, "%s: thousands and decimal are both '%c'; set decimal = \"%c\"", where, s->thousands,
                 s->thousands == ',' ? '.' : ',');
        return -1;
    }
    if (s->thousands == s->delim) {
        h->error(ctx, "%s: thousands and delimiter are both '%c'; set delimiter", where, s->thousands);
        return -1;
    }
    return 0;
}

/* Reads the options into `s`; options the host left unset get their defaults here too. */
static int parse_options(const tally_host *h, tally_ctx *ctx, const tally_options *o, csv_settings *s)
{
    const char *where = input_opt_where(h, o, "csv");
    memset(s, 0, sizeof *s);
    s->path = input_opt_path(h, ctx, o, where, "the CSV file");
    if (!s->path) return -1;
    const char *d = opt_or(h, o, "delimiter", "auto");
    if (strcmp(d, "auto") == 0) s->delim = 0;
    else if (strcmp(d, ",") == 0 || strcmp(d, "comma") == 0) s->delim = ',';
    else if (strcmp(d, ";") == 0 || strcmp(d, "semicolon") == 0) s->delim = ';';
    else if (strcmp(d, "\t") == 0 || strcmp(d, "tab") == 0) s->delim = '\t';
    else if (strcmp(d, "|") == 0 || strcmp(d, "pipe") == 0) s->delim = '|';
    else {
        h->error(ctx, "%s: option 'delimiter' must be auto, \",\", \";\", \"tab\" or \"|\", not '%s'", where, d);
        return -1;
    }
    const char *dec = opt_or(h, o, "decimal", "auto");
    s->decimal = dec[0] == ',' ? ',' : dec[0] == '.' ? '.' : 0;
    if (s->delim && s->delim == s->decimal) {
        h->error(ctx, "%s: delimiter and decimal are both '%c'; set delimiter = \";\" for decimal commas", where,
                 s->delim);
        return -1;
    }
    if (parse_thousands(h, ctx, o, where, s) != 0) return -1;
    const char *df = opt_or(h, o, "date_format", "auto");
    s->date_format = strcmp(df, "none") == 0         ? CSV_DATE_NONE
                     : strcmp(df, "mm/dd/yyyy") == 0 ? CSV_DATE_MDY
                     : strcmp(df, "dd/mm/yyyy") == 0 ? CSV_DATE_DMY
                                                     : CSV_DATE_DOTS;
    const char *enc = opt_or(h, o, "encoding", "utf-8");
    s->encoding = strcmp(enc, "windows-1252") == 0 ? CSV_ENC_CP1252
                  : strcmp(enc, "latin-1") == 0    ? CSV_ENC_LATIN1
                                                   : CSV_ENC_UTF8;
    s->utf16 = strcmp(enc, "utf-16") == 0 ? CSV_UTF16_ANY : strcmp(enc, "utf-16le") == 0 ? CSV_UTF16_LE
               : strcmp(enc, "utf-16be") == 0 ? CSV_UTF16_BE : CSV_UTF16_NO;
    s->replace_invalid = strcmp(opt_or(h, o, "invalid_utf8", "error"), "replace") == 0;
    s->header_rows = (int)int_or(h, o, "header_rows", 1);
    if (s->header_rows < 0 || s->header_rows > 10) s->header_rows = 1;
    s->skip_ragged = strcmp(opt_or(h, o, "on_ragged", "error"), "skip") == 0;
    int64_t mf = int_or(h, o, "max_field_bytes", 16 * 1024 * 1024);
    s->max_field = mf > 0 && mf <= 2147483647 ? (size_t)mf : 16 * 1024 * 1024;
    s->threads = (int)int_or(h, o, "threads", 0);
    s->cli = TALLY_HOST_HAS(h, opt_from_cli) && h->opt_from_cli && h->opt_from_cli(o);
    s->header_rows_set = s->header_rows != 1; /* the host fills in defaults: 1 cannot be told from unset */
    s->delim_set = s->delim != 0;
    s->decimal_set = dec[0] == ',';
    s->encoding_set = s->encoding != CSV_ENC_UTF8;
    static const char *const layouts[] = {"auto", "plain", "surveymonkey", "qualtrics", "google_forms",
                                          "microsoft_forms"};
    const char *lay = opt_or(h, o, "layout", "auto");
    for (int k = 0; k < 6; k++)
        if (strcmp(lay, layouts[k]) == 0) s->layout = (csv_layout_kind)k;
    s->ncheck_all = h->opt_is_set(o, "check_all") ? h->opt_list_len(o, "check_all") : 0;
    if (s->ncheck_all > CSV_MAX_MISSING) {
        h->error(ctx, "%s: option 'check_all' lists %zu questions; at most %d are allowed", where, s->ncheck_all,
                 CSV_MAX_MISSING);
        return -1;
    }
    for (size_t i = 0; i < s->ncheck_all; i++) s->check_all[i] = h->opt_list_item(o, "check_all", i);
    if (h->opt_is_set(o, "choices")) {
        size_t n = h->opt_list_len(o, "choices");
        if (n > CSV_MAX_MISSING) {
            h->error(ctx, "%s: option 'choices' lists %zu options; at most %d are allowed", where, n, CSV_MAX_MISSING);
            return -1;
        }
        for (size_t i = 0; i < n; i++)
            if (h->opt_list_item(o, "choices", i)) s->choices[s->nchoices++] = h->opt_list_item(o, "choices", i);
    }
    static const char *const kinds[] = {"numeric", "string", "date", NULL};
    if (input_opt_missing(h, ctx, o, where, s->missing, CSV_MAX_MISSING, &s->nmissing) != 0) return -1;
    if (input_opt_types(h, ctx, o, where, kinds, s->types, CSV_MAX_TYPES, &s->ntypes) != 0) return -1;
    return 0;
}

const char *csv_spell(const csv_settings *s, char *buf, size_t size, const char *name, const char *value)
{
    int bare = value[0] && strspn(value, "0123456789") == strlen(value);
    if (s->cli) snprintf(buf, size, "--set %s=%s", name, value);
    else snprintf(buf, size, bare ? "%s = %s" : "%s = \"%s\"", name, value);
    return buf;
}

static int csv_plugin_read(const tally_host *host, tally_ctx *ctx, const tally_options *opts, tally_dataset *out)
{
    csv_settings s;
    if (parse_options(host, ctx, opts, &s) != 0) return 1;
    if (csv_read_file(host, ctx, &s, out) != 0) return 1;
    return xlsform_option(host, ctx, opts, out) == 0 ? 0 : 1;
}

static const tally_plugin_descriptor csv_descriptor = {
    .abi_major = TALLY_ABI_MAJOR,
    .abi_minor = TALLY_ABI_MINOR,
    .struct_size = sizeof(tally_plugin_descriptor),
    .kind = TALLY_PLUGIN_INPUT,
    .name = "csv",
    .description = "delimited text (CSV, TSV, German Excel exports): RFC 4180, encodings, type inference",
    .version = "1.0",
    .options = csv_options,
    .extensions = "csv|tsv|txt",
    .read = csv_plugin_read,
    .write = NULL,
};

TALLY_PLUGIN(csv_descriptor)
