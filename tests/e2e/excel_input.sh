# excel_input.sh: the excel input plugin on LibreOffice workbooks, tally's own XLSX data sheet (round trip),
# both date systems, error cells, and hostile workbooks refused with pinned messages.
. tests/lib.sh
export TALLY_PLUGIN_PATH="$BUILD/plugins"
export SOURCE_DATE_EPOCH=1609459200

# The known data, as CSV.
cat >"$TMP/known.csv" <<'CSV'
id,city,score,group,w
1,Köln,3.25,a,1
2,"Bad Homburg, v.d.H.",,b,0.5
3,Zwickau,-7,a,2
4,"Görlitz ""Ost""",1000000.5,c,1
5,,0.001,b,1.5
CSV

# Dumps the sheet SHEET of WORKBOOK as tab-separated rows (openpyxl: an independent reader).
dump_sheet() {
  $PY - "$1" "$2" <<'PY'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])[sys.argv[2]]
for row in ws.iter_rows(values_only=True):
    print("\t".join("" if v is None else (repr(float(v)) if isinstance(v, (int, float)) else str(v)) for v in row))
PY
}
csv_as_rows() { # the CSV with openpyxl's spelling of numbers (floats), for comparison with dump_sheet
  $PY - "$1" <<'PY'
import csv, sys
for row in csv.reader(open(sys.argv[1], encoding="utf-8")):
    out = []
    for v in row:
        try:
            out.append(repr(float(v)))
        except ValueError:
            out.append(v)
    print("\t".join(out))
PY
}
# run_config NAME INPUT-BLOCK: runs a config with the same stages on INPUT-BLOCK, writes $TMP/NAME.json and
# $TMP/NAME.xlsx (with the data sheet), and the JSON without its title and source lines to $TMP/NAME.tables.
run_config() {
  cat >"$TMP/$1.lua" <<LUA
report { title = "Known" }
$2
stage "frequencies" { dataset = "d", variables = { "group" } }
stage "descriptives" { dataset = "d", variables = { "id", "score", "w" } }
output "json" { path = "$TMP/$1.json" }
output "xlsx" { path = "$TMP/$1.xlsx", data_sheet = "d" }
LUA
  expect_exit "$1: tally run" 0 "$TALLY" run "$TMP/$1.lua"
  grep -v '"source":' "$TMP/$1.json" >"$TMP/$1.tables"
}

run_config from_csv "input \"d\" { plugin = \"csv\", path = \"$TMP/known.csv\" }"

# 1. A workbook LibreOffice wrote from the CSV.
if command -v soffice >/dev/null 2>&1; then
  (cd "$TMP" && HOME="$TMP" timeout 180 soffice --headless --infilter=CSV:44,34,76,1 --convert-to xlsx known.csv \
    >/dev/null 2>&1)
fi
if [ -s "$TMP/known.xlsx" ]; then
  run_config from_lo "input \"d\" { plugin = \"excel\", path = \"$TMP/known.xlsx\" }"
  expect_same "LibreOffice workbook: the same tables as the CSV" "$TMP/from_lo.tables" "$TMP/from_csv.tables"
  dump_sheet "$TMP/from_lo.xlsx" "Data d" >"$TMP/lo_cells.tsv"
  csv_as_rows "$TMP/known.csv" >"$TMP/csv_cells.tsv"
  check "LibreOffice workbook: 6 rows dumped" test "$(wc -l <"$TMP/lo_cells.tsv")" = 6
  expect_same "LibreOffice workbook: every cell read as the CSV holds it" "$TMP/lo_cells.tsv" "$TMP/csv_cells.tsv"
  expect_exit "a workbook is found by its ending" 0 "$TALLY" describe "$TMP/known.xlsx"
  expect_contains "describe names the plugin and the sheet" "$TMP/stdout" "Source: known.xlsx (excel, sheet 'known')"
else
  skip "LibreOffice (soffice) is not installed or failed: its workbook was not tested"
fi

# 2. Round trip: tally's own XLSX report's data sheet read back as input.
run_config round_trip "input \"d\" { plugin = \"excel\", path = \"$TMP/from_csv.xlsx\", sheet = \"Data d\" }"
expect_same "round trip: tally's data sheet gives the same tables as the CSV" "$TMP/round_trip.tables" \
  "$TMP/from_csv.tables"

# 3. Hand-made workbooks: the 1904 and 1900 date systems, error cells, hostile parts.
$PY tests/excel_books.py "$TMP"
for sys in 1904 1900; do
  cat >"$TMP/d$sys.lua" <<LUA
report { title = "Dates" }
input "d" { plugin = "excel", path = "$TMP/dates$sys.xlsx" }
stage "descriptives" { dataset = "d", variables = { "id" } }
output "xlsx" { path = "$TMP/d$sys.xlsx", data_sheet = "d" }
LUA
  expect_exit "dates$sys.xlsx: tally run" 0 "$TALLY" run "$TMP/d$sys.lua"
  expect_contains "dates$sys.xlsx: error cells are missing, with a notice" "$TMP/stderr" \
    "2 error cells (#N/A, #DIV/0!, ...) read as system-missing (the first at row 3, column 4)"
  dump_sheet "$TMP/d$sys.xlsx" "Data d" >"$TMP/d$sys.tsv"
done
printf 'id\twhen\tat\tvalue\n1.0\t2020-01-02 00:00:00\t1904-01-01 12:00:00\t2.5\n2.0\t1904-01-01 00:00:00\t2020-01-02 18:00:00\t\n3.0\t\t\t\n' \
  >"$TMP/want1904.tsv"
expect_same "1904 date system: serials counted from 1904-01-01" "$TMP/d1904.tsv" "$TMP/want1904.tsv"
printf 'id\twhen\tat\tvalue\n1.0\t2020-01-02 00:00:00\t1899-12-31 12:00:00\t2.5\n2.0\t1899-12-31\t2020-01-02 18:00:00\t\n3.0\t\t\t\n' \
  >"$TMP/want1900.tsv"
expect_same "1900 date system: serials counted from 1899-12-30 (Excel's 1900-02-29 included)" "$TMP/d1900.tsv" \
  "$TMP/want1900.tsv"

hostile() { # FILE MESSAGE
  expect_exit "$1 is refused" 1 timeout 60 "$TALLY" describe "$TMP/$1"
  expect_contains "$1: pinned message" "$TMP/stderr" "$2"
}
hostile bomb.xlsx "part 'xl/worksheets/sheet1.xml' inflates to more than 250 times its compressed size (a zip bomb?); tally refuses it"
hostile truncated.xlsx "truncated.xlsx: not a complete zip archive (truncated or damaged: no central directory)"
hostile entities.xlsx "the workbook's XML declares a DTD (its entities could expand without bound); tally refuses it"
hostile farcell.xlsx "cell reference 'XFE2' is past Excel's limits (XFD1048576)"
hostile badsst.xlsx "cell B2 points at shared string 5, but the workbook has 1; it is damaged"
printf 'id,x\n1,2\n' >"$TMP/text.xlsx"
hostile text.xlsx "text.xlsx: not an .xlsx workbook (not a zip archive); for CSV text use plugin = \"csv\""
finish
