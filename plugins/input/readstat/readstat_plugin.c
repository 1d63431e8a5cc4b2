/* readstat_plugin.c: the `readstat` input plugin: SPSS, Stata and SAS files read through libreadstat. */
#include "rs_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const tally_option_decl options[] = {
    {"path", TALLY_OPT_PATH, 1, NULL, NULL, 0, 0, "the data file (.sav, .zsav, .por, .dta, .sas7bdat, .xpt)"},
    {"format", TALLY_OPT_CHOICE, 0, "auto", "auto|sav|zsav|por|dta|sas7bdat|xpt", 0, 0,
     "file format; auto decides by the file's extension"},
    {"encoding", TALLY_OPT_STRING, 0, NULL, NULL, 0, 0,
     "text encoding when the file declares none or a wrong one (iconv name, e.g. windows-1252)"},
    {"user_missing", TALLY_OPT_BOOL, 0, "true", NULL, 0, 0,
     "keep user-missing codes (and Stata/SAS .a-.z) as metadata (true) or read them as system-missing (false)"},
    {"catalog", TALLY_OPT_PATH, 0, NULL, NULL, 0, 0,
     "SAS format catalogue (.sas7bcat) with the value labels of a .sas7bdat or .xpt file"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

/* Checks that the file exists and holds the format it claims; picks the format. */
static int choose_format(rs_state *st, const char *requested, rs_format *out)
{
    const tally_host *h = st->host;
    rs_format sniffed;
    char what[96];
    long size = 0;
    if (rs_sniff(st->path, &sniffed, what, sizeof what, &size) != 0) {
        h->error(st->ctx, "cannot open '%s': %s; check the input's path", st->path, strerror(errno));
        return -1;
    }
    if (size == 0) {
        h->error(st->ctx, "'%s' is empty (0 bytes): there is no data to read; export the file again", st->path);
        return -1;
    }
    rs_format f = rs_format_from_name(requested);
    if (f == RS_AUTO) f = rs_format_from_path(st->path);
    if (f == RS_AUTO) f = sniffed;
    if (f == RS_AUTO) {
        h->error(st->ctx, "'%s' is not an SPSS, Stata or SAS file: it holds %s; read CSV files with the csv input", st->path, what);
        return -1;
    }
    if (!rs_format_matches(f, sniffed)) {
        if (sniffed != RS_AUTO)
            h->error(st->ctx, "'%s' is not %s: it holds %s; set format = \"%s\" or rename the file",
                     st->path, rs_format_title(f), what, rs_format_name(sniffed));
        else
            h->error(st->ctx, "'%s' is not %s: it holds %s; read CSV files with the csv input", st->path,
                     rs_format_title(f), what);
        return -1;
    }
    *out = f;
    return 0;
}

static readstat_error_t parse(readstat_parser_t *p, rs_state *st)
{
    switch (st->format) {
    case RS_SAV:
    case RS_ZSAV: return readstat_parse_sav(p, st->path, st);
    case RS_POR: return readstat_parse_por(p, st->path, st);
    case RS_DTA: return readstat_parse_dta(p, st->path, st);
    case RS_SAS7BDAT: return readstat_parse_sas7bdat(p, st->path, st);
    case RS_XPT: return readstat_parse_xport(p, st->path, st);
    default: return READSTAT_ERROR_PARSE;
    }
}

static void report_parse_error(rs_state *st, readstat_error_t err, const char *encoding)
{
    const char *detail = st->readstat_msg[0] ? st->readstat_msg : readstat_error_message(err);
    switch (err) {
    case READSTAT_ERROR_UNSUPPORTED_CHARSET:
        if (encoding) {
            st->host->error(st->ctx, "'%s': the encoding '%s' is not known (%s); use an iconv name such as "
                            "\"windows-1252\" or \"ISO-8859-1\" (iconv -l lists them)", st->path, encoding, detail);
            return;
        }
        /* fall through */
    case READSTAT_ERROR_CONVERT:
    case READSTAT_ERROR_CONVERT_BAD_STRING:
    case READSTAT_ERROR_CONVERT_SHORT_STRING:
    case READSTAT_ERROR_CONVERT_LONG_STRING:
        st->host->error(st->ctx, "'%s': text cannot be converted from %s to UTF-8 (%s); set the input's option "
                        "encoding = \"...\" to the file's real encoding, e.g. \"windows-1252\"",
                        st->path, encoding ? encoding : st->file_encoding ? st->file_encoding : "the declared encoding",
                        detail);
        return;
    case READSTAT_ERROR_OPEN:
        st->host->error(st->ctx, "cannot open '%s': %s; check the input's path", st->path, detail);
        return;
    default:
        st->host->error(st->ctx, "cannot read '%s' as %s: %s; the file is truncated, damaged or a variant "
                        "libreadstat cannot read: copy or export it again (as .sav if you can)", st->path, rs_format_title(st->format), detail);
    }
}

static void set_source(rs_state *st)
{
    char src[1024];
    const char *base = strrchr(st->path, '/'); /* the file name, as the csv input and the runner give it */
    snprintf(src, sizeof src, "%s (%s%s%s)", base ? base + 1 : st->path, rs_format_name(st->format),
             st->file_encoding ? ", " : "", st->file_encoding ? st->file_encoding : "");
    st->host->ds_set_source(st->ds, src);
}

static void free_state(rs_state *st)
{
    for (int i = 0; i < st->cols_cap; i++) free(st->cols[i].labelset);
    free(st->cols);
    free(st->num);
    rs_labels_free(st);
    free(st->file_encoding);
    free(st->file_label);
}

static int rs_read_file(const tally_host *host, tally_ctx *ctx, const tally_options *opts, tally_dataset *out, const char *path)
{
    rs_state st;
    memset(&st, 0, sizeof st);
    st.host = host;
    st.ctx = ctx;
    st.ds = out;
    st.fweight_index = -1;
    st.declared_rows = -1;
    st.path = path ? path : host->opt_string(opts, "path");
    st.user_missing = host->opt_is_set(opts, "user_missing") ? host->opt_bool(opts, "user_missing") : 1;
    const char *encoding = host->opt_string(opts, "encoding");
    if (encoding && !*encoding) encoding = NULL;
    if (!st.path || !*st.path) {
        host->error(ctx, "%s: the option 'path' is required: name the data file", host->opt_where(opts));
        return 1;
    }
    if (choose_format(&st, host->opt_string(opts, "format"), &st.format) != 0) return 1;
    if (st.format == RS_POR) {
        /* Portable files always go through tally's own reader (libreadstat 1.1.8 rejects PSPP's). */
        int rc = rs_por_read(&st, encoding) != 0;
        if (!rc) set_source(&st);
        free_state(&st);
        return rc;
    }

    readstat_parser_t *p = readstat_parser_init();
    if (!p) {
        host->error(ctx, "%s: out of memory", st.path);
        return 1;
    }
    const char *catalog = host->opt_string(opts, "catalog");
    if (catalog && *catalog) {
        if (st.format != RS_SAS7BDAT && st.format != RS_XPT) {
            host->error(ctx, "%s: the option catalog names a SAS format catalogue, but '%s' is %s; remove catalog",
                        host->opt_where(opts), st.path, rs_format_title(st.format));
            readstat_parser_free(p);
            free_state(&st);
            return 1;
        }
        if (rs_labels_read_catalog(&st, catalog, encoding) != 0) {
            readstat_parser_free(p);
            free_state(&st);
            return 1;
        }
    }
    rs_install_handlers(p);
    readstat_set_handler_character_encoding(p, "UTF-8");
    if (encoding) readstat_set_file_character_encoding(p, encoding);
    readstat_error_t err = parse(p, &st);
    readstat_parser_free(p);

    int rc = 0;
    if (st.failed) rc = 1;
    else if (err != READSTAT_OK) {
        report_parse_error(&st, err, encoding);
        rc = 1;
    } else if (rs_finish(&st) != 0) {
        rc = 1;
    } else if ((st.format == RS_SAV || st.format == RS_ZSAV) && rs_sav_read_mrsets(&st, encoding) < 0) {
        rc = 1;
    } else {
        set_source(&st);
    }
    free_state(&st);
    return rc;
}

/* A .gz file, or a .zip holding one file, is read from an inflated temporary copy (rs_gzip.c). */
static int rs_read(const tally_host *host, tally_ctx *ctx, const tally_options *opts, tally_dataset *out)
{
    const char *path = host->opt_string(opts, "path");
    char *inflated = NULL;
    if (path && rs_gunzip(host, ctx, path, &inflated) != 0) return 1;
    int rc = rs_read_file(host, ctx, opts, out, inflated);
    rs_gunzip_done(inflated);
    return rc;
}

static const tally_plugin_descriptor descriptor = {
    .abi_major = TALLY_ABI_MAJOR,
    .abi_minor = TALLY_ABI_MINOR,
    .struct_size = sizeof(tally_plugin_descriptor),
    .kind = TALLY_PLUGIN_INPUT,
    .name = "readstat",
    .description = "SPSS (.sav .zsav .por), Stata (.dta) and SAS (.sas7bdat .xpt) files with their labels",
    .version = "1.0.0",
    .options = options,
    .extensions = "sav|zsav|por|dta|sas7bdat|xpt",
    .read = rs_read,
    .write = NULL,
};

TALLY_PLUGIN(descriptor)
