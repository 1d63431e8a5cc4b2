# sav_scale_text.sh: a valid .sav whose string variables carry measure SCALE (PSPP and SPSS allow it)
# gets its report: the strings are treated by their values (a repeating one tabulated, a free-text one
# named in the note), the numeric scale variable gets descriptives.
. tests/lib.sh
. tests/lib/hostile.sh
cd "$TMP" || exit 1
export SOURCE_DATE_EPOCH=1609459200
cat >make.sps <<'SPS'
DATA LIST LIST /id (F2) city (A10) comment (A20) score (F3).
BEGIN DATA
1 Bonn "good" 3
2 Köln "fine, thanks" 4
3 Bonn "no comment" 5
4 Essen "later" 4
END DATA.
VARIABLE LEVEL city comment (SCALE).
SAVE OUTFILE='scale_text.sav'.
SPS
check "PSPP writes the fixture" pspp make.sps
expect_exit "tally report on the file" 0 "$TALLY" report scale_text.sav -o r.json -o r.md
$PY - r.json >check.out 2>&1 <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
titles = [t["title"] for t in j["tables"]]
city = [t for t in j["tables"] if t["title"].startswith("city")]
assert city, "a frequency table of city"
rows = {r["label"]: r["cells"][1] for r in city[0]["rows"]}
assert rows.get("Bonn") == 2 and rows.get("Essen") == 1, rows
desc = [t for t in j["tables"] if any(r["label"] == "score" for r in t["rows"])]
assert desc, "descriptives of score"
assert not any(r["label"] in ("city", "comment") for t in desc for r in t["rows"]), "no string in the descriptives"
PY
rc=$?
check "city is tabulated (Bonn 2, Essen 1), score described, no string in the descriptives" test $rc = 0
[ $rc = 0 ] || sed 's/^/#   /' check.out | head -5
expect_contains "the free-text variable is named in the note" r.md "Free-text variables not tabulated: comment"
finish
