# xlsx_disk_full.sh: a workbook that does not fit on its disk (a 4 KB tmpfs) fails with a message that
# names the destination and says the disk is full, without libxlsxwriter's own [ERROR] lines or its
# ZIP_ERRNO code; the previous workbook stays. Needs root for the mount; a skip otherwise.
. tests/lib.sh
. tests/lib/hostile.sh
cp tests/data/e2e/survey.csv "$TMP/"
cd "$TMP" || exit 1
mkdir small
if ! mount -t tmpfs -o size=4k tmpfs small 2>/dev/null; then
  echo "ok - # SKIP cannot mount a small tmpfs (needs root)"
  finish
fi
trap 'umount "$TMP/small" 2>/dev/null; rm -rf "$TMP"' EXIT
echo "the previous workbook" >small/r.xlsx
cd small || exit 1
expect_exit "a workbook on a full disk fails" 1 "$TALLY" report ../survey.csv -o r.xlsx
err_is "the message names the destination and the full disk" "-o r.xlsx: r.xlsx: cannot write the workbook: the disk is full (No space left on device)"
check "libxlsxwriter's own [ERROR] lines are not shown" sh -c "! grep -q '\[ERROR\]' '$TMP/stderr'"
check "no ZIP_ERRNO code is shown" sh -c "! grep -q 'ZIP_ERRNO' '$TMP/stderr'"
check "no temporary file name is shown" sh -c "! grep -q 'tmp-' '$TMP/stderr'"
expect_contains "the previous workbook is still there" r.xlsx "the previous workbook"
left=$(find . -name '.*tmp*' | head -3)
check "no temporary file is left${left:+ ($left)}" test -z "$left"
cd "$TMP" || exit 1
finish
