#!/bin/sh
# tests/e2e/dates_outputs.sh: SPSS, Stata and SAS dates, datetimes and times shown as dates in Markdown, HTML,
# JSON and XLSX (real Excel dates), in frequencies, descriptives and listings, in English and German.
. tests/lib.sh

# The same three respondents in each format (see tools/gen_date_files.c): born 1949-03-24, 1970-01-01,
# 2024-02-29; interviews 2024-02-29 13:45:10, 1970-01-01 23:59:59, 1969-12-31 23:59:59; durations 01:30:00,
# 23:59:59, 00:00:00.
cat >"$TMP/dates.sps" <<'SPS'
DATA LIST LIST /grp (F1) born (DATE11) at (DATETIME20) took (TIME8).
BEGIN DATA
1 24-MAR-1949 "29-FEB-2024 13:45:10" 01:30:00
2 01-JAN-1970 "01-JAN-1970 23:59:59" 23:59:59
1 29-FEB-2024 "31-DEC-1969 23:59:59" 00:00:00
END DATA.
VARIABLE LABELS grp 'Group' /born 'Date of birth' /at 'Interview start' /took 'Duration'.
FILE LABEL 'Date test survey'.
DOCUMENT 'Three respondents, written by tests/e2e/dates_outputs.sh.'.
SAVE OUTFILE='dates.sav'.
SPS
(cd "$TMP" && pspp dates.sps >pspp.log 2>&1)
check "pspp writes dates.sav" test -s "$TMP/dates.sav"
check "libreadstat writes dates.dta and dates.sas7bdat" "$BUILD/tools/gen_date_files" "$TMP"

write_config() { # FILE LANGUAGE DIR
  vars='"born", "at"'
  case $1 in *.dta) ;; *) vars='"born", "at", "took"' ;; esac
  cat >"$TMP/$3.lua" <<LUA
report { title = "Dates", language = "$2" }
input "d" { plugin = "readstat", path = "$1" }
stage "frequencies" { dataset = "d", variables = { "born" } }
stage "descriptives" { dataset = "d", variables = { $vars }, id = "desc" }
stage "listing" { dataset = "d", by = "grp", show = { "born" }, table_id = "list_grp" }
stage "timeline" { dataset = "d", variable = "born", by = "decade", table_id = "born_decades", chart = "none" }
stage "listing" { dataset = "d", by = "grp", show = { "born" }, table_id = "list_2024", where = "year(at) == 2024 and month(at) == 2", title = "Interviewed in February 2024" }
output "markdown" { path = "$3/report.md" }
output "html" { path = "$3/report.html" }
output "json" { path = "$3/report.json" }
output "xlsx" { path = "$3/report.xlsx", data_sheet = "d" }
LUA
}

for f in dates.sav dates.dta dates.sas7bdat; do
  dir=out_${f#dates.}
  write_config "$f" en "$dir"
  SOURCE_DATE_EPOCH=1609459200 expect_exit "$f: tally run writes all four outputs" 0 "$TALLY" run "$TMP/$dir.lua"
  md=$TMP/$dir/report.md
  expect_contains "$f: frequencies show the date as an ISO date" "$md" "| 1949-03-24 |"
  expect_contains "$f: a leap day" "$md" "| 2024-02-29 |"
  # descriptives of born: mean of -7588, 0 and 19782 days is 4064.67 -> day 4065, 1981-02-17
  expect_contains "$f: descriptives give min, max and mean of dates as dates" "$md" \
    "| 3 | 1981-02-17 |"
  expect_contains "$f: the minimum date" "$md" "| 1949-03-24 | 2024-02-29 |"
  expect_contains "$f: the datetime minimum and maximum" "$md" "| 1969-12-31 23:59:59 | 2024-02-29 13:45:10 |"
  expect_contains "$f: a listing shows the dates of group 1" "$md" "1949-03-24, 2024-02-29"
  expect_contains "$f: a timeline counts dates by their calendar decade" "$md" "| 1940s | 1 | 33.3% |"
  expect_contains "$f: year() and month() of a datetime" "$md" "| 1 | 1 | 1949-03-24 |"
  expect_contains "$f: the spread of dates is said to be in days" "$md" "standard deviation of a date is given in days"
  if grep -q -- "-7588" "$md"; then not_ok "$f: no day count in the Markdown"; else ok "$f: no day count in the Markdown"; fi
  expect_contains "$f: the HTML shows the dates" "$TMP/$dir/report.html" ">1949-03-24</td>"
  case $f in *.dta) ;; *)
    expect_contains "$f: times as hh:mm:ss (mean of 01:30:00, 23:59:59, 00:00:00)" "$md" "| 08:30:00 |" ;;
  esac
  check "$f: JSON writes dates as ISO text" $PY -c '
