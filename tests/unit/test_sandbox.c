/* test_sandbox.c: the Lua bridge and sandbox: every escape fails with a clear error and harms nothing. */
#include "check.h"
#include "config.h"
#include "lua_runtime.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/tally-sandbox-XXXXXX";

/* Runs `code` as a stage; returns its error (new string) or NULL. */
static char *run_stage(tally_runtime *rt, const char *name, const char *code, const char *block_extra,
                       tally_stage_status *status)
{
    char *script = xasprintf("%s/%s.lua", dir, name);
    FILE *f = fopen(script, "w");
    fputs(code, f);
    fclose(f);
    char *cfgpath = xasprintf("%s/%s.config.lua", dir, name);
    f = fopen(cfgpath, "w");
    fprintf(f, "report { title = \"t\" }\nstage \"%s.lua\" { %s }\n", name, block_extra ? block_extra : "");
    fclose(f);
    char *err = NULL;
    tally_config *cfg = tally_config_load(tally_runtime_state(rt), cfgpath, NULL, 0, &err);
    if (!cfg) {
        free(script);
        free(cfgpath);
        return err;
    }
    tally_stage_status st = tally_runtime_run_stage(rt, cfg, &cfg->blocks[0], script, &err);
    if (status) *status = st;
    tally_config_free(cfg);
    free(script);
    free(cfgpath);
    return st == TALLY_STAGE_OK ? NULL : err;
}

/* One stage run: `script` as stage `name` with config options `opts` (may be NULL) fails with an error
 * containing `want`, or succeeds where want is NULL. */
typedef struct {
    const char *name, *script, *opts, *want, *what;
} stage_case;

