# rake.sh: the rake stage against an independent raking in plain Python loops (tests/rake/rake_ref.py):
# a small and a 100,000-row fixture, age x race x education margins, trimming, no convergence, errors.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"
REF="$ROOT/tests/rake/rake_ref.py"
cd "$TMP" || exit 1
export SOURCE_DATE_EPOCH=1609459200

# cfg NAME DATA STAGE-OPTIONS [MORE]: a config raking DATA, then weighted frequencies of the cell code (and of
# the variables MORE lists, e.g. '"cdw", "id"').
cfg() {
  cat >"$1.lua" <<EOC
report { title = "rake $1", outdir = "out" }
input "s" { path = "$2.csv", codebook = "$2.codebook.lua" }
stage "rake" { dataset = "s", $3 }
stage "frequencies" { dataset = "s", variables = { "cell"${4:+, $4} } }
output "json" { path = "$1.json" }
output "markdown" { path = "$1.md" }
EOC
}
# rake_ref DESC SPEC NAME DATA STAGE-OPTIONS [MORE]: cfg, run (exit 0), and ref.
rake_ref() {
  desc=$1 spec=$2
  shift 2
  cfg "$@"
  expect_exit "$desc" 0 "$TALLY" run "$1.lua"
  ref "$desc: every weight equals the reference" "$1" "$2" "$spec"
}
# ref DESC NAME DATA SPEC: tally's figures equal the reference's (1e-9 relative; iterations exactly).
ref() {
  if $PY "$REF" check "out/$2.json" "$3.csv" "$4" >"$TMP/ref.out" 2>&1; then ok "$1: $(tail -1 "$TMP/ref.out")"
  else not_ok "$1"; sed 's/^/#   /' "$TMP/ref.out" | head -15; fi
}
T3='sex = { [1] = 49, [2] = 51 }, age = { ["18-29"] = 20, ["30-44"] = 25, ["45-64"] = 33, ["65+"] = 22 }, edu = { [1] = 40, [2] = 30, [3] = 30 }'
S3='"sex": {"1": 49, "2": 51}, "age": {"1": 20, "2": 25, "3": 33, "4": 22}, "edu": {"1": 40, "2": 30, "3": 30}'

# --- small: three variables, age by label, sex and education by code -------------------------
$PY "$REF" gen small.csv 300 1
rake_ref "rake a small fixture" "{\"weight\": \"w\", \"order\": [\"age\", \"edu\", \"sex\"], \"tol\": 1e-6, \"maxit\": 100, \"targets\": {$S3}}" \
  small small "weight = \"w\", targets = { $T3 }"
expect_contains "weighting table: target and achieved per category" out/small.md "| 18-29 | 38 | 12.7% | 20.0% | 20.0% |"
expect_contains "weighting table: a note with the iterations" out/small.md "Rim weighting (raking), iterations: 4."
expect_contains "the weighted frequencies state both bases" out/small.md "weighted"

# the same in German: the tables' words are translated
sed 's/report { title = "rake small"/report { title = "rake de", language = "de"/; s/small.json/de.json/; s/small.md/de.md/' small.lua >de.lua
expect_exit "rake with a German report" 0 "$TALLY" run de.lua
expect_contains "German: weighting table columns" out/de.md "| Fälle | Ungewichtet % | Soll % | Gewichtet % |"
expect_contains "German: the summary" out/de.md "Designeffekt (Kish)"

# --- proportions, the variables' order given, a starting weight ----------------------------------
rake_ref "rake from a design weight, proportions" "{\"weight\": \"w\", \"start\": \"dw\", \"order\": [\"sex\", \"edu\", \"age\"], \"tol\": 1e-6, \"maxit\": 100, \"targets\": {$S3}}" \
  start small "weight = \"w\", unit = \"proportion\", start_weight = \"dw\", variables = { \"sex\", \"edu\", \"age\" },
  targets = { sex = { [1] = 0.49, [2] = 0.51 }, age = { [1] = 0.2, [2] = 0.25, [3] = 0.33, [4] = 0.22 }, edu = { [1] = 0.4, [2] = 0.3, [3] = 0.3 } }" '"cdw"'

