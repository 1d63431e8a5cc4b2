/* utf8_text.c: text checked as UTF-8 on its way into a Markdown or HTML report: invalid bytes and bidi controls become U+FFFD. */
#include "utf8_text.h"

#include <stdlib.h>
#include <string.h>

size_t utf8_seq(const unsigned char *s, unsigned long *cp)
{
    size_t n = utf8_valid_len(s, 4); /* a NUL ends a cut sequence before s[4] */
    if (n == 0) return 0;
    unsigned long c = n == 1 ? s[0] : n == 2 ? (s[0] & 0x1Fu) : n == 3 ? (s[0] & 0x0Fu) : (s[0] & 0x07u);
    for (size_t i = 1; i < n; i++) c = (c << 6) | (s[i] & 0x3Fu);
    *cp = c;
    return n;
}

int utf8_is_bidi_control(unsigned long cp) { return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069); }

size_t utf8_put_checked(tpl_buf *out, const unsigned char *s, int *replaced)
{
    unsigned long cp = 0;
    size_t n = utf8_seq(s, &cp);
    if (n == 0 || utf8_is_bidi_control(cp)) {
        tpl_buf_puts(out, "\xef\xbf\xbd");
        *replaced = 1;
        return n ? n : 1;
    }
    tpl_buf_add(out, (const char *)s, n);
    return n;
}

char *utf8_repair(const char *s, size_t *replaced)
{
    tpl_buf out = {0};
    tpl_buf_add(&out, "", 0);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned long cp;
        size_t n = utf8_seq(p, &cp);
        if (n) tpl_buf_add(&out, (const char *)p, n);
        else tpl_buf_puts(&out, "\xef\xbf\xbd"), ++*replaced;
        p += n ? n : 1;
    }
    return out.data;
}
