/* fuzz_common.h: helpers shared by tally's fuzz targets (a scratch file per process, quiet logs). */
#ifndef TALLY_FUZZ_COMMON_H
#define TALLY_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes [data, data+size) to this process's scratch file (under $TMPDIR or /tmp,
 * named after `ext`, e.g. ".csv") and returns its path (static storage). The
 * file is removed when the process exits. */
static char fuzz_path_buf[512];
static inline void fuzz_remove_scratch(void) { if (fuzz_path_buf[0]) unlink(fuzz_path_buf); }

static inline const char *fuzz_scratch(const uint8_t *data, size_t size, const char *ext)
{
    if (!fuzz_path_buf[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(fuzz_path_buf, sizeof fuzz_path_buf, "%s/tally-fuzz-%ld%s", tmp && *tmp ? tmp : "/tmp",
                 (long)getpid(), ext);
        atexit(fuzz_remove_scratch);
    }
    FILE *f = fopen(fuzz_path_buf, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();
    return fuzz_path_buf;
}

/* A NUL-terminated copy of the input (caller frees). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Aborts (so the fuzzer records the input) when a property of the output is broken. */
#define FUZZ_ASSERT(cond, what)                                                           \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "fuzz property broken: %s (%s:%d)\n", what, __FILE__, __LINE__); \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

/* 1 when s[0..n) is valid UTF-8 without surrogates or overlong forms. */
static inline int fuzz_valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k;
        unsigned long cp;
        if (c < 0x80) { i++; continue; }
        if (c >= 0xC2 && c <= 0xDF) { k = 2; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { k = 3; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { k = 4; cp = c & 0x07; }
        else return 0;
        if (i + k > n) return 0;
        for (size_t j = 1; j < k; j++) {
            if ((s[i + j] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
        if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
        i += k;
    }
    return 1;
}

#endif