# --- 100,000 rows: the masculinity-survey case, age x race x education margins (and sex) ----------
$PY "$REF" gen big.csv 100000 7
T4='sex = { [1] = 48.5, [2] = 51.5 }, age = { [1] = 21, [2] = 26, [3] = 33, [4] = 20 }, edu = { [1] = 39, [2] = 29, [3] = 32 }, race = { white = 63, black = 12, hispanic = 16, other = 9 }'
S4='"sex": {"1": 48.5, "2": 51.5}, "age": {"1": 21, "2": 26, "3": 33, "4": 20}, "edu": {"1": 39, "2": 29, "3": 32}, "race": {"1": 63, "2": 12, "3": 16, "4": 9}'
rake_ref "rake 100,000 rows on age, race, education and sex" "{\"weight\": \"weight\", \"order\": [\"age\", \"edu\", \"race\", \"sex\"], \"tol\": 1e-9, \"maxit\": 100, \"targets\": {$S4}}" \
  big big "weight = \"weight\", tolerance = 1e-9, targets = { $T4 }"

# --- trimming: caps at 0.5 and 2.2 times the mean, re-raked -----------------------------------
rake_ref "rake with trimming" "{\"weight\": \"w\", \"order\": [\"age\", \"edu\", \"sex\"], \"tol\": 1e-6, \"maxit\": 100, \"trim_min\": 0.5, \"trim_max\": 2.2, \"targets\": {$S3}}" \
  trim small "weight = \"w\", trim_min = 0.5, trim_max = 2.2, targets = { $T3 }"
if $PY -c "
import json, sys
v = json.load(open('out/trim.json'))['values']
mx, mn = v['w_max']['number'], v['w_min']['number']
sys.exit(0 if mx <= 2.2 * 1.001 and mn >= 0.5 * 0.999 and mx > 2.1 else 1)"; then ok "trimming: the weights stay within the caps"
else not_ok "trimming: the weights stay within the caps"; fi

# --- caps on start weights: the cases of one cell part ways by their start weights (raking works on the cells
# of the cross, keyed by a compact start weight too; dw2 has 300 values: a group a case) ----------------------
for sw in dw dw2; do
  rake_ref "caps and the start weight $sw" "{\"weight\": \"w\", \"start\": \"$sw\", \"order\": [\"age\", \"edu\", \"sex\"], \"tol\": 1e-6, \"maxit\": 100, \"trim_min\": 0.4, \"trim_max\": 2, \"targets\": {$S3}}" \
    "trim$sw" small "weight = \"w\", start_weight = \"$sw\", trim_min = 0.4, trim_max = 2, targets = { $T3 }" '"cdw", "id"'
done
# 100,000 rows: two threads build the cells, each case's weight is gathered from its cell
rake_ref "100,000 rows, caps and a start weight" "{\"weight\": \"weight\", \"start\": \"dw\", \"order\": [\"age\", \"edu\", \"race\", \"sex\"], \"tol\": 1e-6, \"maxit\": 100, \"trim_max\": 3, \"targets\": {$S4}}" \
  bigtrim big "weight = \"weight\", start_weight = \"dw\", trim_max = 3, targets = { $T4 }" '"cdw"'

# --- no convergence: every man is young, yet men are to be 50% and the young 20% ---------------------
$PY "$REF" gen structural.csv 400 3 structural
cfg nocon structural "weight = \"w\", max_iter = 30, targets = { sex = { [1] = 50, [2] = 50 }, age = { [1] = 10, [2] = 10, [3] = 40, [4] = 40 } }"
expect_exit "rake with targets the sample cannot reach runs" 0 "$TALLY" run nocon.lua
expect_contains "no convergence: a warning naming the variable" "$TMP/stderr" "rake: warning: no convergence after 30 iterations: the weighted shares of '"
expect_contains "no convergence: a note in the table" out/nocon.md "The weighting did not converge"
ref "no convergence: the last iteration's weights equal the reference" nocon structural \
  "{\"weight\": \"w\", \"order\": [\"age\", \"sex\"], \"tol\": 1e-6, \"maxit\": 30, \"targets\": {\"sex\": {\"1\": 50, \"2\": 50}, \"age\": {\"1\": 10, \"2\": 10, \"3\": 40, \"4\": 40}}}"

# --- missing values in a raking variable --------------------------------------------------------
$PY "$REF" gen holes.csv 300 5 no 10
cfg holes holes "weight = \"w\", targets = { $T3 }"
expect_exit "a case without age: an error by default" 1 "$TALLY" run holes.lua
expect_contains "missing: names the variable, the count, the first row and the options" "$TMP/stderr" \
  "rake: 30 cases have no valid value of 'age' (the first in row 4); say missing = \"exclude\" (they get no weight) or missing = \"skip\""
