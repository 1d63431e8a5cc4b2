# describe_files.sh: `tally describe` on an SPSS .sav (made by PSPP) and a Stata .dta prints labels, missing values and sets.
. tests/lib.sh
REPO=$(pwd)
(cd "$TMP" && pspp "$REPO/tests/data/spss/survey.sps" >pspp.log 2>&1)
check "pspp writes survey.sav" test -s "$TMP/survey.sav"

expect_exit "describe survey.sav" 0 "$TALLY" describe "$TMP/survey.sav"
cp "$TMP/stdout" "$TMP/sav.txt"
expect_contains "sav: source and format" "$TMP/sav.txt" "survey.sav (sav, UTF-8)"
expect_contains "sav: rows" "$TMP/sav.txt" "Rows: 5"
expect_contains "sav: weight" "$TMP/sav.txt" "Weight: wt"
expect_contains "sav: variable label" "$TMP/sav.txt" "    Label:    How important is culture?"
expect_contains "sav: missing codes and range" "$TMP/sav.txt" "    Missing:  95 THRU 99; 9"
expect_contains "sav: LOWEST range" "$TMP/sav.txt" "    Missing:  LOWEST THRU -1"
expect_contains "sav: user-missing value label marked" "$TMP/sav.txt" "      9 = don't know  [missing]"
expect_contains "sav: string value label" "$TMP/sav.txt" '      "Köln" = Cologne'
expect_contains "sav: string width" "$TMP/sav.txt" "    Type:     string, width 12"
expect_contains "sav: date" "$TMP/sav.txt" "    Type:     numeric, date (days since 1970-01-01)"
expect_contains "sav: format" "$TMP/sav.txt" "    Format:   F9.2"
expect_contains "sav: dichotomy set" "$TMP/sav.txt" "    Kind:      dichotomy, counted value 1"
expect_contains "sav: set members" "$TMP/sav.txt" "    Variables: mr_a mr_b mr_c"
expect_contains "sav: set label" "$TMP/sav.txt" "    Label:     Cities visited"

# The same dictionary as PSPP's: every variable label PSPP lists appears in tally's output.
(cd "$TMP" && pspp -O format=csv "$REPO/tests/data/spss/oracle.sps" >oracle.csv 2>/dev/null)
n=0; missing=0
for label in $(awk -F, '/^Table: Variables/{t=1;getline;next} /^$/{t=0} t&&$3!=""{print $3}' "$TMP/oracle.csv" | tr ' ' '_'); do
  n=$((n + 1))
  grep -qF "    Label:    $(echo "$label" | tr '_' ' ')" "$TMP/sav.txt" || missing=$((missing + 1))
done
if [ "$n" -ge 5 ] && [ "$missing" = 0 ]; then ok "sav: all $n variable labels PSPP reports are described"; else
  not_ok "sav: $missing of $n PSPP variable labels missing from tally describe"; fi

expect_exit "describe small.dta" 0 "$TALLY" describe tests/data/spss/small.dta
expect_contains "dta: variable label" "$TMP/stdout" "    Label:    Do you agree?"
expect_contains "dta: value label" "$TMP/stdout" "      2 = no"
expect_contains "dta: date" "$TMP/stdout" "    Type:     numeric, date (days since 1970-01-01)"
expect_contains "dta: Stata format" "$TMP/stdout" "    Format:   %td"

expect_exit "describe a missing .sav" 1 "$TALLY" describe "$TMP/nope.sav"
expect_contains "missing .sav: message" "$TMP/stderr" "cannot open '$TMP/nope.sav': No such file or directory; check the input's path"
printf 'id;name\n1;Anna\n' >"$TMP/fake.sav"
expect_exit "describe a CSV named .sav" 1 "$TALLY" describe "$TMP/fake.sav"
expect_contains "CSV named .sav: message" "$TMP/stderr" "'$TMP/fake.sav' is not an SPSS system file (.sav): it holds text that looks like CSV; read CSV files with the csv input"
head -c 300 "$TMP/survey.sav" >"$TMP/cut.sav"
expect_exit "describe a truncated .sav" 1 "$TALLY" describe "$TMP/cut.sav"
expect_contains "truncated .sav: message" "$TMP/stderr" "the file is truncated, damaged or a variant libreadstat cannot read"
finish
