/* read.c: the csv plugin's reader: the file mapped, its text checked or converted, the header read, then the body (body.c). */
#include "reader.h"
#include "csv_decode.h"
#include "free_all.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What one reading of the text leaves: freed before a repaired copy is read again. */
static void reader_clear_parse(reader *r)
{
    for (size_t i = 0; i < r->nchunks; i++) csv_chunk_clear(&r->chunks[i]);
    memset(r->chunks, 0, sizeof r->chunks);
    csv_shared_free(&r->shared);
    r->nchunks = 0;
    csv_free_strings(r->names, r->ncols);
    csv_free_strings(r->labels, r->ncols);
    r->names = r->labels = NULL;
    r->ncols = 0;
    tally_free_all(r->forced, r->want_date, r->date_kind, r->date_form, r->out, r->levels, r->order, r->text_owner);
    r->forced = NULL;
    r->want_date = NULL;
    r->date_kind = r->date_form = NULL;
    r->out = NULL;
    r->levels = NULL;
    r->order = NULL;
    r->text_owner = NULL;
    csv_layout_free(&r->layout);
}

static void reader_free(reader *r)
{
    reader_clear_parse(r);
    free(r->converted);
    csv_file_close(&r->file);
}

/* A delimiter as messages show it, and as the option is written. */
static const char *delim_name(char d)
{
    return d == '\t' ? "tab" : d == ';' ? "';'" : d == ',' ? "','" : "'|'";
}

static const char *delim_option(char d)
{
    return d == '\t' ? "\"tab\"" : d == ';' ? "\";\"" : d == ',' ? "\",\"" : "\"|\"";
}

/* decimal = "auto" in a file not delimited by commas: ',' when the first rows write
 * numbers 12,5 (and none 1.5), said in a warning since it changes what is read. */
static int detect_decimal(reader *r)
{
    csv_cfg *cfg = &r->cfg;
    char example[48];
    size_t line = 0;
    if (csv_detect_decimal(cfg, r->buf, r->end, example, sizeof example, &line) != ',') return 0;
    if (cfg->thousands == ',') return 0;
    cfg->decimal = ',';
    csv_cfg_finish(cfg); /* whether a missing token is a number depends on the mark */
    r->call.h->log(r->call.ctx, TALLY_LOG_WARN,
                   "%s: decimal = \",\" detected from numbers written like '%s' (line %zu); "
                   "set decimal = \",\" to confirm or decimal = \".\" to read them as text",
                   r->s->path, example, line);
    return 0;
}

/* Reads the header and body of r->buf into `out`: 0, 1 when the text was
 * repaired and is to be read again, -1 after an error. */
static int read_text(reader *r, tally_dataset *out)
{
    const tally_host *h = r->call.h;
    const csv_settings *s = r->s;
    csv_cfg *cfg = &r->cfg;
    cfg->path = s->path;
    char tie = 0;
    cfg->delim = s->delim ? s->delim : csv_detect_delim(r->buf, (size_t)(r->end - r->buf), cfg->term, &tie);
    if (tie)
        h->log(r->call.ctx, TALLY_LOG_WARN,
               "%s: delimiter: %s and %s each split every one of the first rows into "
               "equally many fields; using %s (set delimiter = %s or %s to choose)",
               s->path, delim_name(cfg->delim), delim_name(tie), delim_name(cfg->delim), delim_option(cfg->delim),
               delim_option(tie));
    cfg->decimal = s->decimal ? s->decimal : '.';
    cfg->thousands = s->thousands;
    if (cfg->delim == cfg->decimal || cfg->delim == cfg->thousands) {
        h->error(r->call.ctx, "%s: the delimiter looks like '%c', which is also the %s separator; set delimiter",
                 s->path, cfg->delim, cfg->delim == cfg->decimal ? "decimal" : "thousands");
        return -1;
    }
    cfg->skip_ragged = s->skip_ragged;
    cfg->max_field = s->max_field;
    cfg->nmiss = 0;
    for (size_t i = 0; i < s->nmissing; i++) {
        cfg->miss[cfg->nmiss] = s->missing[i];
        cfg->miss_len[cfg->nmiss++] = strlen(s->missing[i]);
    }
    csv_cfg_finish(cfg);
    if (!s->decimal && cfg->delim != ',' && detect_decimal(r) != 0) return -1;
    const char *pos = r->buf;
    size_t lines = 0;
    cfg->cli = s->cli;
    if (csv_layout_detect(h, r->call.ctx, cfg, s, r->buf, r->end, &r->layout) != 0) return -1;
    cfg->layout = r->layout.kind;
    if (csv_read_header(h, r->call.ctx, cfg, r->layout.header_rows, &pos, r->end, &lines, &r->names, &r->labels,
                        &r->ncols) != 0)
        return -1;
    if (!r->clean && pos > r->checked) { /* header rows longer than the part checked first */
        if (csv_reader_check(r, r->checked, pos, r->bom) != 0) return -1;
        if (r->clean) return 1;
    }
    if (csv_setup_columns(r) != 0) {
        if (!r->forced) h->error(r->call.ctx, "%s: out of memory", s->path);
        return -1;
    }
    csv_layout_force_types(&r->layout, r->names, r->ncols, r->forced);
    cfg->ncols = r->ncols;
    cfg->forced = r->forced;
    /* tally check wants the dictionary alone: the body is not parsed, the columns come out without rows */
    r->dictionary = TALLY_HOST_HAS(h, read_dictionary_only) && h->read_dictionary_only(r->call.ctx);
    int rc = csv_read_body(r, out, r->dictionary ? r->end : pos, lines + 1);
    if (rc == 0 && csv_layout_apply(h, r->call.ctx, s, &r->layout, out) != 0) return -1;
    if (rc == 0) csv_layout_info(h, out, s, cfg, &r->layout, r->bom != 0);
    return rc;
}

