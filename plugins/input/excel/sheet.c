/* sheet.c: the excel input plugin's worksheet parser: expat events to sparse per-column cells, checked against Excel's limits. */
#include "xlsx_in.h"
#include "free_all.h"
#include "grow_buf.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct xlsx_sheet_state {
    xlsx_xml_head head;
    const xlsx_book *b;
    xlsx_grid *g;
    long row, col;          /* current 0-based row and column; -1 before the first */
    /* the open cell */
    int in_cell, in_v, in_is, in_t, in_rph, has_v;
    char type;              /* the cell's t attribute: one of the CT_ codes below */
    unsigned style;
    char *text;             /* <v> or <is><t> character data */
    size_t text_len, text_cap;
    /* a piece of a sheet cut at row starts (sheet_split.c) */
    int need_r;             /* the next row must carry its number (r): no row before it is known */
    long long splice_at;    /* byte offset where the main parser's tail starts (-1: none) */
    int spliced;            /* the row at splice_at was seen; its cells and all after went to `tail` */
    xlsx_grid *tail;
};

/* A cell's t attribute, as one byte (compared per cell: no string compares on the hot path). */
enum { CT_NUM = 'n', CT_SST = 's', CT_INLINE = 'i', CT_STR = 'f', CT_BOOL = 'b', CT_ERROR = 'e', CT_DATE = 'd',
       CT_OTHER = '?' };

static char cell_type(const char *t)
{
    if (!t) return CT_NUM;
    if (t[0] && !t[1]) return strchr("nsbed", t[0]) ? t[0] : CT_OTHER;
    if (strcmp(t, "inlineStr") == 0) return CT_INLINE;
    if (strcmp(t, "str") == 0) return CT_STR;
    return CT_OTHER;
}

/* A number written as [-]digits[.digits] with at most 15 significant digits, converted exactly
 * (an integer below 2^53 divided by an exact power of ten rounds once, as strtod does); else strtod. */
static double cell_number(const char *s, char **end)
{
    static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
                                   1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = s;
    int neg = *p == '-';
    p += neg;
    uint64_t m = 0;
    int digits = 0, frac = 0;
    for (; *p >= '0' && *p <= '9'; p++, digits++) m = m * 10 + (uint64_t)(*p - '0');
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, digits++, frac++) m = m * 10 + (uint64_t)(*p - '0');
    if (*p || digits == 0 || digits > 15 || (frac && p[-1] == '.')) return strtod(s, end);
    *end = (char *)p;
    double v = (double)m / pow10[frac];
    return neg ? -v : v;
}

int xlsx_parse_ref(const char *ref, uint32_t *row, uint32_t *col)
{
    const char *p = ref;
    uint64_t c = 0, r = 0;
    if (*p == '$') p++;
    int nl = 0;
    for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++, nl++) {
        if (nl >= 4) return -2;
        c = c * 26 + (uint64_t)((*p | 0x20) - 'a' + 1);
    }
    if (*p == '$') p++;
    int nd = 0;
    for (; *p >= '0' && *p <= '9'; p++, nd++) {
        if (nd >= 9) return -2;
        r = r * 10 + (uint64_t)(*p - '0');
    }
    if (*p || nl == 0 || nd == 0 || r == 0) return -1;
    if (c > XLSX_MAX_COLS || r > XLSX_MAX_ROWS) return -2;
    *row = (uint32_t)(r - 1);
    *col = (uint32_t)(c - 1);
    return 0;
}

static int text_add(xlsx_sheet_state *s, const char *p, size_t n)
{
    if (grow_array((void **)&s->text, &s->text_cap, s->text_len + n + 1, 1, 256) != 0) return -1;
    memcpy(s->text + s->text_len, p, n);
    s->text_len += n;
    s->text[s->text_len] = '\0';
    return 0;
}

/* 1 when a cell's value can be kept as an int32 (a number: whole, in range, not -0). */
static int fits_small(xlsx_cell_kind kind, xlsx_val v)
{
    if (kind == XC_SST || kind == XC_STR) return v.ref <= (uint64_t)INT32_MAX;
    return v.num >= -2147483648.0 && v.num <= 2147483647.0 && v.num == (double)(int32_t)v.num &&
           !(v.num == 0 && signbit(v.num));
}

