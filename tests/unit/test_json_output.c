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
    /* numbers whose shortest round-trip text is known (Python's repr gives the same digits): few decimals,
     * 16 and 17 digits, nines that carry at 15 digits, a three-digit exponent, subnormals */
    static const struct { const char *name; double v; const char *text; } shortest[] = {
        {"num_pct", 71.6, "71.6"},           {"num_sum", 0.1 + 0.2, "0.30000000000000004"},
        {"num_third", 200.0 / 3, "66.66666666666667"}, {"num_small", 1e-5, "1e-05"},
        {"num_big", 1.5e17, "1.5e+17"},      {"num_nines", 1 - 0x1p-53, "0.9999999999999999"},
        {"num_tiny", -1.0 / 3 * 1e-300, "-3.3333333333333334e-301"},      {"num_neg", -0.125, "-0.125"},
        {"num_subnormal", 4.9406564584124654e-324, "5e-324"}, {"num_sub17", 1.2345678901234567e-310, NULL}};
    for (size_t k = 0; k < sizeof shortest / sizeof *shortest; k++)
        tally_report_set_number(rep, shortest[k].name, shortest[k].v, "x");
    char p1[] = "/tmp/tally-json-a-XXXXXX", p2[] = "/tmp/tally-json-b-XXXXXX";
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
    for (size_t k = 0; k < sizeof shortest / sizeof *shortest; k++) {
        char key[64];
        snprintf(key, sizeof key, "\"%s\": {", shortest[k].name);
        const char *at = a ? strstr(a, key) : NULL, *num = at ? strstr(at, "\"number\": ") : NULL;
        char text[64] = "";
        if (num) sscanf(num + strlen("\"number\": "), "%63[^,\n ]", text);
        if (shortest[k].text) {
            CHECK(!strcmp(text, shortest[k].text), "%s is written as %s (got %s)", shortest[k].name,
                  shortest[k].text, text);
        } else { /* a subnormal of many digits: reads back, and one digit fewer does not */
            char fewer[320];
            int digits = 0;
            for (const char *c = text; *c && *c != 'e'; c++) digits += *c >= '0' && *c <= '9';
            snprintf(fewer, sizeof fewer, "%.*g", digits - 1, shortest[k].v);
            CHECK(*text && strtod(text, NULL) == shortest[k].v && strtod(fewer, NULL) != shortest[k].v,
                  "%s is the shortest text that reads back (got %s)", shortest[k].name, text);
        }
    }
    free(a);
    tally_options_set_bool(o, "pretty", 0);
    int rc;
    a = fixture_rewrite(d, o, rep, p1, &rc);
    CHECK(rc == 0 && a && strchr(a, '\n') == a + strlen(a) - 1, "pretty = false writes one line");
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 -m json.tool %s >/dev/null", p1);
    CHECK(system(cmd) == 0, "the compact form parses too");
    free(a);
    fixture_release(o, rep, p1, p2);
    CHECK_DONE();
}
