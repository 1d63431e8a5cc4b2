/* book.c: the excel input plugin's workbook-wide parts: sheet list, relationships, date system, styles, shared strings. */
#include "xlsx_in.h"
#include "grow_buf.h"
#include "utf8_text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t xlsx_unescape(char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (s[i] == '_' && i + 6 < n + 0 && s[i + 1] == 'x' && s[i + 6] == '_' && isxdigit((unsigned char)s[i + 2]) &&
            isxdigit((unsigned char)s[i + 3]) && isxdigit((unsigned char)s[i + 4]) &&
            isxdigit((unsigned char)s[i + 5]) && sscanf(s + i + 2, "%4x", &v) == 1) {
            /* _xHHHH_: a character XML cannot hold (a control character), as UTF-8 */
            o += utf8_encode(s + o, v); /* at most 3 bytes where the escape had 7 */
            i += 6;
            continue;
        }
        s[o++] = s[i];
    }
    s[o] = '\0';
    return o;
}

/* ---- number formats ------------------------------------------------------------------ */

xlsx_fmt_kind xlsx_format_kind(int id, const char *code)
{
    if (!code) {
        if ((id >= 14 && id <= 17) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)) return XLSX_FMT_DATE;
        if (id == 22) return XLSX_FMT_DATETIME;
        if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47)) return XLSX_FMT_TIME;
        return XLSX_FMT_NONE;
    }
    int date = 0, time = 0, month = 0;
    for (const char *p = code; *p && *p != ';'; p++) { /* the first section decides */
        char c = (char)tolower((unsigned char)*p);
        if (c == '"') {
            while (p[1] && p[1] != '"') p++;
            if (p[1]) p++;
        } else if (c == '\\' || c == '_' || c == '*') {
            if (p[1]) p++;
        } else if (c == '[') {
            char in = (char)tolower((unsigned char)p[1]);
            if ((in == 'h' || in == 'm' || in == 's') && (p[2] == ']' || p[2] == in)) time = 1; /* [h] elapsed */
            while (p[1] && p[1] != ']') p++;
            if (p[1]) p++;
        } else if (c == 'y' || c == 'd') {
            date = 1;
        } else if (c == 'h' || c == 's') {
            time = 1;
        } else if (c == 'm') {
            month = 1;
        }
    }
    if (month && !time) date = 1;
    if (date && time) return XLSX_FMT_DATETIME;
    if (date) return XLSX_FMT_DATE;
    if (time) return XLSX_FMT_TIME;
    return XLSX_FMT_NONE;
}

/* ---- workbook.xml and its relationships ---------------------------------------------- */

typedef struct book_state {
    xlsx_xml_head head;
    xlsx_book *b;
    char **rids;          /* per sheet: its relationship id */
    size_t rids_cap, names_cap;
    /* relationships */
    char **rel_id, **rel_target;
    size_t nrel, rel_cap, rel_cap2;
    /* styles */
    int in_cellxfs, in_numfmts;
    int *fmt_id;
    char **fmt_code;
    size_t nfmt, fmt_cap, fmt_cap2, xf_cap;
    /* shared strings */
    grow_buf text; /* character data */
    int in_si, in_t, in_rph;
    size_t sst_cap, sst_cap2;
} book_state;

static void XMLCALL wb_start(void *user, const char *name, const char **atts)
{
    book_state *st = user;
    const char *el = xlsx_local(name);
    if (strcmp(el, "workbookPr") == 0) {
        const char *v = xlsx_attr(atts, "date1904");
        st->b->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    } else if (strcmp(el, "sheet") == 0) {
        const char *nm = xlsx_attr(atts, "name"), *rid = NULL;
        for (size_t i = 0; atts[i]; i += 2) /* r:id: the "id" attribute with a namespace prefix */
            if (strchr(atts[i], ':') && strcmp(xlsx_local(atts[i]), "id") == 0) rid = atts[i + 1];
        size_t n = st->b->nsheets;
        if (!nm || !rid) return;
        if (grow_array((void **)&st->b->sheet_names, &st->names_cap, n + 1, sizeof(char *), 16) ||
            grow_array((void **)&st->rids, &st->rids_cap, n + 1, sizeof(char *), 16)) {
            xlsx_xml_fail(st->head.parser, st->head.err, "out of memory");
            return;
        }
        st->b->sheet_names[n] = strdup(nm);
        st->rids[n] = strdup(rid);
        st->b->nsheets++;
    }
}

