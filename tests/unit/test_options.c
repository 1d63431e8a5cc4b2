/* test_options.c: option validation against plugin declarations: every message pinned. */
#include "check.h"
#include "host.h"
#include "util.h"

#include <stdlib.h>

static const tally_option_decl decls[] = {
    {.name = "path", .type = TALLY_OPT_PATH, .required = 1, .help = "file to write"},
    {.name = "layout", .type = TALLY_OPT_CHOICE, .default_value = "sheet", .choices = "sheet|stacked", .help = "layout"},
    {.name = "charts", .type = TALLY_OPT_BOOL, .default_value = "true", .help = "native charts"},
    {.name = "header_rows", .type = TALLY_OPT_INT, .default_value = "1", .min = 0, .max = 10, .help = "header rows"},
    {.name = "missing", .type = TALLY_OPT_LIST, .default_value = "NA", .help = "missing tokens"},
    {.name = "scale", .type = TALLY_OPT_NUMBER, .help = "a factor"},
    {.name = NULL}};

static char *validate(tally_options *o)
{
    char *err = NULL;
    if (tally_options_validate(o, decls, "output 'xlsx'", "/base", &err) == 0) return NULL;
    return err;
}

/* Options at `where` set from blank-separated `settings`: name=text sets a string, name=#N a number,
 * name+=text adds a list item (new; caller frees). */
static tally_options *options_from(const char *where, const char *settings)
{
    tally_options *o = tally_options_new(where);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", settings);
    for (char *save = NULL, *set = strtok_r(buf, " ", &save); set; set = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(set, '=');
        if (!eq) continue;
        *eq = '\0';
        if (eq > set && eq[-1] == '+') {
            eq[-1] = '\0';
            tally_options_add_list_item(o, set, eq + 1);
        } else if (eq[1] == '#') {
            tally_options_set_number(o, set, strtod(eq + 2, NULL));
        } else {
            tally_options_set_string(o, set, eq + 1);
        }
    }
    return o;
}

int main(void)
{
    const tally_host *h = tally_host_get();

    tally_options *o = options_from("c.lua:7", "path=out/r.xlsx");
    char *err = validate(o);
    CHECK(err == NULL, "a valid block passes");
    CHECK_STR(h->opt_string(o, "path"), "/base/out/r.xlsx", "paths are resolved against the config's folder");
    CHECK_STR(h->opt_string(o, "layout"), "sheet", "choice default");
    CHECK(h->opt_bool(o, "charts") == 1, "bool default");
    CHECK(h->opt_int(o, "header_rows") == 1, "int default");
    CHECK(h->opt_list_len(o, "missing") == 1 && strcmp(h->opt_list_item(o, "missing", 0), "NA") == 0, "list default");
    CHECK(!h->opt_is_set(o, "scale"), "an option without default stays unset");
    CHECK_STR(h->opt_where(o), "c.lua:7", "options remember where they came from");
    tally_options_free(o);

    /* every error names the block's line and kind: "c.lua:LINE: output 'xlsx': MESSAGE" */
    static const struct {
        int line;
        const char *settings, *message, *what;
    } errors[] = {
        {7, "pth=x", "unknown option 'pth' (did you mean 'path'?); allowed: path, layout, charts, header_rows, missing, scale", "unknown option with a suggestion and the allowed list"},
        {7, "zzzzzz=x", "unknown option 'zzzzzz'; allowed: path, layout, charts, header_rows, missing, scale", "unknown option without a close match"},
        {9, "", "missing required option 'path' (a path (string): file to write)", "missing required option"},
        {9, "path=x layout=grid", "option 'layout' must be one of sheet, stacked, not 'grid'", "bad choice"},
        {9, "path=x charts=#3", "option 'charts' must be true or false, not a number", "wrong type"},
        {9, "path=x header_rows=#11", "option 'header_rows' must be between 0 and 10, not 11", "out of range"},
        {9, "path=x header_rows=#1.5", "option 'header_rows' must be a whole number, not 1.5", "not a whole number"},
        {9, "path=x path+=y", "option 'path' must be a path (string), not a list", "a list for a string"},
        {2, "path=x scale=half", "option 'scale' must be a number, not 'half'", "text for a number"},
    };
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        char *where = xasprintf("c.lua:%d", errors[i].line);
        char *want = xasprintf("%s: output 'xlsx': %s", where, errors[i].message);
        o = options_from(where, errors[i].settings);
        err = validate(o);
        CHECK_STR(err, want, errors[i].what);
        free(err);
        free(want);
        free(where);
        tally_options_free(o);
    }

    /* strings from --set are converted where the meaning is plain */
    o = options_from("", "path=/abs/x charts=false header_rows=2 missing=- scale=0.5");
    err = validate(o);
    CHECK(err == NULL, "strings convert to declared types");
    CHECK_STR(h->opt_string(o, "path"), "/abs/x", "absolute paths are kept");
    CHECK(h->opt_bool(o, "charts") == 0, "\"false\" is false");
    CHECK(h->opt_int(o, "header_rows") == 2, "\"2\" is 2");
    CHECK(h->opt_list_len(o, "missing") == 1 && strcmp(h->opt_list_item(o, "missing", 0), "-") == 0,
          "a single value is a list of one");
    CHECK_NEAR(h->opt_number(o, "scale"), 0.5, 1e-12, "\"0.5\" is 0.5");
    free(err);
    tally_options_free(o);

    o = tally_options_new("");
    tally_options_set_empty_list(o, "missing");
    tally_options_set_string(o, "path", "x");
    err = validate(o);
    CHECK(err == NULL && h->opt_list_len(o, "missing") == 0, "an empty list stays empty (no default)");
    free(err);
    tally_options_free(o);

    CHECK(str_distance("path", "pth") == 1, "edit distance");
    const char *names[] = {"path", "delimiter", "decimal"};
    CHECK_STR(str_closest("delimter", names, 3), "delimiter", "closest name");
    CHECK(str_closest("xyz", names, 3) == NULL, "no suggestion when nothing is close");
    CHECK_DONE();
}
