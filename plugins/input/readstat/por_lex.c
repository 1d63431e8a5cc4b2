/* por_lex.c: the SPSS portable file's lexical layer: lines joined, base-30 numbers, strings, text as UTF-8. */
#include "por_int.h"
#include "utf8_text.h"

#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void por_fail(por_reader *r, const char *fmt, ...)
{
    if (r->failed) return;
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    r->st->host->error(r->st->ctx, "cannot read '%s' as an SPSS portable file (.por): %s; the file is truncated "
                       "or damaged: copy or export it again (as .sav if you can)", r->st->path, detail);
    r->failed = 1;
}

/* Copies `raw` without its line breaks, padding lines shorter than 80 columns with `pad`. */
size_t por_deline(const unsigned char *raw, size_t n, unsigned char pad, unsigned char *out)
{
    size_t o = 0, colno = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = raw[i];
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < n && raw[i + 1] == '\n') i++;
            /* The final line of the file is not padded: EOF stays where it is. */
            if (i + 1 < n)
                for (; colno < POR_LINE && colno > 0; colno++) out[o++] = pad;
            colno = 0;
            continue;
        }
        out[o++] = c;
        colno++;
    }
    return o;
}

int por_at_end(por_reader *r) { return r->pos >= r->len; }

void por_skip_spaces(por_reader *r)
{
    while (r->pos < r->len && r->buf[r->pos] == ' ') r->pos++;
}

static int por_b30(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'T') return c - 'A' + 10;
    return -1;
}

/* A number: returns 0 (with *sysmis set for '*.'), or -1 after por_fail(). */
int por_read_number(por_reader *r, double *out, int *sysmis, const char *what)
{
    por_skip_spaces(r);
    *sysmis = 0;
    if (por_at_end(r)) {
        por_fail(r, "the file ends inside %s", what);
        return -1;
    }
    if (r->buf[r->pos] == '*') {
        r->pos++;
        if (por_at_end(r)) {
            por_fail(r, "the file ends inside %s", what);
            return -1;
        }
        r->pos++; /* the '.' after '*' */
        *sysmis = 1;
        *out = NAN;
        return 0;
    }
    int neg = 0, digits = 0, frac = 0, seen_dot = 0;
    double mant = 0;
    if (r->buf[r->pos] == '-') {
        neg = 1;
        r->pos++;
    }
    for (;; r->pos++) {
        if (por_at_end(r)) {
            por_fail(r, "the file ends inside %s", what);
            return -1;
        }
        int c = r->buf[r->pos], d = por_b30(c);
        if (d >= 0) {
            mant = mant * 30 + d;
            digits++;
            if (seen_dot) frac++;
        } else if (c == '.' && !seen_dot) {
            seen_dot = 1;
        } else {
            break;
        }
    }
    long exp = 0;
    int c = r->buf[r->pos];
    if (c == '+' || c == '-') {
        int eneg = c == '-', edigits = 0;
        for (r->pos++; !por_at_end(r) && por_b30(r->buf[r->pos]) >= 0; r->pos++) {
            if (exp < 100000) exp = exp * 30 + por_b30(r->buf[r->pos]);
            edigits++;
        }
        if (por_at_end(r)) {
            por_fail(r, "the file ends inside %s", what);
            return -1;
        }
        if (!edigits) digits = 0;
        if (eneg) exp = -exp;
    }
    if (digits == 0 || r->buf[r->pos] != '/') {
        por_fail(r, "%s is not a number at byte %zu of the data (after removing line breaks)", what, r->pos);
        return -1;
    }
    r->pos++;
    exp -= frac;
    double v = mant;
    if (exp > 0) v = mant * pow(30.0, (double)exp);
    else if (exp < 0) v = mant / pow(30.0, (double)-exp);
    *out = neg ? -v : v;
    return 0;
}

int por_read_int(por_reader *r, int *out, const char *what)
{
    double v;
    int sysmis;
    if (por_read_number(r, &v, &sysmis, what) != 0) return -1;
    if (sysmis || v != floor(v) || v < 0 || v > 1e9) {
        por_fail(r, "%s is not a count", what);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* A string: its bytes are returned in a new buffer (NUL-terminated), or NULL after por_fail(). */
char *por_read_string(por_reader *r, size_t *lenp, const char *what)
{
    int n;
    if (por_read_int(r, &n, what) != 0) return NULL;
    if ((size_t)n > r->len - r->pos) {
        por_fail(r, "the file ends inside %s", what);
        return NULL;
    }
    char *s = malloc((size_t)n + 1);
    if (!s) {
        por_fail(r, "out of memory");
        return NULL;
    }
    memcpy(s, r->buf + r->pos, (size_t)n);
    s[n] = '\0';
    r->pos += (size_t)n;
    if (lenp) *lenp = (size_t)n;
    return s;
}

static size_t por_rtrim_len(const char *s, size_t n)
{
    while (n > 0 && s[n - 1] == ' ') n--;
    return n;
}

/* Text of the file as UTF-8 (trailing blanks dropped when `trim`): a new string or NULL after por_fail(). */
static char *por_to_utf8(por_reader *r, const char *s, size_t n, int trim)
{
    if (trim) n = por_rtrim_len(s, n);
    const char *from = r->encoding;
    if (!from && utf8_is_valid((const unsigned char *)s, n)) from = "UTF-8";
    if (from && (!strcasecmp(from, "UTF-8") || !strcasecmp(from, "UTF8"))) {
        if (!utf8_is_valid((const unsigned char *)s, n)) {
            por_fail(r, "text is not valid UTF-8; set the input's option encoding = \"...\" to the file's real encoding");
            return NULL;
        }
        char *d = malloc(n + 1);
        if (!d) {
            por_fail(r, "out of memory");
            return NULL;
        }
        memcpy(d, s, n);
        d[n] = '\0';
        return d;
    }
    char *d = malloc(4 * n + 1);
    if (!d) {
        por_fail(r, "out of memory");
        return NULL;
    }
    if (!from) { /* Latin-1 */
        size_t o = 0;
        for (size_t i = 0; i < n; i++) o += utf8_encode(d + o, (unsigned char)s[i]);
        d[o] = '\0';
        return d;
    }
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) {
        free(d);
        por_fail(r, "the encoding '%s' is not known", from);
        return NULL;
    }
    char *in = (char *)s, *out = d;
    size_t inleft = n, outleft = 4 * n;
    size_t rc = iconv(cd, &in, &inleft, &out, &outleft);
    iconv_close(cd);
    if (rc == (size_t)-1) {
        free(d);
        por_fail(r, "text cannot be converted from %s to UTF-8", from);
        return NULL;
    }
    *out = '\0';
    return d;
}

char *por_read_text(por_reader *r, const char *what, int trim)
{
    size_t n;
    char *raw = por_read_string(r, &n, what);
    if (!raw) return NULL;
    char *t = por_to_utf8(r, raw, n, trim);
    free(raw);
    return t;
}
