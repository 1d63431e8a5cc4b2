#!/bin/sh
# parallel_stages.sh: stages that only read run side by side (TALLY_STAGE_THREADS): the reports are byte-identical
# to one stage after another, run after run; messages, the first failure in config order, budgets as before.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"
GEN="$ROOT/${BUILD:-build}/tools/gen_bench"
export SOURCE_DATE_EPOCH=1609459200

# report NAME THREADS CONFIG ARGS...: runs CONFIG into $TMP/NAME, stderr (with -v) in $TMP/NAME.err
report() {
  n=$1; t=$2; c=$3; shift 3
  TALLY_STAGE_THREADS=$t "$TALLY" -v run "$c" --no-cache --outdir "$TMP/$n" "$@" >"$TMP/$n.out" 2>"$TMP/$n.err"
}
# same_outputs DESC A B: every file of report A equals the one of report B
same_outputs() {
  bad=""
  for f in "$TMP/$2"/*; do cmp -s "$f" "$TMP/$3/$(basename "$f")" || bad="$bad $(basename "$f")"; done
  if [ -z "$bad" ] && [ -n "$(ls "$TMP/$2")" ]; then ok "$1"; else not_ok "$1:$bad differ"; fi
}
# no_steps FILE: stderr without the -v step lines (their times differ from run to run)
no_steps() { grep -v '^tally: \[' "$1"; }

check "city survey, one stage at a time" report city1 1 config/city-survey.lua
check "city survey, stages side by side (default threads)" report city2 "" config/city-survey.lua
expect_contains "  -v says which stages ran side by side" "$TMP/city2.err" "stages side by side on 2 threads"
check "  TALLY_STAGE_THREADS=1 runs none side by side" sh -c "! grep -q 'side by side' '$TMP/city1.err'"
same_outputs "  Markdown, XLSX, JSON and HTML byte-identical" city2 city1
no_steps "$TMP/city1.err" >"$TMP/city1.msg"; no_steps "$TMP/city2.err" >"$TMP/city2.msg"
expect_same "  the same messages in the same order" "$TMP/city2.msg" "$TMP/city1.msg"
for k in 3 4 5; do
  report "city$k" 2 config/city-survey.lua
  same_outputs "  repeated run $k byte-identical" "city$k" city1
done

# the bench report at 200,000 rows: the kernels split rows in parts (parallel.h), here on the stage's own thread
"$GEN" --rows 200000 --out "$TMP/bench.csv" >/dev/null 2>&1
check "bench report, one stage at a time" report bench1 1 config/bench.lua --set data="$TMP/bench.csv"
check "bench report, side by side" report bench2 2 config/bench.lua --set data="$TMP/bench.csv"
expect_contains "  ten stages in one batch" "$TMP/bench2.err" "10 stages side by side on 2 threads"
# parsed (--no-cache), the datasets are frozen while stages that only read run: what one counts the others take
expect_contains "  side by side, counts kept for each other (-v)" "$TMP/bench2.err" "stages that only read kept"
expect_contains "  one at a time as well" "$TMP/bench1.err" "stages that only read kept"
same_outputs "  Markdown and XLSX byte-identical" bench2 bench1
report bench3 2 config/bench.lua --set data="$TMP/bench.csv"
same_outputs "  a repeated run byte-identical" bench3 bench1

# both_ways NAME DESC CODE STAGES: a config of these stage lines over the city survey, run with one thread
# and with two; stderr in $TMP/NAME1.err and $TMP/NAME2.err, which must be the same
cp samples/city-survey/responses.csv "$TMP/d.csv"
both_ways() {
  { echo 'report { title = "t", outdir = "out" }'; echo 'input "d" { path = "d.csv" }'; printf '%s\n' "$4"
    echo 'output "markdown" { path = "r.md" }'; } >"$TMP/$1.lua"
  for t in 1 2; do
    expect_exit "$2, threads=$t" "$3" env TALLY_STAGE_THREADS=$t "$TALLY" run "$TMP/$1.lua"
    cp "$TMP/stderr" "$TMP/$1$t.err"
  done
  expect_same "  the same message as one stage at a time" "$TMP/${1}2.err" "$TMP/${1}1.err"
}

# failures: the first failing stage in config order is reported, with its config line
both_ways fail "a failing stage among parallel ones" 2 'stage "frequencies" { dataset = "d", variables = { "city" } }
stage "frequencies" { dataset = "d", variables = { "no_such_variable" } }
stage "descriptives" { dataset = "d", variables = { "also_missing" } }'
expect_contains "  the first failure in config order, with its line" "$TMP/fail2.err" "fail.lua:4"
check "  not the later one" sh -c "! grep -q 'also_missing' '$TMP/fail2.err'"
check "  nothing written" test ! -e "$TMP/out/r.md"

both_ways budget "an instruction budget exceeded in a parallel stage" 1 'stage "frequencies" { dataset = "d", variables = { "city" } }
stage "tabbook" { dataset = "d", banner = { "cn_partner" }, max_instructions = 1000 }
stage "frequencies" { dataset = "d", variables = { "cn_type" } }'
expect_contains "  named with its config line" "$TMP/budget2.err" "budget.lua:4"

# warnings of stages side by side: shown in config order, as one stage after another shows them
both_ways ids "two stages asking for one table id three times" 0 'stage "frequencies" { dataset = "d", variables = { "cn_type" } }
stage "crosstab" { dataset = "d", row = "cn_type", column = "cn_partner" }
stage "frequencies" { dataset = "d", variables = { "cn_type", "cn_type" } }'
expect_contains "  the second is renamed, with a warning" "$TMP/ids2.err" "table id 'freq_cn_type' is taken by an earlier table; this one"
check "  two renames, in config order" sh -c "grep -o \"is 'freq_cn_type_[0-9]'\" '$TMP/ids2.err' | tr '\n' ' ' | grep -qx \"is 'freq_cn_type_2' is 'freq_cn_type_3' \""
finish
