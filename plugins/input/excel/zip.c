/* zip.c: the excel input plugin's archive access: parts inflated in a stream (minizip) with zip-bomb bounds, expat set-up. */
#include "xlsx_in.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <minizip/unzip.h>

#include "zip_member.h" /* the bounded stream of a part: shared with the csv and readstat plugins */


struct xlsx_zip {
    unzFile uf;
};

/* Names what a file that is not a zip archive looks like, for the error. */
static void not_zip_reason(const char *path, char err[XLSX_ERR])
{
    unsigned char head[8] = {0};
    size_t got = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, XLSX_ERR, "cannot open: %s; check the path (relative paths start at the config file's folder)",
                 strerror(errno));
        return;
    }
    got = fread(head, 1, sizeof head, f);
    fclose(f);
    if (got >= 8 && memcmp(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        snprintf(err, XLSX_ERR, "this is an Excel 97-2003 workbook (.xls), not .xlsx; save it as .xlsx (Excel "
                                "Workbook) in Excel or LibreOffice");
    else if (got >= 4 && memcmp(head, "PK\x03\x04", 4) == 0)
        snprintf(err, XLSX_ERR, "not a complete zip archive (truncated or damaged: no central directory); an .xlsx "
                                "is a zip archive: copy or download the file again");
    else if (got == 0)
        snprintf(err, XLSX_ERR, "the file is empty; export the workbook again or point 'path' at the right file");
    else
        snprintf(err, XLSX_ERR, "not an .xlsx workbook (not a zip archive); for CSV text use plugin = \"csv\"");
}

xlsx_zip *xlsx_zip_open(const char *path, char err[XLSX_ERR])
{
    unzFile uf = unzOpen64(path);
    if (!uf) {
        not_zip_reason(path, err);
        return NULL;
    }
    xlsx_zip *z = calloc(1, sizeof *z);
    if (!z) {
        unzClose(uf);
        snprintf(err, XLSX_ERR, "out of memory");
        return NULL;
    }
    z->uf = uf;
    return z;
}

void xlsx_zip_close(xlsx_zip *z)
{
    if (!z) return;
    unzClose(z->uf);
    free(z);
}

int xlsx_zip_has(xlsx_zip *z, const char *part)
{
    while (*part == '/') part++;
    return unzLocateFile(z->uf, part, 2 /* case-insensitive */) == UNZ_OK;
}

/* The XML parser as the sink of a part's inflated bytes. */
typedef struct xml_sink {
    XML_Parser parser;
    const char *part;
    char *err;
} xml_sink;

static int to_parser(void *user, const char *buf, size_t n, int last)
{
    xml_sink *x = user;
    if (XML_Parse(x->parser, buf, (int)n, last) == XML_STATUS_OK) return 0;
    if (!x->err[0])
        snprintf(x->err, XLSX_ERR, "part '%s' is not well-formed XML (line %lu: %s); re-save the workbook in Excel or "
                                   "LibreOffice", x->part, (unsigned long)XML_GetCurrentLineNumber(x->parser),
                 XML_ErrorString(XML_GetErrorCode(x->parser)));
    return -1;
}

uint64_t xlsx_zip_size(xlsx_zip *z, const char *part)
{
    unz_file_info64 info;
    while (*part == '/') part++;
    if (unzLocateFile(z->uf, part, 2) != UNZ_OK || unzGetCurrentFileInfo64(z->uf, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK)
        return 0;
    return info.uncompressed_size;
}

int xlsx_zip_parse(xlsx_zip *z, const char *part, XML_Parser parser, char err[XLSX_ERR])
{
    xml_sink x = {parser, part, err};
    return xlsx_zip_stream(z, part, to_parser, &x, err);
}

int xlsx_zip_stream(xlsx_zip *z, const char *part, xlsx_sink sink, void *user, char err[XLSX_ERR])
{
    int zerr = 0;
    switch (zipm_stream(z->uf, part, sink, user, &zerr)) {
    case ZIPM_OK: return 0;
    case ZIPM_SINK: return -1;
    case ZIPM_MISSING:
        snprintf(err, XLSX_ERR, "the workbook has no part '%s'; it is damaged: re-save it in Excel or LibreOffice",
                 part);
        return -1;
    case ZIPM_OPEN:
        snprintf(err, XLSX_ERR, "cannot open part '%s' of the zip archive (damaged or encrypted); re-save the "
                                "workbook without a password", part);
        return -1;
    case ZIPM_BOMB:
        snprintf(err, XLSX_ERR, "part '%s' inflates to more than %u times its compressed size (a zip bomb?); "
                                "tally refuses it: re-save the workbook in Excel or LibreOffice", part, ZIPM_MAX_RATIO);
        return -1;
    case ZIPM_CRC:
        snprintf(err, XLSX_ERR, "part '%s' of the zip archive fails its checksum (damaged); copy or download the "
                                "workbook again", part);
        return -1;
    case ZIPM_NOMEM: snprintf(err, XLSX_ERR, "out of memory"); return -1;
    default:
        snprintf(err, XLSX_ERR, "part '%s' of the zip archive is damaged or truncated (zip error %d); copy or "
                                "download the workbook again", part, zerr);
        return -1;
    }
}

/* ---- expat ------------------------------------------------------------------------ */


static void XMLCALL refuse_doctype(void *user, const XML_Char *name, const XML_Char *sys, const XML_Char *pub,
                                   int internal)
{
    (void)name, (void)sys, (void)pub, (void)internal;
    xlsx_xml_head *head = user;
    xlsx_xml_fail(head->parser, head->err, "the workbook's XML declares a DTD (its entities could expand without bound); tally "
                          "refuses it: re-save the workbook in Excel or LibreOffice");
}

static void XMLCALL refuse_entity(void *user, const XML_Char *name, int pe, const XML_Char *value, int len,
                                  const XML_Char *base, const XML_Char *sys, const XML_Char *pub,
                                  const XML_Char *notation)
{
    (void)name, (void)pe, (void)value, (void)len, (void)base, (void)sys, (void)pub, (void)notation;
    refuse_doctype(user, NULL, NULL, NULL, 0);
}

XML_Parser xlsx_xml_new(void *user)
{
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!p) return NULL;
    ((xlsx_xml_head *)user)->parser = p;
    XML_SetUserData(p, user);
    XML_SetStartDoctypeDeclHandler(p, refuse_doctype);
    XML_SetEntityDeclHandler(p, refuse_entity);
    return p;
}

void xlsx_xml_fail(XML_Parser p, char *err, const char *fmt, ...)
{
    if (!err[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, XLSX_ERR, fmt, ap);
        va_end(ap);
    }
    XML_StopParser(p, XML_FALSE);
}

const char *xlsx_local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

const char *xlsx_attr(const char **atts, const char *local)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(xlsx_local(atts[i]), local) == 0) return atts[i + 1];
    return NULL;
}