/* Grows a column's arrays (those in use) to `cap` cells; 0 or -1 when out of memory. */
static int col_grow(xlsx_col *c, size_t cap)
{
    uint8_t *k = realloc(c->kind, cap);
    if (!k) return -1;
    c->kind = k;
    if (c->row) {
        uint32_t *r = realloc(c->row, cap * sizeof *r);
        if (!r) return -1;
        c->row = r;
    }
    if (c->val) {
        xlsx_val *vv = realloc(c->val, cap * sizeof *vv);
        if (!vv) return -1;
        c->val = vv;
    } else {
        int32_t *sm = realloc(c->small, cap * sizeof *sm);
        if (!sm) return -1;
        c->small = sm;
    }
    c->cap = cap;
    return 0;
}

/* The column's rows left a gap: from now on each cell's row is stored. */
static int col_rows_out(xlsx_col *c)
{
    uint32_t *r = malloc(c->cap * sizeof *r);
    if (!r) return -1;
    for (size_t i = 0; i < c->n; i++) r[i] = c->row0 + (uint32_t)i;
    c->row = r;
    return 0;
}

/* A value does not fit int32: from now on the values are stored whole. */
static int col_values_out(xlsx_col *c)
{
    xlsx_val *v = malloc(c->cap * sizeof *v);
    if (!v) return -1;
    for (size_t i = 0; i < c->n; i++) {
        if (c->kind[i] == XC_SST || c->kind[i] == XC_STR) v[i].ref = (uint64_t)c->small[i];
        else v[i].num = (double)c->small[i];
    }
    free(c->small);
    c->small = NULL;
    c->val = v;
    return 0;
}

/* Appends a cell to its column; 0 or -1 when out of memory. */
static int put(xlsx_grid *g, uint32_t row, uint32_t col, xlsx_cell_kind kind, xlsx_val v, const char *str,
               size_t len)
{
    if (col >= g->cols_cap) {
        size_t had = g->cols_cap;
        if (grow_array((void **)&g->cols, &g->cols_cap, (size_t)col + 1, sizeof *g->cols, 16) != 0) return -1;
        memset(g->cols + had, 0, (g->cols_cap - had) * sizeof *g->cols);
    }
    xlsx_col *c = &g->cols[col];
    if (c->n == c->cap && col_grow(c, c->cap ? c->cap * 2 : 64) != 0) return -1;
    if (str) {
        if (grow_array((void **)&c->text, &c->text_cap, c->text_len + len + 1, 1, 1024) != 0) return -1;
        v.ref = c->text_len;
        memcpy(c->text + c->text_len, str, len);
        c->text[c->text_len + len] = '\0';
        c->text_len += len + 1;
    }
    if (c->n == 0) c->row0 = row;
    else if (!c->row && row != c->row0 + c->n && col_rows_out(c) != 0) return -1;
    if (!c->val && !fits_small(kind, v) && col_values_out(c) != 0) return -1;
    if (c->row) c->row[c->n] = row;
    c->kind[c->n] = (uint8_t)kind;
    if (c->val) c->val[c->n] = v;
    else c->small[c->n] = kind == XC_SST || kind == XC_STR ? (int32_t)v.ref : (int32_t)v.num;
    c->n++;
    g->ncells++;
    if (col + 1 > g->ncols) g->ncols = col + 1;
    if (row + 1 > g->nrows) g->nrows = row + 1;
    return 0;
}

static void cell_name(long row, long col, char *buf, size_t n)
{
    char letters[8];
    int k = 0;
    for (long c = col + 1; c > 0 && k < 7; c = (c - 1) / 26) letters[k++] = (char)('A' + (c - 1) % 26);
    size_t o = 0;
    while (k > 0 && o + 1 < n) buf[o++] = letters[--k];
    snprintf(buf + o, n - o, "%ld", row + 1);
}

