# xlsx_staging.sh: where libxlsxwriter stages a workbook's parts: in memory (/dev/shm) for tables alone, the user's TMPDIR when set, the system's temporary folder with a data sheet; the workbook the same every way.
. tests/lib.sh

# $1: output options beyond the path; writes $TMP/$2.xlsx (the report of xlsx_report.sh, which xlsx_check.py knows)
config() {
  cat <<CFG
report { title = "Cities =1+1" }
input "cities" { plugin = "csv", path = "$PWD/tests/data/xlsx/cities.csv" }
stage "frequencies" { dataset = "cities", variables = { "size", "region" }, chart = "bar" }
output "xlsx" { path = "$TMP/$2.xlsx"$1 }
CFG
}
config "" mem >"$TMP/mem.lua"
config "" user >"$TMP/user.lua"
config ', data_sheet = "cities"' data >"$TMP/data.lua"
export SOURCE_DATE_EPOCH=1609459200
said='staged in /dev/shm (in memory)'

shm_free=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')
if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && [ -w /dev/shm ] && [ "${shm_free:-0}" -gt 131072 ]; then
  expect_exit "a workbook of tables, no TMPDIR" 0 env -u TMPDIR "$TALLY" -v run "$TMP/mem.lua"
  expect_contains "-v says its parts were staged in memory" "$TMP/stderr" "$said"
else
  skip "staging in memory: /dev/shm is no writable tmpfs with 128 MB free here"
fi

mkdir -p "$TMP/mine"
expect_exit "the same with TMPDIR set" 0 env TMPDIR="$TMP/mine" "$TALLY" -v run "$TMP/user.lua"
check "the user's TMPDIR is used: nothing said of memory" sh -c "! grep -qF '$said' '$TMP/stderr'"
expect_same "the workbook staged in memory is the one staged in TMPDIR" "$TMP/mem.xlsx" "$TMP/user.xlsx"
check "nothing is left in TMPDIR" test -z "$(ls -A "$TMP/mine")"

expect_exit "a workbook with a data sheet, no TMPDIR" 0 env -u TMPDIR "$TALLY" -v run "$TMP/data.lua"
check "a data sheet is never staged in memory" sh -c "! grep -qF '$said' '$TMP/stderr'"
$PY tests/xlsx_check.py e2e "$TMP/data.xlsx" 2 cities || failures=$((failures + 1))

finish
