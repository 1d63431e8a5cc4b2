/* sanitize.c: hostile text made safe for a workbook: cell text, plain text and sheet names. */
#include "xlsx.h"
#include "utf8_text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one UTF-8 character at s (not at the terminating NUL). Sets *len to the
 * bytes used; returns the code point, or 0xFFFD for a malformed sequence (then
 * *len is 1), for surrogates and for the non-characters U+FFFE and U+FFFF, which
 * XML does not allow. */
static unsigned long utf8_next(const unsigned char *s, size_t *len)
{
    unsigned char c = s[0];
    unsigned long cp;
    size_t n;
    *len = 1;
    if (c < 0x80) return c;
    if (c >= 0xC2 && c <= 0xDF) { cp = c & 0x1F; n = 2; }
    else if (c >= 0xE0 && c <= 0xEF) { cp = c & 0x0F; n = 3; }
    else if (c >= 0xF0 && c <= 0xF4) { cp = c & 0x07; n = 4; }
    else return 0xFFFD;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0xFFFD;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    static const unsigned long min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[n] || cp > 0x10FFFF) return 0xFFFD; /* overlong or out of range */
    *len = n;
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) return 0xFFFD;
    return cp;
}

size_t xw_utf8_len(const char *s)
{
    size_t n = 0, len;
    for (const unsigned char *p = (const unsigned char *)s; *p; p += len) {
        utf8_next(p, &len);
        n++;
    }
    return n;
}

/* 1 when s starts with "_xHHHH_", the escape Excel decodes in cell text. */
static int is_escape_seq(const char *s)
{
    if (s[0] != '_' || (s[1] != 'x' && s[1] != 'X')) return 0;
    for (int i = 2; i < 6; i++)
        if (!isxdigit((unsigned char)s[i])) return 0;
    return s[6] == '_';
}

char *xw_clean_text(const char *s, int *cut)
{
    static const char esc[] = "_x005F_"; /* decodes to '_': "_x005F_x0001_" shows "_x0001_" */
    *cut = 0;
    if (!s) s = "";
    size_t in = strlen(s);
    /* Worst case per input byte: a 3-byte U+FFFD; an escape (7 bytes) needs 7 input bytes. */
    char *out = malloc(in * 3 + 1);
    if (!out) return NULL;
    size_t o = 0, chars = 0, len;
    for (const char *p = s; *p; p += len) {
        unsigned long cp = utf8_next((const unsigned char *)p, &len);
        int escape = cp == '_' && is_escape_seq(p);
        /* libxlsxwriter checks the length of the text it is given, escapes included. */
        size_t need = escape ? sizeof esc - 1 : 1;
        if (chars + need > XW_CELL_MAX) {
            *cut = 1;
            break;
        }
        if (escape) { /* the escape stands for this '_'; "x0001_" follows as typed */
            memcpy(out + o, esc, sizeof esc - 1);
            o += sizeof esc - 1;
        } else {
            o += utf8_encode(out + o, cp);
        }
        chars += need;
    }
    out[o] = '\0';
    return out;
}

char *xw_plain_text(const char *s)
{
    if (!s) s = "";
    char *out = malloc(strlen(s) * 3 + 1);
    if (!out) return NULL;
    size_t o = 0, len;
    for (const unsigned char *p = (const unsigned char *)s; *p; p += len) {
        unsigned long cp = utf8_next(p, &len);
        if (cp < 0x20 || cp == 0x7F) cp = ' ';
        o += utf8_encode(out + o, cp);
    }
    out[o] = '\0';
    return out;
}

/* ---- sheet names ------------------------------------------------------------ */

/* Sheet-name form of one character: 0 drops it. */
static unsigned long name_char(unsigned long cp)
{
    switch (cp) {
    case '/': case '\\': return '-';
    case '[': return '(';
    case ']': return ')';
    case ':': case '*': case '?': return 0;
    default: return cp < 0x20 || cp == 0x7F ? ' ' : cp;
    }
}

/* Copies the legal characters of `wanted` into out (big enough for 4 bytes a
 * character), collapsing spaces and dropping apostrophes and spaces at both ends. */
static void name_chars(const char *wanted, char *out)
{
    size_t o = 0, len;
    for (const unsigned char *p = (const unsigned char *)wanted; *p; p += len) {
        unsigned long cp = name_char(utf8_next(p, &len));
        if (!cp) continue;
        if (cp == ' ' && (o == 0 || out[o - 1] == ' ')) continue;
        o += utf8_encode(out + o, cp);
    }
    out[o] = '\0';
    while (o && (out[o - 1] == ' ' || out[o - 1] == '\'')) out[--o] = '\0';
    size_t skip = strspn(out, " '");
    memmove(out, out + skip, o - skip + 1);
}

/* Cuts `name` to at most `max` UTF-16 units, ending with "…" when cut. */
static void name_cut(char *name, size_t max)
{
    size_t units = 0, len, keep = 0;
    int cut = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p += len) {
        unsigned long cp = utf8_next(p, &len);
        size_t u = cp >= 0x10000 ? 2 : 1;
        if (units + u > max) { cut = 1; break; }
        units += u;
        /* Remember where the text still leaves room for the ellipsis. */
        if (units <= max - 1) keep = (size_t)((const char *)p - name) + len;
    }
    if (!cut) return;
    name[keep] = '\0';
    while (keep && (name[keep - 1] == ' ' || name[keep - 1] == '\'' || name[keep - 1] == '-'))
        name[--keep] = '\0';
    strcpy(name + keep, "\xE2\x80\xA6"); /* … */
}

char *xw_sheet_name_try(const char *wanted, unsigned k)
{
    char *name = malloc(strlen(wanted ? wanted : "") * 4 + 64);
    if (!name) return NULL;
    name_chars(wanted ? wanted : "", name);
    if (!*name) strcpy(name, "Sheet");
    char suffix[24] = "";
    if (k > 1) snprintf(suffix, sizeof suffix, " (%u)", k);
    name_cut(name, XW_SHEET_NAME_MAX - strlen(suffix));
    strcat(name, suffix);
    return name;
}

char *xw_sheet_ref(const char *sheet, lxw_row_t row, lxw_col_t col)
{
    char cell[32];
    lxw_rowcol_to_cell(cell, row, col);
    char *out = malloc(strlen(sheet) * 2 + strlen(cell) + 4);
    if (!out) return NULL;
    size_t o = 0;
    out[o++] = '\'';
    for (const char *p = sheet; *p; p++) {
        if (*p == '\'') out[o++] = '\'';
        out[o++] = *p;
    }
    out[o++] = '\'';
    out[o++] = '!';
    strcpy(out + o, cell);
    return out;
}

double xw_text_width(const char *s)
{
    double line = 0, best = 0;
    size_t len;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p += len) {
        unsigned long cp = utf8_next(p, &len);
        if (cp == '\n') {
            line = 0;
            continue;
        }
        line += (cp >= 0x1100 && (cp <= 0x115F || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                                  (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                                  (cp >= 0xFF00 && cp <= 0xFF60) || cp >= 0x20000))
                    ? 2
                    : 1;
        if (line > best) best = line;
    }
    return best;
}
