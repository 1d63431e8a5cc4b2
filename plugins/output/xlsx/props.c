/* props.c: the workbook's document properties, with the creation date from SOURCE_DATE_EPOCH. */
#include "xlsx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The creation time for reproducible files: SOURCE_DATE_EPOCH when set, else 0 (now). */
static time_t created_time(xw *w)
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
    if (!env || !*env) return 0;
    char *end;
    errno = 0;
    long long v = strtoll(env, &end, 10);
    if (errno || *end || v < 0 || env[0] == '-' || env[0] == '+' || env[0] == ' ') {
        w->call.h->log(w->call.ctx, TALLY_LOG_WARN,
                       "SOURCE_DATE_EPOCH='%s' is not a count of seconds since 1970; using the current time", env);
        return 0;
    }
    /* libxlsxwriter reads 0 as "now": the epoch itself is written one second later. */
    return v ? (time_t)v : (time_t)1;
}

int xw_props_set(xw *w)
{
    lxw_doc_properties p;
    memset(&p, 0, sizeof p);
    p.title = w->title ? xw_plain_text(w->title) : NULL;
    p.author = w->author ? xw_plain_text(w->author) : NULL;
    p.subject = w->subject ? xw_plain_text(w->subject) : NULL;
    p.comments = xw_plain_text("Written by tally");
    p.created = created_time(w);
    /* workbook_set_properties copies the strings. */
    lxw_error err = workbook_set_properties(w->wb, &p);
    free(p.title);
    free(p.author);
    free(p.subject);
    free(p.comments);
    return err == LXW_NO_ERROR ? 0 : xw_fail(w, err, "the document properties");
}
