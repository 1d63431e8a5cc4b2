# output_concurrency.sh: two runs writing one folder at once, 60 times: each time every output
# in the folder comes from one run (the folder lock), and both runs succeed.
. tests/lib.sh
. tests/lib/hostile.sh
survey_workdir
for who in A B; do
  cat >"$who.lua" <<LUA
report { title = "Run $who", outdir = "out" }
input "survey" { path = "survey.csv" }
stage "frequencies" { dataset = "survey", variables = { "region", "partner", "rating" } }
output "markdown" { path = "r.md" }
output "json" { path = "r.json" }
output "html" { path = "r.html" }
output "xlsx" { path = "r.xlsx" }
LUA
done
from() { if grep -q "Run A" "$1"; then echo A; elif grep -q "Run B" "$1"; then echo B; else echo "?"; fi; }
# origin FILE: A or B, the run whose title the file carries
origin() {
  case $1 in
    *.xlsx) unzip -p "$1" docProps/core.xml >core.xml 2>/dev/null; from core.xml ;;
    *) from "$1" ;;
  esac
}
mixed=0 failed=0
for i in $(seq 60); do
  "$TALLY" run A.lua 2>"a.err" & a=$!
  "$TALLY" run B.lua 2>"b.err" & b=$!
  wait $a || { failed=$((failed + 1)); sed 's/^/#   A: /' a.err | head -3; }
  wait $b || { failed=$((failed + 1)); sed 's/^/#   B: /' b.err | head -3; }
  o=$(for f in out/r.md out/r.json out/r.html out/r.xlsx; do origin "$f"; done | sort -u | tr '\n' ' ')
  case $o in "A "|"B ") ;; *) mixed=$((mixed + 1)); echo "# pair $i: the outputs come from: $o" ;; esac
done
check "60 pairs of concurrent runs: every run succeeded ($failed failed)" test "$failed" = 0
check "60 pairs of concurrent runs: every time the folder holds one run's outputs ($mixed mixed)" test "$mixed" = 0
left=$(find out -name '.*' | head -3)
check "no temporary file is left${left:+ ($left)}" test -z "$left"
finish
