#!/bin/sh
# shape.sh: ds:shape (the tab book's test of what is a category) over 200,001 rows: distinct values up to
# the limit, answers, whole numbers, and whether some value repeats, anywhere in the column (a repeat past
# the first 65,536 values too), for identifiers, measurements, codes and texts; figures written here.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"
N=200001
# id: 1..N. cont: unique fractions. late: unique fractions but row 150,000 repeats row 149,999.
# early: row 20 repeats row 10. code: i % 5 (compact codes). txt: three words. txtu: a text a row.
awk -v n=$N 'BEGIN {
  print "id,cont,late,early,code,txt,txtu,mv,big,tm"
  for (i = 1; i <= n; i++) {
    late = (i == 150000 ? (149999 + 0.5) / 3 : (i + 0.5) / 3)
    early = (i == 20 ? 10.25 : i + 0.25)
    # mv: identifiers, every 1000th row -9 (user-missing) or 9999999 (in the missing range);
    # big: whole numbers past 2^52 (1e20, 2e20, ...), every one distinct
    mv = (i % 1000 == 0 ? -9 : i % 1000 == 1 ? 9999999 : i)
    # tm: four texts, an empty cell every 11th row, "n/a" (user-missing) every 7th
    tm = (i % 11 == 0 ? "" : i % 7 == 0 ? "n/a" : "t" i % 4)
    printf "%d,%.6f,%.6f,%.2f,%d,%s,s%d,%d,%s,%s\n", i, (i + 0.5) / 3, late, early, i % 5, (i % 3 == 0 ? "alpha" : i % 3 == 1 ? "beta" : "gamma"), i, mv, i "e20", tm
  }
}' >"$TMP/s.csv"
printf 'variable "mv" { missing = { -9, range = { 9999990, 9999999 } } }\nvariable "tm" { missing = { "n/a" } }\n' >"$TMP/s.codebook.lua"
cat >"$TMP/shapes.lua" <<'LUA'
local o = tally.options { dataset = { type = "string", required = true, help = "dataset" } }
local ds = tally.dataset(o.dataset)
for _, name in ipairs({ "id", "cont", "late", "early", "code", "txt", "txtu", "mv", "big", "tm" }) do
  local distinct, answers, whole, repeats = ds:shape(name, 20)
  report.value(name, string.format("%d %d %s %s", distinct, answers, tostring(whole), tostring(repeats)))
end
local d, a, w, r = ds:shape("late")
report.value("late_all", string.format("%d %d %s %s", d, a, tostring(w), tostring(r)))
-- ds:shapes: the same figures, the columns shared out between both threads
local names = { "id", "cont", "late", "early", "code", "txt", "txtu", "tm" }
local all, same = ds:shapes(names, 20), 0
for _, name in ipairs(names) do
  local d1, a1, w1, r1 = ds:shape(name, 20)
  local s = all[name]
  if s and s.distinct == d1 and s.answers == a1 and s.whole == w1 and s.repeats == r1 then same = same + 1 end
end
report.value("shapes_same", same)
LUA
cat >"$TMP/shape.lua" <<CFG
report { title = "shape", outdir = "out" }
input "s" { path = "s.csv", codebook = "s.codebook.lua" }
stage "$TMP/shapes.lua" { dataset = "s" }
output "json" { path = "shape.json" }
CFG
expect_exit "ds:shape of ten columns, 200,001 rows" 0 "$TALLY" -q run --no-cache "$TMP/shape.lua"
J="$TMP/out/shape.json"
# value NAME WANT DESC
value() {
  got=$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["values"][sys.argv[2]]["text"] if isinstance(d["values"][sys.argv[2]], dict) else d["values"][sys.argv[2]])' "$J" "$1" 2>&1)
  if [ "$got" = "$2" ]; then ok "$3: $got"; else not_ok "$3: got '$got', want '$2'"; fi
}
value id "21 $N true false" "identifiers: past the limit (21), whole, no repeat"
value cont "21 $N false false" "unique measurements: no repeat (all 200,001 sorted)"
value late "21 $N false true" "a repeat at row 150,000, past the first 65,536 values: found"
value early "21 $N false true" "a repeat at row 20: found"
value code "5 $N true true" "codes 0..4: five distinct, repeated"
value txt "3 $N false true" "three words: three distinct, repeated"
value txtu "21 $N false false" "a text a row: past the limit, no repeat seen"
value late_all "200000 $N false true" "no limit: every value counted, the one repeat found"
value mv "21 199600 true false" "user-missing codes and a missing range left out: 199,600 answers, no repeat"
value big "21 $N true false" "numbers past 2^52 (1e20 on): whole, none repeated"
TM=$(awk -v n=$N 'BEGIN { for (i = 1; i <= n; i++) a += (i % 11 != 0 && i % 7 != 0); print a }')
value tm "4 $TM false true" "texts with empty cells and a user-missing text: four distinct, $TM answers"
value shapes_same "8" "ds:shapes: each of the eight columns as ds:shape gives it"
printf '%s\n' 'local ds = tally.dataset("s")' 'ds:shapes({ "id", "no_such" })' >"$TMP/badshape.lua"
sed "s|$TMP/shapes.lua|$TMP/badshape.lua|; s|{ dataset = \"s\" }|{ }|" "$TMP/shape.lua" >"$TMP/bad.lua"
expect_exit "ds:shapes with an unknown variable" 1 "$TALLY" -q run --no-cache "$TMP/bad.lua"
expect_contains "  names the variable, the stage line and the dataset" "$TMP/stderr" "badshape.lua:2: unknown variable 'no_such' in dataset 's'"
finish