static void commit_cell(xlsx_sheet_state *s)
{
    xlsx_grid *g = s->g;
    xlsx_val v = {.num = 0};
    char t = s->type;
    char where[24]; /* the cell's name, written only for a message */
    int rc = 0;
    if (t == CT_INLINE) {
        if (!s->text) return;
        size_t n = xlsx_unescape(s->text, s->text_len);
        rc = put(g, (uint32_t)s->row, (uint32_t)s->col, XC_STR, v, s->text, n);
    } else if (!s->has_v) {
        return; /* a formatted blank */
    } else if (t == CT_SST) {
        char *end;
        errno = 0;
        unsigned long long i = strtoull(s->text ? s->text : "", &end, 10);
        if (!s->text || end == s->text || *end || errno || i >= s->b->nsst) {
            cell_name(s->row, s->col, where, sizeof where);
            xlsx_xml_fail(s->head.parser, s->head.err,
                          "cell %s points at shared string %s, but the workbook has %zu; it is damaged: re-save it "
                          "in Excel or LibreOffice", where, s->text ? s->text : "(none)", s->b->nsst);
            return;
        }
        v.ref = i;
        rc = put(g, (uint32_t)s->row, (uint32_t)s->col, XC_SST, v, NULL, 0);
    } else if (t == CT_STR || t == CT_DATE) { /* a formula's text; an ISO date as text */
        size_t n = xlsx_unescape(s->text ? s->text : (char[1]){0}, s->text_len);
        rc = put(g, (uint32_t)s->row, (uint32_t)s->col, XC_STR, v, s->text ? s->text : "", n);
    } else if (t == CT_ERROR) {
        g->errors++;
        if (!g->first_error_row) g->first_error_row = (uint32_t)s->row + 1, g->first_error_col = (uint32_t)s->col + 1;
        rc = put(g, (uint32_t)s->row, (uint32_t)s->col, XC_ERROR, v, NULL, 0);
    } else {
        char *end;
        v.num = cell_number(s->text ? s->text : "", &end);
        if (!s->text || end == s->text || *end || !isfinite(v.num)) {
            cell_name(s->row, s->col, where, sizeof where);
            xlsx_xml_fail(s->head.parser, s->head.err, "cell %s holds '%.40s', which is not a number; the workbook is "
                          "damaged: re-save it in Excel or LibreOffice", where, s->text ? s->text : "");
            return;
        }
        xlsx_cell_kind k = XC_NUM;
        if (t == CT_BOOL) k = XC_BOOL;
        else if (s->style < s->b->nxf) {
            xlsx_fmt_kind f = (xlsx_fmt_kind)s->b->xf_kind[s->style];
            k = f == XLSX_FMT_DATE ? XC_DATE : f == XLSX_FMT_DATETIME ? XC_DATETIME : f == XLSX_FMT_TIME ? XC_TIME : XC_NUM;
        }
        rc = put(g, (uint32_t)s->row, (uint32_t)s->col, k, v, NULL, 0);
    }
    if (rc) {
        cell_name(s->row, s->col, where, sizeof where);
        xlsx_xml_fail(s->head.parser, s->head.err, "out of memory at cell %s", where);
    }
}

static void bad_ref(xlsx_sheet_state *s, const char *what, const char *ref, int why)
{
    if (why == -2)
        xlsx_xml_fail(s->head.parser, s->head.err, "%s reference '%.24s' is past Excel's limits (XFD1048576); the "
                      "workbook is damaged or hostile: tally refuses it", what, ref);
    else
        xlsx_xml_fail(s->head.parser, s->head.err, "%s reference '%.24s' is malformed; the workbook is damaged: "
                      "re-save it in Excel or LibreOffice", what, ref);
}

static void text_handler(xlsx_sheet_state *s);

/* The main parser of a split sheet reaches the byte where its tail starts: the pieces between
 * the head and the tail were parsed apart, so what follows must be a row start outside any cell,
 * carrying its number; from here on the cells go to the tail's grid. */
static int splice(xlsx_sheet_state *s, const char *el)
{
    s->spliced = 1;
    if (XML_GetCurrentByteIndex(s->head.parser) != s->splice_at || s->in_cell || strcmp(el, "row") != 0) {
        xlsx_xml_fail(s->head.parser, s->head.err, "the sheet cannot be cut at byte %lld", s->splice_at);
        return -1;
    }
    s->g = s->tail;
    s->need_r = 1;
    return 0;
}