import json, sys
j = json.load(open(sys.argv[1]))
t = {t["id"]: t for t in j["tables"]}["desc"]
rows = {r["label"]: r["cells"] for r in t["rows"]}
born, at = rows["Date of birth"], rows["Interview start"]
assert born[4] == "1949-03-24" and born[5] == "2024-02-29", born
assert at[4] == "1969-12-31T23:59:59" and at[5] == "2024-02-29T13:45:10", at
assert isinstance(born[1], (int, float)), born
' "$TMP/$dir/report.json"
  check "$f: XLSX cells are real Excel dates (openpyxl reads datetimes)" $PY -c '
import datetime, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
found = {}
for ws in wb.worksheets:
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, (datetime.datetime, datetime.time, datetime.timedelta)):
                found.setdefault(ws.title, []).append((c.value, c.number_format))
vals = [v for cells in found.values() for v, nf in cells]
fmts = {nf for cells in found.values() for v, nf in cells}
assert datetime.datetime(1949, 3, 24) in vals, found
assert datetime.datetime(2024, 2, 29, 13, 45, 10) in vals, found
assert "yyyy-mm-dd" in fmts and "yyyy-mm-dd hh:mm:ss" in fmts, fmts
data = [ws for ws in wb.worksheets if ws.title.startswith("Data")][0]
col = [c.value for c in data["B"]][1:]
assert col == [datetime.datetime(1949, 3, 24), datetime.datetime(1970, 1, 1), datetime.datetime(2024, 2, 29)], col
' "$TMP/$dir/report.xlsx"
done

# tally describe: the file label, the documents, each date kind and what tally report does with it.
expect_exit "describe dates.sav" 0 "$TALLY" describe "$TMP/dates.sav"
cp "$TMP/stdout" "$TMP/describe.txt"
expect_contains "describe: file label" "$TMP/describe.txt" "File label: Date test survey"
expect_contains "describe: documents" "$TMP/describe.txt" "Three respondents, written by tests/e2e/dates_outputs.sh."
expect_contains "describe: a datetime" "$TMP/describe.txt" "    Type:     numeric, date and time (seconds since 1970-01-01 00:00:00)"
expect_contains "describe: a time" "$TMP/describe.txt" "    Type:     numeric, time (seconds)"
expect_contains "describe: dates are not tabulated by tally report" "$TMP/describe.txt" "    Report:   date (not tabulated)"
expect_contains "describe: grp (scale, as PSPP wrote it) gets descriptives" "$TMP/describe.txt" "    Report:   scale (descriptives)"

# The report language's date format.
write_config dates.sav de out_de
SOURCE_DATE_EPOCH=1609459200 expect_exit "German report" 0 "$TALLY" run "$TMP/out_de.lua"
expect_contains "de: frequencies show 24.03.1949" "$TMP/out_de/report.md" "| 24.03.1949 |"
expect_contains "de: datetimes as 29.02.2024 13:45:10" "$TMP/out_de/report.md" "29.02.2024 13:45:10"
check "de: XLSX date cells use dd.mm.yyyy" $PY -c '
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
fmts = {c.number_format for ws in wb.worksheets for row in ws.iter_rows() for c in row}
assert "dd.mm.yyyy" in fmts, fmts
' "$TMP/out_de/report.xlsx"
# Excel cannot hold a date before 1900-03-01: such a cell is the date as text, never a wrong serial.
cat >"$TMP/old.sps" <<'SPS'
DATA LIST LIST /born (DATE11).
BEGIN DATA
12-JUN-1850
24-MAR-1949
END DATA.
SAVE OUTFILE='old.sav'.
SPS
(cd "$TMP" && pspp old.sps >>pspp.log 2>&1)
cat >"$TMP/old.lua" <<'LUA'
report { title = "Old dates" }
input "d" { plugin = "readstat", path = "old.sav" }
stage "descriptives" { dataset = "d", variables = { "born" }, id = "desc" }
output "xlsx" { path = "out_old/report.xlsx", data_sheet = "d" }
LUA
expect_exit "a date before 1900 in a workbook" 0 "$TALLY" run "$TMP/old.lua"
check "XLSX: 1850-06-12 is text, 1949-03-24 a date" $PY -c '
import datetime, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
vals = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
assert "1850-06-12" in vals and datetime.datetime(1949, 3, 24) in vals, vals
assert not any(isinstance(v, datetime.datetime) and v.year < 1900 for v in vals), vals
' "$TMP/out_old/report.xlsx"
finish
