/* test_dataops_lua.c: the Lua dataset methods and the filter/compute/recode/dedupe/join/assert stages, run through the runtime. */
#include "check.h"
#include "fixtures.h"
#include "config.h"
#include "dataset.h"
#include "lua_runtime.h"
#include "result.h"
#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

/* Six responses (fixtures.h), q nominal. */
static tally_dataset *responses(void)
{
    tally_dataset *ds = six_responses();
    ds->cols[tally_dataset_find(ds, "q")]->measure = TALLY_NOMINAL;
    return ds;
}

static tally_dataset *partners(void)
{
    tally_dataset *p = tally_dataset_new("partners");
    int c = tally_dataset_add_column(p, "city", TALLY_STRING);
    int y = tally_dataset_add_column(p, "since", TALLY_NUMERIC);
    tally_dataset_resize(p, 2);
    tally_dataset_set_string(p, c, 0, "Berlin", 6);
    tally_dataset_set_string(p, c, 1, "Köln", 5);
    p->cols[y]->num[0] = 1994;
    p->cols[y]->num[1] = 1987;
    return p;
}

static const char *methods_lua =
    "local ds = tally.dataset('responses')\n"
    "report.value('m_nrows', ds:nrows())\n"
    "report.value('m_nvars', #ds:variables())\n"
    "local v = ds:var('q')\n"
    "report.text('m_meta', v.label .. '|' .. v.values[1] .. '|' .. v.missing[1] .. '|' .. v.type .. '|' .. v.measure)\n"
    "report.value('m_sum', ds:sum('age'))\n"
    "report.value('m_count', ds:count_if('q == 1 or q == 2'))\n"
    "report.text('m_cell', ds:value(2, 'city'))\n"
    "report.value('m_nil', ds:value(5, 'id') == nil and 1 or 0)\n"
    "local c = ds:count_by('q')\n"
    "report.text('m_counts', c[1].value .. '=' .. c[1].count .. ',' .. c[1].label .. ';' .. #c .. ';' .. tostring(c[#c].missing))\n"
    "local ok, err = pcall(function() return ds:compute('x', 'agee + 1') end)\n"
    "report.text('m_err', err)\n"
    "local r = ds:recode{ var = 'city', into = 'cc', map = { Berlin = 1, ['Köln'] = false }, otherwise = 0 }\n"
    "report.value('m_cc', r:sum('cc') + r:count_if('missing(cc)') * 100)\n"
    "local ok2, bad = pcall(function() return ds:recode{ var = 'q', mapp = {} } end)\n"
    "report.text('m_bad', bad)\n"
    "local f, n = ds:filter('age >= 30')\n"
    "report.value('m_filter', n * 10 + f:nrows())\n"
    "report.value('m_eval', tally.eval('m_nrows * 2 + m_filter'))\n"
    "local ok3, bad3 = pcall(function() return ds:value(7, 'id') end)\n"
    "report.text('m_range', bad3)\n";

/* Runs every stage of the config; returns the number that failed, messages joined in *errs. */
static int run_config(tally_runtime *rt, const char *path, sbuf *errs)
{
    char *err = NULL;
    tally_config *cfg = tally_config_load(tally_runtime_state(rt), path, NULL, 0, &err);
    if (!cfg) {
        sbuf_printf(errs, "config: %s\n", err);
        free(err);
        return 99;
    }
    int failed = 0;
    for (size_t i = 0; i < cfg->nblocks; i++) {
        const tally_block *b = &cfg->blocks[i];
        if (b->kind != TALLY_BLOCK_STAGE) continue;
        char *script = tally_runtime_find_stage(cfg, b, &err);
        if (!script || tally_runtime_run_stage(rt, cfg, b, script, &err) != TALLY_STAGE_OK) {
            sbuf_printf(errs, "%s\n", err ? err : "?");
            failed++;
        }
        free(err);
        err = NULL;
        free(script);
    }
    tally_config_free(cfg);
    return failed;
}

