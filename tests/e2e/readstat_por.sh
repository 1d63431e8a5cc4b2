# readstat_por.sh: `tally describe` on SPSS portable files (.por) that PSPP writes, read by tally's own .por reader;
# the dictionary is compared with what PSPP itself reports after IMPORT of the same file.
. tests/lib.sh
cat >"$TMP/por.sps" <<'SPS'
DATA LIST LIST /id (F4.0) score (F8.2) name (A10) when (DATE11).
BEGIN DATA
1 3.25 "Anna" 01-JAN-1990
2 -0.5 "Ben" 29-FEB-2000
3 . "" .
4 97 "refused" 31-DEC-2025
END DATA.
VARIABLE LABELS id 'Case number' /score 'Test score (0-100)' /name 'First name' /when 'Interview date'.
VALUE LABELS score 97 'refused' 99 'no answer' /name 'refused' 'Refused to say'.
MISSING VALUES score (97 THRU 99, 1) /name ('refused').
EXPORT OUTFILE='x.por'.
SPS
cat >"$TMP/oracle.sps" <<'SPS'
IMPORT FILE='x.por'.
DISPLAY DICTIONARY.
SPS
(cd "$TMP" && pspp por.sps >pspp.log 2>&1 && pspp -O format=csv oracle.sps >oracle.csv 2>>pspp.log)
check "pspp writes x.por and describes it" test -s "$TMP/x.por" -a -s "$TMP/oracle.csv"

expect_exit "describe x.por" 0 "$TALLY" describe "$TMP/x.por"
cp "$TMP/stdout" "$TMP/por.txt"
expect_contains "por: source and format" "$TMP/por.txt" "x.por (por)"
expect_contains "por: rows" "$TMP/por.txt" "Rows: 4"
expect_contains "por: missing codes and range" "$TMP/por.txt" "    Missing:  97 THRU 99; 1"
expect_contains "por: string missing" "$TMP/por.txt" '    Missing:  "refused"'
expect_contains "por: value label" "$TMP/por.txt" "      99 = no answer  [missing]"
expect_contains "por: string value label" "$TMP/por.txt" '      "refused" = Refused to say  [missing]'
expect_contains "por: date" "$TMP/por.txt" "    Type:     numeric, date (days since 1970-01-01)"
expect_contains "por: string width" "$TMP/por.txt" "    Type:     string, width 10"

# Every variable PSPP lists has tally's name, label and print format.
n=0; bad=0
while IFS=, read -r name pos label measure role width align print rest; do
  n=$((n + 1))
  awk -v n="  $pos. $name" -v l="    Label:    $label" -v f="    Format:   $print" '
    $0 == n { in_var = 1; next } /^  [0-9]+\. / { in_var = 0 }
    in_var && $0 == l { gl = 1 } in_var && $0 == f { gf = 1 }
    END { exit !((gl || l == "    Label:    ") && gf) }' "$TMP/por.txt" || { bad=$((bad + 1)); echo "# $name: $label $print"; }
done <<EOF2
$(awk '/^Table: Variables/{t=1;getline;next} /^$/{t=0} t' "$TMP/oracle.csv")
EOF2
if [ "$n" = 4 ] && [ "$bad" = 0 ]; then ok "por: names, labels and formats of all $n variables as PSPP reports them"; else
  not_ok "por: $bad of $n variables differ from PSPP's dictionary"; fi

head -c 700 "$TMP/x.por" >"$TMP/cut.por"
expect_exit "describe a truncated .por" 1 "$TALLY" describe "$TMP/cut.por"
expect_contains "truncated .por: message" "$TMP/stderr" "cannot read '$TMP/cut.por' as an SPSS portable file (.por): the file ends inside"
expect_contains "truncated .por: what to do" "$TMP/stderr" "the file is truncated or damaged: copy or export it again (as .sav if you can)"
finish
