/* zip.c: the excel input plugin's archive access: parts inflated in a stream (minizip) with zip-bomb bounds, expat set-up. */
#include "xlsx_in.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <minizip/unzip.h>

#define XLSX_STEP (1u << 16)
/* A part may inflate to at most this many times its compressed size once past
 * XLSX_RATIO_FREE bytes (real sheets stay far below: their XML compresses about 10:1). */
#define XLSX_MAX_RATIO 250u
#define XLSX_RATIO_FREE (1u << 20)
#define XLSX_MAX_PART ((uint64_t)8 << 30) /* no part larger than 8 GiB, whatever its header says */

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

static int locate(xlsx_zip *z, const char *part)
{
    while (*part == '/') part++;
    return unzLocateFile(z->uf, part, 2 /* case-insensitive */) == UNZ_OK;
}

int xlsx_zip_has(xlsx_zip *z, const char *part)
{
    return locate(z, part);
}

int xlsx_zip_parse(xlsx_zip *z, const char *part, XML_Parser parser, char err[XLSX_ERR])
{
    if (!locate(z, part)) {
        snprintf(err, XLSX_ERR, "the workbook has no part '%s'; it is damaged: re-save it in Excel or LibreOffice",
                 part);
        return -1;
    }
    unz_file_info64 info;
    if (unzGetCurrentFileInfo64(z->uf, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK ||
        unzOpenCurrentFile(z->uf) != UNZ_OK) {
        snprintf(err, XLSX_ERR, "cannot open part '%s' of the zip archive (damaged or encrypted); re-save the "
                                "workbook without a password", part);
        return -1;
    }
    char *buf = malloc(XLSX_STEP);
    uint64_t total = 0, packed = info.compressed_size ? info.compressed_size : 1;
    int rc = 0;
    if (!buf) {
        snprintf(err, XLSX_ERR, "out of memory");
        unzCloseCurrentFile(z->uf);
        return -1;
    }
    for (;;) {
        int got = unzReadCurrentFile(z->uf, buf, XLSX_STEP);
        if (got < 0) {
            snprintf(err, XLSX_ERR, "part '%s' of the zip archive is damaged or truncated (zip error %d); copy or "
                                    "download the workbook again", part, got);
            rc = -1;
            break;
        }
        total += (uint64_t)got;
        if (total > XLSX_MAX_PART || (total > XLSX_RATIO_FREE && total / packed > XLSX_MAX_RATIO)) {
            snprintf(err, XLSX_ERR, "part '%s' inflates to more than %u times its compressed size (a zip bomb?); "
                                    "tally refuses it: re-save the workbook in Excel or LibreOffice", part,
                     XLSX_MAX_RATIO);
            rc = -1;
            break;
        }
        int last = got == 0;
        if (XML_Parse(parser, buf, got, last) != XML_STATUS_OK) {
            if (!err[0])
                snprintf(err, XLSX_ERR, "part '%s' is not well-formed XML (line %lu: %s); re-save the workbook in "
                                        "Excel or LibreOffice", part, (unsigned long)XML_GetCurrentLineNumber(parser),
                         XML_ErrorString(XML_GetErrorCode(parser)));
            rc = -1;
            break;
        }
        if (last) break;
    }
    free(buf);
    int crc = unzCloseCurrentFile(z->uf);
    if (rc == 0 && crc == UNZ_CRCERROR) {
        snprintf(err, XLSX_ERR, "part '%s' of the zip archive fails its checksum (damaged); copy or download the "
                                "workbook again", part);
        rc = -1;
    }
    return rc;
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
