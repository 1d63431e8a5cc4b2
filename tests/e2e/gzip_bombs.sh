# gzip_bombs.sh: gzip files (csv and readstat) follow the one policy for compressed input of docs/limits.md,
# as zip members do: past 1 MiB inflated, at most 250 times the compressed size; a small file may inflate more.
. tests/lib.sh
export TALLY_PLUGIN_PATH="$BUILD/plugins"
mkdir -p "$TMP/tmpdir"

# 64 MiB of one digit inflates from about 64 KiB: a thousand times, past the policy's 250.
{ printf 'a,b\n'; head -c $((64 << 20)) /dev/zero | tr '\0' '0'; } | gzip -9 >"$TMP/bomb.csv.gz"
expect_exit "a gzip bomb read by the csv plugin is refused" 1 "$TALLY" describe "$TMP/bomb.csv.gz"
expect_contains "csv gzip bomb: the bound and what to do" "$TMP/stderr" \
  "bomb.csv.gz: the .gz file inflates to more than 250 times its compressed size (a gzip bomb?); decompress it with gunzip and check it, or split it"

# The bound holds to the last byte: about 280 times, 3 MB inflated, whose end comes in the step after the last
# whole buffer of the csv plugin's inflate was checked (at about 200 times) is refused too.
{ printf 'a,b\n'; i=0; while [ $i -lt 1200 ]; do head -c 2500 /dev/zero | tr '\0' '0'; printf ',%s\n' $((i * 7919 % 100003)); i=$((i + 1)); done; } >"$TMP/mid.csv"
gzip -9 -n -c "$TMP/mid.csv" >"$TMP/mid.csv.gz"
inflated=$(wc -c <"$TMP/mid.csv") packed=$(wc -c <"$TMP/mid.csv.gz")
check "the 3 MB file compresses between 250:1 and 300:1" test $((packed * 250)) -lt "$inflated" -a $((packed * 300)) -gt "$inflated"
expect_exit "a gzip file past 250:1 in its last inflate step is refused" 1 "$TALLY" describe "$TMP/mid.csv.gz"
expect_contains "mid-ratio gzip file: the bound" "$TMP/stderr" \
  "mid.csv.gz: the .gz file inflates to more than 250 times its compressed size (a gzip bomb?)"

cp "$TMP/bomb.csv.gz" "$TMP/bomb.sav.gz"
TMPDIR="$TMP/tmpdir" expect_exit "a gzip bomb read by the readstat plugin is refused" 1 "$TALLY" describe "$TMP/bomb.sav.gz"
expect_contains "readstat gzip bomb: the same bound" "$TMP/stderr" \
  "bomb.sav.gz: inflates to more than 250 times its compressed size (a gzip bomb?); decompress it with gunzip and check it"
check "no temporary copy is left after a refused gzip file" test -z "$(ls -A "$TMP/tmpdir")"

# Under 1 MiB inflated the ratio is free: 200,000 equal rows (800 KB, well over 250:1) are read.
{ printf 'a,b\n'; yes '1,2' | head -n 200000; } | gzip -9 >"$TMP/small.csv.gz"
check "the small file compresses past 250:1" test $(($(wc -c <"$TMP/small.csv.gz") * 250)) -lt 800000
expect_exit "a small, very compressible gzip file is read" 0 "$TALLY" describe "$TMP/small.csv.gz"
expect_contains "all its rows are read" "$TMP/stdout" "200000"
finish