static void XMLCALL rel_start(void *user, const char *name, const char **atts)
{
    book_state *st = user;
    if (strcmp(xlsx_local(name), "Relationship") != 0) return;
    const char *id = xlsx_attr(atts, "Id"), *target = xlsx_attr(atts, "Target"), *type = xlsx_attr(atts, "Type");
    const char *mode = xlsx_attr(atts, "TargetMode");
    if (!id || !target || (mode && strcmp(mode, "External") == 0)) return;
    char *path = malloc(strlen(target) + 4);
    if (!path) return;
    if (target[0] == '/') strcpy(path, target + 1);
    else sprintf(path, "xl/%s", target);
    const char *t = type ? strrchr(type, '/') : NULL;
    if (t && strcmp(t, "/sharedStrings") == 0 && !st->b->sst_part) st->b->sst_part = strdup(path);
    if (t && strcmp(t, "/styles") == 0 && !st->b->styles_part) st->b->styles_part = strdup(path);
    if (grow_array((void **)&st->rel_id, &st->rel_cap, st->nrel + 1, sizeof(char *), 16) ||
        grow_array((void **)&st->rel_target, &st->rel_cap2, st->nrel + 1, sizeof(char *), 16)) {
        free(path);
        return;
    }
    st->rel_id[st->nrel] = strdup(id);
    st->rel_target[st->nrel++] = path;
}

/* ---- styles.xml ---------------------------------------------------------------------- */

static void XMLCALL sty_start(void *user, const char *name, const char **atts)
{
    book_state *st = user;
    const char *el = xlsx_local(name);
    if (strcmp(el, "cellXfs") == 0) st->in_cellxfs = 1;
    else if (strcmp(el, "numFmt") == 0) {
        const char *id = xlsx_attr(atts, "numFmtId"), *code = xlsx_attr(atts, "formatCode");
        if (!id || !code) return;
        if (grow_array((void **)&st->fmt_id, &st->fmt_cap, st->nfmt + 1, sizeof(int), 16) ||
            grow_array((void **)&st->fmt_code, &st->fmt_cap2, st->nfmt + 1, sizeof(char *), 16))
            return;
        st->fmt_id[st->nfmt] = atoi(id);
        st->fmt_code[st->nfmt++] = strdup(code);
    } else if (strcmp(el, "xf") == 0 && st->in_cellxfs) {
        const char *id = xlsx_attr(atts, "numFmtId");
        int fid = id ? atoi(id) : 0;
        const char *code = NULL;
        for (size_t i = 0; i < st->nfmt; i++)
            if (st->fmt_id[i] == fid) code = st->fmt_code[i];
        if (grow_array((void **)&st->b->xf_kind, &st->xf_cap, st->b->nxf + 1, 1, 16)) {
            xlsx_xml_fail(st->head.parser, st->head.err, "out of memory");
            return;
        }
        st->b->xf_kind[st->b->nxf++] = (uint8_t)xlsx_format_kind(fid, code);
    }
}

static void XMLCALL sty_end(void *user, const char *name)
{
    book_state *st = user;
    if (strcmp(xlsx_local(name), "cellXfs") == 0) st->in_cellxfs = 0;
}

/* ---- sharedStrings.xml --------------------------------------------------------------- */

static void XMLCALL sst_start(void *user, const char *name, const char **atts)
{
    (void)atts;
    book_state *st = user;
    const char *el = xlsx_local(name);
    if (strcmp(el, "si") == 0) {
        st->in_si = 1;
        st->text.len = 0;
        if (grow_buf_add(&st->text, "", 0, 64)) xlsx_xml_fail(st->head.parser, st->head.err, "out of memory");
    } else if (strcmp(el, "rPh") == 0) st->in_rph = 1; /* phonetic guide: not part of the text */
    else if (strcmp(el, "t") == 0) st->in_t = 1;
}

