/* test_csv_kernels.c: the csv tokenizer's classification kernels (portable, SSE2, AVX2) read every file alike, and as the grammar says. */
#include "check.h"
#include "dataset_diff.h"
#include "dataset.h"
#include "host.h"
#include "util.h"
#include "../../plugins/input/csv/csv_read.h"
#include "../../plugins/input/csv/csv.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Three layers: the masks each kernel gives for random blocks; every CSV file of
 * the test corpus and the samples read with each kernel, compared cell by cell;
 * random files written from known cells (quotes, doubled quotes, CRLF, line ends
 * and delimiters inside quotes, quotes the grammar reads as text, at every
 * offset in the 64-byte block and its 16/32-byte lanes) read back with each
 * kernel, one and three threads, and compared with the cells they were written from.
 */

static uint64_t rng = 0x9E3779B97F4A7C15u;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static csv_kernel_id kernels[CSV_KERNEL_COUNT];
static size_t nkernels;

/* ---- masks ------------------------------------------------------------------------ */

static uint64_t naive_prefix_xor(uint64_t q)
{
    uint64_t out = 0, acc = 0;
    for (int i = 0; i < 64; i++) {
        acc ^= (q >> i) & 1;
        out |= acc << i;
    }
    return out;
}

static void check_masks(void)
{
    static const char pool[] = {',', ';', '\t', '|', '"', '"', '\n', '\r', 'a', '1', ' ', (char)0xC3, (char)0x80, '\0'};
    static const char delims[] = {',', ';', '\t', '|'};
    char block[64 + 64];
    size_t bad = 0, runs = 0;
    for (int it = 0; it < 20000; it++) {
        for (int i = 0; i < 128; i++) block[i] = pool[rnd(sizeof pool)];
        char delim = delims[rnd(4)], term = rnd(4) ? '\n' : '\r';
        const char *p = block + rnd(64); /* every alignment */
        csv_masks want;
        csv_kernel_fn(CSV_KERNEL_PORTABLE)(p, delim, term, &want);
        if (want.inq != naive_prefix_xor(want.quotes)) bad++;
        uint64_t dirty = 0; /* the bytes the text check looks at, one by one */
        for (int i = 0; i < 64; i++) dirty |= (uint64_t)((unsigned char)p[i] >= 0x80 || p[i] == 0) << i;
        if (want.dirty != dirty) bad++;
        for (size_t k = 0; k < nkernels; k++) {
            csv_masks got;
            csv_kernel_fn(kernels[k])(p, delim, term, &got);
            runs++;
            if (memcmp(&got, &want, sizeof got) != 0) bad++;
        }
    }
    CHECK(bad == 0 && runs > 0, "every kernel gives the portable masks on %zu random blocks, the prefix XOR "
                                "is the quote parity, and the bytes to check are those above 0x7F or NUL (%zu differ)",
          runs, bad);
    uint64_t x = 0x8000000000000001u;
    CHECK(csv_prefix_xor(x) == 0x7FFFFFFFFFFFFFFFu,
          "prefix XOR of bits 0 and 63: bits 0..62 inside");
}

/* ---- reading ---------------------------------------------------------------------- */

typedef struct read_result {
    tally_dataset *ds; /* NULL on error */
    char err[1024];
} read_result;

static char force_delim; /* the random files' delimiter (0: detected) */
static const char *force_missing[3]; /* missing tokens, NULL-ended */
static size_t force_max_field; /* max_field_bytes (0: 16 MiB); under 64 the one-pass row is off */

static read_result read_with(csv_kernel_id k, const char *path, int threads, int skip_ragged)
{
    read_result rr;
    memset(&rr, 0, sizeof rr);
    csv_settings s;
    memset(&s, 0, sizeof s);
    s.path = path;
    s.header_rows = 1;
    s.max_field = force_max_field ? force_max_field : 16u << 20;
    s.threads = threads;
    s.skip_ragged = skip_ragged;
    s.delim = force_delim;
    for (size_t i = 0; force_missing[i]; i++) s.missing[s.nmissing++] = force_missing[i];
    csv_kernel_override(k);
    tally_ctx *ctx = tally_ctx_new("kernels");
    tally_dataset *ds = tally_dataset_new("kernels");
    if (csv_read_file(tally_host_get(), ctx, &s, ds) == 0) {
        rr.ds = ds;
    } else {
        snprintf(rr.err, sizeof rr.err, "%s", tally_ctx_error(ctx) ? tally_ctx_error(ctx) : "(no message)");
        tally_dataset_free(ds);
    }
    tally_ctx_free(ctx);
    csv_kernel_override(CSV_KERNEL_COUNT);
    return rr;
}

