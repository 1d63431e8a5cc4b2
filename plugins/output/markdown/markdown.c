/* markdown.c: the `markdown` output plugin: the report as GitHub-flavoured Markdown through a template. */
#include "md_banner.h"
#include "md_render.h"
#include "utf8_text.h"
#include "template.h"
#include "tally/plugin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const tally_option_decl md_options[] = {
    {"path", TALLY_OPT_PATH, 1, NULL, NULL, 0, 0, "Markdown file to write"},
    {"template", TALLY_OPT_PATH, 0, NULL, NULL, 0, 0, "report template (default: templates/default.md)"},
    {"charts", TALLY_OPT_BOOL, 0, "true", NULL, 0, 0, "write charts as Mermaid blocks"},
    {"step_summary", TALLY_OPT_BOOL, 0, "false", NULL, 0, 0,
     "also append the report to the file named by $GITHUB_STEP_SUMMARY"},
    {"heading_level", TALLY_OPT_INT, 0, "1", NULL, 1, 6, "heading level of the report title ({{ heading 1 }})"},
    {NULL, 0, 0, NULL, NULL, 0, 0, NULL},
};

/* Writes `len` bytes of `text` to `path` with fopen mode `mode`; 0 or -1 with errno. */
/* Banner tables from their model (one pipe table per banner variable), others as flat tables. */
static void markdown_table(const tally_host *h, const tally_report *rep, tpl_buf *out, const tally_table *t)
{
    if (TALLY_HOST_HAS(h, bn_col_is_total) && h->bn_nlevels(t) > 0) md_render_banner(h, rep, out, t);
    else md_render_table(h, rep, out, t);
}

static int md_write(const tally_host *host, tally_ctx *ctx, const tally_options *opts,
                    const tally_report *report, const char *path)
{
    const char *where = host->opt_where(opts);
    const char *summary = NULL;
    if (host->opt_bool(opts, "step_summary")) {
        summary = getenv("GITHUB_STEP_SUMMARY");
        if (!summary || !*summary) {
            host->error(ctx, "%s: output 'markdown': step_summary = true but $GITHUB_STEP_SUMMARY is not set "
                             "(GitHub Actions sets it); set step_summary = false outside GitHub Actions", where);
            return 1;
        }
    }
    tpl_env env = {
        .host = host,
        .report = report,
        .heading_level = (int)host->opt_int(opts, "heading_level"),
        .table = markdown_table,
        .chart = host->opt_bool(opts, "charts") ? md_render_chart : NULL,
        .text = md_escape,
    };
    if (env.heading_level < 1) env.heading_level = 1;
    char *err = NULL;
    md_take_replaced();
    char *text = tpl_render_file(&env, host->opt_string(opts, "template"), &err);
    size_t replaced = md_take_replaced();
    if (text) { /* the template's own text, which no escaper saw */
        char *repaired = utf8_repair(text, &replaced);
        free(text);
        text = repaired;
    }
    if (text && replaced) host->log(ctx, TALLY_LOG_WARN, UTF8_REPLACED_WARNING, replaced);
    if (!text) {
        host->error(ctx, "%s", err ? err : "template rendering failed");
        free(err);
        return 1;
    }
    tpl_buf out = {text, strlen(text), strlen(text) + 1};
    md_finish(&out);
    int rc = tpl_write_report(host, ctx, "markdown.write", path, out.data, out.len);
    if (!rc && summary && TALLY_HOST_HAS(host, defer_append)) {
        /* appended only once every output of the run succeeded */
        if (host->defer_append(ctx, summary, out.data, out.len) != 0) {
            host->error(ctx, "cannot append to $GITHUB_STEP_SUMMARY '%s'", summary);
            rc = 1;
        }
    } else if (!rc && summary && tpl_write_file(summary, "ab", out.data, out.len) != 0) { /* a host before ABI 1.3 */
        host->error(ctx, "cannot append to $GITHUB_STEP_SUMMARY '%s': %s", summary, strerror(errno));
        rc = 1;
    }
    tpl_buf_free(&out);
    return rc;
}

static const tally_plugin_descriptor md_descriptor = {
    .abi_major = TALLY_ABI_MAJOR,
    .abi_minor = TALLY_ABI_MINOR,
    .struct_size = sizeof(tally_plugin_descriptor),
    .kind = TALLY_PLUGIN_OUTPUT,
    .name = "markdown",
    .description = "GitHub-flavoured Markdown: pipe tables, Mermaid charts, report templates",
    .version = "1.0",
    .options = md_options,
    .extensions = "md|markdown",
    .write = md_write,
};

TALLY_PLUGIN(md_descriptor)
