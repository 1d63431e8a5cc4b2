/* decode.c: the csv plugin's layer in front of the parse: a .zip's one file and gzip inflated, UTF-16 converted to UTF-8 in memory, binary files named. */
#include "csv_decode.h"
#include "zip_member.h"
#include "utf8_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define STEP (1u << 20)

/* Inflates a gzip stream (one or more members) into a new buffer, in steps; never past half the memory. */
static char *gunzip(const tally_host *h, tally_ctx *ctx, const char *path, const char *p, size_t n, size_t *out_len)
{
    uint64_t ceiling = zipm_memory_ceiling();
    uint64_t most = ceiling < ZIPM_MAX_SIZE ? ceiling : ZIPM_MAX_SIZE; /* the buffer never grows past most + 1 */
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 32) != Z_OK) { /* 32: gzip or zlib header, detected */
        h->error(ctx, "%s: out of memory starting to inflate the .gz file", path);
        return NULL;
    }
    size_t cap = n * 4 + STEP, len = 0;
    char *buf = malloc(cap);
    z.next_in = (Bytef *)p;
    int rc = Z_OK;
    while (buf) {
        size_t in_left = n - (size_t)((const char *)z.next_in - p);
        z.avail_in = in_left > (1u << 30) ? (1u << 30) : (uInt)in_left;
        if (len == cap) {
            size_t ncap = cap * 2 > most + 1 ? (size_t)most + 1 : cap * 2;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                h->error(ctx, "%s: out of memory inflating the .gz file", path);
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t room = cap - len;
        z.next_out = (Bytef *)buf + len;
        z.avail_out = room > (1u << 30) ? (1u << 30) : (uInt)room;
        uInt before = z.avail_out;
        rc = inflate(&z, Z_NO_FLUSH);
        len += before - z.avail_out;
        if (zipm_over_bounds(len, n, ceiling)) { /* after every step: the last one too */
            char why[128];
            zipm_bounds_text(why, sizeof why, "gzip", len, ceiling);
            h->error(ctx, "%s: the .gz file %s; decompress it with gunzip and check it, or split it", path, why);
            break;
        }
        if (rc == Z_STREAM_END) {
            if ((const char *)z.next_in >= p + n) {
                inflateEnd(&z);
                *out_len = len;
                return buf;
            }
            inflateReset(&z); /* another gzip member follows (concatenated .gz files) */
            continue;
        }
        if (rc == Z_BUF_ERROR && z.avail_in == 0 && before != z.avail_out) continue;
        if (rc != Z_OK && !(rc == Z_BUF_ERROR && z.avail_out == 0)) {
            h->error(ctx, "%s: the file is gzip-compressed (it starts with gzip's mark) but %s (zlib: %s); copy or "
                          "download it again", path, rc == Z_BUF_ERROR ? "is truncated" : "does not inflate (damaged)",
                     z.msg ? z.msg : zError(rc));
            break;
        }
    }
    if (!buf) h->error(ctx, "%s: out of memory inflating the .gz file", path);
    free(buf);
    inflateEnd(&z);
    return NULL;
}

/* UTF-16 (big_endian or not) to UTF-8; a lone surrogate is an error, or U+FFFD when `replace`. */
static char *utf16_to_utf8(const tally_host *h, tally_ctx *ctx, const char *path, const unsigned char *p, size_t n,
                           int big_endian, int replace, size_t *out_len)
{
    if (n % 2) {
        h->error(ctx, "%s: the UTF-16 text has an odd number of bytes (%zu); the file is truncated or not UTF-16",
                 path, n);
        return NULL;
    }
    char *out = malloc(n / 2 * 3 + 4), *o = out;
    size_t bad = 0;
    if (!out) {
        h->error(ctx, "%s: out of memory converting UTF-16 to UTF-8", path);
        return NULL;
    }
    for (size_t i = 0; i < n; i += 2) {
        uint32_t u = big_endian ? (uint32_t)(p[i] << 8 | p[i + 1]) : (uint32_t)(p[i + 1] << 8 | p[i]);
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
            uint32_t lo = big_endian ? (uint32_t)(p[i + 2] << 8 | p[i + 3]) : (uint32_t)(p[i + 3] << 8 | p[i + 2]);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                i += 2;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF) {
            if (!replace) {
                h->error(ctx, "%s: invalid UTF-16 (a lone surrogate) at byte offset %zu; set invalid_utf8 = "
                              "\"replace\" to read it with U+FFFD", path, i);
                free(out);
                return NULL;
            }
            bad++;
            u = 0xFFFD;
        }
        o += utf8_encode(o, u);
    }
    if (bad) h->log(ctx, TALLY_LOG_WARN, "%s: replaced %zu invalid UTF-16 sequence%s with U+FFFD", path, bad,
                    bad == 1 ? "" : "s");
    *out_len = (size_t)(o - out);
    return out;
}

