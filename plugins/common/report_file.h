/* report_file.h: an output plugin's report file opened and closed with the host's fault points and one wording of write errors. */
#ifndef TALLY_REPORT_FILE_H
#define TALLY_REPORT_FILE_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tally/plugin.h"

/* Opens `path` for writing (truncating it); NULL after host->error ("cannot write 'path': why").
 * `fault_point` is the name the fault-injection test binary fails this write at. */
static inline FILE *report_file_open(const tally_host *h, tally_ctx *ctx, const char *fault_point, const char *path)
{
    if (h->fault && h->fault(ctx, fault_point)) {
        h->error(ctx, "cannot write '%s': injected fault", path);
        return NULL;
    }
    FILE *f = fopen(path, "wb");
    if (!f) h->error(ctx, "cannot write '%s': %s", path, strerror(errno));
    return f;
}

/* Closes f; 0, or 1 after host->error when a write or the close failed (a full disk shows here). */
static inline int report_file_close(const tally_host *h, tally_ctx *ctx, const char *path, FILE *f)
{
    int bad = ferror(f), e = errno;
    if (fclose(f) != 0 && !bad) bad = 1, e = errno;
    if (!bad) return 0;
    h->error(ctx, "cannot write '%s': %s", path, strerror(e ? e : EIO));
    return 1;
}

#endif