/* The first difference between two reads, or NULL when they are the same cell by cell. */
static const char *differ(const read_result *a, const read_result *b, char *why, size_t size)
{
    if (!a->ds || !b->ds) {
        if (a->ds || b->ds || strcmp(a->err, b->err) != 0) {
            snprintf(why, size, "errors differ: '%.300s' / '%.300s'", a->err, b->err);
            return why;
        }
        return NULL;
    }
    return dataset_diff(a->ds, b->ds, why, size);
}

static void result_free(read_result *rr)
{
    if (rr->ds) tally_dataset_free(rr->ds);
    rr->ds = NULL;
}

/* Every kernel reads `path` as the portable one does (threads 1 and 3). 1 when they agree. */
static int kernels_agree(const char *path, char *why, size_t size)
{
    for (int threads = 1; threads <= 3; threads += 2) {
        read_result want = read_with(CSV_KERNEL_PORTABLE, path, threads, 0);
        for (size_t k = 0; k < nkernels; k++) {
            read_result got = read_with(kernels[k], path, threads, 0);
            const char *d = differ(&want, &got, why, size);
            result_free(&got);
            if (d) {
                result_free(&want);
                return 0;
            }
        }
        result_free(&want);
    }
    return 1;
}

/* ---- the corpus ------------------------------------------------------------------- */

static size_t corpus_files, corpus_bad;

static void walk(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            walk(path);
            continue;
        }
        size_t n = strlen(path);
        /* the generated benchmark files (100+ MB) are left to make bench */
        if (n < 4 || strcmp(path + n - 4, ".csv") != 0 || st.st_size > (8 << 20)) continue;
        char why[1400];
        corpus_files++;
        if (!kernels_agree(path, why, sizeof why)) {
            corpus_bad++;
            printf("# %s: %s\n", path, why);
        }
    }
    closedir(d);
}

/* ---- random files from known cells -------------------------------------------------- */

enum { COL_CODE, COL_NUM, COL_TEXT };
#define NCOLS 9
static const int col_kind[NCOLS] = {COL_CODE, COL_TEXT, COL_CODE, COL_NUM, COL_TEXT, COL_CODE, COL_TEXT, COL_CODE,
                                    COL_TEXT};

/* A text cell with a letter (so its column stays text), written to file `f` as one of the
 * forms the grammar reads, its value to `v`. */
static void text_cell(sbuf *f, sbuf *v, char delim)
{
    static const char *const words[] = {"a", "Köln", "x y", "中文", "=1+2", "@home", "- note"};
    char d[2] = {delim, 0};
    switch (rnd(9)) {
    case 0: /* empty */
        break;
    case 1: case 2: { /* plain, with spaces */
        const char *w = words[rnd(7)];
        sbuf_puts(f, w);
        sbuf_puts(v, w);
        for (unsigned i = rnd(40); i; i--) sbuf_add(f, "z", 1), sbuf_add(v, "z", 1);
        break;
    }
    case 3: case 4: { /* quoted, holding delimiters, line ends, CRLF and doubled quotes */
        sbuf_puts(f, "\"");
        sbuf_puts(v, "b");
        sbuf_puts(f, "b");
        for (unsigned i = rnd(70); i; i--) {
            switch (rnd(6)) {
            case 0: sbuf_puts(f, d); sbuf_puts(v, d); break;
            case 1: sbuf_puts(f, "\n"); sbuf_puts(v, "\n"); break;
            case 2: sbuf_puts(f, "\r\n"); sbuf_puts(v, "\r\n"); break;
            case 3: sbuf_puts(f, "\"\""); sbuf_puts(v, "\""); break;
            default: sbuf_puts(f, "q"); sbuf_puts(v, "q"); break;
            }
        }
        sbuf_puts(f, "\"");
        break;
    }
    case 5: /* a quote inside an unquoted field is text: 5" screen */
        sbuf_puts(f, "5\" screen");
        sbuf_puts(v, "5\" screen");
        break;
    case 6: /* text after a closing quote is kept: "ab"c -> abc */
        sbuf_puts(f, "\"a,b\"c");
        sbuf_puts(v, "a,bc");
        break;
    case 7: /* a quoted field that is all quotes */
        sbuf_puts(f, "\"x\"\"\"\"\"");
        sbuf_puts(v, "x\"\"");
        break;
    default: { /* long plain text crossing blocks */
        sbuf_puts(f, "long");
        sbuf_puts(v, "long");
        for (unsigned i = rnd(150); i; i--) sbuf_add(f, "y", 1), sbuf_add(v, "y", 1);
        break;
    }
    }
}

/* Writes a random file with `rows` rows to a temporary path; the expected cells in
 * want[row * NCOLS + col] (strings; "" for an empty cell). */