static void check_stage(tally_runtime *rt, const stage_case *c)
{
    tally_stage_status st;
    char *err = run_stage(rt, c->name, c->script, c->opts, &st);
    if (c->want) {
        CHECK_CONTAINS(err, c->want, c->what);
    } else {
        CHECK(err == NULL, "%s", c->what);
        if (err) printf("#   %s\n", err);
    }
    free(err);
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    tally_report *rep = tally_report_new();
    tally_runtime *rt = tally_runtime_new(rep);

    /* the bridge: tables built in Lua land in the report; named values too */
    tally_stage_status st;
    char *err = run_stage(rt, "bridge",
                          "local t = tally.table{ id = \"t1\", title = \"Cities\", base = \"N = 3\",\n"
                          "  columns = { { \"\", \"label\" }, { \"Count\", \"count\" }, { \"Percent\", \"percent\", 1 } } }\n"
                          "t:add_row(\"category\", { \"Bonn\", 2, 66.67 })\n"
                          "t:add_row(\"total\", { \"Total\", 3, 100 })\n"
                          "t:chart(\"bar\", { \"Percent\" })\n"
                          "report.add(t)\n"
                          "report.value(\"n_total\", 3)\n"
                          "report.value(\"pct\", 66.666, tally.percent(2, 3))\n"
                          "report.text(\"who\", options.who)\n"
                          "assert(t:cell(\"Bonn\", \"Count\") == 2)\n",
                          "who = \"analyst\"", &st);
    CHECK(err == NULL, "a stage builds a table and named values");
    if (err) printf("#   %s\n", err);
    free(err);
    const tally_table *t = tally_report_find_table(rep, "t1");
    CHECK(t && t->nrows == 2 && t->ncols == 3, "the table reached the report");
    if (t) {
        char buf[64];
        CHECK_STR(tally_table_format_cell(t, 0, 2, buf, sizeof buf), "66.7%", "percent cells format with decimals");
        CHECK(t->chart == TALLY_CHART_BAR && t->nseries == 1 && t->series[0] == 2, "chart bound to the Percent column");
    }
    const tally_named_value *v = tally_report_find_value(rep, "pct");
    CHECK(v && strcmp(v->text, "66.7%") == 0 && v->is_number, "named value keeps its number and text");
    v = tally_report_find_value(rep, "who");
    CHECK(v && strcmp(v->text, "analyst") == 0, "options reach the stage");

    /* an endless loop is stopped, and the error names the stage */
    err = run_stage(rt, "loop", "while true do end\n", "max_instructions = 1000000", &st);
    CHECK_CONTAINS(err, "instruction budget of 1000000 exceeded", "an endless loop is stopped");
    CHECK_CONTAINS(err, "stage 'loop.lua'", "the budget error names the stage");
    free(err);
    /* every escape named in the issue fails, budgets stop loops and bombs, and the next stage still works
     * (in order: "after" runs after "replace", "fine" after the budgets) */
    static const stage_case sandbox_cases[] = {
        {"io", "io.open('/etc/passwd')", NULL, "unknown global 'io'", "io is not there"},
        {"os", "os.execute('touch /tmp/pwned')", NULL, "unknown global 'os'", "os is not there"},
        {"require", "require('os')", NULL, "unknown global 'require'", "require is not there"},
        {"load", "load('return 1')()", NULL, "unknown global 'load'", "load is not there"},
        {"dofile", "dofile('/etc/passwd')", NULL, "unknown global 'dofile'", "dofile is not there"},
        {"loadstring", "loadstring('x')", NULL, "unknown global 'loadstring'", "loadstring is not there"},
        {"package", "package.loadlib('x', 'y')", NULL, "unknown global 'package'", "package is not there"},
        {"debug", "debug.getregistry()", NULL, "unknown global 'debug'", "debug is not there"},
        {"collect", "collectgarbage('stop')", NULL, "unknown global 'collectgarbage'", "collectgarbage is not there"},
        {"dump", "local d = string.dump(function() end)", NULL, "attempt to call a nil value (field 'dump')", "string.dump is not there"},
        {"strdump", "local d = (''):dump()", NULL, "attempt to call a nil value (method 'dump')", "no dump through the string metatable either"},
        {"strmeta", "local mt = getmetatable('')\nmt.__index = {}\n", NULL, "strmeta.lua:2: attempt to index a string value (local 'mt')", "the string metatable is protected"},
        {"setstrmeta", "setmetatable('', {})", NULL, "bad argument #1 to 'setmetatable' (table expected", "setmetatable cannot touch strings"},
        {"gc", "setmetatable({}, { __gc = function() end })", NULL, "stages may not set __gc finalizers", "finalizers are refused (they run outside the budget)"},
        {"xhandler", "xpcall(function() error('x') end, function() while true do end end)\n", "max_instructions = 1000000", "instruction budget of 1000000 exceeded", "an endless loop in an xpcall handler is stopped"},
        {"envmeta", "setmetatable(_G, nil)", NULL, "cannot change a protected metatable", "the environment's metatable is protected"},
        /* replacing _G or a library affects only the stage that did it */
        {"replace", "_G = { io = 1 }\nstring.rep = nil\nmath = nil\ntally = nil\n", NULL, NULL, "a stage may replace its own globals"},
        {"after", "assert(string.rep('a', 3) == 'aaa')\nassert(math.floor(1.5) == 1)\nassert(('x'):rep(2) == 'xx')\nassert(type(tally.table) == 'function')\n", NULL, NULL, "the next stage sees intact libraries"},
        {"bytecode", "assert(string.dump == nil and (''):len() == 0)\n", NULL, NULL, "reading string.dump gives nil, the rest of string works"},
        /* budgets */
        {"pcallloop", "while true do pcall(function() while true do end end) end\n", "max_instructions = 1000000", "instruction budget of 1000000 exceeded", "an endless loop inside pcall is stopped"},
        {"xpcallloop", "local ok = xpcall(function() while true do end end, function(e) return e end)\nwhile true do end\n", "max_instructions = 1000000", "instruction budget", "xpcall cannot swallow the budget either"},
        {"membomb", "local t = {}\nwhile true do t[#t + 1] = string.rep('x', 1024) .. #t end\n", "max_memory_mb = 16, max_instructions = 0", "memory budget of 16 MB exceeded", "a memory bomb is stopped"},
        {"membomb2", "local ok = pcall(function() local s = 'x' while true do s = s .. s end end)\nreturn 1\n", "max_memory_mb = 16", "memory budget of 16 MB exceeded", "pcall cannot swallow the memory budget"},
        {"recurse", "local function f(n) return f(n + 1) + 1 end\nf(1)\n", NULL, "stack overflow", "endless recursion is stopped"},
        {"fine", "local s = 0 for i = 1, 1000 do s = s + i end assert(s == 500500)\n", NULL, NULL, "after all that, a normal stage runs"},
    };
    for (size_t i = 0; i < sizeof sandbox_cases / sizeof sandbox_cases[0]; i++) check_stage(rt, &sandbox_cases[i]);

    /* errors carry script:line, the stage and a traceback */
    err = run_stage(rt, "boom", "local x = 1\nlocal function inner() error('no such table') end\ninner()\n", NULL, &st);
    CHECK_CONTAINS(err, "boom.lua:2: no such table", "errors name script:line");
    CHECK_CONTAINS(err, "stack traceback:", "errors carry a traceback");
    CHECK_CONTAINS(err, "stage 'boom.lua' (", "errors name the stage and its config line");
    free(err);
    /* tally.options: declared options are validated with file:line of the config block */
    err = run_stage(rt, "opts", "local o = tally.options{ variables = { type = 'list', required = true },\n"
                                "  dataset = { type = 'string', default = 'responses' } }\n",
                    "varibles = { 'q1' }", &st);
    CHECK_CONTAINS(err, "opts.config.lua:2: stage 'opts.lua': unknown option 'varibles' (did you mean 'variables'?); "
                        "allowed: dataset, variables", "stage options: unknown name with suggestion");
    CHECK(st == TALLY_STAGE_CONFIG_ERROR, "stage option errors are config errors (exit 2)");
    free(err);
    /* more errors that name script:line, and stage options checked against their declarations */
    static const stage_case error_cases[] = {
        {"cerr", "\nlocal d = tally.dataset('nope')\n", NULL, "cerr.lua:2: no dataset 'nope'", "errors raised in C get the script position"},
        {"global", "local x = undefined_name + 1\n", NULL, "global.lua:1: unknown global 'undefined_name'", "unknown globals are errors"},
        /* tally.options: declared options are validated */
        {"opts2", "local o = tally.options{ n = { type = 'integer', required = true, help = 'how many' } }\n", NULL, "stage 'opts2.lua': missing required option 'n' (integer: how many)", "missing stage option"},
        {"opts3", "local o = tally.options{ kind = { type = 'choice', choices = { 'bar', 'pie' } },\n  v = { type = 'list' } }\nassert(o.v[1] == 'q1')\n", "kind = 'donut', v = 'q1'", "option 'kind' must be one of bar, pie, not 'donut'", "stage option choices"},
        {"opts4", "local o = tally.options{ v = { type = 'list' }, w = { type = 'boolean', default = true } }\nassert(o.v[1] == 'q1' and o.w == true)\n", "v = 'q1'", NULL, "a single value is a list of one; defaults apply"},
    };
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) check_stage(rt, &error_cases[i]);

    tally_runtime_free(rt);
    tally_report_free(rep);
    CHECK(access("/tmp/pwned", F_OK) != 0, "nothing escaped the sandbox");
    char *cmd = xasprintf("rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    free(cmd);
    CHECK_DONE();
}
