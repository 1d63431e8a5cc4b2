# tests/e2e/city_survey_stages.sh: the stage features the city-survey reports need, on a small fixture:
# dedupe's INTO_n, values, listing, multiresponse plot/pie, likert base = "all", German decade labels, table_id.
. tests/lib.sh
D="$TMP/fx"
mkdir -p "$D"
cat >"$D/data.csv" <<'CSV'
id,city,n,r,a_x,a_y,year
1,Aa,2,1,1,0,1985
2,Bb,1,9,1,1,1992
3,Cc,2,2,0,1,2001
4,Dd,3,1,1,1,2001
5,Aa,2,4,0,0,1988
CSV
cat >"$D/data.codebook.lua" <<'LUA'
variable "city" { label = { en = "City", de = "Stadt" } }
variable "r" {
  label = { en = "Rating", de = "Bewertung" },
  values = { [1] = "high", [2] = "mid", [3] = "low", [4] = "none", [9] = { en = "don't know", de = "weiß nicht" } },
  missing = { 9 },
}
variable "a_x" { label = "X" }
variable "a_y" { label = "Y" }
mrset "a" { label = "Answers", kind = "dichotomy", counted = 1, columns = "a_*" }
LUA
cat >"$D/stages.lua" <<'LUA'
report { title = "Stages", language = params.lang or "en" }
input "data" { path = "data.csv", codebook = "data.codebook.lua" }
stage "dedupe" { dataset = "data", key = "city", keep = "last", order = "id", into = "u" }
stage "values" { dataset = "u", rows = "rows_u", count = { high = "r == 1", twoplus = "n >= 2" } }
stage "values" { percent = { share = { "rows_u", "u_n + u_duplicates" } }, expr = { both = "high + twoplus" } }
stage "values" { decimals = 0, table = { id = "vt", title = "Values", rows = { { "kept", "u_n", "rows_u" }, { "high", "high", "u_n" } } } }
stage "listing" { dataset = "data", by = "n", show = { "city", "year" }, where = "id > 1", order = "descending",
                  table_id = "lst", values = "by_n", label = "Cities" }
stage "multiresponse" { dataset = "data", sets = "a", chart = "pie", plot = "responses", table_id = "mr_pie", title = "Pie" }
stage "likert" { dataset = "data", items = { "r" }, base = "all", scale = { 4, 3, 2, 1 }, box = 1, table_id = "lk", chart = "bar" }
stage "timeline" { dataset = "data", variable = "year", decades_until = 2000, table_id = "tl" }
stage "ranking" { dataset = "data", variable = "city", table_id = "rk" }
output "json" { path = "stages.json" }
LUA
expect_exit "the stage fixture runs" 0 "$TALLY" run "$D/stages.lua" --outdir "$D/out" -q
if $PY - "$D/out/stages.json" >"$TMP/py.txt" 2>&1 <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
T = {t["id"]: t for t in doc["tables"]}
V = doc["values"]
bad = 0
def want(cond, what, got=None):
    global bad
    print(("ok - " if cond else "not ok - ") + what + ("" if cond else "  # got %r" % (got,)))
    bad += 0 if cond else 1
def num(n): return V.get(n, {}).get("number")
def text(n): return V.get(n, {}).get("text")
def col(t, label): return [c["label"] for c in T[t]["columns"]].index(label)
def row(t, label): return next(r for r in T[t]["rows"] if r["label"] == label)

want(num("u_n") == 4 and num("u_duplicates") == 1, "dedupe: u_n is the rows kept (4), u_duplicates 1", (num("u_n"), num("u_duplicates")))
want(num("rows_u") == 4, "values rows: the dataset's rows", num("rows_u"))
want(num("high") == 1 and num("twoplus") == 3, "values count: rows where a condition holds (last Aa kept: r = 4)", (num("high"), num("twoplus")))
want(text("high_pct") == "25.0%" and abs(num("twoplus_pct") - 75) < 1e-9, "values count: NAME_pct of the dataset's rows", (text("high_pct"), num("twoplus_pct")))
want(text("share") == "80.0%", "values percent: part / whole of expressions", text("share"))
want(num("both") == 4, "values expr: an expression over named values", num("both"))
want([r["cells"] for r in T["vt"]["rows"]] == [["kept", 4, 100], ["high", 1, 25]], "values table: count and percent of the base", [r["cells"] for r in T["vt"]["rows"]])
want(T["vt"]["columns"][2]["decimals"] == 0, "values table: the percent column has `decimals`")
lst = T["lst"]
want([r["label"] for r in lst["rows"]] == ["3", "2", "1", "Total"], "listing: groups in descending order, then Total", [r["label"] for r in lst["rows"]])
want(row("lst", "2")["cells"] == ["2", 2, "Cc - 2001, Aa - 1988"], "listing: the cases of a group in file order, `where` applied", row("lst", "2")["cells"])
want(row("lst", "Total")["cells"][1] == 4, "listing: the total counts the listed rows")
want(lst["columns"][2]["label"] == "Cities", "listing: `label` heads the listed column")
want(text("by_n_2") == "Cc - 2001, Aa - 1988" and num("by_n_2_n") == 2 and num("by_n_n") == 4, "listing: named values PREFIX_VALUE and _n", (text("by_n_2"), num("by_n_2_n")))
mr = T["mr_pie"]
want(mr["chart"] == "pie" and mr["title"] == "Pie" and mr["question"] == "Answers", "multiresponse: pie, table_id, title (the set label becomes the question)", (mr["chart"], mr["title"], mr["question"]))
lk = T["lk"]
labels = [c["label"] for c in lk["columns"]]
want(labels[:6] == ["", "none", "low", "mid", "high", "don't know"], "likert base=all: the scale as given, then the don't-know column", labels)
want(lk["base"] == "N = 5", "likert base=all: the base is every case", lk["base"])
cells = lk["rows"][0]["cells"]
want([round(x, 6) for x in cells[1:6]] == [20, 0, 20, 40, 20], "likert base=all: percent of all 5 cases, don't know 20%", cells[1:6])
want(round(cells[labels.index("Top 1 box")], 6) == 40 and cells[labels.index("N")] == 4, "likert base=all: top box of all cases, N of the valid answers", cells)
tl = T["tl"]
want([r["label"] for r in tl["rows"]][:2] == ["1980s", "1990s"], "timeline: decades, table_id", [r["label"] for r in tl["rows"]])
want("rk" in T, "ranking: table_id names the table", list(T))
sys.exit(1 if bad else 0)
PYEOF
then cat "$TMP/py.txt"
else
  cat "$TMP/py.txt"; failures=$((failures + 1))
  grep -q '^not ok' "$TMP/py.txt" || not_ok "the JSON check failed to run"
fi

# German: the decade reads "1980er", the don't-know column its German label.
expect_exit "the stage fixture runs in German" 0 "$TALLY" run "$D/stages.lua" --outdir "$D/de" -q --set lang=de
expect_contains "timeline: German decade label" "$D/de/stages.json" '"1980er"'
expect_contains "likert: German don't-know label" "$D/de/stages.json" '"weiß nicht"'

# A pie of the percent of cases is refused: those do not add up to 100%.
sed 's/plot = "responses", //' "$D/stages.lua" >"$D/bad.lua"
expect_exit "multiresponse: a pie of percent of cases is an error" 1 "$TALLY" run "$D/bad.lua" --outdir "$D/bad" -q
expect_contains "multiresponse: the error says what to do" "$TMP/stderr" 'use plot = "responses"'
finish
