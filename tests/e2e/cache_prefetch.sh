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
# by hand: the weighted count of q1 = 1 (rows with i*7 % 5 == 0, weight > 0)
want=$(awk -F, 'NR > 1 && $1 == 1 && $4 > 0 { s += $4 } END { printf "%.6f", s }' "$W/data.csv")
near() { grep -o '[0-9][0-9.]*' "$W/out-second/r.json" | awk -v w="$want" '{ d = $1 - w; if (d < 0) d = -d; if (d < 1e-6) f = 1 } END { exit !f }'; }
check "the weighted count of q1 = 1 is the hand count ($want)" near
finish
