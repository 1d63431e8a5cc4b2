#!/bin/sh
# tests/run.sh: runs every unit test binary and end-to-end script, then prints "N passed, N failed".
: "${BUILD:=build}"
export BUILD TALLY="$BUILD/tally" TALLY_PLUGIN_PATH=""
log="$BUILD/test.log"
: >"$log"
status=0
for t in "$BUILD"/tests/test_* tests/e2e/*.sh; do
  [ -e "$t" ] || continue
  case "$t" in *.sh) cmd="sh $t" ;; *) cmd="$t" ;; esac
  echo "# $t" | tee -a "$log"
  out=$($cmd 2>&1); rc=$?
  printf '%s\n' "$out" >>"$log"
  printf '%s\n' "$out" | grep -E '^(not ok|#)' | head -40
  if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok'; then
    echo "not ok - $t exited $rc" | tee -a "$log"
  fi
done
passed=$(grep -c '^ok - ' "$log")
failed=$(grep -c '^not ok' "$log")
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
