# checkbox_styles.sh: each checkbox style of a dichotomy set read right, detected (selected = true) and
# declared; counts and bases against values computed here; a set chosen by every case or none warns.
. tests/lib.sh
export TALLY_PLUGIN_PATH="$BUILD/plugins" SOURCE_DATE_EPOCH=1609459200 PYTHONPATH=tests
D=tests/data/csv

cat >"$TMP/check.py" <<'PYEOF'
import csv, json, sys
from tap import Tap
tap = Tap(sys.argv[3] + ": ")
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
tables = {t["title"]: t for t in json.load(open(sys.argv[2]))["tables"]}
chosen = {"text": lambda v: v != "", "textnot": lambda v: v not in ("", "Not selected"),
          "sel": lambda v: v == "Selected", "chk": lambda v: v == "Checked", "num": lambda v: v == "1",
          "yn": lambda v: v.lower() == "yes", "tf": lambda v: v.lower() == "true"}
for style, title in [("text", "option text or blank"), ("textnot", "option text or Not selected"),
                     ("sel", "Selected / Not selected"), ("chk", "Checked / Unchecked"), ("num", "1 / 0"),
                     ("yn", "Yes / No"), ("tf", "TRUE / FALSE")]:
    t = tables.get("Style: " + title)
    if not tap.check(t is not None, title + ": a set table", list(tables)):
        continue
    items = ["money", "staff", "space"]
    want = [sum(1 for r in rows if chosen[style](r["%s_%s" % (style, i)])) for i in items]
    got = [r["cells"][1] for r in t["rows"] if r["type"] == "category"]
    tap.check(got == want, "%s: counts %s" % (title, want), got)
    cases = sum(1 for r in rows if any(chosen[style](r["%s_%s" % (style, i)]) for i in items))
    tap.check(t["base"].startswith("N = %d," % cases), "%s: base %d cases with an answer" % (title, cases), t["base"])
tap.exit()
PYEOF

expect_exit "report, every style detected" 0 "$TALLY" report $D/checkbox-styles.csv -o "$TMP/detected.json"
$PY "$TMP/check.py" $D/checkbox-styles.csv "$TMP/detected.json" detected || failures=$((failures + 1))
expect_exit "report, every style declared" 0 "$TALLY" report $D/checkbox-styles.csv -o "$TMP/declared.json" \
  --codebook $D/checkbox-styles-declared.codebook.lua
$PY "$TMP/check.py" $D/checkbox-styles.csv "$TMP/declared.json" declared || failures=$((failures + 1))

# "Not selected" with selected = true is not chosen (it was: 100% everywhere)
printf 'mrset "help" { label = "Help received", columns = "help_*", selected = true }\n' >"$TMP/true.lua"
expect_exit "Selected / Not selected with selected = true" 0 "$TALLY" report $D/checkbox.csv -o "$TMP/c.json" --codebook "$TMP/true.lua"
/usr/bin/python3 - "$TMP/c.json" >"$TMP/py.out" <<'PY'
import json, sys
t = {t["title"]: t for t in json.load(open(sys.argv[1]))["tables"]}["Help received"]
print("counts " + repr([r["cells"][1] for r in t["rows"] if r["type"] == "category"]))
PY
expect_contains "counts 2, 1, 1 (Not selected is not chosen)" "$TMP/py.out" "counts [2, 1, 1]"
printf 'id,a,b\n1,Checked,Selected\n' >"$TMP/mixed.csv"
printf 'mrset "m" { columns = { "a", "b" }, selected = "Checked" }\n' >"$TMP/mixed.lua"
expect_exit "a declared style with a cell of another style" 2 "$TALLY" describe "$TMP/mixed.csv" --codebook "$TMP/mixed.lua"
expect_contains "the cell is named" "$TMP/stderr" "mixed.lua:1: mrset 'm': row 1 of column 'b' holds 'Selected', which is neither 'Checked' nor 'Unchecked'"

# every item unchosen by every case, or chosen by every case: a warning
expect_exit "a set nobody chose anything in" 0 "$TALLY" describe $D/checkbox-unanswered.csv --codebook $D/checkbox.codebook.lua
expect_contains "warns: unchosen by every case" "$TMP/stderr" "checkbox.codebook.lua:2: mrset 'help': every item is left unchosen by every case (9 answers)"
printf 'id,x_a,x_b\n1,1,1\n2,1,1\n' >"$TMP/all.csv"
printf 'mrset "x" { columns = "x_*" }\n' >"$TMP/all.lua"
expect_exit "a set where everyone chose everything" 0 "$TALLY" describe "$TMP/all.csv" --codebook "$TMP/all.lua"
expect_contains "warns: chosen by every case" "$TMP/stderr" "all.lua:1: mrset 'x': every item is chosen by every case (4 answers)"
finish
