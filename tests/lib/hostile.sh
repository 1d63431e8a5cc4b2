# tests/lib/hostile.sh: helpers of the hostile-input and atomicity tests (sourced after tests/lib.sh): bounded runs, build kind.
# ROOT is the repository root; TALLY becomes absolute so that tests may cd.
ROOT=$(pwd)
case $TALLY in /*) ;; *) TALLY="$ROOT/$TALLY" ;; esac
TALLY_FAULT_BIN="$ROOT/$BUILD/tally-fault"

# How the binary runs: plain, under a sanitizer (no ulimit -v: the shadow memory
# needs terabytes of address space) or through a wrapper script (valgrind).
if [ "$(head -c 2 "$TALLY")" = "#!" ]; then KIND=wrapped; SLOW=20
elif grep -qa __asan_init "$TALLY"; then KIND=sanitized; SLOW=4
else KIND=plain; SLOW=1; fi

# bounded DESC CODE SECS MEM_MB CMD...: expect_exit with a time limit (SECS, scaled by
# the build's slowness) and, for plain builds, an address-space limit of MEM_MB.
bounded() {
  d=$1; want=$2; secs=$(($3 * SLOW)); mem=$4; shift 4
  if [ "$KIND" = plain ] && [ "$mem" -gt 0 ]; then
    (ulimit -v $((mem * 1024)); exec timeout -k 5 "$secs" "$@") >"$TMP/stdout" 2>"$TMP/stderr"; got=$?
  else
    timeout -k 5 "$secs" "$@" >"$TMP/stdout" 2>"$TMP/stderr"; got=$?
  fi
  if [ "$got" = "$want" ]; then ok "$d (exit $want)"
  elif [ "$got" = 124 ] || [ "$got" = 137 ]; then not_ok "$d: still running after $secs s"
  else not_ok "$d: exit $got, want $want"; sed 's/^/#   /' "$TMP/stderr" | head -20; fi
}

# err_is DESC TEXT: stderr contains TEXT.
err_is() { expect_contains "$1" "$TMP/stderr" "$2"; }

# known DESC: a case whose right behaviour needs a fix outside these tests (see
# docs/limits.md); printed, not counted.
known() { echo "# KNOWN ISSUE: $*"; }

# config NAME.lua INPUT [STAGE_LINES] [OUTPUT_LINES]: a config in the current folder.
config() {
  {
    echo 'report { title = "hostile", outdir = "out" }'
    echo "input \"d\" { path = \"$2\" }"
    [ -n "${3:-}" ] && printf '%s\n' "$3"
    if [ -n "${4:-}" ]; then printf '%s\n' "$4"; else echo 'output "markdown" { path = "r.md" }'; fi
  } >"$1"
}

# survey_workdir: works in $TMP with a copy of the e2e survey (survey.csv), fixed timestamps
# and no CI step summary, as the output tests run tally.
survey_workdir() {
  cp "$ROOT/tests/data/e2e/survey.csv" "$TMP/"
  cd "$TMP" || exit 1
  export SOURCE_DATE_EPOCH=1609459200
  unset GITHUB_STEP_SUMMARY
}

# four_outputs CONFIG NAME TITLE: writes CONFIG, a report titled TITLE of the e2e survey's
# frequencies in all four formats (config lines 4 to 7: NAME.md, NAME.json, sub/NAME.xlsx,
# NAME.html under out/), and sets FILES to those four paths.
four_outputs() {
  cat >"$1" <<LUA
report { title = "$3", outdir = "out" }
input "survey" { path = "survey.csv" }
stage "frequencies" { dataset = "survey", variables = { "region", "partner" } }
output "markdown" { path = "$2.md" }
output "json"     { path = "$2.json" }
output "xlsx"     { path = "sub/$2.xlsx" }
output "html"     { path = "$2.html" }
LUA
  FILES="$2.md $2.json sub/$2.xlsx $2.html"
}
