# atomic_outputs.sh: a run that fails in any phase leaves the last good report byte-identical and no temporary file behind.
. tests/lib.sh
. tests/lib/hostile.sh
cp -r tests/data/e2e "$TMP/e2e"
cd "$TMP/e2e" || exit 1
FAULT="$TALLY_FAULT_BIN"
four_outputs atomic.lua atomic Atomic

# The last good report, then a second config whose report would differ (another title).
SOURCE_DATE_EPOCH=1609459200 expect_exit "the good run" 0 "$TALLY" run atomic.lua
mkdir -p good
for f in $FILES; do mkdir -p "good/$(dirname "$f")"; cp "out/$f" "good/$f"; done
sed 's/title = "Atomic"/title = "Changed"/' atomic.lua >changed.lua

# unchanged DESC: every earlier report file is byte-identical and no temporary file is left.
unchanged() {
  same=1
  for f in $FILES; do cmp -s "out/$f" "good/$f" || { same=0; echo "#   out/$f changed"; }; done
  check "$1: every earlier report file is byte-identical" test $same = 1
  left=$(find out -name '.*' -type f | head -5)
  check "$1: no temporary file is left behind${left:+ ($left)}" test -z "$left"
}

# Faults injected by the test binary (TALLY_FAULT, core/host/host.c), one per phase.
fault() { # fault DESC POINT MESSAGE
  TALLY_FAULT=$2 SOURCE_DATE_EPOCH=1609459200 bounded "$1" 1 30 1024 "$FAULT" run changed.lua
  err_is "$1: the failure is named" "$3"
  unchanged "$1"
}
check "the fault-injection binary is built" test -x "$FAULT"
fault "a failure after reading the input" input "input 'survey' (changed.lua:2): fault injected after reading input 'survey'"
fault "a failure after the stage" stage "stage 'frequencies' (changed.lua:3): fault injected"
fault "a failure in the first of four outputs" output:markdown "output 'markdown' (changed.lua:4): fault injected while writing output 'markdown'"
fault "a failure in the second output" output:json "output 'json' (changed.lua:5): fault injected while writing output 'json'"
fault "a failure in the third output (in a subfolder)" output:xlsx "output 'xlsx' (changed.lua:6): fault injected while writing output 'xlsx'"
fault "a failure in the last output" output:html "output 'html' (changed.lua:7): fault injected while writing output 'html'"
fault "a failure in every output" output "fault injected while writing output 'markdown'"
fault "a failure after all outputs, before the renames" rename "fault injected before the outputs were renamed"

# Real failures, without fault injection.
real_fail() { # real_fail DESC CODE CONFIG MESSAGE
  SOURCE_DATE_EPOCH=1609459200 bounded "$1" "$2" 30 1024 "$TALLY" run "$3"
  err_is "$1: the failure is named" "$4"
  unchanged "$1"
}
# Each case: what fails<tab>exit code<tab>a file it needs<tab>that file's text (printf)<tab>the sed edit
# of changed.lua that makes it fail<tab>the message that names the failure.
while IFS='	' read -r desc code file text edit message <&3; do
  printf "$text" >"$file"
  sed "$edit" changed.lua >case.lua
  real_fail "$desc" "$code" case.lua "$message"
done 3<<'CASES'
an input with invalid UTF-8	1	bad.csv	id,city\n1,\377\n	s/survey.csv/bad.csv/	bad.csv:2: invalid UTF-8 at byte offset 10
a stage that raises an error	1	giveup.lua	error("the stage gives up")\n	s/^stage "frequencies".*/stage "giveup.lua" { }/	giveup.lua:1: the stage gives up
a stage over its instruction budget	1	spin.lua	while true do end\n	s/^stage "frequencies".*/stage "spin.lua" { max_instructions = 1000000 }/	instruction budget of 1000000 exceeded
the last output's template fails	1	bad.md	# {{ nosuch }}\n	s|output "html"     { path = "atomic.html" }|output "html" { path = "atomic.html", template = "bad.md" }|	bad.md:1: unknown value 'nosuch'
CASES
mkdir -p out/blocked.json
sed 's|path = "atomic.json"|path = "blocked.json"|' changed.lua >blocked.lua
real_fail "the second output's path is a folder" 2 blocked.lua "blocked.json is a folder; give a file name"
rmdir out/blocked.json

# And a good run after all these failures replaces the report.
SOURCE_DATE_EPOCH=1609459200 expect_exit "a good run after the failures" 0 "$TALLY" run changed.lua
expect_contains "the new report replaced the old one" out/atomic.md "# Changed"
left=$(find out -name '.*' -type f | head -5)
check "no temporary file after the good run" test -z "$left"
finish
