# kernel_messages.sh: a statistics kernel's own error message reaches the user (not "statistics kernel
# failed"), for each kernel whose input a stage can get wrong.
. tests/lib.sh
. tests/lib/hostile.sh
cp tests/data/e2e/survey.csv "$TMP/"
printf 'id,year\n1,1\n2,9000\n' >"$TMP/years.csv"
cd "$TMP" || exit 1
# kernel DESC DATA LUA MESSAGE: a stage running LUA on DATA fails with MESSAGE.
kernel() {
  printf '%s\n' "$3" >k.lua
  printf 'report { title = "K", outdir = "out" }\ninput "d" { path = "%s" }\nstage "k.lua" { }\noutput "json" { path = "k.json" }\n' "$2" >k_cfg.lua
  bounded "$1" 1 30 1024 "$TALLY" run k_cfg.lua
  err_is "$1: the kernel's message is shown" "$4"
  check "$1: not the generic text" sh -c "! grep -q 'statistics kernel failed' '$TMP/stderr'"
}
kernel "descriptives of a text variable" survey.csv 'report.add(tally.dataset("d"):descriptives({ "city" }, {}))' \
  "descriptives: variable 'city' is a string; descriptives need numbers"
kernel "a timeline over 9000 years" years.csv 'report.add(tally.dataset("d"):timeline("year"))' \
  "timeline: 'year' spans 1 to 9000, more than 5000 years"
kernel "likert items that are text" survey.csv 'report.add(tally.dataset("d"):likert({ "city" }, {}))' \
  "likert: item 1 is not a numeric variable of the dataset"
# Without the options table the method must not mistake its own scratch memory for it.
kernel "descriptives without options" survey.csv 'report.add(tally.dataset("d"):descriptives({ "city" }))' \
  "descriptives: variable 'city' is a string; descriptives need numbers"
kernel "likert without options" survey.csv 'report.add(tally.dataset("d"):likert({ "city" }))' \
  "likert: item 1 is not a numeric variable of the dataset"
finish
