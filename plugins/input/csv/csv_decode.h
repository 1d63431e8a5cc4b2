/* csv_decode.h: the csv plugin's decoding layer in front of the parse (gzip, UTF-16) and its binary-file hints. */
#ifndef TALLY_CSV_DECODE_H
#define TALLY_CSV_DECODE_H

#include <stddef.h>
#include "tally/plugin.h"

/* What the encoding option says of UTF-16: not UTF-16 (a byte-order mark still is), either (the
 * mark decides, little-endian without one), little- or big-endian. */
enum { CSV_UTF16_NO = 0, CSV_UTF16_ANY, CSV_UTF16_LE, CSV_UTF16_BE };

/* Decodes the file's bytes when they are a zip archive named .zip (its one data file), gzip-compressed
 * (magic 1F 8B, any name) and/or UTF-16 (a
 * byte-order mark, or `utf16` set): *out gets a new UTF-8 buffer (caller frees) and 1 is returned;
 * 0 when the bytes are to be read as they are; -1 after host->error. `replace`: a lone surrogate
 * becomes U+FFFD (with a warning) instead of an error. */
int csv_decode(const tally_host *h, tally_ctx *ctx, const char *path, int utf16, int replace, const char *data,
               size_t len, char **out, size_t *out_len);

/* What a binary file looks like and what to do (zip/xlsx, SPSS, .xls, UTF-16 without a mark); NULL if unknown. */
const char *csv_binary_hint(const char *p, size_t n);

#endif
