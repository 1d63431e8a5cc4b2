# diff.sh: `tally diff`: each kind of change, thresholds, exit codes, malformed files, Markdown through cmark-gfm.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"
cd "$TMP" || exit 1

# A small report in the json output's layout; mutate.py writes variants of it.
cat >mutate.py <<'PYEOF'
import json, sys
base = {
  "report": {"title": "Diff fixture", "language": "en"},
  "tables": [
    {"id": "t1", "title": "Does your city cooperate?", "question": None, "base": "N = 200", "notes": [], "chart": None,
     "columns": [{"label": "", "group": None, "type": "label", "decimals": 0},
                 {"label": "Count", "group": None, "type": "count", "decimals": 0},
                 {"label": "Percent", "group": None, "type": "percent", "decimals": 1}],
     "rows": [{"type": "category", "label": "yes", "cells": ["yes", 150, 75]},
              {"type": "category", "label": "no", "cells": ["no", 50, 25]}]},
    {"id": "t_2", "title": "Partners", "question": None, "base": None, "notes": [], "chart": None,
     "columns": [{"label": "", "group": None, "type": "label", "decimals": 0},
                 {"label": "Name", "group": None, "type": "text", "decimals": 0},
                 {"label": "Mean", "group": "East", "type": "mean", "decimals": 2},
                 {"label": "Mean", "group": "West", "type": "mean", "decimals": 2}],
     "rows": [{"type": "category", "label": "a|b_c", "cells": ["a|b_c", "Wuhan", 2.5, 3.5]}]}],
  "values": {"n": {"number": 200, "text": "200"}, "town": {"number": None, "text": "Bonn"}}}
d = json.loads(json.dumps(base))
t1, t2 = d["tables"]
for change in sys.argv[2:]:
    exec(change)
json.dump(d, open(sys.argv[1], "w"), indent=2)
PYEOF
mk() { $PY mutate.py "$@"; }
mk old.json

expect_exit "identical reports" 0 "$TALLY" diff old.json old.json
expect_contains "identical: no figure changed" "$TMP/stdout" "no figure changed (12 figures compared; any difference counts)"

# --- each kind of change -------------------------------------------------------------------
# Each case: a line FILE<tab>what changed<tab>the change (Python statements run on the report d, its
# tables t1 and t2); then a line -<tab>check<tab>text for each text `tally diff old.json FILE` must print.
# Every case must exit 3 (something moved).
while IFS='	' read -r file what change <&3; do
  if [ "$file" != - ]; then
    mk "$file" "$change"
    expect_exit "$what" 3 "$TALLY" diff old.json "$file"
  else
    expect_contains "$what" "$TMP/stdout" "$change"
  fi