static void XMLCALL sst_end(void *user, const char *name)
{
    book_state *st = user;
    const char *el = xlsx_local(name);
    if (strcmp(el, "t") == 0) st->in_t = 0;
    else if (strcmp(el, "rPh") == 0) st->in_rph = 0;
    else if (strcmp(el, "si") == 0 && st->in_si) {
        xlsx_book *b = st->b;
        st->in_si = 0;
        if (grow_array((void **)&b->sst, &st->sst_cap, b->nsst + 1, sizeof(char *), 16) ||
            grow_array((void **)&b->sst_len, &st->sst_cap2, b->nsst + 1, sizeof(uint32_t), 16)) {
            xlsx_xml_fail(st->head.parser, st->head.err, "out of memory");
            return;
        }
        size_t n = xlsx_unescape(st->text.data, st->text.len);
        char *s = malloc(n + 1);
        if (!s) {
            xlsx_xml_fail(st->head.parser, st->head.err, "out of memory");
            return;
        }
        memcpy(s, st->text.data, n + 1);
        b->sst[b->nsst] = s;
        b->sst_len[b->nsst++] = (uint32_t)n;
    }
}

static void XMLCALL sst_text(void *user, const char *s, int len)
{
    book_state *st = user;
    if (st->in_si && st->in_t && !st->in_rph && grow_buf_add(&st->text, s, (size_t)len, 64))
        xlsx_xml_fail(st->head.parser, st->head.err, "out of memory");
}

/* Streams one part through a parser with the given handlers. */
static int parse_part(xlsx_zip *z, const char *part, book_state *st, XML_StartElementHandler start,
                      XML_EndElementHandler end, XML_CharacterDataHandler text, char err[XLSX_ERR])
{
    XML_Parser p = xlsx_xml_new(st);
    if (!p) {
        snprintf(err, XLSX_ERR, "out of memory");
        return -1;
    }
    XML_SetElementHandler(p, start, end);
    if (text) XML_SetCharacterDataHandler(p, text);
    int rc = xlsx_zip_parse(z, part, p, err);
    XML_ParserFree(p);
    return rc;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) free(v[i]);
    free(v);
}

int xlsx_book_read(xlsx_zip *z, xlsx_book *b, char err[XLSX_ERR])
{
    book_state st;
    memset(&st, 0, sizeof st);
    memset(b, 0, sizeof *b);
    st.b = b;
    st.head.err = err;
    int rc = -1;
    if (!xlsx_zip_has(z, "xl/workbook.xml")) {
        snprintf(err, XLSX_ERR, "a zip archive but not an .xlsx workbook (no xl/workbook.xml); save it as .xlsx "
                                "in Excel or LibreOffice");
        return -1;
    }
    if (parse_part(z, "xl/workbook.xml", &st, wb_start, NULL, NULL, err)) goto done;
    if (b->nsheets == 0) {
        snprintf(err, XLSX_ERR, "the workbook lists no sheets");
        goto done;
    }
    if (xlsx_zip_has(z, "xl/_rels/workbook.xml.rels") &&
        parse_part(z, "xl/_rels/workbook.xml.rels", &st, rel_start, NULL, NULL, err))
        goto done;
    b->sheet_parts = calloc(b->nsheets, sizeof(char *));
    if (!b->sheet_parts) goto done;
    for (size_t i = 0; i < b->nsheets; i++)
        for (size_t r = 0; r < st.nrel; r++)
            if (strcmp(st.rel_id[r], st.rids[i]) == 0) b->sheet_parts[i] = strdup(st.rel_target[r]);
    if (!b->styles_part && xlsx_zip_has(z, "xl/styles.xml")) b->styles_part = strdup("xl/styles.xml");
    if (!b->sst_part && xlsx_zip_has(z, "xl/sharedStrings.xml")) b->sst_part = strdup("xl/sharedStrings.xml");
    if (b->styles_part && parse_part(z, b->styles_part, &st, sty_start, sty_end, NULL, err)) goto done;
    if (b->sst_part && parse_part(z, b->sst_part, &st, sst_start, sst_end, sst_text, err)) goto done;
    rc = 0;
done:
    free_strings(st.rids, b->nsheets);
    free_strings(st.rel_id, st.nrel);
    free_strings(st.rel_target, st.nrel);
    free(st.fmt_id);
    free_strings(st.fmt_code, st.nfmt);
    free(st.text.data);
    return rc;
}

void xlsx_book_free(xlsx_book *b)
{
    free_strings(b->sheet_names, b->nsheets);
    free_strings(b->sheet_parts, b->nsheets);
    free(b->sst_part);
    free(b->styles_part);
    free(b->xf_kind);
    free_strings(b->sst, b->nsst);
    free(b->sst_len);
    memset(b, 0, sizeof *b);
}