static void XMLCALL on_start(void *user, const char *name, const char **atts)
{
    xlsx_sheet_state *s = user;
    const char *el = name[0] && !name[1] ? name : xlsx_local(name); /* "c", "v": no prefix to strip */
    if (s->splice_at >= 0 && !s->spliced && XML_GetCurrentByteIndex(s->head.parser) >= s->splice_at &&
        splice(s, el) != 0)
        return;
    if (s->in_cell) {
        if (el[0] == 'v' && !el[1]) s->in_v = 1, s->has_v = 1;
        else if (el[0] == 'i' && el[1] == 's' && !el[2]) s->in_is = 1;
        else if (el[0] == 't' && !el[1] && s->in_is) s->in_t = 1;
        else if (strcmp(el, "rPh") == 0) s->in_rph = 1;
        text_handler(s);
        return;
    }
    if (el[0] == 'c' && !el[1]) {
        const char *r = NULL, *t = NULL, *st = NULL;
        for (size_t i = 0; atts[i]; i += 2) { /* one pass over the attributes (r, s, t) */
            const char *a = atts[i][0] && !atts[i][1] ? atts[i] : xlsx_local(atts[i]);
            if (a[0] && !a[1]) {
                if (a[0] == 'r') r = atts[i + 1];
                else if (a[0] == 't') t = atts[i + 1];
                else if (a[0] == 's') st = atts[i + 1];
            }
        }
        uint32_t row, col;
        if (r) {
            int e = xlsx_parse_ref(r, &row, &col);
            if (e) return bad_ref(s, "cell", r, e);
            s->row = row;
            s->col = col;
        } else {
            if (s->row < 0) s->row = 0;
            if (++s->col >= (long)XLSX_MAX_COLS) return bad_ref(s, "cell", "(past XFD)", -2);
        }
        s->in_cell = 1;
        s->in_v = s->in_is = s->in_t = s->in_rph = 0; /* nothing of an earlier cell carries over */
        s->has_v = 0;
        s->text_len = 0;
        if (s->text) s->text[0] = '\0';
        s->type = cell_type(t);
        s->style = 0;
        for (const char *d = st; d && *d >= '0' && *d <= '9' && s->style < 100000000u; d++)
            s->style = s->style * 10 + (unsigned)(*d - '0');
    } else if (strcmp(el, "row") == 0) {
        const char *r = xlsx_attr(atts, "r"), *h = xlsx_attr(atts, "hidden");
        if (!r && s->need_r)
            return xlsx_xml_fail(s->head.parser, s->head.err, "a piece of the sheet starts with a row without r");
        s->need_r = 0;
        if (r) {
            char *end;
            unsigned long n = strtoul(r, &end, 10);
            if (*end || n == 0 || n > XLSX_MAX_ROWS) return bad_ref(s, "row", r, *end || n == 0 ? -1 : -2);
            s->row = (long)n - 1;
        } else if (++s->row >= (long)XLSX_MAX_ROWS) {
            return bad_ref(s, "row", "(past 1048576)", -2);
        }
        s->col = -1;
        if (h && (strcmp(h, "1") == 0 || strcmp(h, "true") == 0)) {
            s->g->hidden_rows++;
            if (!s->g->first_hidden_row) s->g->first_hidden_row = (uint32_t)s->row + 1;
        }
    } else if (strcmp(el, "col") == 0) {
        const char *lo = xlsx_attr(atts, "min"), *hi = xlsx_attr(atts, "max"), *h = xlsx_attr(atts, "hidden");
        if (!lo || !hi || !h || !(strcmp(h, "1") == 0 || strcmp(h, "true") == 0)) return;
        unsigned long a = strtoul(lo, NULL, 10), b = strtoul(hi, NULL, 10);
        if (a < 1 || b < a) return;
        if (b > XLSX_MAX_COLS) b = XLSX_MAX_COLS;
        if (!s->g->col_hidden && !(s->g->col_hidden = calloc(XLSX_MAX_COLS, 1)))
            return xlsx_xml_fail(s->head.parser, s->head.err, "out of memory");
        for (unsigned long c = a; c <= b; c++) s->g->col_hidden[c - 1] = 1;
    } else if (strcmp(el, "mergeCell") == 0) {
        const char *ref = xlsx_attr(atts, "ref");
        char a[32], *colon;
        if (!ref || strlen(ref) >= sizeof a) return;
        strcpy(a, ref);
        xlsx_merge m;
        colon = strchr(a, ':');
        if (!colon) return;
        *colon = '\0';
        int e = xlsx_parse_ref(a, &m.r0, &m.c0);
        if (!e) e = xlsx_parse_ref(colon + 1, &m.r1, &m.c1);
        if (e) return bad_ref(s, "merged range", ref, e);
        xlsx_grid *g = s->g;
        if (grow_array((void **)&g->merges, &g->merges_cap, g->nmerges + 1, sizeof *g->merges, 16) != 0)
            return xlsx_xml_fail(s->head.parser, s->head.err, "out of memory");
        g->merges[g->nmerges++] = m;
    }
}

