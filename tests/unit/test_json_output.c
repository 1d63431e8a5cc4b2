/* test_json_output.c: the json output plugin: valid JSON with every table's numbers and every named value. */
#include "check.h"
#include "report_fixture.h"

#include <unistd.h>

int main(void)
{
    const tally_plugin_descriptor *d = fixture_plugin("json");
    CHECK(d != NULL && !strcmp(d->name, "json"), "the json plugin loads");
    if (!d) CHECK_DONE();
    tally_report *rep = fixture_report();
    tally_report_set_text(rep, "bad_utf8", "caf\xe9 \x01");
    char p1[] = "/tmp/tally-json-a-XXXXXX", p2[] = "/tmp/tally-json-b-XXXXXX";
    char *err;
    tally_options *o = tally_options_new("test.lua:4");
    char *a = fixture_write_twice(d, o, rep, p1, p2, "JSON");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 -m json.tool %s >/dev/null", p1);
    CHECK(system(cmd) == 0, "python3 -m json.tool parses it");
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); t=j[\"tables\"];"
             "assert [x[\"id\"] for x in t]==[\"freq_q1\",\"hostile\",\"crosstab_q2_region\",\"trend\",\"empty\"];"
             "assert t[0][\"rows\"][0]==dict(type=\"category\",label=\"Yes\",cells=[\"Yes\",12,26.0869565217]);"
             "assert t[0][\"rows\"][3][\"type\"]==\"total\" and t[0][\"base\"]==\"N = 46\";"
             "assert [c[\"type\"] for c in t[0][\"columns\"]]==[\"label\",\"count\",\"percent\"];"
             "assert t[2][\"rows\"][3][\"cells\"]==[\"Base\",20,None,None];"
             "assert t[2][\"columns\"][1][\"group\"]==\"Region\";"
             "assert t[1][\"rows\"][0][\"label\"]==\"a | b * c\";"
             "assert t[3][\"rows\"][1][\"cells\"][2]==-0.001;"
             "v=j[\"values\"]; assert list(v)==sorted(v);"
             "assert v[\"n_total\"]==dict(number=46,text=\"46\") and v[\"city\"][\"number\"] is None;"
             "assert v[\"bad_utf8\"][\"text\"]==\"caf\\ufffd \\x01\";"
             "assert j[\"report\"][\"title\"].startswith(\"German\")' %s",
             p1);
    CHECK(system(cmd) == 0, "tables, columns, rows, cells (null when empty) and values have the numbers");
    CHECK(a && strstr(a, "\n  \"tables\": [") != NULL, "pretty by default");
    free(a);
    tally_options_set_bool(o, "pretty", 0);
    int rc = fixture_write(d, o, rep, p1, &err);
    free(err);
    a = fixture_slurp(p1);
    CHECK(rc == 0 && a && strchr(a, '\n') == a + strlen(a) - 1, "pretty = false writes one line");
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 -m json.tool %s >/dev/null", p1);
    CHECK(system(cmd) == 0, "the compact form parses too");
    free(a);
    tally_options_free(o);
    unlink(p1);
    unlink(p2);
    tally_report_free(rep);
    CHECK_DONE();
}
