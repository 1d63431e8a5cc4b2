# xlsx_report.sh: `tally run` writes an XLSX report (contents, tables, charts, data sheet) read back with openpyxl.
. tests/lib.sh

cat >"$TMP/xlsx.lua" <<CFG
report { title = "Cities =1+1", source = "cities.csv", date = "2024-05-01" }
input "cities" { plugin = "csv", path = "$PWD/tests/data/xlsx/cities.csv" }
stage "frequencies" { dataset = "cities", variables = { "size", "region" }, chart = "bar" }
output "xlsx" { path = "out/report.xlsx", data_sheet = "cities" }
CFG

export SOURCE_DATE_EPOCH=1609459200
expect_exit "tally run writes the workbook" 0 "$TALLY" run "$TMP/xlsx.lua"
check "the workbook is at the configured path" test -s "$TMP/out/report.xlsx"
cp "$TMP/out/report.xlsx" "$TMP/first.xlsx" 2>/dev/null
ls "$TMP/out" >"$TMP/listing"
check "no temporary file is left next to it" test "$(cat "$TMP/listing")" = "report.xlsx"

$PY tests/xlsx_check.py e2e "$TMP/out/report.xlsx" 2 cities || failures=$((failures + 1))

sleep 1
expect_exit "a second run" 0 "$TALLY" run "$TMP/xlsx.lua"
$PY tests/xlsx_check.py same "$TMP/first.xlsx" "$TMP/out/report.xlsx" || failures=$((failures + 1))

cat >"$TMP/bad.lua" <<CFG
input "cities" { plugin = "csv", path = "$PWD/tests/data/xlsx/cities.csv" }
output "xlsx" { path = "out/bad.xlsx", layout = "grid" }
CFG
expect_exit "a bad layout is a config error" 2 "$TALLY" check "$TMP/bad.lua"
expect_contains "the error names the allowed layouts" "$TMP/stderr" "sheet_per_table"

finish
