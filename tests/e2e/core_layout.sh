# tests/e2e/core_layout.sh: the core's sub-folders keep the include rules their READMEs state, and a file that breaks one fails the check.
. tests/lib.sh
CHECK=tests/lib/core_layout.py

$PY "$CHECK" . >"$TMP/layout.txt" 2>&1; rc=$?
cat "$TMP/layout.txt"
grep -q '^ok - ' "$TMP/layout.txt" || not_ok "core_layout.py printed no check"
[ $rc = 0 ] || grep -q '^not ok' "$TMP/layout.txt" || not_ok "core_layout.py exited $rc"
failures=$((failures + $(grep -c '^not ok' "$TMP/layout.txt")))

# A copy of the core in which the statistics kernels include the command line: the check names it.
mkdir -p "$TMP/copy"
cp -r core "$TMP/copy/"
printf '#include "runner.h"\n' >>"$TMP/copy/core/stats/stats_freq.c"
if $PY "$CHECK" "$TMP/copy" >"$TMP/bad.txt" 2>&1; then not_ok "the check passes a kernel that includes runner.h"
else ok "the check fails a kernel that includes runner.h"; fi
expect_contains "the stray include is named" "$TMP/bad.txt" "core/stats/stats_freq.c includes runner.h (core/cli)"
finish
