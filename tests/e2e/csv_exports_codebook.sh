# tests/e2e/csv_exports_codebook.sh: a SurveyMonkey question the data show as single-choice is declared check-all in the codebook (a category set over the folded variable).
. tests/lib.sh
cp tests/data/csv/exports/surveymonkey.csv "$TMP/sm.csv"
cat >"$TMP/cb.lua" <<'CB'
mrset "heard" { kind = "category", label = "How did you first hear about us? (all that apply)",
                columns = { "How did you first hear about us?" } }
CB
expect_exit "tally report with the check-all declared in a codebook" 0 \
  "$TALLY" report "$TMP/sm.csv" --codebook "$TMP/cb.lua" -o "$TMP/r.json" -o "$TMP/r.md"
# The fixture: of 6 respondents, 2 heard from a friend, 2 from an advertisement, 1 "Other" (its
# text column filled), 1 none; the set's base is the 5 who ticked an option.
cat >"$TMP/check.py" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
sets = [t for t in rep["tables"] if t["title"] == "How did you first hear about us? (all that apply)"]
if len(sets) != 1:
    sys.exit("no single table for the declared set: %s" % [t["title"] for t in rep["tables"]])
t = sets[0]
labels = [r["cells"][0] for r in t["rows"] if r["type"] == "category"]
counts = [r["cells"][1] for r in t["rows"] if r["type"] == "category"]
want = (["A friend or colleague", "An advertisement", "Other (please specify)"], [2, 2, 1])
if (labels, counts) != want:
    sys.exit("rows %s %s, want %s" % (labels, counts, want))
if "N = 5" not in (t.get("base") or ""):
    sys.exit("base %r, want N = 5" % t.get("base"))
single = [x for x in rep["tables"] if x["title"] == "How did you first hear about us?"]
if single:
    sys.exit("the folded variable still has a single-choice table")
PY
check "the set counts each option over the 5 respondents who ticked one, in place of a single-choice table" \
  $PY "$TMP/check.py" "$TMP/r.json"
expect_contains "Markdown says more than one answer possible" "$TMP/r.md" "*Base: N = 5, more than one answer possible*"
finish
