/* utf8_text.h: text checked as UTF-8 on its way into a Markdown or HTML report: invalid bytes and bidi controls become U+FFFD. */
#ifndef TALLY_UTF8_TEXT_H
#define TALLY_UTF8_TEXT_H

#include "template.h"

#include <stddef.h>

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
