/* por_reader.c: tally's own reader of SPSS portable files (.por), used for every .por file
 * (libreadstat 1.1.8 rejects the files PSPP writes). Builds the dataset through the host table. */
#include "por_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Characters of the portable character set from code 64 on ('\0' where tally has no ASCII
 * or Latin-1 equivalent). Codes below 64 are control characters. */
static const char *const por_charset =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz "
    ".<(+|&[]!$*);^-/|,%_>?`:#@'=\"";

static const char *format_name(int type)
{
    static const char *const names[] = {
        [1] = "A", [2] = "AHEX", [3] = "COMMA", [4] = "DOLLAR", [5] = "F", [6] = "IB", [7] = "PIBHEX",
        [8] = "P", [9] = "PIB", [10] = "PK", [11] = "RB", [12] = "RBHEX", [15] = "Z", [16] = "N",
        [17] = "E", [20] = "DATE", [21] = "TIME", [22] = "DATETIME", [23] = "ADATE", [24] = "JDATE",
        [25] = "DTIME", [26] = "WKDAY", [27] = "MONTH", [28] = "MOYR", [29] = "QYR", [30] = "WKYR",
        [31] = "PCT", [32] = "DOT", [33] = "CCA", [34] = "CCB", [35] = "CCC", [36] = "CCD", [37] = "CCE",
        [38] = "EDATE", [39] = "SDATE", [40] = "MTIME", [41] = "YMDHMS"};
    if (type < 0 || type >= (int)(sizeof names / sizeof names[0]) || !names[type]) return NULL;
    return names[type];
}

static por_var *cur_var(por_reader *r, char tag)
{
    if (r->nvars == 0) {
        por_fail(r, "record '%c' comes before any variable", tag);
        return NULL;
    }
    return &r->vars[r->nvars - 1];
}

static int read_variable(por_reader *r)
{
    const tally_host *h = r->st->host;
    if (r->nvars == r->cap) {
        int cap = r->cap ? r->cap * 2 : 16;
        por_var *v = realloc(r->vars, (size_t)cap * sizeof *v);
        if (!v) {
            por_fail(r, "out of memory");
            return -1;
        }
        r->vars = v;
        r->cap = cap;
    }
    por_var *v = &r->vars[r->nvars];
    memset(v, 0, sizeof *v);
    int fmt[6];
    if (por_read_int(r, &v->width, "a variable's width") != 0) return -1;
    char *name = por_read_text(r, "a variable's name", 1);
    if (!name) return -1;
    size_t len = strlen(name);
    if (len >= sizeof v->name) { /* cut where a character starts, never inside one */
        len = sizeof v->name - 1;
        while (len > 0 && ((unsigned char)name[len] & 0xC0) == 0x80) len--;
    }
    memcpy(v->name, name, len);
    v->name[len] = '\0';
    free(name);
    r->nvars++;
    for (int i = 0; i < 6; i++)
        if (por_read_int(r, &fmt[i], "a variable's format") != 0) return -1;
    v->col = h->ds_add_column(r->st->ds, v->name, v->width ? TALLY_STRING : TALLY_NUMERIC);
    if (v->col < 0) {
        h->error(r->st->ctx, "%s: variable %d has the name '%s', which is empty or used by an earlier variable; "
                 "rename it in the program that wrote the file", r->st->path, r->nvars, v->name);
        r->failed = 1;
        return -1;
    }
    const char *fname = format_name(fmt[0]);
    if (fname) {
        char f[64];
        if (v->width) snprintf(f, sizeof f, "%s%d", fname, fmt[1]);
        else if (fmt[0] == 5 || fmt[0] == 3 || fmt[0] == 4 || fmt[0] == 17 || fmt[0] == 31 || fmt[0] == 32 ||
                 fmt[0] == 15 || fmt[0] == 16 || (fmt[0] >= 33 && fmt[0] <= 37) || fmt[2] > 0)
            snprintf(f, sizeof f, "%s%d.%d", fname, fmt[1], fmt[2]);
        else snprintf(f, sizeof f, "%s%d", fname, fmt[1]);
        h->var_set_format(r->st->ds, v->col, f, v->width ? v->width : fmt[1], fmt[2]);
        v->date = v->width ? RS_DATE_NONE : rs_date_kind_of(RS_POR, f);
        if (v->date != RS_DATE_NONE) h->var_set_date(r->st->ds, v->col, rs_date_tally_kind(v->date));
    } else if (v->width) {
        char f[32];
        snprintf(f, sizeof f, "A%d", v->width);
        h->var_set_format(r->st->ds, v->col, f, v->width, 0);
    }
    return 0;
}