static double num_value(const tally_report *r, const char *name)
{
    const tally_named_value *v = tally_report_find_value(r, name);
    return v && v->is_number ? v->number : -12345;
}

static const char *text_value(const tally_report *r, const char *name)
{
    const tally_named_value *v = tally_report_find_value(r, name);
    return v ? v->text : NULL;
}

int main(void)
{
    char stages[PATH_MAX], dir[] = "/tmp/tally-dataops-XXXXXX";
    if (!realpath("plugins/stages", stages) || !mkdtemp(dir)) {
        CHECK(0, "run from the repository root");
        CHECK_DONE();
    }
    char *methods = xasprintf("%s/methods.lua", dir), *config = xasprintf("%s/config.lua", dir);
    FILE *f = fopen(methods, "w");
    fputs(methods_lua, f);
    fclose(f);
    f = fopen(config, "w");
    fprintf(f,
            "report { title = 'dataops' }\n"
            "stage '%1$s/filter.lua' { dataset = 'responses', where = 'q == 1', into = 'yes' }\n"
            "stage '%1$s/compute.lua' { dataset = 'responses', variable = 'age2', expr = 'age * 2', label = 'Double' }\n"
            "stage '%1$s/recode.lua' { dataset = 'responses', variable = 'age', target = 'agegroup',\n"
            "  ranges = { {'lowest', 29, 1}, {30, 'highest', 2} }, labels = { [1] = 'young', [2] = 'older' } }\n"
            "stage '%1$s/dedupe.lua' { dataset = 'responses', key = 'id', keep = 'last', order = 'submitted', into = 'unique' }\n"
            "stage '%1$s/join.lua' { dataset = 'responses', with = 'partners', key = 'city', vars = { 'since' } }\n"
            "stage '%1$s/assert.lua' { value = 'yes_n', min = 2 }\n"
            "stage '%1$s/assert.lua' { value = 'unique_duplicates', equals = 0, message = 'duplicate responses' }\n"
            "stage '%1$s/assert.lua' { that = 'yes_n + unique_duplicates == 4' }\n"
            "stage '%1$s/assert.lua' { dataset = 'responses', that = 'age > 20' }\n"
            "stage 'methods.lua' { }\n"
            "stage '%1$s/filter.lua' { dataset = 'responses', where = 'has_china = 1' }\n"
            "stage '%1$s/dedupe.lua' { dataset = 'responses', key = 'id', keep = 'newest' }\n",
            stages);
    fclose(f);

    tally_report *rep = tally_report_new();
    tally_runtime *rt = tally_runtime_new(rep);
    tally_runtime_add_dataset(rt, "responses", responses());
    tally_runtime_add_dataset(rt, "partners", partners());
    sbuf errs;
    sbuf_init(&errs);
    int failed = run_config(rt, config, &errs);
    CHECK(failed == 2, "all stages but the two broken ones ran (%d failed)", failed);
    if (failed != 2) printf("#   %s\n", errs.data ? errs.data : "");
    CHECK_CONTAINS(errs.data, "filter 'has_china = 1': at column 11: expected '==' (a comparison), found '='",
                   "a bad filter expression stops the stage with the pinned message");
    CHECK_CONTAINS(errs.data, "option 'keep' must be one of first, last, not 'newest'", "dedupe's keep option is a checked choice");

    /* filter */
    tally_dataset *yes = tally_runtime_dataset(rt, "yes");
    CHECK(yes && yes->nrows == 2 && yes->sel, "filter stage made dataset 'yes' (2 rows, a view)");
    CHECK(num_value(rep, "yes_n") == 2, "filter stage reported yes_n = 2");
    /* compute, recode and join replaced 'responses' in turn */
    tally_dataset *r = tally_runtime_dataset(rt, "responses");
    int a2 = r ? tally_dataset_find(r, "age2") : -1, ag = r ? tally_dataset_find(r, "agegroup") : -1;
    int si = r ? tally_dataset_find(r, "since") : -1;
    CHECK(a2 >= 0 && r->cols[a2]->num[3] == 140 && strcmp(r->cols[a2]->label, "Double") == 0, "compute stage added age2");
    CHECK(ag >= 0 && r->cols[ag]->num[0] == 1 && r->cols[ag]->num[3] == 2 &&
          strcmp(tally_column_value_label(r->cols[ag], 2), "older") == 0, "recode stage made labelled agegroup");
    CHECK(si >= 0 && r->cols[si]->num[0] == 1994 && isnan(r->cols[si]->num[1]) && r->cols[si]->num[3] == 1987,
          "join stage looked up since by city");
    CHECK(num_value(rep, "responses_unmatched") == 2, "join reported 2 unmatched rows");
    CHECK_STR(text_value(rep, "responses_unmatched_note"), "2 of 6 rows found no match in partners by city.", "join note");
    /* dedupe */
    tally_dataset *u = tally_runtime_dataset(rt, "unique");
    CHECK(u && u->nrows == 4, "dedupe stage kept 4 rows");
    CHECK(num_value(rep, "unique_duplicates") == 2, "dedupe reported 2 dropped rows");
    CHECK_STR(text_value(rep, "unique_duplicates_note"), "2 duplicate rows dropped (key id, kept the last): 1 (3 rows).",
              "dedupe note names the key values");
    /* assert */
    CHECK(rep->nchecks == 4 && rep->failed_checks == 2, "4 checks ran, 2 failed (%zu, %d)", rep->nchecks, rep->failed_checks);
    CHECK_STR(rep->nchecks > 0 ? rep->check_messages[0] : NULL, "PASS yes_n = 2 (want at least 2)", "value check passes");
    CHECK_STR(rep->nchecks > 1 ? rep->check_messages[1] : NULL,
              "FAIL duplicate responses [unique_duplicates = 2 (want exactly 0)]", "failed check keeps the message and the figures");
    CHECK_STR(rep->nchecks > 2 ? rep->check_messages[2] : NULL, "PASS yes_n + unique_duplicates == 4", "expression over named values");
    CHECK_STR(rep->nchecks > 3 ? rep->check_messages[3] : NULL,
              "FAIL check failed: age > 20: 2 of 6 rows of responses fail", "row check counts failing rows");
    /* dataset methods */
    CHECK(num_value(rep, "m_nrows") == 6 && num_value(rep, "m_nvars") == 8, "nrows and variables");
    CHECK_STR(text_value(rep, "m_meta"), "Partner city in China?|Yes|9|numeric|nominal", "var() metadata");
    CHECK(num_value(rep, "m_sum") == 204 && num_value(rep, "m_count") == 4, "sum and count_if are vectorised aggregates");
    CHECK_STR(text_value(rep, "m_cell"), "Hamburg", "value(row, var) reads one cell");
    CHECK(num_value(rep, "m_nil") == 1, "a system-missing cell is nil");
    CHECK_STR(text_value(rep, "m_counts"), "1=2,Yes;4;true", "count_by groups with labels, missing last");
    CHECK_CONTAINS(text_value(rep, "m_err"), "methods.lua:12: compute 'agee + 1': at column 1: unknown variable 'agee'",
                   "method errors carry the script line and the expression");
    CHECK(num_value(rep, "m_cc") == 103, "text recode: 3 Berlin, Köln missing, else 0 (%g)", num_value(rep, "m_cc"));
    CHECK_CONTAINS(text_value(rep, "m_bad"), "recode: unknown field 'mapp' (did you mean 'map'?)", "recode field typo");
    CHECK(num_value(rep, "m_filter") == 33, "filter returns the view and its row count");
    CHECK(num_value(rep, "m_eval") == 45, "tally.eval over named values");
    CHECK_CONTAINS(text_value(rep, "m_range"), "row 7 is out of range (dataset 'responses' has 6 rows)", "value() row check");

    sbuf_free(&errs);
    tally_runtime_free(rt);
    tally_report_free(rep);
    unlink(methods);
    unlink(config);
    rmdir(dir);
    free(methods);
    free(config);
    CHECK_DONE();
}