static void XMLCALL on_end(void *user, const char *name)
{
    xlsx_sheet_state *s = user;
    if (!s->in_cell) return;
    const char *el = name[0] && !name[1] ? name : xlsx_local(name);
    if (el[0] == 'c' && !el[1]) {
        s->in_cell = 0;
        commit_cell(s);
        return;
    }
    if (el[0] == 'v' && !el[1]) s->in_v = 0;
    else if (el[0] == 't' && !el[1]) s->in_t = 0;
    else if (el[0] == 'i' && el[1] == 's' && !el[2]) s->in_is = 0;
    else if (strcmp(el, "rPh") == 0) s->in_rph = 0;
    text_handler(s);
}

static void XMLCALL on_text(void *user, const char *p, int len)
{
    xlsx_sheet_state *s = user;
    if (!s->in_cell || !(s->in_v || (s->in_t && !s->in_rph))) return;
    if (text_add(s, p, (size_t)len)) xlsx_xml_fail(s->head.parser, s->head.err, "out of memory");
}

/* Character data matters only inside a cell's <v> or its <is><t> (not a phonetic <rPh><t>): expat
 * calls the handler only there, not for the markup's whitespace or anything else in the sheet. */
static void text_handler(xlsx_sheet_state *s)
{
    int want = s->in_cell && (s->in_v || (s->in_t && !s->in_rph));
    XML_SetCharacterDataHandler(s->head.parser, want ? on_text : NULL);
}

xlsx_sheet_state *xlsx_sheet_new(const xlsx_book *b, xlsx_grid *g, char *err)
{
    xlsx_sheet_state *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->b = b;
    s->g = g;
    s->head.err = err;
    s->row = -1;
    s->col = -1;
    s->splice_at = -1;
    if (!xlsx_xml_new(s)) {
        free(s);
        return NULL;
    }
    XML_SetElementHandler(s->head.parser, on_start, on_end); /* on_text: only inside <v> and <t> */
    return s;
}

XML_Parser xlsx_sheet_parser(xlsx_sheet_state *s)
{
    return s->head.parser;
}

void xlsx_sheet_piece(xlsx_sheet_state *s)
{
    s->need_r = 1;
}

void xlsx_sheet_splice(xlsx_sheet_state *s, long long at, xlsx_grid *hold, xlsx_grid *tail)
{
    s->splice_at = at;
    s->g = hold;
    s->tail = tail;
}

int xlsx_sheet_spliced(const xlsx_sheet_state *s)
{
    return s->spliced;
}

void xlsx_sheet_free(xlsx_sheet_state *s)
{
    if (!s) return;
    XML_ParserFree(s->head.parser);
    free(s->text);
    free(s);
}

int xlsx_sheet_parse_buffer(const xlsx_book *b, const char *xml, size_t n, xlsx_grid *g, char err[XLSX_ERR])
{
    xlsx_sheet_state *s = xlsx_sheet_new(b, g, err);
    if (!s) {
        snprintf(err, XLSX_ERR, "out of memory");
        return -1;
    }
    int rc = 0;
    if (n > (size_t)INT32_MAX || XML_Parse(s->head.parser, xml, (int)n, 1) != XML_STATUS_OK) {
        if (!err[0])
            snprintf(err, XLSX_ERR, "the sheet is not well-formed XML (line %lu: %s)",
                     (unsigned long)XML_GetCurrentLineNumber(s->head.parser),
                     XML_ErrorString(XML_GetErrorCode(s->head.parser)));
        rc = -1;
    }
    xlsx_sheet_free(s);
    return rc;
}

const char *xlsx_cell_text(const xlsx_book *b, const xlsx_col *c, size_t i)
{
    if (c->kind[i] == XC_SST) return b->sst[xlsx_col_ref(c, i)];
    if (c->kind[i] == XC_STR) return c->text + xlsx_col_ref(c, i);
    return NULL;
}

