# csv_describe.sh: `tally describe` on CSV files with codebooks, and CSV/codebook errors through the CLI.
. tests/lib.sh
export TALLY_PLUGIN_PATH="$BUILD/plugins"
D=tests/data/csv

expect_exit "describe a CSV with its codebook" 0 "$TALLY" describe $D/forms.csv --codebook $D/forms.codebook.lua --language de
expect_contains "describe: label in German" "$TMP/stdout" "Label:    Kooperiert Ihre Stadt?"
expect_contains "describe: user-missing value label" "$TMP/stdout" "9 = weiß nicht  [missing]"
expect_contains "describe: split set" "$TMP/stdout" "Variables: initiators_economy initiators_culture initiators_sport"
expect_contains "describe: weight" "$TMP/stdout" "Weight: w"

expect_exit "a Windows-1252 export read as UTF-8 is a data error" 1 "$TALLY" describe $D/german-excel.csv
expect_contains "the error points at the encoding option" "$TMP/stderr" "german-excel.csv:1: invalid UTF-8 at byte offset 8; add --set encoding=windows-1252"
expect_exit "a ragged CSV is a data error" 1 "$TALLY" describe $D/ragged.csv
expect_contains "ragged: line and counts" "$TMP/stderr" "ragged.csv:3: row has 2 fields, the header has 3"

printf 'variable "q1" { label = "x" }\nvariable "nope" { label = "y" }\n' >"$TMP/bad.codebook.lua"
expect_exit "a codebook naming a missing column fails (config error)" 2 "$TALLY" describe $D/forms.csv --codebook "$TMP/bad.codebook.lua"
expect_contains "codebook error names file:line" "$TMP/stderr" "bad.codebook.lua:2: variable 'nope': the data has no column 'nope'"
finish
