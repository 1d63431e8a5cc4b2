/* plugin.c: the csv input plugin's descriptor and its options. */
#include "csv.h"
#include "csv_read.h"
#include "csv_decode.h"

#include <stdlib.h>
#include <string.h>

static const tally_option_decl csv_options[] = {
    {"path", TALLY_OPT_PATH, 1, NULL, NULL, 0, 0, "the CSV/TSV file to read"},
    {"delimiter", TALLY_OPT_STRING, 0, "auto", NULL, 0, 0,
     "field separator: auto (detects , ; tab |), \",\", \";\", \"tab\" or \"|\""},
    {"decimal", TALLY_OPT_CHOICE, 0, ".", ".|,", 0, 0, "decimal separator in numbers (\",\" for German Excel)"},
    {"encoding", TALLY_OPT_CHOICE, 0, "utf-8", "utf-8|windows-1252|latin-1|utf-16|utf-16le|utf-16be", 0, 0,
     "text encoding of the file; converted to UTF-8 (a UTF-16 byte-order mark and gzip are detected)"},
    {"invalid_utf8", TALLY_OPT_CHOICE, 0, "error", "error|replace", 0, 0,
     "invalid UTF-8 bytes: stop with an error, or replace them with U+FFFD and warn"},
    {"header_rows", TALLY_OPT_INT, 0, "1", NULL, 0, 10,
     "header rows: 0 (names V1..Vn), 1 (names), 2+ (names, then labels such as option texts)"},
    {"missing", TALLY_OPT_LIST, 0, NULL, NULL, 0, 0,
     "tokens read as system-missing, besides the empty field (default: { \"NA\" })"},
    {"types", TALLY_OPT_LIST, 0, NULL, NULL, 0, 0,
     "type overrides, { \"zip:string\", \"q1:numeric\" }; other columns are inferred"},
    {"on_ragged", TALLY_OPT_CHOICE, 0, "error", "error|skip", 0, 0,
     "rows whose field count differs from the header: stop, or skip them with a warning"},
    {"max_field_bytes", TALLY_OPT_INT, 0, "16777216", NULL, 1, 2147483647.0,
     "largest field accepted, in bytes"},
    {"threads", TALLY_OPT_INT, 0, "0", NULL, 0, 64, "threads for large files (0: one per core)"},
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

/* Reads the options into `s`; options the host left unset get their defaults here too. */
static int parse_options(const tally_host *h, tally_ctx *ctx, const tally_options *o, csv_settings *s)
{
    const char *where = h->opt_where ? h->opt_where(o) : NULL;
    if (!where || !*where) where = "csv";
    memset(s, 0, sizeof *s);
    s->path = opt_or(h, o, "path", NULL);
    if (!s->path || !*s->path) {
        h->error(ctx, "%s: input needs a 'path' naming the CSV file", where);
        return -1;
    }
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
    const char *dec = opt_or(h, o, "decimal", ".");
    s->decimal = dec[0] == ',' ? ',' : '.';
    if (s->delim && s->delim == s->decimal) {
        h->error(ctx, "%s: delimiter and decimal are both '%c'; set delimiter = \";\" for decimal commas", where,
                 s->delim);
        return -1;
    }
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
    if (h->opt_is_set(o, "missing")) {
        size_t n = h->opt_list_len(o, "missing");
        if (n > CSV_MAX_MISSING) {
            h->error(ctx, "%s: option 'missing' lists %zu tokens; at most %d are allowed", where, n,
                     CSV_MAX_MISSING);
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            const char *t = h->opt_list_item(o, "missing", i);
            if (t) s->missing[s->nmissing++] = t;
        }
    } else {
        s->missing[s->nmissing++] = "NA";
    }
    s->ntypes = h->opt_is_set(o, "types") ? h->opt_list_len(o, "types") : 0;
    if (s->ntypes > CSV_MAX_TYPES) {
        h->error(ctx, "%s: option 'types' lists %zu columns; at most %d are allowed", where, s->ntypes,
                 CSV_MAX_TYPES);
        return -1;
    }
    for (size_t i = 0; i < s->ntypes; i++) {
        const char *t = h->opt_list_item(o, "types", i);
        const char *colon = t ? strrchr(t, ':') : NULL;
        if (!colon || colon == t || (strcmp(colon + 1, "numeric") != 0 && strcmp(colon + 1, "string") != 0)) {
            h->error(ctx, "%s: types: '%s' must be \"name:numeric\" or \"name:string\"", where, t ? t : "");
            return -1;
        }
        s->types[i] = t;
    }
    return 0;
}

static int csv_plugin_read(const tally_host *host, tally_ctx *ctx, const tally_options *opts, tally_dataset *out)
{
    csv_settings s;
    if (parse_options(host, ctx, opts, &s) != 0) return 1;
    return csv_read_file(host, ctx, &s, out) == 0 ? 0 : 1;
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
