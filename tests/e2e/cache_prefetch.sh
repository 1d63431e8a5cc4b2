# cache_prefetch.sh: a weighted frequencies stage of several variables and a Likert grid of the same
# items, side by side, from the column cache (their counts taken in one pass, ds:prefetch) give the JSON
# that parsing gives, on rows enough to count in two parts; a hand count checks one weighted figure.
. tests/lib.sh
TALLY="$(pwd)/$TALLY"
W=$TMP/grid
mkdir -p "$W"
export SOURCE_DATE_EPOCH=1609459200
# 70001 rows: q1..q3 on 1..5 (some empty), a weight with zeros and empties
awk 'BEGIN { print "q1,q2,q3,w"; for (i = 1; i <= 70001; i++) {
  a = (i * 7) % 5 + 1; b = (i * 11 + int(i / 3)) % 5 + 1; c = (i % 13 == 0) ? "" : (i * 3) % 5 + 1
  w = (i % 17 == 0) ? 0 : (i % 19 == 0) ? "" : 0.3 + (i % 7) / 10 # not binary fractions: the order of sums shows
  printf "%d,%d,%s,%s\n", a, b, c, w } }' >"$W/data.csv"
echo 'weight "w"' >"$W/data.codebook.lua"
cat >"$W/c.lua" <<'CFG'
report { title = "Prefetch", language = "en", outdir = "out" }
input "d" { path = "data.csv", codebook = "data.codebook.lua", cache = "cache" }
stage "frequencies" { dataset = "d", variables = { "q1", "q2", "q3" }, weight = true }
stage "likert" { dataset = "d", items = { "q1", "q2", "q3" }, scale = { 1, 2, 3, 4, 5 }, weight = true }
stage "frequencies" { dataset = "d", variables = { "q1", "q2", "q3" }, weight = false }
output "json" { path = "r.json" }
CFG
run() { n=$1; shift; (cd "$W" && "$TALLY" -v run c.lua --outdir "out-$n" "$@") >"$TMP/$n.err" 2>&1; }
check "parsed (--no-cache)" run plain --no-cache
check "first cached run (stores the cache)" run first
check "second cached run" run second
expect_contains "  the second run read the cache" "$TMP/second.err" "from the cache"
expect_same "JSON from the cache (counts prefetched) equals the JSON from parsing" "$W/out-second/r.json" "$W/out-plain/r.json"
expect_same "JSON of the storing run equals it too" "$W/out-first/r.json" "$W/out-plain/r.json"
# by hand: the weighted count of each item = 1 (rows with weight > 0), in the parsed and the cached report: the
# three items are counted in one pass over the weights, each must keep its own codes
near() { grep -o '[0-9][0-9.]*' "$1" | awk -v w="$want" '{ d = $1 - w; if (d < 0) d = -d; if (d < 1e-6) f = 1 } END { exit !f }'; }
for q in 1 2 3; do
  want=$(awk -F, -v q="$q" 'NR > 1 && $q == 1 && $4 > 0 { s += $4 } END { printf "%.6f", s }' "$W/data.csv")
  check "the weighted count of q$q = 1 is the hand count ($want), parsed" near "$W/out-plain/r.json"
  check "  and from the cache" near "$W/out-second/r.json"
done
finish