/* Records 8, 9, A, B: missing values of the last variable. */
static int read_missing(por_reader *r, char tag)
{
    por_var *v = cur_var(r, tag);
    if (!v) return -1;
    double a = 0, b = 0;
    int sm;
    if (tag == '8') {
        if (v->width) {
            char *s = por_read_text(r, "a missing value", 1);
            if (!s) return -1;
            if (v->nmiss < 3) v->smiss[v->nmiss++] = s;
            else free(s);
            return 0;
        }
        if (por_read_number(r, &a, &sm, "a missing value") != 0) return -1;
        if (v->nmiss < 3) v->miss[v->nmiss++] = a;
        return 0;
    }
    if (v->width) {
        por_fail(r, "a missing-value range on the string variable '%s'", v->name);
        return -1;
    }
    if (por_read_number(r, &a, &sm, "a missing-value range") != 0) return -1;
    if (tag == 'B' && por_read_number(r, &b, &sm, "a missing-value range") != 0) return -1;
    if (tag == '9') {
        b = a;
        a = -HUGE_VAL;
    } else if (tag == 'A') {
        b = HUGE_VAL;
    }
    if (v->has_range) {
        r->st->host->log(r->st->ctx, TALLY_LOG_WARN, "%s: variable '%s': only one missing range is kept; %g THRU %g ignored",
                         r->st->path, v->name, a, b);
        return 0;
    }
    v->has_range = 1;
    v->lo = a;
    v->hi = b;
    return 0;
}

static por_var *find_var(por_reader *r, const char *name)
{
    for (int i = 0; i < r->nvars; i++)
        if (strcmp(r->vars[i].name, name) == 0) return &r->vars[i];
    return NULL;
}

static int read_value_labels(por_reader *r)
{
    const tally_host *h = r->st->host;
    int nv, nl;
    if (por_read_int(r, &nv, "a value-label record") != 0) return -1;
    if (nv > r->nvars) {
        por_fail(r, "a value-label record names %d variables, more than the %d declared", nv, r->nvars);
        return -1;
    }
    por_var **vs = calloc((size_t)nv + 1, sizeof *vs);
    if (!vs) {
        por_fail(r, "out of memory");
        return -1;
    }
    int rc = -1, is_string = -1;
    for (int i = 0; i < nv; i++) {
        char *name = por_read_text(r, "a value-label record", 1);
        if (!name) goto done;
        vs[i] = find_var(r, name);
        if (!vs[i]) {
            por_fail(r, "value labels for the unknown variable '%s'", name);
            free(name);
            goto done;
        }
        free(name);
        if (is_string < 0) is_string = vs[i]->width > 0;
    }
    if (por_read_int(r, &nl, "a value-label record") != 0) goto done;
    for (int k = 0; k < nl; k++) {
        double code = 0;
        char *scode = NULL;
        int sm;
        if (is_string > 0) {
            if (!(scode = por_read_text(r, "a value label", 1))) goto done;
        } else if (por_read_number(r, &code, &sm, "a value label") != 0) {
            goto done;
        }
        char *label = por_read_text(r, "a value label", 0);
        if (!label) {
            free(scode);
            goto done;
        }
        for (int i = 0; i < nv; i++) {
            if (scode && vs[i]->width) h->var_add_string_value_label(r->st->ds, vs[i]->col, scode, label);
            else if (!scode && !vs[i]->width && !sm)
                h->var_add_value_label(r->st->ds, vs[i]->col, rs_date_convert(vs[i]->date, code), label);
        }
        free(scode);
        free(label);
    }
    rc = 0;
done:
    free(vs);
    return rc;
}

static int is_user_missing(const por_var *v, double x)
{
    for (int i = 0; i < v->nmiss; i++)
        if (v->miss[i] == x) return 1;
    return v->has_range && x >= v->lo && x <= v->hi;
}

static int is_user_missing_string(const por_var *v, const char *s)
{
    for (int i = 0; i < v->nmiss; i++)
        if (strcmp(v->smiss[i], s) == 0) return 1;
    return 0;
}

