# table_titles.sh: every table stage takes title and table_id; weighted and unweighted twins of a
# question get titles and ids of their own; the contents sheet lists no text twice; a taken id is
# said (not a silent "_2").
. tests/lib.sh
ROOT=$(pwd)
cat >"$TMP/survey.csv" <<'CSV'
id,region,partner,income,w
1,West,1,2100,1.5
2,West,2,1800,0.5
3,East,1,2500,1
4,East,1,,2
5,West,2,3000,1
CSV
cat >"$TMP/t.lua" <<'CFG'
report { title = "Titles", outdir = "out" }
input "survey" { path = "survey.csv", weight = "w" }
stage "frequencies" { dataset = "survey", variables = { "region" } }
stage "frequencies" { dataset = "survey", variables = { "region" }, weight = false }
stage "frequencies" { dataset = "survey", variables = { "partner" }, title = "Partner city?", table_id = "partner_tab" }
stage "crosstab" { dataset = "survey", row = "region", column = "partner", table_id = "region_by_partner" }
stage "descriptives" { dataset = "survey", variables = { "income" }, table_id = "income_stats" }
stage "frequencies" { dataset = "survey", variables = { "region" } }
stage "banner" { dataset = "survey", rows = { "partner" }, columns = { "region" }, title = "Partner city by region", table_id = "partner_banner" }
output "xlsx" { path = "t.xlsx" }
output "json" { path = "t.json" }
CFG
expect_exit "a report with weighted and unweighted twins runs" 0 "$TALLY" run "$TMP/t.lua"
expect_contains "a taken id is said, with the way out" "$TMP/stderr" "table id 'freq_region' is taken by an earlier table; this one (\"region\") is 'freq_region_2'; give its stage table_id = \"...\""
cat >"$TMP/check.py" <<'PY'
import json, sys
import openpyxl
rep = json.load(open(sys.argv[1]))
tables = {t["id"]: t["title"] for t in rep["tables"]}
want = {"freq_region": "region", "freq_region_unweighted": "region, unweighted",
        "partner_tab": "Partner city?", "region_by_partner": None, "income_stats": None,
        "partner_banner": "Partner city by region"}
bad = [f"{k}: {tables.get(k)!r}" for k, v in want.items() if k not in tables or (v and tables[k] != v)]
wb = openpyxl.load_workbook(sys.argv[2])
lines = [c.value for row in wb.worksheets[0].iter_rows(min_col=1, max_col=1) for c in row
         if c.value and c.hyperlink]
dups = sorted({l for l in lines if lines.count(l) > 1})
print("ids/titles wrong:", bad) if bad else None
print("contents lines twice:", dups) if dups else None
print("contents:", lines)
sys.exit(1 if bad or dups or len(lines) != 7 else 0)
PY
check "titles and ids: weighted twins apart, table_id and title taken by frequencies, crosstab, descriptives, banner; no contents line twice" \
  $PY "$TMP/check.py" "$TMP/out/t.json" "$TMP/out/t.xlsx"

printf 'report { title = "T" }\ninput "s" { path = "survey.csv" }\nstage "frequencies" { dataset = "s", variables = { "region", "partner" }, title = "X" }\noutput "json" { path = "x.json" }\n' >"$TMP/two.lua"
expect_exit "title with two variables is refused" 1 "$TALLY" run "$TMP/two.lua" --outdir "$TMP/o2"
expect_contains "and the error says why" "$TMP/stderr" "frequencies: \`title\` and \`table_id\` name one table; give one variable per stage (here: 2 variables)"
printf 'report { title = "T" }\ninput "s" { path = "survey.csv" }\nstage "banner" { dataset = "s", rows = { "region", "partner" }, columns = { "region" }, table_id = "b" }\noutput "json" { path = "b.json" }\n' >"$TMP/twob.lua"
expect_exit "a banner table_id with two row questions is refused" 1 "$TALLY" run "$TMP/twob.lua" --outdir "$TMP/o3"
expect_contains "and the error says why" "$TMP/stderr" "banner: \`title\` and \`table_id\` name one table; give one row question per stage (here: 2 row questions)"
finish
