#!/bin/sh
# pspp_stage_library.sh: the statistical Lua stages end to end (csv -> stages -> json) against hand-computed figures.
. tests/lib.sh
cp tests/data/stats/stages.csv "$TMP/stages.csv"
cat >"$TMP/stages.lua" <<'CFG'
report { title = "Stage library" }
input "d" { plugin = "csv", path = "stages.csv" }
stage "multiresponse" { dataset = "d", variables = { "m1", "m2", "m3" }, name = "kinds", label = "Kinds of partnership" }
stage "multiresponse" { dataset = "d", variables = { "m1", "m2", "m3" }, name = "kinds_all", base = "all" }
stage "ranking" { dataset = "d", variable = "kind", top = 2, other = true }
stage "timeline" { dataset = "d", variable = "year", decades_until = 2000, to = 2005 }
stage "likert" { dataset = "d", items = { "l1" }, scale = { 1, 2, 3, 4, 5 } }
stage "banner" { dataset = "d", rows = { "kind" }, columns = { "g", "m1" }, min_base = 1 }
stage "descriptives" { dataset = "d", variables = { "l1" }, id = "desc_l1" }
stage "frequencies" { dataset = "d", variables = { "kind" }, chart = "bar" }
output "json" { path = "out.json" }
CFG
expect_exit "stage library config runs" 0 "$TALLY" run "$TMP/stages.lua"
cat >"$TMP/check.py" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
t = {x["id"]: x for x in rep["tables"]}
def cell(tid, row, col):
    tab = t.get(tid)
    if not tab: return "no table " + tid
    cols = [c["label"] for c in tab["columns"]]
    for r in tab["rows"]:
        if r["label"] == row and col in cols: return r["cells"][cols.index(col)]
    return "no cell %s/%s" % (row, col)
def check(what, got, want):
    good = isinstance(got, (int, float)) and abs(got - want) < 1e-9
    print(("ok - " if good else "not ok - ") + what + ("" if good else " (got %r, want %r)" % (got, want)))
# multiple response, hand-computed: m1 3, m2 3, m3 2 of 8 responses; 4 of 9 cases answer
check("mr: m1 responses", cell("mr_kinds", "m1", "Responses"), 3)
check("mr: percent of responses m3 = 2/8", cell("mr_kinds", "m3", "Percent of responses"), 25)
check("mr: percent of cases m1 = 3/4 answering", cell("mr_kinds", "m1", "Percent of cases"), 75)
check("mr base=all: percent of cases m1 = 3/9", cell("mr_kinds_all", "m1", "Percent of cases"), 100 * 3 / 9)
print(("ok - " if t["mr_kinds"]["base"] == "N = 4, more than one answer possible" else "not ok - ") + "mr: base text")
print(("ok - " if t["mr_kinds"]["title"] == "Kinds of partnership" else "not ok - ") + "mr: label as title")
# ranking: kind 2 x4, 1 x3, then 3 and 4 once each
check("ranking: first is code 2 with 4", cell("ranking_kind", "2", "Count"), 4)
check("ranking: Other sums codes 3 and 4", cell("ranking_kind", "Other", "Count"), 2)
print(("ok - " if t["ranking_kind"]["chart"] == "bar" else "not ok - ") + "ranking: bar chart by default")
# timeline: 1980s 3, 1990s 2, 2000 2, 2001 0, ..., 2005 0
check("timeline: 1980s", cell("timeline_year", "1980s", "Count"), 3)
check("timeline: 1990s", cell("timeline_year", "1990s", "Count"), 2)
check("timeline: 2001 empty", cell("timeline_year", "2001", "Count"), 0)
check("timeline: 2005 shown", cell("timeline_year", "2005", "Count"), 0)
# likert: 1,2,3,4,5,5,4,4 -> mean 3.5, top 2 = 5/8, bottom 2 = 2/8
check("likert: mean", cell("likert_l1", "l1", "Mean"), 3.5)
check("likert: top 2 box", cell("likert_l1", "l1", "Top 2 box"), 62.5)
check("likert: net", cell("likert_l1", "l1", "Net"), 37.5)
# banner: kind by g and m1, plus Total
def bcell(tid, row, letter, stat):
    b = t[tid]["banner"]
    ci = [i for i, c in enumerate(b["columns"]) if c["letter"] == letter and (letter or c["total"])][0]
    for sec in b["sections"]:
        for r in sec["rows"]:
            if r["label"] == row: return r["cells"][ci].get(stat)
    return "no row " + row
check("banner: total of kind 2", bcell("banner_kind", "2", "", "count"), 4)
check("banner: kind 2 in g=1 column", bcell("banner_kind", "2", "A", "count"), 3)
check("banner: kind 2 in m1=1 column, percent of 3", bcell("banner_kind", "2", "D", "col_pct"), 100 * 2 / 3)
check("descriptives: N of l1", cell("desc_l1", "l1", "N"), 8)
# l1 sorted: 1 2 3 4 4 4 5 5; squared deviations from 3.5 sum to 14, so sd = sqrt(14 / 7);
# HAVERAGE (PSPP's default): the 25th percentile at (n + 1) * 0.25 = 2.25, the 75th at 6.75
check("descriptives: mean of l1", cell("desc_l1", "l1", "Mean"), 3.5)
check("descriptives: sd of l1 with n - 1 = sqrt(2)", cell("desc_l1", "l1", "Std. deviation"), 2 ** 0.5)
check("descriptives: minimum", cell("desc_l1", "l1", "Minimum"), 1)
check("descriptives: maximum", cell("desc_l1", "l1", "Maximum"), 5)
check("descriptives: median", cell("desc_l1", "l1", "Median"), 4)
check("descriptives: 25th percentile (HAVERAGE)", cell("desc_l1", "l1", "25th percentile"), 2.25)
check("descriptives: 75th percentile (HAVERAGE)", cell("desc_l1", "l1", "75th percentile"), 4.75)
check("frequencies: kind 1 percent", cell("freq_kind", "1", "Percent"), 100 * 3 / 9)
PY
if [ -s "$TMP/out.json" ]; then $PY "$TMP/check.py" "$TMP/out.json" >"$TMP/res" 2>&1; rc=$?; cat "$TMP/res"
  [ $rc = 0 ] || not_ok "the checker exited $rc"
  grep -q '^not ok' "$TMP/res" && failures=$((failures + 1))
  grep -q '^ok' "$TMP/res" || not_ok "stage library checks ran"
else not_ok "stage library wrote out.json"; fi
finish
