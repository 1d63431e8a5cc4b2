/* category_order.c: the display order of a variable's values: codebook `order`, natural order of numbers in text, non-answers last. */
#include "category_order.h"
#include "dataset.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/*
 * Answers that are not a point on the question's scale, shown after all others,
 * in this order within each language: other answers, then not knowing, not
 * applying, not saying, no answer. A value matches an entry when it equals it
 * or starts with it followed by something that is not a letter or digit
 * ("Other (please specify)", "Don't know / not sure"); ASCII letters match in
 * either case and a typographic apostrophe as a plain one. Every list applies
 * whatever the report's language, since a German file may hold English answers.
 */
static const char *const last_en[] = {
    "other", "others", "something else", "none of the above", "don't know", "do not know", "dont know",
    "not sure", "can't say", "cannot say", "can't choose", "no opinion", "not applicable", "n/a",
    "prefer not to say", "prefer not to answer", "i prefer not to say", "rather not say", "refused", "declined",
    "no answer", "no response", "not answered", NULL};
static const char *const last_de[] = {
    "sonstiges", "sonstige", "andere", "anderes", "etwas anderes", "keine der genannten", "keines davon",
    "weiß nicht", "weiss nicht", "kann ich nicht sagen", "kann ich nicht beurteilen", "trifft nicht zu",
    "entfällt", "möchte ich nicht sagen", "keine angabe", "k.a.", "k. a.", "keine antwort", NULL};
static const char *const *const last_lists[] = {last_en, last_de, NULL};

void tally_cat_order_free(tally_cat_order *o)
{
    if (!o) return;
    for (size_t i = 0; o->texts && i < o->n; i++) free(o->texts[i]);
    free(o->texts);
    free(o->codes);
    free_strings(o->last, o->nlast);
    free(o);
}

tally_cat_order *tally_cat_order_copy(const tally_cat_order *o)
{
    if (!o) return NULL;
    tally_cat_order *c = xcalloc(1, sizeof *c);
    c->n = o->n;
    if (o->texts) {
        c->texts = xmalloc((o->n + 1) * sizeof *c->texts);
        for (size_t i = 0; i < o->n; i++) c->texts[i] = xstrdup(o->texts[i]);
    }
    if (o->codes) {
        c->codes = xmalloc((o->n + 1) * sizeof *c->codes);
        memcpy(c->codes, o->codes, o->n * sizeof *c->codes);
    }
    c->nlast = o->nlast;
    c->last = xmalloc((o->nlast + 1) * sizeof *c->last);
    for (size_t i = 0; i < o->nlast; i++) c->last[i] = xstrdup(o->last[i]);
    return c;
}

tally_cat_order *tally_cat_order_of(tally_column *c)
{
    if (!c->order) c->order = xcalloc(1, sizeof *c->order);
    return c->order;
}

void tally_cat_order_set(tally_column *c, const char *const *texts, const double *codes, size_t n)
{
    tally_cat_order *o = tally_cat_order_of(c);
    for (size_t i = 0; o->texts && i < o->n; i++) free(o->texts[i]);
    free(o->texts);
    free(o->codes);
    o->texts = NULL;
    o->codes = NULL;
    o->n = n;
    if (texts) {
        o->texts = xmalloc((n + 1) * sizeof *o->texts);
        for (size_t i = 0; i < n; i++) o->texts[i] = xstrdup(texts[i]);
    } else {
        o->codes = xmalloc((n + 1) * sizeof *o->codes);
        if (n) memcpy(o->codes, codes, n * sizeof *codes);
    }
}

void tally_cat_order_add_last(tally_column *c, const char *text)
{
    tally_cat_order *o = tally_cat_order_of(c);
    for (size_t i = 0; i < o->nlast; i++)
        if (strcmp(o->last[i], text) == 0) return;
    o->last = xrealloc(o->last, (o->nlast + 1) * sizeof *o->last);
    o->last[o->nlast++] = xstrdup(text);
}

static inline int lower(int ch) { return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch; }
static inline int is_digit(int ch) { return ch >= '0' && ch <= '9'; }
static inline int is_alnum(int ch) { return is_digit(ch) || (lower(ch) >= 'a' && lower(ch) <= 'z') || ch >= 0x80; }

/* 1 when text s matches list entry e (see above). */
static int matches(const char *s, const char *e)
{
    while (*s == ' ') s++;
    while (*e) {
        if (!strncmp(s, "\xE2\x80\x99", 3) && *e == '\'') { /* ’ as ' */
            s += 3, e++;
            continue;
        }
        if (lower((unsigned char)*s) != (unsigned char)*e) return 0;
        s++, e++;
    }
    return !is_alnum((unsigned char)*s);
}

