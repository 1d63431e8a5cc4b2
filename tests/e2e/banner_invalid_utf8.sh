#!/bin/sh
# banner_invalid_utf8.sh: invalid UTF-8 in the labels of a .csv's banner variable (its codebook holds the bytes)
# is shown as U+FFFD in the HTML banner table and counted in the output's warning, as in Markdown.
. tests/lib.sh
printf 'id,g,q\n1,1,1\n2,2,1\n3,1,2\n4,2,2\n5,1,1\n' >"$TMP/s.csv"
# Lua string escapes put the raw bytes into the labels: \xff alone, and \xc3 cut before its second byte.
printf 'variable "g" { label = "Region", values = { [1] = "Nord\\xffost", [2] = "S\\xc3d" } }\nvariable "q" { label = "Question", values = { [1] = "yes", [2] = "no" } }\n' >"$TMP/s.codebook.lua"
cat >"$TMP/b.lua" <<'CFG'
report { title = "Labels", language = "en" }
input "s" { path = "s.csv", codebook = "s.codebook.lua" }
stage "banner" { dataset = "s", rows = { "q" }, columns = { "g" } }
output "html" { path = "b.html" }
output "markdown" { path = "b.md" }
CFG
expect_exit "the banner report runs" 0 "$TALLY" run "$TMP/b.lua"
check "b.html is valid UTF-8" $PY -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$TMP/b.html"
expect_contains "the HTML banner header shows the bytes as U+FFFD" "$TMP/b.html" "$(printf 'Nord\357\277\275ost')"
expect_contains "the HTML output counts the two changed labels of its banner table" "$TMP/stderr" \
  "html: warning: 2 text(s) of the report had invalid UTF-8"
expect_contains "the Markdown output counts them too" "$TMP/stderr" "markdown: warning:"
finish
