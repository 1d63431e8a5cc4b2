/* sav_mrsets.c: multiple-response sets read from a .sav dictionary (records 7.7 and 7.19). */
#include "rs_internal.h"

#include <ctype.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * ReadStat 1.1.8 skips the multiple-response set records, so this file walks the
 * dictionary itself. The dictionary is never compressed (not even in .zsav):
 * a 176-byte header, then records of types 2 (variable), 3 and 4 (value labels),
 * 6 (documents) and 7 (extensions), ended by type 999. Only what is needed is
 * kept: the long-name map (7.13, "SHORT=LongName" pairs) and the set text (7.7
 * and 7.19), one set per line, naming the variables by their short names:
 *   $name=C 14 Cities visited c1 c2
 *   $name=D1 1 10 Media used a b c          (D: counted value "1", then label)
 *   $name=E 11 1 1 0  a b                   (E: labels from counted values; 11: set
 *                                            label from the first variable's label)
 */

#define MAX_RECORD (64u << 20)

typedef struct dict {
    FILE *f;
    int swap;
    char *longnames;      /* record 7.13 text (owned) */
    char *sets;           /* records 7.7 + 7.19 text (owned) */
    size_t sets_len;
} dict;

static int read_i32(dict *d, int32_t *out)
{
    unsigned char b[4];
    if (fread(b, 1, 4, d->f) != 4) return -1;
    uint32_t u = d->swap ? ((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3])
                         : ((uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0]);
    *out = (int32_t)u;
    return 0;
}

static int skip(dict *d, long n) { return n < 0 ? -1 : fseek(d->f, n, SEEK_CUR); }

static int read_text(dict *d, size_t n, char **out, size_t *len)
{
    char *t = realloc(*out, *len + n + 2);
    if (!t) return -1;
    *out = t;
    if (fread(t + *len, 1, n, d->f) != n) return -1;
    *len += n;
    t[*len] = '\0';
    return 0;
}

static int read_variable(dict *d)
{
    int32_t type, has_label, nmissing, print, write;
    char name[9];
    if (read_i32(d, &type) || read_i32(d, &has_label) || read_i32(d, &nmissing) || read_i32(d, &print) ||
        read_i32(d, &write) || fread(name, 1, 8, d->f) != 8)
        return -1;
    if (has_label) {
        int32_t len;
        if (read_i32(d, &len) || len < 0 || skip(d, ((long)len + 3) / 4 * 4)) return -1;
    }
    (void)type;
    long nmiss = nmissing < 0 ? -(long)nmissing : (long)nmissing; /* widened first: -INT32_MIN overflows */
    return skip(d, nmiss * 8);
}

static int read_extension(dict *d)
{
    int32_t subtype, size, count;
    if (read_i32(d, &subtype) || read_i32(d, &size) || read_i32(d, &count) || size < 0 || count < 0) return -1;
    uint64_t n = (uint64_t)size * (uint64_t)count;
    if (n > MAX_RECORD) return -1;
    if (subtype == 7 || subtype == 19) return read_text(d, (size_t)n, &d->sets, &d->sets_len);
    if (subtype == 13) {
        size_t len = 0;
        free(d->longnames);
        d->longnames = NULL;
        return read_text(d, (size_t)n, &d->longnames, &len);
    }
    return skip(d, (long)n);
}

/* Walks the dictionary; 0 when it reached record 999. */
static int read_dictionary(dict *d)
{
    unsigned char h[176];
    if (fread(h, 1, sizeof h, d->f) != sizeof h) return -1;
    d->swap = !(h[64] == 2 || h[64] == 3); /* layout code 2 or 3 in the file's byte order */
    for (;;) {
        int32_t rec, n;
        if (read_i32(d, &rec)) return -1;
        switch (rec) {
        case 2: if (read_variable(d)) return -1; break;
        case 3:
            if (read_i32(d, &n) || n < 0) return -1;
            for (int32_t i = 0; i < n; i++) {
                unsigned char len;
                if (skip(d, 8) || fread(&len, 1, 1, d->f) != 1 || skip(d, (len + 8) / 8 * 8 - 1)) return -1;
            }
            break;
        case 4:
            if (read_i32(d, &n) || n < 0 || skip(d, (long)n * 4)) return -1;
            break;
        case 6:
            if (read_i32(d, &n) || n < 0 || skip(d, (long)n * 80)) return -1;
            break;
        case 7: if (read_extension(d)) return -1; break;
        case 999: return 0;
        default: return -1;
        }
    }
}

/* The long name for a short one, from "SHORT=Long\tSHORT2=Long2"; NULL when absent. */
static const char *long_name(const dict *d, const char *shortname, char *buf, size_t bufsize)
{
    if (!d->longnames) return NULL;
    size_t n = strlen(shortname);
    for (const char *p = d->longnames; *p;) {
        const char *end = strchr(p, '\t');
        if (!end) end = p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (eq && (size_t)(eq - p) == n && strncasecmp(p, shortname, n) == 0 && (size_t)(end - eq) <= bufsize) {
            memcpy(buf, eq + 1, (size_t)(end - eq - 1));
            buf[end - eq - 1] = '\0';
            return buf;
        }
        p = *end ? end + 1 : end;
    }
    return NULL;
}

static int find_column(rs_state *st, const dict *d, const char *name)
{
    char buf[256];
    const char *ln = long_name(d, name, buf, sizeof buf);
    int n = st->host->ds_ncols(st->ds);
    for (int pass = 0; pass < 2; pass++) {
        const char *want = pass == 0 ? ln : name;
        if (!want) continue;
        for (int i = 0; i < n; i++)
            if (strcasecmp(st->host->var_name(st->ds, i), want) == 0) return i;
    }
    return -1;
}

/* Reads "<count> <bytes>" at *p (before `end`) into a new string. The count is
 * compared with the bytes left, never added to a pointer first (a huge count
 * would overflow it). */
static char *counted_text(const char **p, const char *end)
{
    if (*p >= end || !isdigit((unsigned char)**p)) return NULL;
    char *q;
    long n = strtol(*p, &q, 10);
    if (q == *p || n < 0 || q >= end || *q != ' ' || n > end - (q + 1)) return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s) return NULL;
    memcpy(s, q + 1, (size_t)n);
    s[n] = '\0';
    *p = q + 1 + n;
    return s;
}