/* A file named .zip holding one data file: that file, inflated into a new buffer (zip_member.c). */
static char *unzip_single(const tally_host *h, tally_ctx *ctx, const char *path, size_t *len)
{
    char err[ZIPM_ERR], member[1024];
    char *out = NULL;
    if (zipm_inflate_single(path, &out, len, member, sizeof member, err) != 0) {
        h->error(ctx, "%s: %s", path, err);
        return NULL;
    }
    h->log(ctx, TALLY_LOG_INFO, "%s: a zip archive; its one data file '%s' inflated to %zu bytes in memory", path,
           member, *len);
    return out;
}

int csv_decode(const tally_host *h, tally_ctx *ctx, const char *path, int utf16, int replace, const char *data,
               size_t len, char **out, size_t *out_len)
{
    char *gz = NULL, *zip = NULL;
    *out = NULL;
    if (zipm_has_zip_name(path) && zipm_bytes_are_zip(data, len)) {
        if (!(zip = unzip_single(h, ctx, path, &len))) return -1;
        data = zip;
    }
    if (zipm_bytes_are_gzip(data, len)) {
        gz = gunzip(h, ctx, path, data, len, &len);
        free(zip);
        zip = NULL;
        if (!gz) return -1;
        data = gz;
        h->log(ctx, TALLY_LOG_INFO, "%s: gzip-compressed; inflated to %zu bytes in memory", path, len);
    }
    if (zip) gz = zip; /* owned from here on as the inflated buffer */
    const unsigned char *u = (const unsigned char *)data;
    int le_bom = len >= 2 && u[0] == 0xFF && u[1] == 0xFE, be_bom = len >= 2 && u[0] == 0xFE && u[1] == 0xFF;
    if (le_bom || be_bom || utf16) {
        int be = be_bom || (!le_bom && utf16 == CSV_UTF16_BE);
        if ((le_bom && utf16 == CSV_UTF16_BE) || (be_bom && utf16 == CSV_UTF16_LE)) {
            h->error(ctx, "%s: the byte-order mark says UTF-16%s, but encoding says utf-16%s; set encoding = "
                          "\"utf-16\" to follow the mark", path, le_bom ? "LE" : "BE", le_bom ? "be" : "le");
            free(gz);
            return -1;
        }
        size_t skip = le_bom || be_bom ? 2 : 0;
        char *conv = utf16_to_utf8(h, ctx, path, u + skip, len - skip, be, replace, out_len);
        free(gz);
        if (!conv) return -1;
        h->log(ctx, TALLY_LOG_INFO, "%s: UTF-16%s%s; converted to UTF-8", path, be ? "BE" : "LE",
               skip ? " (byte-order mark)" : " (encoding option)");
        *out = conv;
        return 1;
    }
    if (gz) {
        *out = gz;
        *out_len = len;
        return 1;
    }
    return 0;
}

const char *csv_binary_hint(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    if (zipm_bytes_are_zip(p, n))
        return "it looks like a zip archive (an .xlsx workbook?): for a workbook use plugin = \"excel\" or name it "
               ".xlsx; else unzip it first";
    if (n >= 4 && (memcmp(p, "$FL2", 4) == 0 || memcmp(p, "$FL3", 4) == 0))
        return "it looks like an SPSS .sav file: use plugin = \"readstat\" (or name it .sav)";
    if (n >= 8 && memcmp(p, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return "it looks like an Excel 97-2003 .xls workbook: save it as .xlsx (plugin = \"excel\") or as CSV";
    size_t even = 0, odd = 0, m = n < 4096 ? n : 4096;
    for (size_t i = 0; i + 1 < m; i += 2) even += u[i] == 0, odd += u[i + 1] == 0;
    if (m >= 8 && odd * 4 > m && even * 16 < m)
        return "it looks like UTF-16 text without a byte-order mark: set encoding = \"utf-16le\"";
    if (m >= 8 && even * 4 > m && odd * 16 < m)
        return "it looks like UTF-16 text without a byte-order mark: set encoding = \"utf-16be\"";
    return NULL;
}
