/* rs_gzip.c: a gzip-compressed SPSS/Stata/SAS file, or the one file of a .zip, inflated in a stream to a private temporary file libreadstat can open. */
#include "rs_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "zip_member.h"

/* A private temporary folder and in it the file `name` (n bytes of it), open for writing; 0, or -1 after host->error. */
static int make_temp(const tally_host *h, tally_ctx *ctx, const char *path, const char *name, size_t n, char **dir,
                     char **file, int *fd)
{
    const char *tmp = getenv("TMPDIR");
    size_t len = strlen(tmp && *tmp ? tmp : "/tmp") + n + 32;
    *dir = malloc(len);
    *file = malloc(len);
    *fd = -1;
    if (!*dir || !*file) {
        free(*dir), free(*file);
        h->error(ctx, "%s: out of memory", path);
        return -1;
    }
    snprintf(*dir, len, "%s/tally-gz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(*dir)) {
        h->error(ctx, "%s: cannot make a temporary folder to inflate it: %s; set TMPDIR", path, strerror(errno));
        free(*dir), free(*file);
        return -1;
    }
    snprintf(*file, len, "%s/%.*s", *dir, (int)n, name);
    *fd = open(*file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (*fd < 0) { /* said here, while errno is still open's */
        h->error(ctx, "%s: cannot create the temporary copy %s to inflate it: %s; set TMPDIR to a folder you can "
                      "write", path, *file, strerror(errno));
        rmdir(*dir);
        free(*dir), free(*file);
        return -1;
    }
    return 0;
}

/* Inflates the gzip file into fd; 0, or -1 after host->error. */
static int inflate_gz(const tally_host *h, tally_ctx *ctx, const char *path, int fd, const char *dir, long long *total)
{
    struct stat st;
    long long packed = stat(path, &st) == 0 ? (long long)st.st_size : 0;
    gzFile gz = gzopen(path, "rb");
    char buf[1 << 16];
    int rc = gz ? 0 : -1;
    if (rc) h->error(ctx, "%s: cannot inflate it: %s", path, strerror(errno));
    while (rc == 0) {
        int got = gzread(gz, buf, sizeof buf);
        if (got < 0) {
            int e;
            h->error(ctx, "%s: the file is gzip-compressed (it starts with gzip's mark) but does not inflate (zlib: "
                          "%s); copy or download it again", path, gzerror(gz, &e));
            rc = -1;
        } else if (got == 0) {
            int e = Z_OK;
            gzerror(gz, &e);
            if (e != Z_OK) { /* an end before the stream's end: truncated */
                h->error(ctx, "%s: the file is gzip-compressed (it starts with gzip's mark) but is truncated; copy "
                              "or download it again", path);
                rc = -1;
            }
            break;
        } else if (zipm_over_bounds((uint64_t)(*total += got), (uint64_t)packed, 0)) {
            char why[128];
            zipm_bounds_text(why, sizeof why, "gzip", (uint64_t)*total, 0);
            h->error(ctx, "%s: %s; decompress it with gunzip and check it", path, why);
            rc = -1;
        } else if (write(fd, buf, (size_t)got) != got) {
            h->error(ctx, "%s: cannot write the inflated copy to %s: %s; set TMPDIR to a folder with room", path,
                     dir, strerror(errno));
            rc = -1;
        }
    }
    if (gz) gzclose(gz);
    return rc;
}

int rs_gunzip(const tally_host *h, tally_ctx *ctx, const char *path, char **out)
{
    *out = NULL;
    int zip = zipm_has_zip_name(path) && zipm_is_zip(path); /* a .zip holding one SPSS/Stata/SAS file */
    if (!zip && !zipm_is_gzip(path)) return 0;
    char member[1024], err[ZIPM_ERR];
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t blen = strlen(base);
    if (blen > 3 && strcmp(base + blen - 3, ".gz") == 0) blen -= 3;
    if (zip && zipm_single_member(path, member, sizeof member, err) != 0) {
        h->error(ctx, "%s: %s", path, err);
        return -1;
    }
    if (zip) { /* the copy is named as the member, whose ending says the format */
        base = strrchr(member, '/') ? strrchr(member, '/') + 1 : member;
        blen = strlen(base);
    }
    char *dir, *file;
    int fd;
    if (make_temp(h, ctx, path, base, blen, &dir, &file, &fd) != 0) return -1;
    long long total = 0;
    int rc = 0;
    if (!zip) rc = inflate_gz(h, ctx, path, fd, dir, &total);
    else {
        uint64_t len = 0;
        rc = zipm_extract_single(path, fd, &len, member, sizeof member, err);
        if (rc != 0) h->error(ctx, "%s: %s", path, err);
        total = (long long)len;
    }
    if (close(fd) != 0 && rc == 0) rc = -1;
    if (rc == 0) {
        if (zip) h->log(ctx, TALLY_LOG_INFO, "%s: a zip archive; its one data file '%s' inflated to %lld bytes in a "
                                             "temporary file", path, member, total);
        else h->log(ctx, TALLY_LOG_INFO, "%s: gzip-compressed; inflated to %lld bytes in a temporary file", path, total);
        *out = file;
    } else {
        unlink(file);
        rmdir(dir);
        free(file);
    }
    free(dir);
    return rc;
}

void rs_gunzip_done(char *inflated)
{
    if (!inflated) return;
    unlink(inflated);
    char *slash = strrchr(inflated, '/');
    if (slash) {
        *slash = '\0';
        rmdir(inflated);
    }
    free(inflated);
}
