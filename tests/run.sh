#!/bin/sh
# tests/run.sh: runs the unit test binaries and end-to-end scripts, JOBS at a time, then prints "N passed, N failed, N skipped".
#
#   BUILD=build   the build folder (binaries, plugins; results land in $BUILD/test-results/)
#   JOBS=N        tests run at once (make -j2 test sets 2); the slowest of the last run start first
#   T=PATTERN     only the tests whose file name contains PATTERN (make test T=csv)
#   TIER=quick    leave out the tests marked "tier: full" in their first lines (make check)
#
# A check is a line "ok - ...", a failure "not ok - ...", a skip "ok - # SKIP why" (counted
# apart, never as a pass). A test that exits non-zero without a "not ok" line, or prints no
# check at all, counts as one failure.
: "${BUILD:=build}" "${JOBS:=1}" "${T:=}" "${TIER:=full}"
export BUILD TALLY="$BUILD/tally" TALLY_PLUGIN_PATH=""
results="$BUILD/test-results"
times="$BUILD/test-times"
log="$BUILD/test.log"
rm -rf "$results"; mkdir -p "$results"; : >"$log"

# The tests to run, in name order.
for t in "$BUILD"/tests/test_* tests/e2e/*.sh; do
  [ -f "$t" ] || continue
  case "${t##*/}" in *"$T"*) ;; *) continue ;; esac
  case "$t" in *.sh) src=$t ;; *) src=tests/unit/${t##*/}.c ;; esac
  if [ "$TIER" = quick ] && sed -n '1,5p' "$src" 2>/dev/null | grep -q '^\(# \|/\* \)tier: full'; then
    echo "$t" >>"$results/not-run"; continue
  fi
  echo "$t"
done >"$results/list"
if [ ! -s "$results/list" ]; then echo "tests/run.sh: no test matches T='$T'"; echo "0 passed, 1 failed, 0 skipped"; exit 1; fi

# Slowest first (times of the last full run), so that the pool ends together; without
# them (a clean build), the "tier: full" tests first, then the other scripts, then unit tests.
[ -f "$times" ] || : >"$times"
while read -r t; do
  case "$t" in *.sh) src=$t guess=2 ;; *) src=tests/unit/${t##*/}.c guess=1 ;; esac
  sed -n '1,5p' "$src" 2>/dev/null | grep -q '^\(# \|/\* \)tier: full' && guess=3
  echo "$guess $t"
done <"$results/list" >"$results/guess"
awk 'FILENAME == ARGV[1] { s[$2] = $1; next } { print (($2 in s) ? s[$2] : 1000 * $1), $2 }' "$times" "$results/guess" |
  sort -k1,1nr | cut -d' ' -f2- >"$results/order"

start=$(date +%s)
xargs -P "$JOBS" -n 1 sh tests/lib/run_one.sh "$results" <"$results/order"

passed=0 failed=0 skipped=0
while read -r t; do
  r="$results/$(echo "$t" | tr '/' '_')"
  cat "$r.out" >>"$log"
  set -- $(cat "$r.count")
  passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))
done <"$results/list"
# Keep the times of a full, all-tests run for the next run's order.
if [ -z "$T" ] && [ "$TIER" = full ]; then cat "$results"/*.time >"$times" 2>/dev/null; fi
if [ "$skipped" -gt 0 ]; then echo "skipped:"; grep -h '^ok - .*# SKIP' "$results"/*.out | sed 's/^ok - /  /'; fi
if [ -s "$results/not-run" ]; then echo "# quick tier: $(wc -l <"$results/not-run") slow tests not run (make test runs them)"; fi
echo "# $(($(date +%s) - start)) s with JOBS=$JOBS; log: $log"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
