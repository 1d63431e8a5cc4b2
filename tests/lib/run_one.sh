#!/bin/sh
# tests/lib/run_one.sh: runs one test for tests/run.sh: RESULTS TEST; writes RESULTS/NAME.out, .count ("pass fail skip"), .time.
results=$1 t=$2
r="$results/$(echo "$t" | tr '/' '_')"
case "$t" in *.sh) set -- sh "$t" ;; *) set -- "$t" ;; esac
start=$(date +%s)
"$@" >"$r.raw" 2>&1; rc=$?
secs=$(($(date +%s) - start))
{ echo "# $t"; cat "$r.raw"; } >"$r.out"
skip=$(grep -c '^ok - .*# SKIP' "$r.raw")
pass=$(($(grep -c '^ok - ' "$r.raw") - skip))
fail=$(grep -c '^not ok' "$r.raw")
if [ $rc -ne 0 ] && [ "$fail" = 0 ]; then echo "not ok - $t exited $rc" >>"$r.out"; fail=1; fi
if [ $((pass + fail + skip)) = 0 ]; then echo "not ok - $t printed no check" >>"$r.out"; fail=1; fi
echo "$pass $fail $skip" >"$r.count"
echo "$secs $t" >"$r.time"
rm -f "$r.raw"
# One write, so that lines of tests ending together do not interleave.
{ echo "# $t ($secs s)"; sed 1d "$r.out" | grep -E '^(not ok|#)' | head -40; } >"$r.show"
cat "$r.show"
