# libreoffice_open.sh: tally's workbooks open in LibreOffice headless without error: converted to PDF
# tier: full (make test runs it, make check leaves it out: it takes over 10 s)
# and to one CSV per sheet, every sheet's text, number formats and charts (titles, labels) come through.
# Needs soffice (Debian: libreoffice-calc-nogui) and pdftotext/pdftoppm (poppler-utils), which
# `make test` installs (TEST_PKGS); a test installs nothing itself, so without them it fails saying what to install.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"
LO_PKGS="libreoffice-calc-nogui poppler-utils"

for p in soffice pdftotext pdftoppm pdfinfo; do
  if ! command -v "$p" >/dev/null 2>&1; then
    not_ok "$p is missing: LibreOffice and poppler are needed to open the workbooks (make test-deps, or apt-get install -y --no-install-recommends $LO_PKGS)"
    finish
  fi
done

# soffice_run: LibreOffice with a profile of its own (no $HOME needed, no clash with another soffice).
soffice_run() {
  timeout 300 soffice "-env:UserInstallation=file://$TMP/lo-profile" --headless --norestore "$@"
}

# The rich report (charts, crosstab letters, multiple-response set, descriptives, data sheet with
# hostile text), and the same tables stacked on one sheet without a data sheet.
mkdir -p "$TMP/rich"
cp tests/data/report/cities.csv tests/data/report/rich.codebook.lua tests/data/report/rich.lua "$TMP/rich/"
SOURCE_DATE_EPOCH=1609459200 expect_exit "tally writes the rich workbook" 0 "$TALLY" run "$TMP/rich/rich.lua"
sed 's|output "xlsx" { path = "rich.xlsx", data_sheet = "cities" }|output "xlsx" { path = "stacked.xlsx", layout = "stacked" }|' \
  "$TMP/rich/rich.lua" >"$TMP/rich/stacked.lua"
SOURCE_DATE_EPOCH=1609459200 expect_exit "tally writes the stacked workbook" 0 "$TALLY" run "$TMP/rich/stacked.lua"
book=$TMP/rich/out/rich.xlsx

# convert DESC FORMAT FILE: soffice --convert-to FORMAT, exit 0, no error on stderr.
convert() {
  d=$1 fmt=$2 file=$3
  start=$(date +%s)
  soffice_run --convert-to "$fmt" --outdir "$TMP/conv" "$file" >"$TMP/lo.out" 2>"$TMP/lo.err"
  rc=$?
  grep -v 'javaldx' "$TMP/lo.err" >"$TMP/lo.err2"
  if [ $rc = 0 ] && [ ! -s "$TMP/lo.err2" ] && grep -q ' -> ' "$TMP/lo.out"; then
    ok "$d: soffice --convert-to without error ($(($(date +%s) - start)) s)"
  else
    not_ok "$d: soffice exited $rc"
    sed 's/^/#   /' "$TMP/lo.out" "$TMP/lo.err2" | head -20
  fi
}