/* Case-folded copy of a codebook entry (the lists above are lower case). */
static int matches_entry(const char *s, const char *entry)
{
    char buf[256];
    size_t n = strlen(entry);
    if (n >= sizeof buf) return strcmp(s, entry) == 0;
    for (size_t i = 0; i <= n; i++) buf[i] = (char)lower((unsigned char)entry[i]);
    return matches(s, buf);
}

int tally_cat_order_group(const tally_column *c, const char *str, double code, size_t *rank)
{
    const tally_cat_order *o = c->order;
    *rank = 0;
    if (o && o->n) {
        for (size_t i = 0; i < o->n; i++)
            if (str ? o->texts && strcmp(o->texts[i], str) == 0 : o->codes && o->codes[i] == code) {
                *rank = i;
                return 0;
            }
    }
    if (!str) return 1; /* numeric codes: by value */
    for (size_t l = 0; last_lists[l]; l++)
        for (size_t i = 0; last_lists[l][i]; i++)
            if (matches(str, last_lists[l][i])) {
                *rank = i;
                return 2;
            }
    for (size_t i = 0; o && i < o->nlast; i++)
        if (matches_entry(str, o->last[i])) {
            *rank = 1000 + i;
            return 2;
        }
    return 1;
}

/* The number written at *p (digits, thousands groups of three after ',' '.' or
 * a space, then a decimal part); moves *p past it. */
static double number_at(const char **pp)
{
    const char *p = *pp;
    double v = 0;
    int groups = 0;
    while (is_digit((unsigned char)*p)) v = v * 10 + (*p++ - '0');
    for (;;) { /* "25,000", "1.000.000": a separator and exactly three digits */
        if ((*p == ',' || *p == '.' || *p == ' ') && is_digit((unsigned char)p[1]) && is_digit((unsigned char)p[2]) &&
            is_digit((unsigned char)p[3]) && !is_digit((unsigned char)p[4]) && (groups || p - *pp <= 3)) {
            v = v * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
            p += 4;
            groups++;
            continue;
        }
        break;
    }
    if ((*p == '.' || *p == ',') && is_digit((unsigned char)p[1])) { /* 1.5 */
        double scale = 0.1;
        for (p++; is_digit((unsigned char)*p); p++, scale /= 10) v += (*p - '0') * scale;
    }
    *pp = p;
    return v;
}

/* "Under $25,000", "Less than 1 year", "Unter 18": a bound below the number that
 * follows (-1); "Over 65", "More than 10 years", "Über 80": above it (+1). *rest
 * gets the text from the number on; 0 when the text starts with no such words
 * followed by a digit or a currency sign. */
static int bound_prefix(const char *s, const char **rest)
{
    static const char *const below[] = {"under ", "less than ", "below ", "fewer than ", "up to ", "unter ",
                                        "weniger als ", "bis ", "bis zu ", NULL};
    static const char *const above[] = {"over ", "more than ", "above ", "older than ", "über ", "mehr als ",
                                        "ab ", NULL};
    for (int side = 0; side < 2; side++)
        for (const char *const *w = side ? above : below; *w; w++) {
            size_t n = strlen(*w), i = 0;
            while (i < n && lower((unsigned char)s[i]) == (unsigned char)(*w)[i]) i++;
            if (i < n) continue;
            const char *r = s + n;
            if (is_digit((unsigned char)*r) || *r == '$' || !strncmp(r, "\xE2\x82\xAC", 3) || !strncmp(r, "\xC2\xA3", 2)) {
                *rest = r;
                return side ? 1 : -1;
            }
        }
    return 0;
}

static int natural_cmp_plain(const char *a, const char *b);

int tally_natural_cmp(const char *a, const char *b)
{
    const char *ra = a, *rb = b;
    int ba = bound_prefix(a, &ra), bb = bound_prefix(b, &rb);
    if (ba || bb) { /* "Under 18" sorts as 18 (just before it), "Over 65" as 65 (just after it) */
        int c = natural_cmp_plain(ra, rb);
        if (c) return c;
        if (ba != bb) return ba < bb ? -1 : 1;
    }
    return natural_cmp_plain(a, b);
}

static int natural_cmp_plain(const char *a, const char *b)
{
    const char *x = a, *y = b;
    while (*x && *y) {
        if (is_digit((unsigned char)*x) && is_digit((unsigned char)*y)) {
            double u = number_at(&x), v = number_at(&y);
            if (u != v) return u < v ? -1 : 1;
            continue;
        }
        int cx = lower((unsigned char)*x), cy = lower((unsigned char)*y);
        if (cx != cy) return cx < cy ? -1 : 1;
        x++, y++;
    }
    if (*x || *y) return *x ? 1 : -1;
    return strcmp(a, b);
}
