# grid_ranking.sh: a rating grid and a ranking question on six hand-made cases (tests/data/grid),
# every figure computed by hand below; the grid's question is its set's label, never an item's; its
# XLSX chart is a native 100%-stacked bar chart bound to the grid's cells with the scale as legend.
. tests/lib.sh
cp tests/data/grid/* "$TMP/"
expect_exit "the grid and ranking report runs" 0 "$TALLY" run "$TMP/films.lua"
md="$TMP/out/films.md"
# Han 3,3,2,1,3,2: 1/6 dislike, 2/6 neutral, 3/6 like, mean 14/6 = 2.33, top 2 = 5/6, bottom 2 = 3/6.
# Leia 3,2,3,3,-,2: 0, 2/5, 3/5, mean 13/5. Luke 2,1,(9 = don't know),3,2,3: 1/5, 2/5, 2/5, mean 11/5.
expect_contains "grid: the set's label is the title" "$md" "## How much do you like these characters?"
expect_contains "grid: Han Solo" "$md" "| Han Solo | 16.7% | 33.3% | 50.0% | 2.33 | 83.3% | 50.0% | 33.3% | 6 |"
expect_contains "grid: Leia Organa" "$md" "| Leia Organa | 0.0% | 40.0% | 60.0% | 2.60 | 100.0% | 40.0% | 60.0% | 5 |"
expect_contains "grid: Luke Skywalker" "$md" "| Luke Skywalker | 20.0% | 40.0% | 40.0% | 2.20 | 80.0% | 60.0% | 20.0% | 5 |"
expect_contains "grid: the base line gives the items' bases" "$md" "*Base: N = 5 to 6*"
expect_contains "grid (all cases): the set's label is the question under the title" "$md" "## Characters (all cases)

How much do you like these characters?"
if grep -q "^Han Solo$" "$md"; then not_ok "an item's label is shown as the grid's question"; else ok "no item's label as the grid's question"; fi
if grep -q "mermaid" "$md"; then not_ok "Mermaid draws the grid with unnamed series"; else ok "no Mermaid chart for the grid (Mermaid names no series)"; fi
# Ranks (a, b, c) of cases 1-5 (case 6 ranked nothing): (1,2,3) (2,1,3) (1,3,2) (1,2,3) (3,1,2).
# a: mean 8/5, first 3/5, top 2 4/5; b: 9/5, 2/5, 4/5; c: 13/5, 0, 2/5; sorted by mean rank.
expect_contains "ranking: A New Hope first" "$md" "| A New Hope | 1.60 | 60.0% | 80.0% | 60.0% | 20.0% | 20.0% | 0.0% | 5 |"
expect_contains "ranking: Empire second" "$md" "| The Empire Strikes Back | 1.80 | 40.0% | 80.0% | 40.0% | 40.0% | 20.0% | 0.0% | 5 |"
expect_contains "ranking: Jedi third" "$md" "| Return of the Jedi | 2.60 | 0.0% | 40.0% | 0.0% | 40.0% | 60.0% | 0.0% | 5 |"
expect_contains "ranking: the base note of a ranking" "$md" "*Base: N = 5, each respondent ranks the items*"
if grep -A12 "Rank these three films" "$md" | grep -q "more than one answer possible"; then
  not_ok "the ranking says more than one answer possible"; else ok "the ranking does not say more than one answer possible"; fi
cat >"$TMP/chart.py" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[1]
charts = ws._charts
assert len(charts) == 1, f"{len(charts)} charts on {ws.title}"
ch = charts[0]
assert ch.tagname == "barChart" and ch.type == "bar", (ch.tagname, ch.type)
assert ch.grouping == "percentStacked", ch.grouping
names = [s.tx.strRef.f.split("!")[1] for s in ch.series]
vals = [s.val.numRef.f.split("!")[1] for s in ch.series]
cats = {s.cat.strRef.f.split("!")[1] for s in ch.series}
assert names == ["$B$3", "$C$3", "$D$3"], names  # the scale labels, in scale order
assert [ws[n.replace("$", "")].value for n in names] == ["dislike", "neutral", "like"]
assert vals == ["$B$4:$B$6", "$C$4:$C$6", "$D$4:$D$6"], vals  # the grid's percent cells
assert cats == {"$A$4:$A$6"}, cats
assert [ws[f"A{r}"].value for r in (4, 5, 6)] == ["Han Solo", "Leia Organa", "Luke Skywalker"]
assert ch.legend is not None, "no legend"
print("percent-stacked bar chart bound to", ws.title, vals)
PY
check "xlsx: a native percent-stacked bar chart bound to the grid's cells, scale labels as series names" \
  $PY "$TMP/chart.py" "$TMP/out/films.xlsx"

# bad ranks are named
printf 'id,rk_a,rk_b\n1,1,4\n' >"$TMP/bad.csv"
printf 'report { title = "T" }\ninput "b" { path = "bad.csv" }\nstage "ranking_question" { dataset = "b", items = { "rk_a", "rk_b" }, top = 1 }\noutput "json" { path = "b.json" }\n' >"$TMP/bad.lua"
expect_exit "a rank outside 1..items is refused" 1 "$TALLY" run "$TMP/bad.lua" --outdir "$TMP/bo"
expect_contains "the error names the item and the rank" "$TMP/stderr" "ranking_question: rk_b holds the rank 4; ranks go from 1 to 2 (the number of items)"
if grep -q "stack traceback" "$TMP/stderr"; then not_ok "a Lua traceback is shown for a data error"; else ok "no Lua traceback for a data error"; fi
finish
