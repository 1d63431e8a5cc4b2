/* utf8_text.h: text checked as UTF-8 on its way into a Markdown or HTML report: invalid bytes and bidi controls become U+FFFD. */
#ifndef TALLY_UTF8_TEXT_H
#define TALLY_UTF8_TEXT_H

#include "template.h"

#include <stddef.h>

/* Length (1 to 4) of the valid UTF-8 sequence at p, reading at most `avail` bytes (a NUL
 * stops it too); 0 when the bytes are not valid UTF-8: overlong forms, UTF-16 surrogates, code
 * points past U+10FFFF, a sequence cut short. The one UTF-8 check of the plugins (inline: the
 * csv reader runs it on every non-ASCII byte). */
static inline size_t utf8_valid_len(const unsigned char *p, size_t avail)
{
    unsigned c = p[0];
    if (c < 0x80) return 1;
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c == 0xE0) n = 3, lo = 0xA0;
    else if (c == 0xED) n = 3, hi = 0x9F; /* no UTF-16 surrogates */
    else if (c >= 0xE1 && c <= 0xEF) n = 3;
    else if (c == 0xF0) n = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) n = 4;
    else if (c == 0xF4) n = 4, hi = 0x8F; /* nothing above U+10FFFF */
    else return 0;
    if (avail < n) return 0;
    if (p[1] < lo || p[1] > hi) return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    return n;
}

/* 1 when the n bytes at s are valid UTF-8 throughout (utf8_valid_len). */
static inline int utf8_is_valid(const unsigned char *s, size_t n)
{
    for (size_t i = 0, k; i < n; i += k)
        if ((k = utf8_valid_len(s + i, n - i)) == 0) return 0;
    return 1;
}

/* Writes code point cp (at most U+10FFFF) as UTF-8 at out (room for 4 bytes); the bytes written.
 * The one encoder of the plugins (Latin-1, Windows-1252 and UTF-16 input, _xHHHH_ escapes, Excel text). */
static inline size_t utf8_encode(char *out, unsigned long cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Length (1 to 4) of the valid UTF-8 sequence at s, with its code point in
 * *cp; 0 when the bytes at s are not valid UTF-8 (overlong, a surrogate,
 * beyond U+10FFFF, cut short). s[0] must not be NUL. */
size_t utf8_seq(const unsigned char *s, unsigned long *cp);

/* 1 for the bidirectional embeddings, overrides and isolates (U+202A to
 * U+202E, U+2066 to U+2069): they reorder the text that follows them, so a
 * label could show as something else ("invoice U+202E fdp.exe"). */
int utf8_is_bidi_control(unsigned long cp);

/* Appends the character at s (s[0] >= 0x80) to out, or U+FFFD when it is not
 * valid UTF-8 or is a bidi control (then *replaced is set to 1). Returns the
 * number of bytes of s consumed (at least 1). */
size_t utf8_put_checked(tpl_buf *out, const unsigned char *s, int *replaced);

/* Replaces every invalid UTF-8 sequence of the whole text (a new string,
 * caller frees) by U+FFFD; *replaced counts them. For the template's own text,
 * which no escaper sees. */
char *utf8_repair(const char *s, size_t *replaced);

/* The warning every Markdown/HTML output gives when texts were changed. */
#define UTF8_REPLACED_WARNING \
    "%zu text(s) of the report had invalid UTF-8 or bidirectional control characters; they are shown as U+FFFD (the replacement character)"

#endif
