# sav_invalid_utf8_label.sh: invalid UTF-8 in a .sav multiple-response set label (bytes patched into a
# PSPP-written file) reaches neither the Markdown nor the HTML raw: U+FFFD and a warning, as in JSON.
. tests/lib.sh
. tests/lib/hostile.sh
cd "$TMP" || exit 1
cat >mr.sps <<'SPS'
DATA LIST LIST /id (F2) q1a (F1) q1b (F1).
BEGIN DATA
1 1 0
2 1 1
3 0 1
END DATA.
VARIABLE LABELS q1a 'Partner A' q1b 'Partner B'.
MRSETS /MDGROUP NAME=$partners LABEL='SETLABELXX' VARIABLES=q1a q1b VALUE=1.
SAVE OUTFILE='mr.sav'.
SPS
check "PSPP writes the fixture" pspp mr.sps
$PY -c 'd = open("mr.sav", "rb").read(); assert d.count(b"SETLABELXX") == 1
open("bad.sav", "wb").write(d.replace(b"SETLABELXX", b"SET\xff\xfeBEL\xc3X"))'
check "the label's bytes are patched (same length)" test -s bad.sav
expect_exit "tally report on the file" 0 "$TALLY" report bad.sav -o r.md -o r.html -o r.json
for f in r.md r.html; do
  check "$f is valid UTF-8" $PY -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$f"
  expect_contains "$f shows the bytes as U+FFFD" "$f" "$(printf 'SET\357\277\275\357\277\275BEL\357\277\275X')"
done
err_is "a warning names the change" "invalid UTF-8 or bidirectional control characters; they are shown as U+FFFD"
finish