/* Label text in the file's encoding, as UTF-8 (a new string). */
static char *to_utf8(const char *s, const char *enc)
{
    size_t n = strlen(s);
    char *out = malloc(n * 4 + 1);
    if (!out) return NULL;
    iconv_t cd = (enc && strcasecmp(enc, "UTF-8") != 0) ? iconv_open("UTF-8", enc) : (iconv_t)-1;
    if (cd == (iconv_t)-1) {
        memcpy(out, s, n + 1);
        return out;
    }
    char *in = (char *)s, *o = out;
    size_t inleft = n, outleft = n * 4;
    if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1) { /* not in that encoding: keep the bytes */
        memcpy(out, s, n);
        o = out + n;
    }
    *o = '\0';
    iconv_close(cd);
    return out;
}

static int warn_skip(rs_state *st, const char *name, const char *why)
{
    st->host->log(st->ctx, TALLY_LOG_WARN, "%s: multiple-response set '%s' skipped: %s", st->path, name, why);
    return 0;
}

/* Parses one set line and adds it; returns 1 when added, 0 when skipped with a warning. */
static int add_set(rs_state *st, const dict *d, const char *line, const char *end, const char *enc)
{
    const char *eq = memchr(line, '=', (size_t)(end - line));
    if (!eq || eq + 1 >= end) return 0;
    char raw[128], name[512];
    snprintf(raw, sizeof raw, "%.*s", (int)(eq - line), line);
    char *utf8 = to_utf8(raw, enc);
    snprintf(name, sizeof name, "%s", utf8 ? utf8 : raw);
    free(utf8);
    const char *p = eq + 1;
    char kind = *p++;
    int label_from_var = 0;
    char *counted = NULL;
    if (!name[0] || strcmp(name, "$") == 0) return warn_skip(st, name, "it has no name (rename it in the program that wrote the file)");
    if (kind == 'E') {
        if (p < end && *p == ' ') p++;
        if (p >= end || !isdigit((unsigned char)*p)) return warn_skip(st, name, "its label source cannot be parsed");
        char *q;
        long flag = strtol(p, &q, 10);
        if (q > end) return warn_skip(st, name, "its label source cannot be parsed");
        label_from_var = flag == 11;
        p = q + (q < end && *q == ' ');
    }
    if (kind == 'D' || kind == 'E') {
        if (!(counted = counted_text(&p, end))) return warn_skip(st, name, "its counted value cannot be parsed");
    } else if (kind != 'C') {
        return warn_skip(st, name, "unknown kind");
    }
    if (p < end && *p == ' ') p++;
    char *label = counted_text(&p, end);
    if (!label) {
        free(counted);
        return warn_skip(st, name, "its label cannot be parsed");
    }
    int *cols = NULL;
    size_t ncols = 0, cap = 0;
    int numeric = 1, ok = 1;
    char missing[128] = "";
    while (p < end && ok) {
        while (p < end && *p == ' ') p++;
        const char *w = p;
        while (p < end && *p != ' ') p++;
        if (p == w) break;
        char var[128];
        snprintf(var, sizeof var, "%.*s", (int)(p - w), w);
        int c = find_column(st, d, var);
        if (c < 0) {
            snprintf(missing, sizeof missing, "%s", var);
            ok = 0;
        } else if (ncols == cap) {
            int *g = cap < (size_t)st->host->ds_ncols(st->ds) + 1 ? realloc(cols, (cap ? cap * 2 : 16) * sizeof *cols) : NULL;
            if (!g) ok = -1; /* more names than the file has variables (or out of memory) */
            else cols = g, cap = cap ? cap * 2 : 16;
        }
        if (ok == 1) {
            cols[ncols++] = c;
            if (st->host->var_type(st->ds, c) == TALLY_STRING) numeric = 0;
        }
    }
    int added = 0;
    if (ok == 0) {
        char *why = malloc(strlen(missing) + 64);
        if (why) sprintf(why, "it names the variable '%s', which the file lacks", missing);
        warn_skip(st, name, why ? why : "it names a variable the file lacks");
        free(why);
    } else if (ok < 0) warn_skip(st, name, "it names more variables than the file has");
    else if (ncols == 0) warn_skip(st, name, "it has no variables");
    else if (counted && !numeric) warn_skip(st, name, "dichotomy sets over string variables are not supported");
    else {
        const char *vl = label_from_var && !*label ? st->host->var_label(st->ds, cols[0]) : NULL;
        char *text = vl ? NULL : to_utf8(label, enc);
        added = st->host->ds_add_mrset(st->ds, name, vl ? vl : (text && *text ? text : NULL),
                                       counted ? TALLY_MRSET_DICHOTOMY : TALLY_MRSET_CATEGORY,
                                       counted ? strtod(counted, NULL) : 0, cols, ncols) >= 0;
        if (!added) warn_skip(st, name, "its name is used twice");
        free(text);
    }
    free(cols);
    free(label);
    free(counted);
    return added;
}

int rs_sav_read_mrsets(rs_state *st, const char *encoding_override)
{
    dict d;
    memset(&d, 0, sizeof d);
    d.f = fopen(st->path, "rb");
    if (!d.f) {
        st->host->error(st->ctx, "cannot open '%s' again to read its multiple-response sets; check the file", st->path);
        return -1;
    }
    int added = 0;
    if (read_dictionary(&d) != 0) {
        st->host->log(st->ctx, TALLY_LOG_WARN, "%s: the dictionary could not be walked; multiple-response sets not read",
                      st->path);
    } else if (d.sets) {
        const char *enc = encoding_override ? encoding_override : st->file_encoding;
        const char *end = d.sets + d.sets_len;
        for (const char *line = d.sets; line < end;) {
            const char *nl = memchr(line, '\n', (size_t)(end - line));
            if (!nl) nl = end;
            if (nl > line) added += add_set(st, &d, line, nl, enc);
            line = nl + 1;
        }
    }
    fclose(d.f);
    free(d.longnames);
    free(d.sets);
    return added;
}
