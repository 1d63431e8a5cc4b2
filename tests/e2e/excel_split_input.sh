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
finish