# --- PDF: every sheet's text ---------------------------------------------------------------------
convert "rich workbook to PDF" pdf "$book"
pdf=$TMP/conv/rich.pdf
check "the PDF is not empty" test -s "$pdf"
pages=$(pdfinfo "$pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
if [ "${pages:-0}" -ge 8 ]; then ok "the PDF has a page per sheet at least ($pages)"; else not_ok "the PDF has $pages pages, want 8 or more"; fi
pdftotext -layout "$pdf" "$TMP/pdf.txt"
for text in "Partner cities | *rich*" "Data source:" "City size" "Satisfaction with the partnership" \
  "Region of the city" "Areas of cooperation" "Descriptive statistics" "Culture | *arts*" "West | *Centre*" \
  "85.7%" "AB" "Budget (EUR)" "Back to contents" '=HYPERLINK("http://x","y")' "a <b>bold</b> [link](x)"; do
  expect_contains "PDF shows $text" "$TMP/pdf.txt" "$text"
done

# --- one page: a chart sheet whose chart has its title, percent axis and data labels ----------------
page=0
i=1
while [ "$i" -le "${pages:-0}" ]; do
  if pdftotext -f "$i" -l "$i" "$pdf" - 2>/dev/null | head -1 | grep -qx "Areas of cooperation"; then page=$i; break; fi
  i=$((i + 1))
done
if [ "$page" -gt 0 ]; then ok "the multiple-response sheet is page $page"; else not_ok "no page starts with the table title"; fi
pdftotext -f "$page" -l "$page" "$pdf" "$TMP/page.txt" 2>/dev/null
n=$(grep -c "^Areas of cooperation\$" "$TMP/page.txt")
if [ "$n" -ge 2 ]; then ok "the chart's title is the table's title (cell and chart: $n)"; else
  not_ok "the chart's title is missing (LibreOffice shows 'Chart Title' when a title has no cached text)"; fi
if grep -q "Chart Title" "$TMP/pdf.txt"; then not_ok "no chart shows LibreOffice's placeholder title"; else ok "no chart shows LibreOffice's placeholder title"; fi
expect_contains "the value axis is in percent" "$TMP/page.txt" "90%"
n=$(grep -c "^76.5%\$" "$TMP/page.txt")
if [ "$n" -ge 2 ]; then ok "the bar carries its figure (table and data label: $n)"; else not_ok "76.5% appears $n times, want table and data label"; fi
pdftoppm -f "$page" -l "$page" -r 60 -png "$pdf" "$TMP/chart"
png=$(ls "$TMP"/chart*.png 2>/dev/null | head -1)
size=$(wc -c <"${png:-/dev/null}")
if [ "$size" -gt 10000 ]; then ok "pdftoppm renders the chart sheet ($size bytes)"; else not_ok "the rendered page is $size bytes"; fi

# --- CSV, one file per sheet: numbers with their formats, hostile text as text ----------------------------
rm -rf "$TMP/conv"
convert "rich workbook to CSV, every sheet" 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1' "$book"
n=$(ls "$TMP/conv" | grep -c '\.csv$')
if [ "$n" = 8 ]; then ok "one CSV per sheet ($n)"; else not_ok "$n CSV files, want 8"; ls "$TMP/conv" | sed 's/^/#   /'; fi
csv() { cat "$TMP/conv/rich-$1.csv" 2>/dev/null; }
csv "Table 1 City size" >"$TMP/t1.csv"
expect_contains "counts as integers, percents with one decimal" "$TMP/t1.csv" "small,16,40.0%,40.0%,40.0%"
expect_contains "the total row" "$TMP/t1.csv" "Total,40,100.0%,100.0%,"
csv "Table 5 Areas of cooperation" >"$TMP/t5.csv"
expect_contains "a label with | and * stays literal" "$TMP/t5.csv" "Culture | *arts*,26,39.4%,76.5%"
csv "Data cities" >"$TMP/data.csv"
expect_contains "data: a formula-like answer is text" "$TMP/data.csv" '"=HYPERLINK(""http://x"",""y"")"'
expect_contains "data: +1 is text" "$TMP/data.csv" ",+1"
expect_contains "data: numbers stay numbers" "$TMP/data.csv" "1,Aachen,South,1,39,23734.61,2,0,1,0,Comment 1 from Aachen"
csv Contents >"$TMP/contents.csv"
expect_contains "contents: the report title" "$TMP/contents.csv" "Partner cities | *rich*"
expect_contains "contents: the data sheet entry" "$TMP/contents.csv" 'Data cities,"cities, N = 40"'

# --- the stacked layout opens too -----------------------------------------------------------------------
rm -rf "$TMP/conv"
convert "stacked workbook to PDF" pdf "$TMP/rich/out/stacked.xlsx"
pdftotext -layout "$TMP/conv/stacked.pdf" "$TMP/stacked.txt" 2>/dev/null
expect_contains "stacked: the last table is there" "$TMP/stacked.txt" "Descriptive statistics"
expect_contains "stacked: so is the crosstab" "$TMP/stacked.txt" "85.7%"
finish
