# check_reads.sh: `tally check` reads an input's dictionary, not its rows: a CSV whose row 50,000 is malformed
# checks as valid (the body is never parsed) while `tally run` fails on it; variables are still checked.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"
cd "$TMP" || exit 1

# 60,000 rows; row 50,000 opens a quote it never closes
awk 'BEGIN { print "id,sex,q1,w"
  for (i = 1; i <= 60000; i++) print i "," (i % 2 + 1) (i == 50000 ? ",\"3" : "," (i % 5 + 1)) "," (i % 3 ? 1 : 2) }' >big.csv
cat >big.codebook.lua <<'EOC'
variable "q1" { label = "Satisfaction", values = { [1] = "very low", [5] = "very high" } }
mrset "both" { label = "Both", columns = { "sex", "q1" }, counted = 1 }
EOC
cfg() { # cfg NAME VARIABLES
  cat >"$1.lua" <<EOC
report { title = "check", outdir = "out" }
input "s" { path = "big.csv", codebook = "big.codebook.lua", weight = "w" }
stage "frequencies" { dataset = "s", variables = { $2 } }
output "markdown" { path = "$1.md" }
EOC
}
cfg good '"sex", "q1"'
expect_exit "check: the header and the codebook are all it reads" 0 "$TALLY" check good.lua
expect_contains "check: valid" "$TMP/stderr" "good.lua is valid (3 blocks)"
if grep -q "warning" "$TMP/stderr"; then not_ok "check: no warning about the rows it did not read"
else ok "check: no warning about the rows it did not read"; fi
if find . -name '*.tcache' | grep -q .; then not_ok "check: writes no column cache"; else ok "check: writes no column cache"; fi
expect_exit "run: parses every row and fails on row 50,000" 1 "$TALLY" run good.lua
expect_contains "run: names the line" "$TMP/stderr" "big.csv:50001:"
cfg typo '"sex", "q2"'
expect_exit "check: an unknown variable is still found" 2 "$TALLY" check typo.lua
expect_contains "check: names it" "$TMP/stderr" "option 'variables': 'q2' is not a variable or multiple-response set of dataset 's' (did you mean 'q1'?)"
cfg set '"both"'
expect_exit "check: a codebook's multiple-response set is known" 0 "$TALLY" check set.lua
cat >w.lua <<'EOC'
report { title = "check", outdir = "out" }
input "s" { path = "big.csv", weight = "nope" }
output "markdown" { path = "w.md" }
EOC
expect_exit "check: a weight that is not a variable" 2 "$TALLY" check w.lua
expect_contains "check: names the weight" "$TMP/stderr" "weight 'nope' is not a numeric variable of the data"
finish
