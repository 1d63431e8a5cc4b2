# excel_bench_workbook.sh: the bench workbook (tools/gen_bench_xlsx, libxlsxwriter constant_memory) read by the excel
# plugin equals, cell by cell, what openpyxl reads from it: codes, blanks, decimals (the reader's own number
# conversion), inline strings, dates; read back from tally's own data sheet. Both ways of parsing the sheet:
# one parser (TALLY_XLSX_SPLIT=off) and cut into pieces parsed by several parsers at once (=N bytes a piece).
. tests/lib.sh
export TALLY_PLUGIN_PATH="$BUILD/plugins"
export SOURCE_DATE_EPOCH=1609459200

check "gen_bench_xlsx writes 12000 rows (a sheet past 8 MB: inflated on a second thread)" "$BUILD/tools/gen_bench_xlsx" --rows 12000 --out "$TMP/b.xlsx"
cat >"$TMP/b.lua" <<LUA
report { title = "bench workbook" }
input "d" { path = "$TMP/b.xlsx" }
stage "descriptives" { dataset = "d", variables = { "income" } }
output "xlsx" { path = "$TMP/out.xlsx", data_sheet = "d" }
LUA
for mode in off 150000; do
  sed "s#$TMP/out.xlsx#$TMP/out-$mode.xlsx#" "$TMP/b.lua" >"$TMP/b-$mode.lua"
  export TALLY_XLSX_SPLIT=$mode
  expect_exit "TALLY_XLSX_SPLIT=$mode: tally reads the bench workbook" 0 "$TALLY" -v run --no-cache "$TMP/b-$mode.lua"
  case $mode in
    off) expect_contains "-v says one parser read the sheet" "$TMP/stderr" "sheet XML parsed by one parser (TALLY_XLSX_SPLIT=off)" ;;
    *) expect_contains "-v says the sheet was parsed in pieces" "$TMP/stderr" "parsers at once (TALLY_XLSX_SPLIT sets the piece size)" ;;
  esac
  $PY - "$TMP/b.xlsx" "$TMP/out-$mode.xlsx" "$mode" <<'PY' || failures=$((failures + 1))
import datetime, sys, openpyxl
def cells(path, sheet):
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    out = []
    for row in ws.iter_rows(values_only=True):
        out.append(tuple("" if v is None else v.date().isoformat() if isinstance(v, datetime.datetime)
                         else repr(float(v)) if isinstance(v, (int, float)) else str(v) for v in row))
    return out
src, back = cells(sys.argv[1], "survey"), cells(sys.argv[2], "Data d")
mode = " (TALLY_XLSX_SPLIT=%s)" % sys.argv[3]
print(("ok - " if len(src) == 12001 and len(back) == 12001 else "not ok - ") + "12001 rows (header and 12000) both ways" + mode)
bad = [(i, a, b) for i, (a, b) in enumerate(zip(src, back)) if a != b]
print(("ok - " if not bad else "not ok - ") + "every cell of the bench workbook as openpyxl reads it" + mode)
for i, a, b in bad[:3]:
    print("#   row %d\n#   openpyxl %s\n#   tally    %s" % (i + 1, a, b))
sys.exit(1 if bad or len(src) != 12001 else 0)
PY
done
unset TALLY_XLSX_SPLIT
finish
