/* rowsplit.c: one row split slowly (header rows, sniffing), and a quoted field's text unquoted. */
#include "csv.h"

long csv_split_row(const csv_cfg *cfg, const char *p, const char *end, const char **starts, size_t *lens,
                   unsigned char *quoted, size_t max, const char **next, size_t *lines)
{
    const int lf = cfg->term == '\n';
    size_t nf = 0, nl = 0;
    for (;;) {
        const char *fs = p;
        int q = 0;
        if (p < end && *p == '"') {
            q = 1;
            for (p++;; p++) {
                if (p >= end) return -1;
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        p++;
                        continue;
                    }
                    p++;
                    break;
                }
                if (*p == cfg->term) nl++;
            }
        }
        while (p < end && *p != cfg->delim && *p != cfg->term &&
               !(lf && *p == '\r' && p + 1 < end && p[1] == '\n'))
            p++;
        if (nf < max) {
            starts[nf] = fs;
            lens[nf] = (size_t)(p - fs);
            quoted[nf] = (unsigned char)q;
        }
        nf++;
        if (p >= end) break;
        char ch = *p++;
        if (ch == cfg->delim) continue;
        if (lf && ch == '\r') p++;
        nl++;
        break;
    }
    *next = p;
    *lines = nl;
    return (long)nf;
}

size_t csv_unquote(const char *p, size_t len, char *out)
{
    size_t i = 0, o = 0;
    if (len && p[0] == '"') {
        for (i = 1; i < len;) {
            if (p[i] == '"') {
                if (i + 1 < len && p[i + 1] == '"') {
                    out[o++] = '"';
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            out[o++] = p[i++];
        }
    }
    while (i < len) out[o++] = p[i++];
    return o;
}
