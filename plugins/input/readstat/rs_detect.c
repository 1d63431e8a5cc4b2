/* rs_detect.c: the readstat plugin's file formats: names, extensions and magic-byte sniffing. */
#include "rs_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const format_names[] = {"auto", "sav", "zsav", "por", "dta", "sas7bdat", "xpt"};

const char *rs_format_name(rs_format f)
{
    return (f >= RS_AUTO && f <= RS_XPT) ? format_names[f] : "auto";
}

const char *rs_format_title(rs_format f)
{
    static const char *const titles[] = {"a data file", "an SPSS system file (.sav)", "a compressed SPSS system file (.zsav)",
                                         "an SPSS portable file (.por)", "a Stata file (.dta)",
                                         "a SAS data set (.sas7bdat)", "a SAS transport file (.xpt)"};
    return (f >= RS_AUTO && f <= RS_XPT) ? titles[f] : titles[0];
}

rs_format rs_format_from_name(const char *name)
{
    if (!name) return RS_AUTO;
    for (int f = RS_SAV; f <= RS_XPT; f++)
        if (strcasecmp(name, format_names[f]) == 0) return (rs_format)f;
    return RS_AUTO;
}

rs_format rs_format_from_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash)) return RS_AUTO;
    return rs_format_from_name(dot + 1);
}

int rs_format_matches(rs_format f, rs_format sniffed)
{
    if (f == sniffed) return 1;
    /* ReadStat's sav parser reads both; an extension is only a hint between the two. */
    return (f == RS_SAV || f == RS_ZSAV) && (sniffed == RS_SAV || sniffed == RS_ZSAV);
}

/* Describes content no format claims, for the error message. */
static void describe_unknown(const unsigned char *b, size_t n, char *what, size_t whatsize)
{
    size_t printable = 0, nul = 0, seps = 0, newlines = 0;
    for (size_t i = 0; i < n; i++) {
        if (b[i] == 0) nul++;
        else if (b[i] == '\n') newlines++;
        else if (b[i] == ',' || b[i] == ';' || b[i] == '\t' || b[i] == '|') seps++;
        if (isprint(b[i]) || isspace(b[i]) || b[i] >= 0x80) printable++;
    }
    if (nul == 0 && printable == n)
        snprintf(what, whatsize, "%s", seps > 0 && (newlines > 0 || n < 512) ? "text that looks like CSV" : "plain text");
    else
        snprintf(what, whatsize, "binary data of an unknown kind");
}

int rs_sniff(const char *path, rs_format *sniffed, char *what, size_t whatsize, long *size)
{
    unsigned char b[1024];
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t n = fread(b, 1, sizeof b, f);
    int err = ferror(f);
    if (fseek(f, 0, SEEK_END) == 0) *size = ftell(f);
    else *size = (long)n;
    fclose(f);
    if (err) {
        errno = EIO;
        return -1;
    }
    *sniffed = RS_AUTO;
    if (n >= 4 && memcmp(b, "$FL2", 4) == 0) *sniffed = RS_SAV;
    else if (n >= 4 && memcmp(b, "$FL3", 4) == 0) *sniffed = RS_ZSAV;
    else if (n >= 11 && memcmp(b, "<stata_dta>", 11) == 0) *sniffed = RS_DTA;
    else if (n >= 4 && b[0] >= 104 && b[0] <= 115 && (b[1] == 1 || b[1] == 2) && b[2] == 1 && b[3] == 0)
        *sniffed = RS_DTA; /* Stata 8..13: version byte, byte order, filetype 1, unused 0 */
    else if (n >= 16 && memcmp(b + 12, "\xc2\xea\x81\x60", 4) == 0) *sniffed = RS_SAS7BDAT;
    else if (n >= 20 && memcmp(b, "HEADER RECORD*******", 20) == 0) *sniffed = RS_XPT;
    else if (n >= 464) {
        /* A portable file: 200 bytes of splash, a 256-byte character table, then
         * "SPSSPORT"; lines of 80 characters may add line ends in between. */
        for (size_t i = 440; i + 8 <= n && i < 520; i++)
            if (memcmp(b + i, "SPSSPORT", 8) == 0) {
                *sniffed = RS_POR;
                break;
            }
    }
    if (*sniffed == RS_AUTO) describe_unknown(b, n, what, whatsize);
    else snprintf(what, whatsize, "%s", rs_format_title(*sniffed));
    return 0;
}