done 3<<'CASES'
fig.json	a figure moved	t1["rows"][0]["cells"][2] = 76.5
-	figure: table / row / column, old, new, change	changed  t1 / yes / Percent: 75 -> 76.5 (+1.5)
-	figure: summary	1 figure changed (12 figures compared
grp.json	a figure in a column group moved	t2["rows"][0]["cells"][3] = 3.25
-	grouped columns are matched by group and name	changed  t_2 / a|b_c / West: Mean: 3.5 -> 3.25 (-0.25)
text.json	a text cell changed and a figure became empty	t2["rows"][0]["cells"][1] = "Shanghai"; t1["rows"][1]["cells"][2] = None
-	text cell	changed  t_2 / a|b_c / Name: "Wuhan" -> "Shanghai"
-	figure to empty	changed  t1 / no / Percent: 25 -> empty
tadd.json	a table added	d["tables"].append({"id": "t3", "title": "New question", "columns": [], "rows": []})
-	table added	added    table t3 "New question"
rows.json	rows added and removed	t1["rows"].append({"label": "maybe", "cells": ["maybe", 0, 0]}); del t1["rows"][1]
-	row added	added    row t1 / maybe
-	row removed	removed  row t1 / no
cols.json	a column renamed is removed and added	t1["columns"][2]["label"] = "Valid percent"
-	column added	added    column t1 / Valid percent
-	column removed	removed  column t1 / Percent
vals2.json	named values changed	d["values"]["n"]["number"] = 201; d["values"]["town"]["text"] = "Köln"
-	value number changed	changed  value n: 200 -> 201 (+1)
-	value text changed (no number)	changed  value town: "Bonn" -> "Köln"
vals.json	named values added and removed	d["values"]["n"]["number"] = 201; d["values"]["town"]["text"] = "Köln"; d["values"]["m"] = {"number": 1, "text": "1"}; del d["values"]["town"]
-	value added	added    value m
-	value removed	removed  value town
CASES
expect_exit "a table removed (the other way round)" 3 "$TALLY" diff tadd.json old.json
expect_contains "table removed" "$TMP/stdout" 'removed  table t3 "New question"'
expect_contains "table removed: summary" "$TMP/stdout" "1 table removed ("

mk moved.json 't1["rows"].reverse()'
expect_exit "rows in another order are matched by label" 0 "$TALLY" diff old.json moved.json

# --- thresholds -------------------------------------------------------------------------------
expect_exit "--abs 2: a move of 1.5 is within" 0 "$TALLY" diff old.json fig.json --abs 2
expect_contains "--abs: counted as within the thresholds" "$TMP/stdout" "no figure changed (12 figures compared; thresholds: abs 2; 1 within the thresholds)"
expect_exit "--abs 1: a move of 1.5 is beyond" 3 "$TALLY" diff old.json fig.json --abs 1
expect_exit "--rel 2%: 1.5 of 75 (2%) is within" 0 "$TALLY" diff old.json fig.json --rel 2%
expect_exit "--rel 1.9%: 1.5 of 75 is beyond" 3 "$TALLY" diff old.json fig.json --rel 1.9%
expect_exit "--rel 0.019 (a fraction) is the same as 1.9%" 3 "$TALLY" diff old.json fig.json --rel 0.019
expect_exit "--abs 1 --rel 2%: within one of them is within" 0 "$TALLY" diff old.json fig.json --abs 1 --rel 2%
expect_exit "thresholds do not hide an added table" 3 "$TALLY" diff old.json tadd.json --abs 1000 --rel 100%
expect_exit "thresholds do not hide a changed text" 3 "$TALLY" diff old.json text.json --abs 1000

# --- malformed files and usage --------------------------------------------------------------
printf '{"tables": [\n  {"id": "t1",\n   "rows": [1,]\n' >broken.json
expect_exit "a file that is not JSON" 1 "$TALLY" diff old.json broken.json -o bad.md
expect_contains "syntax error: file:line:column" "$TMP/stderr" "tally diff: broken.json:3:"
expect_contains "syntax error: says what" "$TMP/stderr" "not valid JSON"
check "no Markdown half-written on an error" test ! -e bad.md
check "no temporary left behind" sh -c '! ls bad.md.tmp-* 2>/dev/null'
mk norows.json 't1["rows"][1] = {"label": "no"}'
expect_exit "a row without cells" 1 "$TALLY" diff norows.json old.json
expect_contains "structure error names file, table and row" "$TMP/stderr" \
  'tally diff: norows.json: tables[0] (id "t1"), rows[1]: a row without a "cells" list'
echo '[1, 2]' >array.json
expect_exit "JSON that is not a report" 1 "$TALLY" diff old.json array.json
expect_contains "not a report: says so" "$TMP/stderr" "tally diff: array.json: top level: not an object (is it a JSON report written by tally's json output?)"
expect_exit "a missing file" 1 "$TALLY" diff old.json nosuch.json
expect_contains "a missing file is named" "$TMP/stderr" "tally diff: cannot open 'nosuch.json': No such file or directory"
mkdir folder.json
expect_exit "a folder" 1 "$TALLY" diff old.json folder.json
expect_contains "a folder is named as one" "$TMP/stderr" "tally diff: 'folder.json' is a folder, not a JSON report"
expect_exit "one file only" 2 "$TALLY" diff old.json
expect_contains "one file: usage" "$TMP/stderr" "diff needs two JSON reports"
expect_exit "a bad --rel" 2 "$TALLY" diff old.json fig.json --rel lots
expect_contains "bad --rel: says what it needs" "$TMP/stderr" "--rel needs a percentage like 1% ('lots' is not one)"
expect_exit "a negative --abs" 2 "$TALLY" diff old.json fig.json --abs -1
expect_exit "diff --help" 0 "$TALLY" diff --help
expect_contains "diff --help: exit codes" "$TMP/stdout" "0 nothing moved beyond the thresholds, 3 something did"

# --- Markdown, parsed back by cmark-gfm as github.com renders it ----------------------------------
mk md.json 't2["rows"][0]["cells"][2] = 2.75' 'd["tables"].append({"id": "t*3", "title": "New <b>", "columns": [], "rows": []})'
expect_exit "diff with -o changes.md" 3 "$TALLY" diff old.json md.json -o changes.md
cat >readmd.py <<'PYEOF'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.cells = []; self.cur = None; self.items = []; self.h3 = None; self.tag = None
    def handle_starttag(self, tag, a):
        if tag in ("td", "th", "li", "h3"): self.cur = ""; self.tag = tag
    def handle_endtag(self, tag):
        if tag in ("td", "th"): self.cells.append(self.cur)
        elif tag == "li": self.items.append(self.cur)
        elif tag == "h3": self.h3 = self.cur
        if tag in ("td", "th", "li", "h3"): self.cur = None
    def handle_data(self, d):
        if self.cur is not None: self.cur += d
p = P(); p.feed(sys.stdin.read())
print("h3:", p.h3)
print("cells:", " | ".join(p.cells))
for i in p.items: print("item:", i)
PYEOF
if command -v cmark-gfm >/dev/null; then
  cmark-gfm -e table --to html changes.md | $PY readmd.py >md.txt
  expect_contains "Markdown heading" md.txt "h3: Report changes: 1 figure changed, 1 table added"
  expect_contains "Markdown table: header and the changed cell, labels unescaped" md.txt \
    "cells: Table | Row | Column | Old | New | Change | t_2 | a|b_c | East: Mean | 2.5 | 2.75 | +0.25"
  expect_contains "Markdown list: the added table with its title" md.txt "item: t*3 (New <b>)"
  expect_exit "-o - writes Markdown to stdout" 3 "$TALLY" diff old.json md.json -o -
  expect_same "-o - is the same Markdown" "$TMP/stdout" changes.md
  expect_exit "no change: Markdown says so" 0 "$TALLY" diff old.json old.json -o same.md
  cmark-gfm -e table --to html same.md | $PY readmd.py >same.txt
  expect_contains "no change: heading" same.txt "h3: Report changes: no figure changed"
else
  skip "cmark-gfm is not installed (make test-deps installs it)"
fi

# --- the flagship: this build's report against the committed golden JSON -----------------------
export SOURCE_DATE_EPOCH=1609459200
unset GITHUB_STEP_SUMMARY
cd "$ROOT" || exit 1
expect_exit "run config/city-survey.lua" 0 "$TALLY" run config/city-survey.lua --outdir "$TMP/out" -q
expect_exit "the city survey against its golden JSON" 0 "$TALLY" diff tests/golden/city-survey.json "$TMP/out/city-survey.json" -o "$TMP/city.md"
expect_contains "the city survey: no figure changed" "$TMP/city.md" "### Report changes: no figure changed"
finish
