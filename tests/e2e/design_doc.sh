# tests/e2e/design_doc.sh: docs/design.md stays true: its paths exist, it names every source file, its examples run, its Lua functions exist; a renamed file fails it.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"
CHECK=tests/lib/design_doc.py

mkdir -p "$TMP/doc"
$PY "$CHECK" "$ROOT" "$TMP/doc" >"$TMP/doc.txt" 2>&1; rc=$?
cat "$TMP/doc.txt"
grep -q '^ok - ' "$TMP/doc.txt" || not_ok "design_doc.py printed no check"
[ $rc = 0 ] || grep -q '^not ok' "$TMP/doc.txt" || not_ok "design_doc.py exited $rc"
failures=$((failures + $(grep -c '^not ok' "$TMP/doc.txt")))

# The config example runs on the sample, from a folder where samples/ is the repository's.
ln -s "$ROOT/samples" "$TMP/doc/samples"
expect_exit "the config example of design.md runs" 0 "$TALLY" -q run "$TMP/doc/example.lua"
expect_contains "the config example writes its table" "$TMP/doc/out/partners.md" "|"

# Every listed function exists in a running stage.
cp "$TMP/doc/library.lua" "$TMP/doc/library_stage.lua"
cat >"$TMP/doc/library_run.lua" <<CFG
report { title = "doc", outdir = "out-lib" }
input "responses" { path = "samples/city-survey/responses.csv", codebook = "samples/city-survey/responses.codebook.lua" }
stage "library_stage.lua" { }
output "json" { path = "lib.json" }
CFG
expect_exit "every Lua function design.md lists exists in a stage" 0 "$TALLY" -q run "$TMP/doc/library_run.lua"
expect_contains "the stage checked the functions" "$TMP/doc/out-lib/lib.json" '"doc_functions"'

# A copy of the tree with core/util/parallel.c renamed: the check fails, naming both names.
mkdir -p "$TMP/copy/docs" "$TMP/copyout"
cp -r core plugins tools fuzz "$TMP/copy/"
cp docs/design.md "$TMP/copy/docs/"
mv "$TMP/copy/core/util/parallel.c" "$TMP/copy/core/util/par_run.c"
if $PY "$CHECK" "$TMP/copy" "$TMP/copyout" >"$TMP/renamed.txt" 2>&1; then
  not_ok "the design-doc check passes on a tree with a renamed file"
else
  ok "the design-doc check fails on a tree with core/util/parallel.c renamed"
fi
expect_contains "renamed: the stale path is reported" "$TMP/renamed.txt" "core/util/parallel.c"
expect_contains "renamed: the new file is reported as not named" "$TMP/renamed.txt" "not named: core/util/par_run.c"
# And a stage option the stage does not declare.
sed 's/keep = "last"/keep_last = true/' docs/design.md >"$TMP/copy/docs/design.md"
mv "$TMP/copy/core/util/par_run.c" "$TMP/copy/core/util/parallel.c"
$PY "$CHECK" "$TMP/copy" "$TMP/copyout" >"$TMP/badopt.txt" 2>&1
expect_contains "an undeclared stage option is reported" "$TMP/badopt.txt" "not declared: ['keep_last']"
finish