static char *random_file(size_t rows, char delim, char ***want)
{
    sbuf f;
    sbuf_init(&f);
    char d[2] = {delim, 0};
    *want = xcalloc(rows * NCOLS, sizeof **want);
    for (int c = 0; c < NCOLS; c++) {
        char name[16];
        snprintf(name, sizeof name, "%sc%d", c ? d : "", c);
        sbuf_puts(&f, name);
    }
    sbuf_puts(&f, "\n");
    for (size_t r = 0; r < rows; r++) {
        for (int c = 0; c < NCOLS; c++) {
            if (c) sbuf_puts(&f, d);
            sbuf v;
            sbuf_init(&v);
            sbuf_puts(&v, "");
            char num[32];
            /* codes and numbers are sometimes quoted, as survey platforms write every field ("" empty) */
            const char *quote = rnd(4) ? "" : "\"";
            if (col_kind[c] == COL_CODE) {
                if (rnd(8)) {
                    snprintf(num, sizeof num, "%s%u%s", quote, rnd(c == 0 ? 3 : 120), quote);
                    sbuf_puts(&f, num);
                    sbuf_puts(&v, num + (*quote != 0));
                    if (*quote) v.data[--v.len] = 0;
                } else {
                    sbuf_puts(&f, *quote ? "\"\"" : "");
                }
            } else if (col_kind[c] == COL_NUM) {
                if (rnd(8)) {
                    snprintf(num, sizeof num, "%s%u.%02u%s", quote, rnd(100000), rnd(100), quote);
                    sbuf_puts(&f, num);
                    sbuf_puts(&v, num + (*quote != 0));
                    if (*quote) v.data[--v.len] = 0;
                } else {
                    sbuf_puts(&f, *quote ? "\"\"" : "");
                }
            } else {
                text_cell(&f, &v, delim);
            }
            (*want)[r * NCOLS + (size_t)c] = sbuf_take(&v);
        }
        sbuf_puts(&f, rnd(3) ? "\n" : "\r\n");
        if (!rnd(40)) sbuf_puts(&f, rnd(2) ? "\n" : "\r\n"); /* a blank line: no row */
    }
    char *path = xstrdup("/tmp/tally-csv-kernels.XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, f.data, f.len) != (ssize_t)f.len) {
        printf("not ok - cannot write a temporary file\n");
        exit(1);
    }
    close(fd);
    sbuf_free(&f);
    return path;
}

/* The dataset holds the cells the file was written from; NULL, or the first difference. */
static const char *matches_cells(const read_result *rr, char **want, size_t rows, char *why, size_t size)
{
    if (!rr->ds) {
        snprintf(why, size, "error: %.600s", rr->err);
        return why;
    }
    if (rr->ds->nrows != rows || rr->ds->ncols != NCOLS) {
        snprintf(why, size, "shape %zux%zu, want %zux%d", rr->ds->nrows, rr->ds->ncols, rows, NCOLS);
        return why;
    }
    for (size_t r = 0; r < rows; r++) {
        for (int c = 0; c < NCOLS; c++) {
            const tally_column *col = rr->ds->cols[c];
            const char *w = want[r * NCOLS + (size_t)c];
            int same;
            if (col->type == TALLY_STRING) {
                same = strcmp(tally_column_string(col, r), w) == 0;
            } else {
                double x = tally_col_num(col, r);
                same = *w ? x == strtod(w, NULL) : x != x;
            }
            if (!same) {
                snprintf(why, size, "row %zu, column %d: want '%.60s'", r + 1, c, w);
                return why;
            }
        }
    }
    return NULL;
}

static void check_random_files(void)
{
    static const char delims[] = {',', ';', '\t', '|'};
    size_t files = 0, bad = 0, disagree = 0;
    for (int it = 0; it < 24; it++) {
        size_t rows = 200 + rnd(1500);
        char delim = delims[it % 4], **want;
        char *path = random_file(rows, delim, &want);
        force_delim = delim;
        for (int threads = 1; threads <= 3; threads += 2) {
            read_result base = read_with(CSV_KERNEL_PORTABLE, path, threads, 0);
            char why[1400];
            if (matches_cells(&base, want, rows, why, sizeof why)) {
                bad++;
                printf("# random file %d (delimiter %d, %d threads), portable: %s\n", it, delim, threads, why);
            }
            for (size_t k = 0; k < nkernels; k++) {
                read_result got = read_with(kernels[k], path, threads, 0);
                if (differ(&base, &got, why, sizeof why)) {
                    disagree++;
                    printf("# random file %d, %s against portable: %s\n", it, csv_kernel_name(kernels[k]), why);
                }
                result_free(&got);
            }
            result_free(&base);
        }
        force_delim = 0;
        files++;
        for (size_t i = 0; i < rows * NCOLS; i++) free(want[i]);
        free(want);
        unlink(path);
        free(path);
    }
    CHECK(bad == 0, "%zu random files (quotes, doubled quotes, CRLF, line ends and delimiters inside quotes, "
                    "5\" and \"ab\"c) read back as the cells they were written from", files);
    CHECK(disagree == 0, "every kernel reads the %zu random files as the portable one, on 1 and 3 threads", files);
}

