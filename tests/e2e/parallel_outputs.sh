#!/bin/sh
# parallel_outputs.sh: outputs written side by side (TALLY_STAGE_THREADS) give the files and the messages, in
# config order, of one output after another, run after run; each Markdown and HTML output counts its own texts
# with invalid UTF-8; of several failing outputs the first in config order is reported, nothing is renamed.
. tests/lib.sh
. tests/lib/hostile.sh
export SOURCE_DATE_EPOCH=1609459200
unset GITHUB_STEP_SUMMARY
cd "$TMP" || exit 1
printf 'id,g,q\n1,1,1\n2,2,1\n3,1,2\n4,2,2\n5,1,1\n' >s.csv
# raw bytes in two labels (Lua escapes): \xff alone, and \xc3 cut before its second byte
printf 'variable "g" { label = "Region", values = { [1] = "Nord\\xffost", [2] = "S\\xc3d" } }\nvariable "q" { label = "Question", values = { [1] = "yes", [2] = "no" } }\n' >s.codebook.lua
cat >o.lua <<'CFG'
report { title = "Side by side", language = "en" }
input "s" { path = "s.csv", codebook = "s.codebook.lua" }
stage "banner" { dataset = "s", rows = { "q" }, columns = { "g" } }
stage "frequencies" { dataset = "s", variables = { "g", "q" } }
output "markdown" { path = "a.md" }
output "html" { path = "b.html" }
output "xlsx" { path = "c.xlsx" }
output "notes" { plugin = "markdown", path = "d.md" }
output "json" { path = "e.json" }
CFG
# report NAME THREADS: o.lua into NAME/, stderr (-v) in NAME.err; in NAME.msg without the step times, the
# folder's name and the line saying which stages ran side by side
report() {
  TALLY_STAGE_THREADS=$2 "$TALLY" -v run o.lua --outdir "$1" >/dev/null 2>"$1.err"
  rc=$?
  grep -v 'side by side' "$1.err" | sed "s/^tally: \[ *[0-9.]* s\]/tally: [time]/; s#/$1/#/OUT/#" >"$1.msg"
  return $rc
}
same_outputs() {
  bad=""
  for f in a.md b.html c.xlsx d.md e.json; do cmp -s "$2/$f" "$3/$f" || bad="$bad $f"; done
  if [ -z "$bad" ]; then ok "$1"; else not_ok "$1:$bad differ"; fi
}
check "five outputs, one after another" report one 1
# one thread: written in config order (the second Markdown output after the HTML one), as their times show
order=$(for f in a.md b.html c.xlsx d.md e.json; do stat -c '%.9Y' "one/$f"; done | sort -c -n 2>&1 && echo sorted)
check "  one thread: the files written in config order (their modification times)" test "$order" = sorted
check "five outputs, side by side" report two 2
expect_contains "  -v says so: four plugins' outputs on two threads" two.err "5 outputs side by side on 2 threads"
check "  one thread: no output side by side" sh -c "! grep -q 'outputs side by side' one.err"
# a markdown plugin from TALLY_PLUGIN_PATH (a copy of tally's own under the same name): one after another
mkdir -p pp && cp "$ROOT/${BUILD:-build}/plugins/markdown.so" pp/
TALLY_PLUGIN_PATH="$TMP/pp" "$TALLY" -v run o.lua --outdir foreign >/dev/null 2>foreign.err
expect_contains "a plugin from outside tally's folder: outputs one after another, saying which" foreign.err \
  "outputs one after another: output 'markdown' uses a plugin from outside tally's folder"
check "  none side by side" sh -c "! grep -q 'outputs side by side' foreign.err"
same_outputs "  the same files" foreign one
# the same copy named by the config's plugin_path: one after another too
sed 's|^report { |report { plugin_path = { "'"$TMP"'/pp" }, |' o.lua >op.lua
TALLY_STAGE_THREADS=2 "$TALLY" -v run op.lua --outdir pathed >/dev/null 2>pathed.err
expect_contains "a plugin from the config's plugin_path: outputs one after another, saying which" pathed.err \
  "outputs one after another: output 'markdown' uses a plugin from outside tally's folder"
same_outputs "  the files are byte-identical" two one
expect_same "  the same messages in the same order (steps, each output's warnings)" two.msg one.msg
for o in markdown html notes; do # two labels, each in the banner and in a frequency table
  expect_contains "  output '$o' counts its own 4 texts with invalid UTF-8" two.err \
    "$o: warning: 4 text(s) of the report had invalid UTF-8"
done
first=$(grep -n "writing output 'html'" two.err | cut -d: -f1)
warn=$(grep -n "markdown: warning" two.err | head -1 | cut -d: -f1)
check "  the first Markdown output's warning comes before the HTML output's step" test "$warn" -lt "$first"
for k in 3 4 5 6; do
  report "run$k" 2
  same_outputs "  repeated run $k: byte-identical" "run$k" one
  expect_same "  repeated run $k: the same messages" "run$k.msg" one.msg
done

# failures: the first failing output in config order is named, and no output is renamed
check "the fault-injection binary is built" test -x "$TALLY_FAULT_BIN"
cp -r one good
for spec in "output:json json" "output:json,output:html html" "output:json,output:xlsx xlsx"; do
  point=${spec% *}; name=${spec#* }
  TALLY_FAULT=$point "$TALLY_FAULT_BIN" run o.lua --outdir one >/dev/null 2>fault.err
  rc=$?
  check "fault at $point: exit 1 (got $rc)" test "$rc" = 1
  n=$(grep -c "fault injected while writing output" fault.err)
  check "  one failure is shown ($n)" test "$n" = 1
  line=$(grep -n "^output \"$name\"" o.lua | cut -d: -f1)
  expect_contains "  it is output '$name', the first failing one in config order" fault.err \
    "output '$name' (o.lua:$line): fault injected while writing output '$name'"
  same_outputs "  every earlier report file is unchanged" one good
  left=$(find one -name '.*tmp*' | head -3)
  check "  no temporary file is left${left:+ ($left)}" test -z "$left"
done
finish