rake_ref "missing = exclude" "{\"weight\": \"w\", \"missing\": \"exclude\", \"order\": [\"age\", \"edu\", \"sex\"], \"tol\": 1e-6, \"maxit\": 100, \"targets\": {$S3}}" \
  holesx holes "weight = \"w\", missing = \"exclude\", targets = { $T3 }"
expect_contains "missing = exclude: the table says how many were left out" out/holesx.md "Cases left out of the weighting (their weight is missing): 30."
rake_ref "missing = skip" "{\"weight\": \"w\", \"missing\": \"skip\", \"order\": [\"age\", \"edu\", \"sex\"], \"tol\": 1e-6, \"maxit\": 100, \"targets\": {$S3}}" \
  holess holes "weight = \"w\", missing = \"skip\", targets = { $T3 }"

# --- counts: the weights add up to the population ---------------------------------------------------
rake_ref "targets as population counts" "{\"weight\": \"w\", \"total\": 10000, \"order\": [\"edu\", \"sex\"], \"tol\": 1e-6, \"maxit\": 100, \"targets\": {\"sex\": {\"1\": 4900, \"2\": 5100}, \"edu\": {\"1\": 4000, \"2\": 3000, \"3\": 3000}}}" \
  counts small "weight = \"w\", unit = \"count\", targets = { sex = { [1] = 4900, [2] = 5100 }, edu = { [1] = 4000, [2] = 3000, [3] = 3000 } }"

# --- bad targets: clear errors naming the variable ------------------------------------------------------
bad() { # bad DESC TARGETS MESSAGE [OPTIONS]
  cfg bad small "weight = \"w\", ${4:-} targets = { $2 }"
  expect_exit "$1" 1 "$TALLY" run bad.lua
  expect_contains "$1: the message" "$TMP/stderr" "$3"
}
bad "targets not summing to 100%" 'sex = { [1] = 49, [2] = 49 }' "rake: the targets of 'sex' sum to 98%, not 100%"
bad "proportions not summing to 1" 'sex = { [1] = 0.5, [2] = 0.6 }' "rake: the targets of 'sex' sum to 1.1, not 1" 'unit = "proportion",'
bad "a category with a target but no cases" 'sex = { [1] = 49, [2] = 41, [3] = 10 }' \
  "rake: 'sex': the category '3' has a target of 10% but no cases in the data"
bad "a category in the data without a target" 'age = { [1] = 50, [2] = 50 }' \
  "rake: 'age' has the value 4 (65+) (row 1) with no target; give it a target (0 leaves its cases out)"
bad "an unknown label" 'age = { ["18-30"] = 20, ["30-44"] = 25, ["45-64"] = 33, ["65+"] = 22 }' \
  "rake: 'age' has no category labelled '18-30' (its labels: '18-29', '30-44', '45-64', '65+')"
bad "an unknown variable" 'gender = { [1] = 50, [2] = 50 }' "rake: unknown variable 'gender' in dataset 's'"
cfg bad small "weight = \"sex\", targets = { sex = { [1] = 49, [2] = 51 } }"
expect_exit "a weight named like a raking variable" 1 "$TALLY" run bad.lua
expect_contains "a weight named like a raking variable: the message" "$TMP/stderr" \
  "rake: the new weight cannot be called 'sex': that is a variable it weights on"
cfg bad small "weight = \"dw\", targets = { sex = { [1] = 49, [2] = 51 } }"
expect_exit "a weight replacing another variable" 0 "$TALLY" run bad.lua
expect_contains "a weight replacing another variable: a warning" "$TMP/stderr" \
  "rake: warning: the variable 'dw' of dataset 's' is replaced by the new weight"
cfg bad small "weight = \"w\", variables = { \"sex\", \"sex\" }, targets = { sex = { [1] = 49, [2] = 51 }, edu = { [1] = 40, [2] = 30, [3] = 30 } }"
expect_exit "variables naming one twice" 1 "$TALLY" run bad.lua
expect_contains "variables naming one twice: the message" "$TMP/stderr" "rake: 'variables' must list every variable of 'targets' once"
bad "counts describing different populations" 'sex = { [1] = 490, [2] = 510 }, edu = { [1] = 400, [2] = 300, [3] = 200 }' \
  "rake: the counts of 'sex' add up to 1000, those of 'edu' to 900" 'unit = "count",'