void xlsx_col_release(xlsx_col *c)
{
    tally_free_all(c->row, c->kind, c->val, c->small, c->text);
    memset(c, 0, sizeof *c);
}

/* Appends column s's cells after d's (s is left empty): rows and values stay compact while both allow it. */
static int col_append(xlsx_col *d, xlsx_col *s)
{
    if (s->n == 0) return xlsx_col_release(s), 0;
    if (d->n == 0) {
        xlsx_col_release(d);
        *d = *s;
        memset(s, 0, sizeof *s);
        return 0;
    }
    size_t n = d->n + s->n, cap = d->cap;
    while (cap < n) cap *= 2;
    if (cap > d->cap && col_grow(d, cap) != 0) return -1;
    if (!d->row && (s->row || s->row0 != d->row0 + d->n) && col_rows_out(d) != 0) return -1;
    if (!d->val && (s->val || d->text_len + s->text_len > (size_t)INT32_MAX) && col_values_out(d) != 0) return -1;
    if (s->text_len && grow_array((void **)&d->text, &d->text_cap, d->text_len + s->text_len, 1, 1024) != 0) return -1;
    memcpy(d->kind + d->n, s->kind, s->n);
    for (size_t i = 0; d->row && i < s->n; i++) d->row[d->n + i] = xlsx_col_row(s, i);
    for (size_t i = 0; i < s->n; i++) {
        int str = s->kind[i] == XC_STR; /* its reference is an offset into the text, which moves */
        if (d->val && s->val) d->val[d->n + i] = s->val[i];
        else if (d->val && (s->kind[i] == XC_SST || str)) d->val[d->n + i].ref = (uint64_t)s->small[i];
        else if (d->val) d->val[d->n + i].num = (double)s->small[i];
        else d->small[d->n + i] = s->small[i];
        if (str && d->val) d->val[d->n + i].ref += d->text_len;
        else if (str) d->small[d->n + i] += (int32_t)d->text_len;
    }
    if (s->text_len) memcpy(d->text + d->text_len, s->text, s->text_len);
    d->text_len += s->text_len;
    d->n = n;
    xlsx_col_release(s);
    return 0;
}

int xlsx_grid_append(xlsx_grid *d, xlsx_grid *s)
{
    int rc = 0;
    size_t had = d->cols_cap;
    if (grow_array((void **)&d->cols, &d->cols_cap, s->ncols, sizeof *d->cols, 16) != 0) rc = -1;
    else memset(d->cols + had, 0, (d->cols_cap - had) * sizeof *d->cols);
    for (size_t c = 0; rc == 0 && c < s->ncols; c++) rc = col_append(&d->cols[c], &s->cols[c]);
    if (rc == 0 && s->nmerges) {
        if (grow_array((void **)&d->merges, &d->merges_cap, d->nmerges + s->nmerges, sizeof *d->merges, 16) != 0) rc = -1;
        else {
            memcpy(d->merges + d->nmerges, s->merges, s->nmerges * sizeof *d->merges);
            d->nmerges += s->nmerges;
        }
    }
    if (rc == 0 && s->col_hidden && !d->col_hidden) {
        d->col_hidden = s->col_hidden;
        s->col_hidden = NULL;
    } else if (rc == 0 && s->col_hidden) {
        for (size_t c = 0; c < XLSX_MAX_COLS; c++) d->col_hidden[c] |= s->col_hidden[c];
    }
    if (rc == 0) {
        d->ncells += s->ncells;
        d->hidden_rows += s->hidden_rows;
        d->errors += s->errors;
        if (!d->first_hidden_row) d->first_hidden_row = s->first_hidden_row;
        if (!d->first_error_row) d->first_error_row = s->first_error_row, d->first_error_col = s->first_error_col;
        if (s->ncols > d->ncols) d->ncols = s->ncols;
        if (s->nrows > d->nrows) d->nrows = s->nrows;
    }
    xlsx_grid_free(s);
    return rc;
}

void xlsx_grid_free(xlsx_grid *g)
{
    for (size_t i = 0; i < g->cols_cap; i++) xlsx_col_release(&g->cols[i]);
    free(g->cols);
    free(g->merges);
    free(g->col_hidden);
    memset(g, 0, sizeof *g);
}