/* A row error after quoted multi-line fields names the same physical line with every kernel. */
static void check_error_lines(void)
{
    sbuf f;
    sbuf_init(&f);
    sbuf_puts(&f, "a,b,c\n");
    size_t line = 2;
    for (int r = 0; r < 300; r++) {
        sbuf_puts(&f, "1,\"two\nlines, \"\"quoted\"\"\",3\n");
        line += 2;
    }
    sbuf_puts(&f, "1,2\n");
    for (int r = 0; r < 10; r++) sbuf_puts(&f, "1,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,3\n");
    char *path = xstrdup("/tmp/tally-csv-kernels.XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, f.data, f.len) != (ssize_t)f.len) exit(1);
    close(fd);
    char want[64];
    snprintf(want, sizeof want, ":%zu: row has 2 fields, the header has 3", line);
    for (size_t k = 0; k < nkernels; k++) {
        read_result rr = read_with(kernels[k], path, 1, 0);
        CHECK(!rr.ds && strstr(rr.err, want), "%s: the ragged row after 300 two-line quoted rows is line %zu",
              csv_kernel_name(kernels[k]), line);
        if (rr.ds || !strstr(rr.err, want)) printf("#   got: %s\n", rr.err);
        result_free(&rr);
    }
    unlink(path);
    free(path);
    sbuf_free(&f);
}

/* Missing tokens that are numbers ("9", "-9") in code and number columns: the one-pass row
 * compares fields with them first, so "9" is missing even where 9.0 was read as a value. */
static void check_missing_tokens(void)
{
    sbuf f;
    sbuf_init(&f);
    sbuf_puts(&f, "code,num,text\n9.0,1.5,a\n");
    size_t rows = 1500;
    for (size_t r = 1; r < rows; r++) {
        static const char *const codes[] = {"1", "2", "9", "-9", "", "3"};
        char line[96];
        unsigned ci = (unsigned)(r % 6), ni = (unsigned)(r % 7);
        snprintf(line, sizeof line, "%s,%s,t%zu\n", codes[ci], ni == 3 ? "-9" : ni == 4 ? "" : "2.25", r);
        sbuf_puts(&f, line);
    }
    char *path = xstrdup("/tmp/tally-csv-kernels.XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, f.data, f.len) != (ssize_t)f.len) exit(1);
    close(fd);
    force_missing[0] = "9";
    force_missing[1] = "-9";
    for (size_t k = 0; k < nkernels; k++) {
        read_result rr = read_with(kernels[k], path, 1, 0);
        size_t bad = 0;
        for (size_t r = 0; rr.ds && r < rows; r++) {
            double c = tally_col_num(rr.ds->cols[0], r), x = tally_col_num(rr.ds->cols[1], r);
            unsigned ci = (unsigned)(r % 6), ni = (unsigned)(r % 7);
            double wc = r == 0 ? 9 : ci == 0 ? 1 : ci == 1 ? 2 : ci == 5 ? 3 : NAN;
            double wx = r == 0 ? 1.5 : (ni == 3 || ni == 4) ? NAN : 2.25;
            if (!((c == wc) || (c != c && wc != wc)) || !((x == wx) || (x != x && wx != wx))) bad++;
        }
        CHECK(rr.ds && bad == 0, "%s: missing = { \"9\", \"-9\" }: 9 and -9 are missing in a code column that read "
                                 "9.0 as 9, and -9 in a number column (%zu rows wrong)", csv_kernel_name(kernels[k]), bad);
        result_free(&rr);
    }
    force_missing[0] = force_missing[1] = NULL;
    unlink(path);
    free(path);
    sbuf_free(&f);
}

/* ---- runs of one-digit codes -------------------------------------------------------- */

/* One cell of the one-digit file: mostly a digit, sometimes what ends a run of them (empty,
 * two digits, a quoted digit, a value new to its column, text in a column that is text). */
static void digit_cell(sbuf *f, size_t col, size_t row)
{
    unsigned u = rnd(100);
    if (col % 23 == 7 && u < 3) sbuf_puts(f, "x");               /* this column turns text */
    else if (u < 4) sbuf_puts(f, "");                             /* missing */
    else if (u < 6) sbuf_printf(f, "%u", 10 + rnd(90));            /* two digits */
    else if (u < 8) sbuf_printf(f, "\"%u\"", rnd(10));             /* a quoted digit */
    else if (u < 9 && row > 500) sbuf_printf(f, "%u", 5 + rnd(5)); /* late: values new to small columns */
    else sbuf_printf(f, "%u", col % 5 == 0 && row < 500 ? rnd(3) : rnd(10));
}

/* Files of 70 columns mostly of one-digit codes (runs that cross the 64-byte blocks, stop at a
 * new value, an empty or longer field, a quote, text, a row's end, a ragged row's extra field)
 * read with the one-pass row alike as with the general loop alone (max_field_bytes 63). */
static void check_digit_runs(void)
{
    size_t files = 0, disagree = 0;
    for (int it = 0; it < 6; it++) {
        const size_t ncols = 70, rows = 1200 + rnd(800);
        sbuf f;
        sbuf_init(&f);
        for (size_t k = 0; k < ncols; k++) sbuf_printf(&f, "%sc%zu", k ? "," : "", k);
        sbuf_puts(&f, "\n");
        for (size_t r = 0; r < rows; r++) {
            size_t n = it % 2 && rnd(300) == 0 ? ncols + 1 : ncols; /* odd files: ragged rows to skip */
            for (size_t k = 0; k < n; k++) {
                if (k) sbuf_putc(&f, ',');
                digit_cell(&f, k, r);
            }
            sbuf_puts(&f, it % 3 == 2 ? "\r\n" : "\n");
        }
        char *path = xstrdup("/tmp/tally-csv-kernels.XXXXXX");
        int fd = mkstemp(path);
        if (fd < 0 || write(fd, f.data, f.len) != (ssize_t)f.len) exit(1);
        close(fd);
        force_delim = ',';
        for (int threads = 1; threads <= 3; threads += 2) {
            force_max_field = 63;
            read_result want = read_with(CSV_KERNEL_PORTABLE, path, threads, it % 2);
            force_max_field = 0;
            for (size_t k = 0; k < nkernels; k++) {
                read_result got = read_with(kernels[k], path, threads, it % 2);
                char why[1400];
                if (!want.ds || differ(&want, &got, why, sizeof why)) {
                    disagree++;
                    printf("# one-digit file %d, %s, %d threads: %s\n", it, csv_kernel_name(kernels[k]), threads,
                           want.ds ? why : want.err);
                }
                result_free(&got);
            }
            result_free(&want);
        }
        force_delim = 0;
        files++;
        unlink(path);
        free(path);
        sbuf_free(&f);
    }
    CHECK(disagree == 0, "%zu files of one-digit codes in 70 columns read alike with the one-pass row (every "
                         "kernel) and with the general loop alone, on 1 and 3 threads", files);
}

/* f's text in a new temporary file: its path (the caller unlinks and frees it); exits when it cannot be written. */
static char *temp_csv(const sbuf *f)
{
    char *path = xstrdup("/tmp/tally-csv-kernels.XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, f->data, f->len) != (ssize_t)f->len) exit(1);
    close(fd);
    return path;
}

/* How many kernels read path (on `threads` threads) with some cell wrong, as wrong_cells counts them
 * (a failed read counts); each such kernel's count printed as a comment naming `what`. */
static size_t kernels_wrong(const char *path, int threads, const char *what,
                            size_t (*wrong_cells)(const tally_dataset *ds, const void *arg), const void *arg)
{
    size_t bad = 0;
    for (size_t k = 0; k < nkernels; k++) {
        read_result got = read_with(kernels[k], path, threads, 0);
        size_t wrong = got.ds ? wrong_cells(got.ds, arg) : 1;
        if (wrong) printf("# %s, %s, %d threads: %zu cells differ\n", what, csv_kernel_name(kernels[k]), threads, wrong);
        bad += wrong != 0;
        result_free(&got);
    }
    return bad;
}

/* ---- codes renumbered in the merge --------------------------------------------------------- */

/* Columns of 2, 7, 8, 15, 16 and 17 values (first seen from the largest down, so every
 * chunk's codes are renumbered; some cells empty) read alike by every kernel, on 1 and 3
 * threads, and as written: the AVX2 read renumbers columns of up to 16 values by a byte
 * shuffle, the others by compares (up to 7) or a lookup a cell. */
enum { CODE_MAP_COLS = 6, CODE_MAP_ROWS = 3000 };
/* The cells of ds that are not what want (-1: empty) says. */
static size_t code_map_cells(const tally_dataset *ds, const void *arg)
{
    const int(*want)[CODE_MAP_COLS] = arg;
    const tally_host *h = tally_host_get();
    size_t wrong = 0;
    for (size_t r = 0; r < CODE_MAP_ROWS; r++)
        for (size_t c = 0; c < CODE_MAP_COLS; c++) {
            double x = h->ds_number((tally_dataset *)ds, (int)c, r);
            wrong += want[r][c] < 0 ? !isnan(x) : x != want[r][c] * 3 + 1;
        }
    return wrong;
}

static void check_code_maps(void)
{
    static const unsigned nvals[CODE_MAP_COLS] = {2, 7, 8, 15, 16, 17};
    enum { NC = CODE_MAP_COLS, ROWS = CODE_MAP_ROWS };
    sbuf f;
    sbuf_init(&f);
    for (size_t k = 0; k < NC; k++) sbuf_printf(&f, "%sv%u", k ? "," : "", nvals[k]);
    sbuf_puts(&f, "\n");
    static int want[ROWS][NC]; /* -1: empty */
    for (size_t r = 0; r < ROWS; r++) {
        for (size_t k = 0; k < NC; k++) {
            int v = r < nvals[k] ? (int)(nvals[k] - 1 - r) : rnd(20) == 0 ? -1 : (int)rnd(nvals[k]);
            want[r][k] = v;
            if (k) sbuf_putc(&f, ',');
            if (v >= 0) sbuf_printf(&f, "%d", v * 3 + 1);
        }
        sbuf_puts(&f, "\n");
    }
    char *path = temp_csv(&f);
    size_t bad = 0;
    for (int threads = 1; threads <= 3; threads += 2) bad += kernels_wrong(path, threads, "code maps", code_map_cells, want);
    CHECK(bad == 0, "columns of 2 to 17 values, renumbered in the merge, read as written by every kernel "
                    "(1 and 3 threads)");
    unlink(path);
    free(path);
    sbuf_free(&f);
}

/* ---- a chunk that outgrows its region of the shared buffers ------------------------------- */

/* The first chunk's sample (its first 256 KiB) is of long rows, the rest of it of short ones:
 * it holds far more rows than its region, so the next chunk's rows, still in their own region,
 * move up to their place by less than their count (the move overlaps them) and their codes,
 * first seen from the largest down, are renumbered on the way: every cell reads as written. */
/* The rows of ds whose id (column 0) is not the row or whose code (column 2) is not 3 - row % 4. */
static size_t outgrown_cells(const tally_dataset *ds, const void *arg)
{
    const tally_host *h = tally_host_get();
    size_t wrong = 0, rows = *(const size_t *)arg;
    for (size_t r = 0; r < rows; r++)
        wrong += h->ds_number((tally_dataset *)ds, 0, r) != (double)r || h->ds_number((tally_dataset *)ds, 2, r) != 3 - (double)(r % 4);
    return wrong;
}

static void check_outgrown_region(void)
{
    enum { LONG_ROWS = 400, SHORT_ROWS = 360000 };
    sbuf f;
    sbuf_init(&f);
    sbuf_puts(&f, "id,pad,v\n");
    char pad[1001];
    memset(pad, 'x', 1000);
    pad[1000] = 0;
    for (int r = 0; r < LONG_ROWS + SHORT_ROWS; r++)
        sbuf_printf(&f, "%d,%s,%d\n", r, r < LONG_ROWS ? pad : "", 3 - r % 4);
    char *path = temp_csv(&f);
    size_t rows = LONG_ROWS + SHORT_ROWS, bad = kernels_wrong(path, 2, "outgrown region", outgrown_cells, &rows);
    CHECK(bad == 0, "a chunk that outgrew its region: the next chunk's rows, moved up over themselves and "
                    "renumbered, read as written by every kernel (2 threads)");
    unlink(path);
    free(path);
    sbuf_free(&f);
}

/* ---- the text check: the first NUL or invalid UTF-8 byte, wherever it lies ---------------- */

/* Random text of ASCII and 2-, 3- and 4-byte UTF-8 characters with one bad byte (a NUL, or
 * 0xFF, never valid UTF-8) put at a character start at every offset up to 300: csv_check_text
 * names that offset and kind, and passes the text without it. */
static void check_text_check(void)
{
    static const char *const chars[] = {"a", ",", "\n", "\xC3\xBC", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80", "7"};
    size_t cases = 0, wrong = 0;
    for (size_t at = 0; at < 300; at++) {
        for (int nul = 0; nul <= 1; nul++) {
            sbuf f;
            sbuf_init(&f);
            while (f.len < at) sbuf_puts(&f, chars[rnd(rnd(2) ? 3 : 7)]);
            size_t bad = f.len;
            sbuf_putc(&f, nul ? '\0' : '\xFF');
            while (f.len < at + 200) sbuf_puts(&f, chars[rnd(7)]);
            csv_err_kind kind = CSV_OK;
            size_t got = csv_check_text(f.data, f.len, f.len, 1, &kind);
            csv_err_kind clean_kind = CSV_OK;
            size_t clean = csv_check_text(f.data, bad, bad, 1, &clean_kind);
            if (got != bad || kind != (nul ? CSV_ERR_NUL : CSV_ERR_UTF8) || clean != bad || clean_kind != CSV_OK) wrong++;
            cases++;
            sbuf_free(&f);
        }
    }
    CHECK(wrong == 0, "csv_check_text names the first NUL or invalid UTF-8 byte at each of %zu places in UTF-8 text, "
                      "and passes the text before it (%zu wrong)", cases, wrong);
}

/* Long ASCII text (a valid two-byte character now and then, which leaves a 256-byte run to the
 * 64-byte masks) with one NUL or 0xFF at every offset up to 1,100, checked the way each kernel
 * the CPU has checks: the runs of clean text passed at once end exactly where they must. */
static void check_text_runs(void)
{
    size_t cases = 0, wrong = 0;
    for (int k = CSV_KERNEL_SSE2; k < CSV_KERNEL_COUNT; k++) {
        if (!csv_kernel_available((csv_kernel_id)k)) continue;
        csv_kernel_override((csv_kernel_id)k);
        for (size_t at = 0; at < 1100; at++) {
            sbuf f;
            sbuf_init(&f);
            size_t umlaut = rnd(3) ? (size_t)-1 : rnd((int)at + 1); /* a valid character before the bad byte */
            while (f.len < at) {
                if (f.len == umlaut && f.len + 2 <= at) sbuf_puts(&f, "\xC3\xBC");
                else sbuf_putc(&f, (char)('a' + rnd(26)));
            }
            size_t bad = f.len;
            sbuf_putc(&f, at % 2 ? '\0' : '\xFF');
            while (f.len < at + 600) sbuf_putc(&f, ',');
            csv_err_kind kind = CSV_OK, clean_kind = CSV_OK;
            size_t got = csv_check_text(f.data, f.len, f.len, 1, &kind);
            size_t clean = csv_check_text(f.data, bad, bad, 1, &clean_kind);
            if (got != bad || kind != (at % 2 ? CSV_ERR_NUL : CSV_ERR_UTF8) || clean != bad || clean_kind != CSV_OK) {
                wrong++;
            }
            cases++;
            sbuf_free(&f);
        }
    }
    csv_kernel_override(CSV_KERNEL_COUNT);
    CHECK(cases >= 1100 && wrong == 0,
          "csv_check_text, with each vector kernel the CPU has, names the one NUL or invalid byte in long ASCII "
          "text at each of %zu places (%zu wrong)", cases, wrong);
}

/* A file past the part checked before the header (4 MB) of rows with umlauts, Chinese and emoji
 * in plain and quoted text (quoted commas and line breaks, which the tokenizer passes by a byte
 * scan) has one byte made a NUL or 0xFF at a character start at 12 places in the body, among them
 * the first 8 bytes of a 64-byte block: every kernel, on 2 threads, names that byte. */
static void check_body_text(void)
{
    static const char *const words[] = {"Gr\xC3\xBC\xC3\x9F" "e", "K\xC3\xB6ln", "\xE4\xB8\xAD\xE5\xBE\xB7", "ok",
                                        "\xF0\x9F\x98\x80", "Stra\xC3\x9F" "e", "x"};
    sbuf f;
    sbuf_init(&f);
    sbuf_puts(&f, "id,code,text,note\n");
    for (int r = 1; f.len < (4u << 20) + 300000; r++) {
        const char *a = words[rnd(7)], *b = words[rnd(7)];
        if (rnd(3) == 0) sbuf_printf(&f, "%d,%d,\"%s, %s\nund %s\",%s\n", r, r % 5, a, b, a, b);
        else sbuf_printf(&f, "%d,%d,%s %s,%s\n", r, r % 5, a, b, rnd(2) ? a : "");
    }
    size_t body = (4u << 20) + 4096, cases = 0, wrong = 0;
    char shown[400] = "";
    for (int t = 0; t < 12; t++) {
        size_t at = body + (size_t)rnd(250000); /* a character start (not a continuation byte), not a line end */
        if (t < 8) at = (at & ~(size_t)63) + (size_t)t; /* near a block's start, wherever the blocks lie */
        while (((unsigned char)f.data[at] & 0xC0) == 0x80 || f.data[at] == '\n') at++;
        char was = f.data[at];
        int nul = t % 2;
        f.data[at] = nul ? '\0' : (char)0xFF;
        char *path = temp_csv(&f);
        char want[96];
        snprintf(want, sizeof want, "%s byte at byte offset %zu;", nul ? "NUL" : "UTF-8", at);
        if (!nul) snprintf(want, sizeof want, "invalid UTF-8 at byte offset %zu;", at);
        for (size_t k = 0; k < nkernels; k++) {
            for (int threads = 2; threads <= 2; threads++) {
                read_result rr = read_with(kernels[k], path, threads, 0);
                cases++;
                if (rr.ds || !strstr(rr.err, want)) {
                    if (!wrong++) snprintf(shown, sizeof shown, "%s, %d thread(s): want '%s', got: %.200s",
                                           csv_kernel_name(kernels[k]), threads, want, rr.err);
                }
                result_free(&rr);
            }
        }
        unlink(path);
        free(path);
        f.data[at] = was;
    }
    CHECK(wrong == 0 && cases >= 12, "a NUL or invalid UTF-8 byte deep in a body of multi-byte text is named where it is "
                                     "(%zu reads, %zu wrong%s%s)", cases, wrong, wrong ? "; first: " : "", shown);
    sbuf_free(&f);
}

/* ---- numbers: the 8-byte conversion against the digit loop and strtod ------------------- */

/* Random fields (digits, separators, signs, other bytes; plain decimals most often), each followed by
 * random bytes: csv_fast_number_wide accepts what csv_fast_number accepts, with the same bits, and an
 * accepted field with a '.' or ',' separator is strtod's value to the bit. */
static void check_fast_numbers(void)
{
    static const char alphabet[] = "0123456789012345678901234567890123456789.,-+ ex\x80";
    size_t fields = 0, accepted = 0, differ = 0, off_strtod = 0;
    char shown[64] = "";
    for (int i = 0; i < 400000; i++) {
        char buf[40], text[40];
        size_t n = rnd(12);
        for (size_t j = 0; j < sizeof buf; j++) buf[j] = alphabet[rnd(sizeof alphabet - 1)];
        if (rnd(2)) { /* a plain decimal: -?digits[.digits] */
            size_t j = 0, ip = 1 + rnd(8), fp = rnd(6);
            if (rnd(4) == 0) buf[j++] = '-';
            for (size_t d = 0; d < ip; d++) buf[j++] = (char)('0' + rnd(10));
            if (fp) {
                buf[j++] = rnd(2) ? '.' : ',';
                for (size_t d = 0; d + 1 < fp; d++) buf[j++] = (char)('0' + rnd(10));
            }
            n = j;
        }
        char dec = rnd(3) ? '.' : ',';
        double a = 0, b = 0;
        int ra = csv_fast_number(buf, n, dec, &a), rb = csv_fast_number_wide(buf, n, dec, &b);
        fields++;
        if (ra != rb || (ra && memcmp(&a, &b, sizeof a) != 0)) {
            if (!differ++) snprintf(shown, sizeof shown, "%.*s (decimal %c)", (int)n, buf, dec);
            continue;
        }
        if (!ra) continue;
        accepted++;
        memcpy(text, buf, n);
        text[n] = 0;
        for (size_t j = 0; j < n; j++)
            if (text[j] == dec) text[j] = '.';
        double c = strtod(text, NULL);
        if (memcmp(&c, &b, sizeof c) != 0 && !differ && !off_strtod++)
            snprintf(shown, sizeof shown, "%s (strtod)", text);
    }
    CHECK(differ == 0 && off_strtod == 0 && accepted > 100000,
          "the 8-byte number conversion accepts the fields the digit loop accepts, with the same bits, and equals "
          "strtod (%zu fields, %zu numbers, %zu differ, %zu off strtod; first: %s)", fields, accepted, differ,
          off_strtod, shown);
}

int main(void)
{
    tally_log_set_level(0);
    for (int k = 0; k < CSV_KERNEL_COUNT; k++)
        if (csv_kernel_available((csv_kernel_id)k)) kernels[nkernels++] = (csv_kernel_id)k;
    printf("# kernels this CPU runs:");
    for (size_t k = 0; k < nkernels; k++) printf(" %s", csv_kernel_name(kernels[k]));
    printf("\n");
    if (nkernels < 2) printf("ok - SIMD kernels against portable # SKIP this CPU runs only the portable kernel\n");
    check_masks();
    walk("tests");
    walk("samples");
    CHECK(corpus_files >= 20 && corpus_bad == 0, "every kernel reads the %zu CSV files under tests/ and samples/ as "
                                                 "the portable one, cell by cell (%zu differ)", corpus_files, corpus_bad);
    check_random_files();
    check_error_lines();
    check_missing_tokens();
    check_digit_runs();
    check_code_maps();
    check_outgrown_region();
    check_text_check();
    check_text_runs();
    check_body_text();
    check_fast_numbers();
    CHECK_DONE();
}
