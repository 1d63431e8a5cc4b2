/* close.c: the xlsx plugin's last step: libxlsxwriter writes the file; its failures said in the user's terms. */
#include "xlsx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* libxlsxwriter prints its own "[ERROR]" lines (naming our temporary file and
 * zlib codes) on stderr; they are caught here and shown only with -v. */
static lxw_error close_capturing(lxw_workbook *wb, int *sys_errno, char **said)
{
    *said = NULL;
    fflush(stderr);
    FILE *cap = tmpfile();
    int saved = cap ? dup(2) : -1;
    if (saved >= 0) dup2(fileno(cap), 2);
    errno = 0;
    lxw_error err = workbook_close(wb);
    *sys_errno = errno;
    fflush(stderr);
    if (saved >= 0) {
        dup2(saved, 2);
        close(saved);
        long n = ftell(cap);
        if (n > 0 && (*said = calloc(1, (size_t)n + 1)) != NULL) {
            rewind(cap);
            if (fread(*said, 1, (size_t)n, cap) == 0) (*said)[0] = '\0';
        }
    }
    if (cap) fclose(cap);
    return err;
}

/* 1 when the file system holding `path` has no block left for us. */
static int disk_full(const char *path)
{
    char *dir = strdup(path);
    if (!dir) return 0;
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    struct statvfs vs;
    int full = statvfs(slash ? (*dir ? dir : "/") : ".", &vs) == 0 && vs.f_bavail == 0;
    free(dir);
    return full;
}

int xw_close_workbook(xw *w, const char *path)
{
    int sys_errno = 0;
    char *said = NULL;
    lxw_error err = close_capturing(w->wb, &sys_errno, &said);
    if (said && *said) w->call.h->log(w->call.ctx, TALLY_LOG_DEBUG, "libxlsxwriter: %s", said);
    free(said);
    if (err == LXW_NO_ERROR) return 0;
    if (sys_errno == ENOSPC || sys_errno == EDQUOT || disk_full(path))
        w->call.h->error(w->call.ctx,
                         "%s: cannot write the workbook: the disk is full (%s); free some space or write "
                         "the report to another disk",
                         path, strerror(sys_errno ? sys_errno : ENOSPC));
    else if (err == LXW_ERROR_CREATING_TMPFILE)
        w->call.h->error(w->call.ctx,
                         "%s: cannot write the workbook: cannot create a scratch file in the temporary folder "
                         "(%s); check that $TMPDIR exists, is writable and has space",
                         path, strerror(sys_errno ? sys_errno : EIO));
    else if (sys_errno)
        w->call.h->error(w->call.ctx, "%s: cannot write the workbook: %s", path, strerror(sys_errno));
    else
        w->call.h->error(w->call.ctx, "%s: cannot write the workbook: %s", path, lxw_strerror(err));
    return -1;
}