# --- poststratify: cell weighting on sex x age; each cell's weighted count is its share of the cases ---------
cat >ps.lua <<'EOC'
report { title = "poststratify", outdir = "out" }
input "s" { path = "small.csv", codebook = "small.codebook.lua" }
stage "poststratify" { dataset = "s", variables = { "sex", "age" }, weight = "pw", targets = {
  { "male", "18-29", 10 }, { "male", "30-44", 12 }, { "male", "45-64", 16 }, { "male", "65+", 11 },
  { 2, 1, 10 }, { 2, 2, 13 }, { 2, 3, 17 }, { 2, 4, 11 } } }
stage "frequencies" { dataset = "s", variables = { "cell" } }
output "json" { path = "ps.json" }
output "markdown" { path = "ps.md" }
EOC
expect_exit "poststratify on sex x age" 0 "$TALLY" run ps.lua
cat >ps.py <<'EOC'
import csv, json, sys
share = {(1, 1): 10, (1, 2): 12, (1, 3): 16, (1, 4): 11, (2, 1): 10, (2, 2): 13, (2, 3): 17, (2, 4): 11}
rows = list(csv.DictReader(open("small.csv")))
n = len(rows)
size = {}
for r in rows:
    k = (int(r["sex"]), int(r["age"]))
    size[k] = size.get(k, 0) + 1
want = {}
for r in rows:  # a case's weight: its cell's target share over its cell's sample share
    k = (int(r["sex"]), int(r["age"]))
    want[r["cell"]] = want.get(r["cell"], 0.0) + (share[k] / 100) / (size[k] / n)
t = [t for t in json.load(open("out/ps.json"))["tables"] if t["id"] == "freq_cell"][0]
got = {r["label"]: r["cells"][1] for r in t["rows"] if r["type"] == "category"}
bad = [k for k in want if abs(got.get(k, -1) - want[k]) > 1e-9 * max(1, want[k])]
print("%d cells, %d mismatches %s" % (len(want), len(bad), bad[:3]))
sys.exit(1 if bad or len(got) != len(want) else 0)
EOC
check "poststratify: every weight is the cell's target share over its sample share" $PY ps.py
expect_contains "poststratify: cells labelled by both variables" out/ps.md "| male × 18-29 |"
expect_contains "poststratify: the note says cell weighting" out/ps.md "Poststratification (cell weighting), iterations: 1."
if $PY -c "
import json, sys
v = json.load(open('out/ps.json'))['values']
sys.exit(0 if v['pw_iterations']['number'] == 1 and v['pw_converged']['number'] == 1 and v['pw_deff']['number'] > 1 else v)"
then ok "poststratify: the named values of its weighting"; else not_ok "poststratify: the named values of its weighting"; fi
sed 's/{ 2, 4, 11 } } }/} }/; s/{ 2, 3, 17 },/{ 2, 3, 28 },/' ps.lua >ps2.lua
expect_exit "poststratify: a combination without a target" 1 "$TALLY" run ps2.lua
expect_contains "poststratify: names the cell" "$TMP/stderr" "poststratify: the cell sex = 2 (female), age = 4 (65+) (row "
# --- a filtered view: only its rows are weighted; the dataset it came from keeps its own figures ----------
cat >view.lua <<'EOC'
report { title = "view", outdir = "out" }
input "s" { path = "small.csv", codebook = "small.codebook.lua" }
stage "filter" { dataset = "s", where = "edu ~= 3", into = "f" }
stage "rake" { dataset = "f", weight = "w", targets = { sex = { [1] = 49, [2] = 51 } } }
stage "frequencies" { dataset = "f", variables = { "sex" } }
stage "frequencies" { dataset = "s", variables = { "sex" } }
output "markdown" { path = "view.md" }
EOC
expect_exit "rake a filtered view" 0 "$TALLY" run view.lua
expect_contains "view: its 228 rows weighted to 49%" out/view.md "| male | 112 | 49.0% | 49.0% | 49.0% |"
expect_contains "view: the whole dataset is unweighted" out/view.md "| male | 186 | 62.0% | 62.0% | 62.0% |"
finish