#ifndef CSV_HEAD_CHECK /* bytes checked before the header is read (the body is checked as it is parsed) */
#define CSV_HEAD_CHECK (4u << 20)
#endif
#define HEAD_CHECK ((size_t)CSV_HEAD_CHECK)

/* The host's error(), except once the mapped file shrank: what was parsed from
 * the zeros that replaced its lost pages is no cause, the shrinking is. */
static const tally_host *guarded_host;

static void error_unless_shrunk(tally_ctx *ctx, const char *fmt, ...)
{
    if (csv_mapguard_hit()) return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    guarded_host->error(ctx, "%s", msg);
}

static int report_shrink(const tally_host *h, tally_ctx *ctx, const csv_settings *s)
{
    if (!csv_mapguard_hit()) return 0;
    h->error(ctx, "%s: the file shrank while tally read it (another program is writing it?); read it again once "
                  "it is complete", s->path);
    return 1;
}

/* -v names the tokenizer's kernel, and whether TALLY_CSV_KERNEL (a testing knob) chose it. */
static void log_kernel(const tally_host *h, tally_ctx *ctx, const char *path)
{
    int forced = 0;
    csv_kernel_id chosen = csv_kernel_chosen(&forced), k = csv_kernel_current();
    h->log(ctx, TALLY_LOG_INFO, "%s: tokenizer kernel %s%s", path, csv_kernel_name(k),
           k != chosen              ? " (set by a test)"
           : forced > 0             ? " (TALLY_CSV_KERNEL)"
           : forced < 0             ? " (TALLY_CSV_KERNEL ignored: it names no kernel this CPU runs; portable, sse2 "
                                      "or avx2)"
                                    : "");
}

int csv_read_file(const tally_host *host, tally_ctx *ctx, const csv_settings *s, tally_dataset *out)
{
    tally_host guarded = *host;
    guarded_host = host;
    guarded.error = error_unless_shrunk;
    const tally_host *h = &guarded;
    reader rd;
    memset(&rd, 0, sizeof rd);
    rd.call = (plugin_call){h, ctx};
    rd.s = s;
    int err = 0, rc = -1;
    if (csv_file_load(s->path, &rd.file, &err) != 0) {
        h->error(ctx, "%s: cannot open: %s; check the path (relative paths start at the config file's folder)",
                 s->path, strerror(err));
        return -1;
    }
    char *decoded = NULL; /* gzip inflated, UTF-16 converted (decode.c): read as the file from here on */
    size_t dlen = 0;
    int dk = csv_decode(h, ctx, s->path, s->utf16, s->replace_invalid, rd.file.data, rd.file.len, &decoded, &dlen);
    if (dk < 0) goto done;
    if (dk > 0) {
        csv_file_close(&rd.file);
        rd.file = (csv_file){.data = decoded, .len = dlen, .owned = decoded};
    }
    const char *a = rd.file.data, *b = a + rd.file.len;
    size_t bom = 0;
    if (b - a >= 3 && memcmp(a, "\xEF\xBB\xBF", 3) == 0) a += bom = 3;
    size_t where;
    if (a == b) {
        h->error(ctx, "%s: the file is empty; export the data again or point 'path' at the right file", s->path);
        goto done;
    }
    if (csv_looks_binary(a, (size_t)(b - a), &where)) {
        const char *hint = csv_binary_hint(rd.file.data, rd.file.len);
        h->error(ctx, "%s: not a text file (binary data at byte %zu); the csv plugin reads delimited text: %s",
                 s->path, where + bom, hint ? hint : "for SPSS, Stata or SAS files use plugin = \"readstat\"");
        goto done;
    }
    rd.buf = a;
    rd.end = b;
    rd.bom = bom;
    log_kernel(h, ctx, s->path);
    rd.cfg.term = csv_detect_term(a, (size_t)(b - a));
    if (s->encoding != CSV_ENC_UTF8) { /* NUL bytes first, then the whole text to UTF-8 */
        if (csv_reader_check(&rd, rd.buf, rd.end, bom) != 0) goto done;
        size_t len;
        char *u = csv_to_utf8(rd.buf, (size_t)(rd.end - rd.buf), s->encoding == CSV_ENC_CP1252, &len);
        if (!u) {
            h->error(ctx, "%s: out of memory converting to UTF-8", s->path);
            goto done;
        }
        rd.converted = u;
        rd.buf = u;
        rd.end = u + len;
        rd.clean = 1;
    } else { /* the start (and so the header rows) now; the body as it is parsed */
        const char *to = rd.end;
        if ((size_t)(rd.end - rd.buf) > HEAD_CHECK) {
            to = rd.buf + HEAD_CHECK;
            while (to < rd.end && ((unsigned char)*to & 0xC0) == 0x80) to++;
        }
        if (csv_reader_check(&rd, rd.buf, to, bom) != 0) goto done;
        rd.checked = rd.clean ? rd.end : to;
        if (to == rd.end) rd.clean = 1;
    }
    int got = read_text(&rd, out);
    if (got == 1) { /* invalid UTF-8 replaced: the repaired copy, from the start */
        reader_clear_parse(&rd);
        got = read_text(&rd, out);
    }
    if (got != 0) goto done;
    const char *base = strrchr(s->path, '/');
    size_t blen = strlen(base ? base + 1 : s->path);
    char *src = malloc(blen + 8);
    if (src) {
        memcpy(src, base ? base + 1 : s->path, blen);
        memcpy(src + blen, " (csv)", 7);
        h->ds_set_source(out, src);
        free(src);
    }
    rc = 0;
done:
    if (report_shrink(host, ctx, s)) rc = -1;
    reader_free(&rd);
    return rc;
}