static int read_data(por_reader *r)
{
    rs_state *st = r->st;
    const tally_host *h = st->host;
    size_t rows = 0, cap = 0;
    double **num = calloc((size_t)r->nvars + 1, sizeof *num);
    if (!num) {
        por_fail(r, "out of memory");
        return -1;
    }
    int rc = -1;
    for (;;) {
        por_skip_spaces(r);
        if (por_at_end(r)) {
            por_fail(r, "the data ends after %zu cases without its end mark", rows);
            goto done;
        }
        if (r->buf[r->pos] == 'Z' || r->nvars == 0) break;
        if (rows == cap) {
            cap = cap ? cap * 2 : 1024;
            if (h->ds_resize(st->ds, cap) != 0) {
                por_fail(r, "out of memory at case %zu", rows + 1);
                goto done;
            }
            for (int i = 0; i < r->nvars; i++)
                num[i] = r->vars[i].width ? NULL : h->ds_numeric_data(st->ds, r->vars[i].col);
        }
        for (int i = 0; i < r->nvars; i++) {
            por_var *v = &r->vars[i];
            char what[200];
            snprintf(what, sizeof what, "case %zu, variable '%s'", rows + 1, v->name);
            if (v->width) {
                char *s = por_read_text(r, what, 1);
                if (!s) goto done;
                if (!st->user_missing && is_user_missing_string(v, s)) s[0] = '\0';
                int bad = h->ds_set_string(st->ds, v->col, rows, s, strlen(s)) != 0;
                free(s);
                if (bad) {
                    por_fail(r, "out of memory at case %zu", rows + 1);
                    goto done;
                }
            } else {
                double x;
                int sm;
                if (por_read_number(r, &x, &sm, what) != 0) goto done;
                if (!sm && !st->user_missing && is_user_missing(v, x)) x = NAN;
                num[i][rows] = rs_date_convert(v->date, x);
            }
        }
        rows++;
    }
    if (h->ds_resize(st->ds, rows) != 0) {
        por_fail(r, "out of memory");
        goto done;
    }
    rc = 0;
done:
    free(num);
    return rc;
}

/* Declares the missing values collected for each variable (dates converted to days). */
static void apply_missing(por_reader *r)
{
    const tally_host *h = r->st->host;
    /* A blank string is a valid answer in SPSS unless declared missing; with user_missing
     * = false declared codes are read as blanks, so blanks are missing in those columns. */
    for (int i = 0; i < r->nvars; i++)
        if (r->vars[i].width && (r->st->user_missing || r->vars[i].nmiss == 0))
            h->var_set_blank_valid(r->st->ds, r->vars[i].col, 1);
    if (!r->st->user_missing) return;
    for (int i = 0; i < r->nvars; i++) {
        por_var *v = &r->vars[i];
        for (int k = 0; k < v->nmiss; k++) {
            if (v->width) h->var_add_missing_string(r->st->ds, v->col, v->smiss[k]);
            else h->var_add_missing(r->st->ds, v->col, rs_date_convert(v->date, v->miss[k]));
        }
        if (v->has_range)
            h->var_set_missing_range(r->st->ds, v->col, isinf(v->lo) ? v->lo : rs_date_convert(v->date, v->lo),
                                     isinf(v->hi) ? v->hi : rs_date_convert(v->date, v->hi));
    }
}

