#!/bin/sh
# tabbook_texts.sh: a tab book's free-text questions of few texts (empty cells, a user-missing text):
# ds:shapes keeps each row's text code and the book reads the texts by it instead of hashing them again;
# the book equals the same book made without the kept codes (the stage run from outside tally's folder,
# where the dataset is not frozen), figure for figure, and its counts are the rows' counted here.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"
export SOURCE_DATE_EPOCH=1700000000
# 6,000 rows: grp 1..3 (the banner); fruit: apple, pear, plum, empty every 11th row, "n/a" (user-missing)
# every 7th; note: one of two texts in first-appearance order unlike their sorted order, empty mostly
awk 'BEGIN {
  print "id,grp,fruit,note"
  for (i = 1; i <= 6000; i++) {
    f = (i % 11 == 0 ? "" : i % 7 == 0 ? "n/a" : i % 5 < 2 ? "plum" : i % 5 < 4 ? "apple" : "pear")
    n = (i % 4 == 0 ? (i % 8 == 0 ? "zebra" : "ant") : "")
    printf "%d,%d,%s,%s\n", i, 1 + i % 3, f, n
  }
}' >"$TMP/t.csv"
printf '%s\n' 'variable "fruit" { missing = { "n/a" } }' 'variable "id" { measure = "nominal" }' >"$TMP/t.codebook.lua"
cp plugins/stages/tabbook.lua "$TMP/tabbook_copy.lua"
for how in kept copy; do
  stage=tabbook
  [ "$how" = copy ] && stage="$TMP/tabbook_copy.lua"
  cat >"$TMP/$how.lua" <<CFG
report { title = "texts", outdir = "out-$how", language = "en" }
input "t" { path = "t.csv", codebook = "t.codebook.lua" }
stage "$stage" { dataset = "t", banner = { "grp" } }
output "json" { path = "book.json" }
output "markdown" { path = "book.md" }
CFG
  expect_exit "tab book of two text questions ($how)" 0 "$TALLY" -q run --no-cache "$TMP/$how.lua"
done
expect_same "the book with the codes kept by ds:shapes equals the book hashing the texts (JSON)" \
  "$TMP/out-kept/book.json" "$TMP/out-copy/book.json"
expect_same "  and its Markdown" "$TMP/out-kept/book.md" "$TMP/out-copy/book.md"
# the counts of the Total and grp 2 columns against the rows
want=$(awk -F, 'NR > 1 && $3 != "" && $3 != "n/a" { t[$3]++; if ($2 == 2) g[$3]++ }
  END { printf "apple %d %d; pear %d %d; plum %d %d", t["apple"], g["apple"], t["pear"], g["pear"], t["plum"], g["plum"] }' "$TMP/t.csv")
got=$($PY - "$TMP/out-kept/book.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
out = []
for t in d["tables"]:
    for s in (t.get("banner") or {}).get("sections", []):
        for r in s["rows"]:
            if r["label"] in ("apple", "pear", "plum", "n/a"):
                out.append("%s %g %g" % (r["label"], r["cells"][0]["count"], r["cells"][2]["count"]))
print("; ".join(out))
PY
)
if [ "$got" = "$want" ]; then ok "fruit counts (Total, grp 2) as counted here, n/a left out: $got"; else not_ok "fruit counts: got '$got', want '$want'"; fi
finish
