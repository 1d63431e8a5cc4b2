#!/bin/sh
# tests/e2e/md_outputs.sh: `tally run` writes Markdown, HTML and JSON that are reproducible, well-formed and safe.
. tests/lib.sh

for run in 1 2; do
  mkdir -p "$TMP/run$run"
  cp tests/data/md/cities.csv tests/data/md/report.lua tests/data/md/bad.lua tests/data/md/bad.md "$TMP/run$run/"
  SOURCE_DATE_EPOCH=1609459200 expect_exit "tally run writes markdown, html and json (run $run)" 0 \
    "$TALLY" run "$TMP/run$run/report.lua"
done
out1=$TMP/run1/out out2=$TMP/run2/out
for f in report.md report.html report.json; do
  expect_same "$f is byte-identical across runs" "$out1/$f" "$out2/$f"
done
expect_contains "the Markdown has a pipe table with right-aligned numbers" "$out1/report.md" "| ---: |"
expect_contains "a label with | and * is escaped" "$out1/report.md" 'Bonn \| \*Beethoven\*'
if grep -qi '<script' "$out1/report.html"; then not_ok "no <script> in the HTML"; else ok "no <script> in the HTML"; fi
expect_contains "the hostile label is text in the HTML" "$out1/report.html" "&lt;script&gt;"
check "the JSON parses" $PY -m json.tool "$out1/report.json"
check "the JSON has the counts" $PY -c '
import json, sys
j = json.load(open(sys.argv[1]))
rows = {r["label"]: r for t in j["tables"] for r in t["rows"]}
assert any(c == 3 for c in rows["yes"]["cells"][1:]), rows["yes"]
' "$out1/report.json"

expect_exit "a template naming an unknown value fails" 1 "$TALLY" run "$TMP/run1/bad.lua"
expect_contains "the error names template:line and the closest value" "$TMP/stderr" "bad.md:3: unknown value 'n_citeis'"
if [ -e "$TMP/run1/out/bad.md" ]; then not_ok "a failed output leaves no file"; else ok "a failed output leaves no file"; fi
finish