static int read_records(por_reader *r)
{
    /* Version, creation date and time. */
    if (por_at_end(r)) {
        por_fail(r, "the file ends after its header");
        return -1;
    }
    r->pos++;
    for (int i = 0; i < 2; i++) {
        char *s = por_read_string(r, NULL, "the creation date");
        if (!s) return -1;
        free(s);
    }
    for (;;) {
        por_skip_spaces(r);
        if (por_at_end(r)) {
            por_fail(r, "the file ends before its data");
            return -1;
        }
        char tag = (char)r->buf[r->pos++];
        int n;
        char *s;
        switch (tag) {
        case '1': case '2': case '3':
            if (!(s = por_read_string(r, NULL, "the product record"))) return -1;
            free(s);
            break;
        case '4':
            if (por_read_int(r, &n, "the variable count") != 0) return -1;
            break;
        case '5':
            if (por_read_int(r, &n, "the precision") != 0) return -1;
            break;
        case '6':
            if (!(s = por_read_text(r, "the weight variable", 1))) return -1;
            free(r->weight);
            r->weight = s;
            break;
        case '7':
            if (read_variable(r) != 0) return -1;
            break;
        case '8': case '9': case 'A': case 'B':
            if (read_missing(r, tag) != 0) return -1;
            break;
        case 'C': {
            por_var *v = cur_var(r, tag);
            if (!v || !(s = por_read_text(r, "a variable label", 0))) return -1;
            if (*s) r->st->host->var_set_label(r->st->ds, v->col, s);
            free(s);
            break;
        }
        case 'D':
            if (read_value_labels(r) != 0) return -1;
            break;
        case 'E':
            if (por_read_int(r, &n, "the document") != 0) return -1;
            for (int i = 0; i < n; i++) {
                if (!(s = por_read_string(r, NULL, "the document"))) return -1;
                free(s);
            }
            break;
        case 'F':
            return read_data(r);
        default:
            por_fail(r, "unknown record '%c' at byte %zu (after removing line breaks)", tag, r->pos - 1);
            return -1;
        }
    }
}

int rs_por_read(rs_state *st, const char *encoding)
{
    por_reader r;
    memset(&r, 0, sizeof r);
    r.st = st;
    r.encoding = encoding;
    FILE *f = fopen(st->path, "rb");
    if (!f) {
        st->host->error(st->ctx, "cannot open '%s': %s; check the input's path", st->path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *raw = malloc(cap);
    while (raw) {
        n += fread(raw + n, 1, cap - n, f);
        if (n < cap) break;
        unsigned char *g = realloc(raw, cap * 2);
        if (!g) {
            free(raw);
            raw = NULL;
            break;
        }
        raw = g;
        cap *= 2;
    }
    int ioerr = ferror(f);
    fclose(f);
    if (!raw || ioerr) {
        free(raw);
        st->host->error(st->ctx, "cannot read '%s': %s", st->path, raw ? "read error" : "out of memory");
        return -1;
    }
    /* Every line may gain padding up to 80 columns. */
    size_t room = n + (n / 2 + 1) * POR_LINE + 1;
    r.buf = malloc(room);
    if (!r.buf) {
        free(raw);
        st->host->error(st->ctx, "cannot read '%s': out of memory", st->path);
        return -1;
    }
    int rc = -1;
    r.len = por_deline(raw, n, ' ', r.buf);
    if (r.len < POR_TAG_AT + 8) {
        por_fail(&r, "the file ends inside its header");
        goto done;
    }
    /* The table names the file's byte for each portable code; map bytes back to codes. */
    unsigned char table[POR_TABLE];
    memcpy(table, r.buf + POR_HEADER, POR_TABLE);
    r.len = por_deline(raw, n, table[126], r.buf);
    int code_of[256];
    for (int i = 0; i < 256; i++) code_of[i] = -1;
    for (int i = 64; i < POR_TABLE; i++)
        if (code_of[table[i]] < 0) code_of[table[i]] = i;
    size_t nchars = strlen(por_charset);
    for (size_t i = POR_TAG_AT; i < r.len; i++) {
        int c = code_of[r.buf[i]];
        if (c >= 64 && (size_t)(c - 64) < nchars) r.buf[i] = (unsigned char)por_charset[c - 64];
        /* Bytes outside the table (e.g. the UTF-8 text PSPP writes) stay as they are. */
    }
    if (memcmp(r.buf + POR_TAG_AT, "SPSSPORT", 8) != 0) {
        por_fail(&r, "the tag SPSSPORT is missing after the character table");
        goto done;
    }
    r.pos = POR_TAG_AT + 8;
    if (read_records(&r) != 0) goto done;
    apply_missing(&r);
    if (r.weight) {
        por_var *w = find_var(&r, r.weight);
        if (w && !w->width) st->host->ds_set_weight(st->ds, w->col);
    }
    rc = 0;
done:
    if (r.failed) rc = -1;
    for (int i = 0; i < r.nvars; i++)
        for (int k = 0; k < r.vars[i].nmiss; k++) free(r.vars[i].smiss[k]);
    free(r.vars);
    free(r.weight);
    free(r.buf);
    free(raw);
    return rc;
}
