/* test_config.c: the config loader: declarations, file:line on every error, includes, --set, env. */
#include "check.h"
#include "config.h"
#include "lua_sandbox.h"
#include "util.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/tally-config-XXXXXX";

static char *write_file(const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads `text` as config NAME; returns the error (new string) or NULL on success. */
static char *load_error(tally_sandbox *sb, const char *name, const char *text, char *const *sets, size_t nsets,
                        tally_config **out)
{
    char *path = write_file(name, text);
    char *err = NULL;
    tally_config *c = tally_config_load(sb->L, path, sets, nsets, &err);
    free(path);
    if (out) *out = c;
    else tally_config_free(c);
    return err;
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    tally_sandbox sb;
    tally_sandbox_open(&sb);
    const tally_host *h = tally_host_get();

    tally_config *c = NULL;
    char *err = load_error(&sb, "ok.lua",
                           "report { title = \"T\", language = \"de\" }\n"
                           "input \"responses\" { path = \"data/r.csv\", delimiter = \";\" }\n"
                           "stage \"frequencies\" { dataset = \"responses\", variables = { \"q1\", \"q2\" },\n"
                           "  recode = { [1] = 2 } }\n"
                           "output \"markdown\" { path = \"out/r.md\" }\n"
                           "output \"summary\" { plugin = \"markdown\", path = env(\"TALLY_TEST_UNSET\", \"s.md\") }\n",
                           NULL, 0, &c);
    CHECK(err == NULL && c != NULL, "a valid config loads");
    if (c) {
        CHECK(c->nblocks == 4, "four blocks (got %zu)", c->nblocks);
        CHECK_STR(tally_config_report(c, "title"), "T", "report title");
        CHECK(c->blocks[0].kind == TALLY_BLOCK_INPUT && strcmp(c->blocks[0].name, "responses") == 0, "input block");
        CHECK_CONTAINS(c->blocks[1].where, "ok.lua:3", "stage block remembers its line");
        CHECK_STR(c->blocks[2].plugin, "markdown", "output plugin defaults to its name");
        CHECK_STR(c->blocks[3].plugin, "markdown", "output plugin = overrides the name");
        CHECK_STR(h->opt_string(c->blocks[3].opts, "path"), "s.md", "env() falls back to its default");
        CHECK(h->opt_list_len(c->blocks[1].opts, "variables") == 2, "list option");
        tally_config_push_stage_options(c, &c->blocks[1]);
        lua_getfield(sb.L, -1, "recode");
        CHECK(lua_istable(sb.L, -1), "stages keep nested tables");
        lua_pop(sb.L, 2);
        tally_config_free(c);
    }

    /* errors name file:line; the config is Lua in an empty environment */
    static const struct {
        const char *name, *text, *want, *what;
    } errors[] = {
        {"typo.lua", "report { title = \"x\" }\ninptu \"r\" { path = \"x.csv\" }\n", "typo.lua:2: unknown name 'inptu' (did you mean 'input'?)", "unknown name names file:line"},
        {"syntax.lua", "report { title = \"x\" }\n\ninput \"r\" { path = }\n", "syntax.lua:3:", "a syntax error names file:line"},
        {"io.lua", "local f = io.open(\"/etc/passwd\")\n", "io.lua:1: unknown name 'io'", "the config has no io"},
        {"load.lua", "report { title = \"x\" }\nload(\"x = 1\")()\n", "load.lua:2: unknown name 'load'", "the config has no load"},
        {"dup.lua", "input \"r\" { path = \"a.csv\" }\ninput \"r\" { path = \"b.csv\" }\n", "dup.lua:2: input \"r\" is declared twice (first at ", "a duplicate input names both lines"},
        {"notable.lua", "output \"markdown\" \"x\"\n", "notable.lua:1: output \"markdown\" must be followed by a table", "block without a table"},
        {"nested.lua", "output \"markdown\" { path = { a = { 1 } } }\n", "nested.lua:1: output \"markdown\": option 'path' must be a value or a list", "plugins take no nested tables"},
        {"missing_inc.lua", "\ninclude \"nope.lua\"\n", "missing_inc.lua:2: cannot open config", "a missing include names the line"},
    };
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        err = load_error(&sb, errors[i].name, errors[i].text, NULL, 0, NULL);
        CHECK_CONTAINS(err, errors[i].want, errors[i].what);
        free(err);
    }

    /* includes: relative to the including file, and cycles are errors */
    char *basedir = xasprintf("%s/base", dir);
    mkdir(basedir, 0777);
    free(basedir);
    free(write_file("base/common.lua", "report { title = \"From base\", author = \"Team\" }\n"));
    err = load_error(&sb, "child.lua", "include \"base/common.lua\"\nreport { title = \"Child\" }\n", NULL, 0, &c);
    CHECK(err == NULL, "include of a base config");
    if (c) {
        CHECK_STR(tally_config_report(c, "author"), "Team", "included values are kept");
        CHECK_STR(tally_config_report(c, "title"), "Child", "later values override included ones");
        tally_config_free(c);
    }
    free(err);
    free(write_file("base/helpers.lua", "function figure(name, title)\n  stage \"frequencies\" { id = name, title = title }\nend\n"));
    err = load_error(&sb, "uses.lua", "include \"base/helpers.lua\"\nfigure(\"chart1\", \"Chart 1\")\n", NULL, 0, &c);
    CHECK(err == NULL && c && c->nblocks == 1, "a base config's functions can be called after its include");
    if (c) {
        CHECK_CONTAINS(c->blocks[0].where, "helpers.lua:2", "blocks a base function declares name its line");
        tally_config_free(c);
    }
    free(err);
    free(write_file("loop_b.lua", "include \"loop_a.lua\"\n"));
    err = load_error(&sb, "loop_a.lua", "report { title = \"x\" }\ninclude \"loop_b.lua\"\n", NULL, 0, NULL);
    CHECK_CONTAINS(err, "loop_b.lua:1: config", "an include cycle names the line that closes it");
    CHECK_CONTAINS(err, "includes itself", "an include cycle says so");
    free(err);

    /* --set */
    char *sets[] = {"report.title=Draft", "input.r.path=other.csv", "year=2021", "stage.countries.top=5"};
    err = load_error(&sb, "set.lua",
                     "report { title = \"Final\", subtitle = \"Year \" .. (params.year or \"?\") }\n"
                     "input \"r\" { path = \"r.csv\" }\n"
                     "stage \"ranking\" { id = \"countries\", top = 3 }\n",
                     sets, 4, &c);
    CHECK(err == NULL, "--set applies");
    if (c) {
        CHECK_STR(tally_config_report(c, "title"), "Draft", "--set report.title overrides");
        CHECK_STR(tally_config_report(c, "subtitle"), "Year 2021", "--set without a dot is params.NAME");
        char cwd[4096];
        char *want = xasprintf("%s/other.csv", getcwd(cwd, sizeof cwd) ? cwd : ".");
        CHECK_STR(h->opt_string(c->blocks[0].opts, "path"), want, "--set input.r.path overrides, from the working folder");
        free(want);
        CHECK(strstr(c->blocks[0].dir, dir) != NULL, "the block's other paths keep the config's folder");
        CHECK(c->nblocks == 2 && c->blocks[1].kind == TALLY_BLOCK_STAGE, "a stage with an id");
        tally_config_push_stage_options(c, &c->blocks[1]);
        lua_getfield(sb.L, -1, "top");
        CHECK(lua_tointeger(sb.L, -1) == 5, "--set stage.ID.option reaches the stage with that id");
        lua_getfield(sb.L, -2, "id");
        CHECK(lua_isstring(sb.L, -1) && strcmp(lua_tostring(sb.L, -1), "countries") == 0, "the stage sees its id");
        lua_pop(sb.L, 3);
        tally_config_free(c);
    }
    free(err);
    char *badset[] = {"output.nope.path=x"};
    err = load_error(&sb, "set2.lua", "input \"r\" { path = \"r.csv\" }\n", badset, 1, NULL);
    CHECK_STR(err, "--set 'output.nope.path=x': the config has no output 'nope'", "--set of an unknown block");
    free(err);

    err = load_error(&sb, "forever.lua", "report { title = \"x\" }\nwhile true do end\n", NULL, 0, NULL);
    CHECK_CONTAINS(err, "forever.lua:2: instruction budget of 50000000 exceeded (endless loop?); a config only declares",
                   "an endless loop in a config is stopped");
    free(err);
    err = load_error(&sb, "bomb.lua", "local s = 'x'\nwhile true do s = s .. s end\n", NULL, 0, NULL);
    CHECK_CONTAINS(err, "bomb.lua: the config uses more than 64 MB of memory", "a memory bomb in a config is stopped");
    free(err);

    err = load_error(&sb, "nofile.lua", "", NULL, 0, NULL);
    CHECK(err == NULL, "an empty config loads");
    free(err);
    char *missing = xasprintf("%s/does-not-exist.lua", dir);
    err = NULL;
    c = tally_config_load(sb.L, missing, NULL, 0, &err);
    CHECK(c == NULL && err && strstr(err, "cannot open config") != NULL, "a missing config is an error");
    free(err);
    free(missing);

    tally_sandbox_close(&sb);
    char *cmd = xasprintf("rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    free(cmd);
    CHECK_DONE();
}
