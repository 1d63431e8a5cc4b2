/* fuzz_template.c: fuzzes the report template engine (placeholders, if/for/include tags) with the Markdown renderers. */
#include "fuzz_common.h"
#include "fuzz_report.h"
#include "host.h"
#include "md_render.h"
#include "template.h"

/* Input: one byte (heading level, charts on/off), then the template text. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static tally_report *rep;
    if (!rep) rep = fuzz_report(); /* read-only while rendering; kept for the whole run */
    tpl_env env = {
        .host = tally_host_get(),
        .report = rep,
        .heading_level = 1 + data[0] % 6,
        .table = md_render_table,
        .chart = (data[0] & 0x80) ? md_render_chart : NULL,
        .text = md_escape,
    };
    char *text = fuzz_cstr(data + 1, size - 1);
    char *err = NULL;
    char *out = tpl_render_string(&env, "fuzz/template.md", text, &err);
    FUZZ_ASSERT(out ? err == NULL : err != NULL, "an error comes with a message, success without");
    if (err) FUZZ_ASSERT(strncmp(err, "fuzz/", 5) == 0 || strchr(err, ':'), "errors name file:line");
    free(out);
    free(err);
    free(text);
    return 0;
}
