# excel_split_input.sh: the excel plugin's own end-to-end checks (tests/e2e/excel_input.sh: LibreOffice workbooks,
# tally's round trip, both date systems, the hostile set with its pinned messages) hold with every sheet cut into
# pieces of 97 bytes and parsed by several parsers at once (TALLY_XLSX_SPLIT=97): a refused cut reads again by one parser.
. tests/lib.sh
TALLY_XLSX_SPLIT=97 BUILD="$BUILD" TALLY="$TALLY" sh tests/e2e/excel_input.sh >"$TMP/out.txt" 2>&1
rc=$?
sed -e 's/^ok - \([^#]\)/ok - (pieces of 97 bytes) \1/' -e 's/^not ok - /not ok - (pieces of 97 bytes) /' "$TMP/out.txt"
failures=$(grep -c '^not ok' "$TMP/out.txt")
[ "$(grep -c '^ok - ' "$TMP/out.txt")" -gt 20 ] || not_ok "excel_input.sh ran its checks (exit $rc)"
[ "$rc" = 0 ] || [ "$failures" -gt 0 ] || not_ok "excel_input.sh exited $rc without a failed check"

# Row starts inside comments: the cut there is refused, the sheet read again by one parser, and -v says so.
$PY - "$TMP/comment.xlsx" <<'PY'
import sys
sys.path.insert(0, "tests")
import excel_books as e
rows = "".join('<row r="%d"><c r="A%d"><v>%d</v></c><c r="D%d"><v>%d.5</v></c></row>%s'
               % (r, r, r, r, 3 * r, '<!-- <row r="99"> -->' if r % 2 else "") for r in range(2, 41))
e.book(sys.argv[1], e.sheet(e.header() + rows))
PY
export TALLY_PLUGIN_PATH="$BUILD/plugins"
TALLY_XLSX_SPLIT=off "$TALLY" describe "$TMP/comment.xlsx" >"$TMP/one.txt" 2>&1
TALLY_XLSX_SPLIT=97 expect_exit "a row start in a comment: the sheet still reads" 0 "$TALLY" -v describe "$TMP/comment.xlsx"
expect_contains "-v says the cut was refused and one parser read the sheet again" "$TMP/stderr" \
  "sheet XML parsed by one parser (a cut at a row start was refused, in a comment, CDATA or a cell or before a row without its number: read again whole)"
expect_same "read again, the sheet describes as one parser reads it" "$TMP/stdout" "$TMP/one.txt"
finish
