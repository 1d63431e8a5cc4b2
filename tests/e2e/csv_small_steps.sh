# csv_small_steps.sh: the csv plugin built with tiny steps reads what the normal build reads, and finds the same faults.
# The small build ($BUILD/tests/csv-small/csv.so) checks the text 4 KB at a time as it parses, grows its
# buffers from 64 rows and carves them from slabs, so a few hundred KB cross every such boundary.
. tests/lib.sh
SMALL=$BUILD/tests/csv-small
ROOT=$(pwd)
[ -f "$SMALL/csv.so" ] || { not_ok "the small-step csv plugin is built ($SMALL/csv.so)"; finish; }

for t in test_csv test_csv_errors test_csv_rows; do
  out=$(TALLY_TEST_CSV_SO="$SMALL/csv.so" "$BUILD/tests/$t" 2>&1)
  n=$(printf '%s\n' "$out" | grep -c '^ok - ')
  bad=$(printf '%s\n' "$out" | grep -c '^not ok')
  if [ "$bad" = 0 ] && [ "$n" -gt 10 ]; then ok "$t passes with the small-step plugin ($n checks)"; else
    not_ok "$t with the small-step plugin: $bad failed"; printf '%s\n' "$out" | grep '^not ok' | head | sed 's/^/#   /'; fi
done

# 3,000 generated respondents (quoted line breaks, umlauts, Chinese), every cell listed by both builds.
"$BUILD/tools/gen_bench" --rows 3000 --out "$TMP/s.csv"
cols=$(head -n 1 "$TMP/s.csv" | awk -F, '{ for (i = 1; i <= NF; i++) printf "%s\"%s\"", (i > 1 ? ", " : ""), $i }')
dump() { # dump CONFIG DATA EXTRA-INPUT-OPTIONS
  cat >"$1" <<CFG
report { title = "dump" }
input "d" { path = "$2"$3 }
stage "listing" { dataset = "d", by = "id", show = { $cols }, joiner = "|", max_cases = 100000 }
output "markdown" { path = "dump.md" }
CFG
}
both() { # both DESC CODE CONFIG: the normal and the small build, same exit code, same stderr, same report
  d=$1; code=$2; cfg=$3
  "$TALLY" run -q "$cfg" --outdir "$TMP/a" >"$TMP/a.out" 2>"$TMP/a.err"; ra=$?
  TALLY_PLUGIN_PATH="$ROOT/$SMALL" "$TALLY" run -q "$cfg" --outdir "$TMP/b" >"$TMP/b.out" 2>"$TMP/b.err"; rb=$?
  if [ "$ra" = "$code" ] && [ "$rb" = "$code" ]; then ok "$d: both exit $code"; else
    not_ok "$d: exit $ra (normal) and $rb (small), want $code"; sed 's/^/#   /' "$TMP/b.err" | head; fi
  expect_same "$d: the same messages" "$TMP/b.err" "$TMP/a.err"
  if [ "$code" = 0 ]; then expect_same "$d: the same cells" "$TMP/b/dump.md" "$TMP/a/dump.md"; fi
}
dump "$TMP/ok.lua" "$TMP/s.csv" ""
both "3,000 rows" 0 "$TMP/ok.lua"
rows=$(grep -c '^| [0-9]' "$TMP/a/dump.md")
if [ "$rows" = 3000 ]; then ok "every respondent is listed"; else not_ok "listed $rows respondents, want 3000"; fi
# The small build gives each chunk half the rows its sample promises, so every chunk
# outgrows its region of the shared buffers; without shared buffers (none to be had),
# the first chunk's own buffers become the columns: both read the same cells.
TALLY_TEST_CSV_NO_SHARED=1 TALLY_PLUGIN_PATH="$ROOT/$SMALL" "$TALLY" run -q "$TMP/ok.lua" --outdir "$TMP/c" \
  >"$TMP/c.out" 2>"$TMP/c.err"
expect_same "without shared buffers: the same cells" "$TMP/c/dump.md" "$TMP/a/dump.md"

# Faults deep in the file, beyond the first check step: found where they are, whichever build.
line_of() { grep -n "^$1," "$TMP/s.csv" | head -n 1 | cut -d: -f1; }
l2000=$(line_of 2000)
awk -v l="$l2000" 'NR == l { sub(/,/, ",\377,") } { print }' "$TMP/s.csv" >"$TMP/utf8.csv"
dump "$TMP/utf8.lua" "$TMP/utf8.csv" ""
both "invalid UTF-8 at row 2000" 1 "$TMP/utf8.lua"
expect_contains "the invalid byte's line is named" "$TMP/b.err" "utf8.csv:$l2000: invalid UTF-8 at byte offset"
dump "$TMP/repl.lua" "$TMP/utf8.csv" ', invalid_utf8 = "replace"'
both "invalid UTF-8 replaced" 1 "$TMP/repl.lua"
expect_contains "the replaced byte becomes a column too many" "$TMP/b.err" "utf8.csv:$l2000: row has 58 fields, the header has 57"

l2500=$(line_of 2500)
awk -v l="$l2500" 'NR == l { sub(/,/, ",x\001y,") } { print }' "$TMP/s.csv" | tr '\001' '\000' >"$TMP/nul.csv"
l500=$(line_of 500)
awk -v l="$l500" -v m="$l2500" 'NR == l { $0 = $0 ",extra" } NR == m { sub(/,/, ",x\001y,") } { print }' "$TMP/s.csv" |
  tr '\001' '\000' >"$TMP/nulrag.csv"
dump "$TMP/nul.lua" "$TMP/nul.csv" ""
both "a NUL byte at row 2500" 1 "$TMP/nul.lua"
expect_contains "the NUL byte's line is named" "$TMP/b.err" "nul.csv:$l2500: NUL byte at byte offset"
dump "$TMP/nulrag.lua" "$TMP/nulrag.csv" ""
both "a ragged row at 500, a NUL byte at 2500" 1 "$TMP/nulrag.lua"
expect_contains "a NUL byte anywhere comes before a row error" "$TMP/b.err" "nulrag.csv:$l2500: NUL byte at byte offset"

# A header longer than the part checked before it is read, with an invalid byte at its end.
awk 'BEGIN { for (i = 1; i <= 300; i++) printf "%scolumn_%d", (i > 1 ? "," : ""), i; printf "_\303\n1"; for (i = 2; i <= 300; i++) printf ",1"; print "" }' >"$TMP/head.csv"
printf 'report { title = "h" }\ninput "d" { path = "%s" }\n' "$TMP/head.csv" >"$TMP/head.lua"
"$TALLY" run -q "$TMP/head.lua" --outdir "$TMP/h" 2>"$TMP/h.err"; ra=$?
TALLY_PLUGIN_PATH="$ROOT/$SMALL" "$TALLY" run -q "$TMP/head.lua" --outdir "$TMP/h" 2>"$TMP/h2.err"; rb=$?
if [ "$ra" = 1 ] && [ "$rb" = 1 ]; then ok "a long header with invalid UTF-8: both exit 1"; else not_ok "long header: exit $ra and $rb"; fi
expect_same "a long header: the same message" "$TMP/h2.err" "$TMP/h.err"
expect_contains "the header's line is named" "$TMP/h2.err" "head.csv:1: invalid UTF-8 at byte offset"
finish
