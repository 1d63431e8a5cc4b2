/* input_options.c: option readers the file input plugins share (where, path, missing tokens, type overrides). */
#include "input_options.h"

#include <stdio.h>
#include <string.h>

const char *input_opt_where(const tally_host *h, const tally_options *o, const char *fallback)
{
    const char *where = h->opt_where ? h->opt_where(o) : NULL;
    return where && *where ? where : fallback;
}

const char *input_opt_path(const tally_host *h, tally_ctx *ctx, const tally_options *o, const char *where,
                           const char *what)
{
    const char *path = h->opt_is_set(o, "path") ? h->opt_string(o, "path") : NULL;
    if (!path || !*path) {
        h->error(ctx, "%s: input needs a 'path' naming %s", where, what);
        return NULL;
    }
    return path;
}

int input_opt_missing(const tally_host *h, tally_ctx *ctx, const tally_options *o, const char *where,
                      const char **missing, size_t max, size_t *n)
{
    *n = 0;
    if (!h->opt_is_set(o, "missing")) {
        missing[(*n)++] = "NA";
        return 0;
    }
    size_t len = h->opt_list_len(o, "missing");
    if (len > max) {
        h->error(ctx, "%s: option 'missing' lists %zu tokens; at most %zu are allowed", where, len, max);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        const char *t = h->opt_list_item(o, "missing", i);
        if (t) missing[(*n)++] = t;
    }
    return 0;
}

/* "\"name:a\", \"name:b\" or \"name:c\"" for kinds {a, b, c}. */
static void kinds_text(const char *const *kinds, char *buf, size_t size)
{
    size_t count = 0, used = 0;
    while (kinds[count]) count++;
    buf[0] = '\0';
    for (size_t i = 0; i < count && used < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == count ? " or " : ", ";
        int w = snprintf(buf + used, size - used, "%s\"name:%s\"", sep, kinds[i]);
        if (w > 0) used += (size_t)w;
    }
}

int input_opt_types(const tally_host *h, tally_ctx *ctx, const tally_options *o, const char *where,
                    const char *const *kinds, const char **types, size_t max, size_t *n)
{
    *n = h->opt_is_set(o, "types") ? h->opt_list_len(o, "types") : 0;
    if (*n > max) {
        h->error(ctx, "%s: option 'types' lists %zu columns; at most %zu are allowed", where, *n, max);
        return -1;
    }
    for (size_t i = 0; i < *n; i++) {
        const char *t = h->opt_list_item(o, "types", i);
        const char *colon = t ? strrchr(t, ':') : NULL;
        int known = 0;
        for (size_t k = 0; colon && colon != t && kinds[k]; k++)
            if (strcmp(colon + 1, kinds[k]) == 0) known = 1;
        if (!known) {
            char expected[256];
            kinds_text(kinds, expected, sizeof expected);
            h->error(ctx, "%s: types: '%s' must be %s", where, t ? t : "", expected);
            return -1;
        }
        types[i] = t;
    }
    return 0;
}
