/* file_bytes.h: whole files read into memory and written back byte for byte, and a scratch folder removed, for the unit tests that damage files. */
#ifndef TALLY_TEST_FILE_BYTES_H
#define TALLY_TEST_FILE_BYTES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bytes of `path` (caller frees) and their count in *n; NULL when it cannot be opened. */
static inline char *file_bytes_read(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc(*n ? *n : 1);
    if (fread(b, 1, *n, f) != *n) *n = 0;
    fclose(f);
    return b;
}

/* Replaces `path` with the n bytes at b. */
static inline void file_bytes_write(const char *path, const char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fwrite(b, 1, n, f);
    fclose(f);
}

/* Removes the folder `dir` and everything in it; 0, or -1. */
static inline int file_tree_remove(const char *dir)
{
    size_t n = strlen(dir) + 16;
    char *cmd = malloc(n);
    if (!cmd) return -1;
    snprintf(cmd, n, "rm -rf '%s'", dir);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

#endif
