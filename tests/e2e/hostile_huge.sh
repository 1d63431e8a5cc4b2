# hostile_huge.sh: a 2 GB line is refused by the field-size limit; generated at test time, streaming, then removed.
# tier: full (make test runs it, make check leaves it out: it takes over 10 s)
. tests/lib.sh
. tests/lib/hostile.sh
cd "$TMP" || exit 1
if [ "$KIND" = wrapped ]; then
  skip "2 GB line under $TALLY: a 2 GB scan through valgrind takes too long"; finish
fi
# Written in 1 MiB blocks (never held in memory); about 2 s on a local disk.
mkbig() { # mkbig FILE PREFIX: PREFIX, then 2 GiB of 'x', then ",1\n"
  $PY - "$1" "$2" <<'PYEOF'
import sys
block = b"x" * (1 << 20)
with open(sys.argv[1], "wb") as f:
    f.write(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
    for _ in range(2048):
        f.write(block)
    f.write(b",1\n")
PYEOF
}
mkbig big.csv 'a,b\n'
config big.lua big.csv
bounded "a 2 GB field in a data row" 1 60 0 "$TALLY" run big.lua
err_is "the 2 GB field is refused by max_field_bytes" \
  "big.csv:2:1: field is longer than max_field_bytes (16777216 bytes); raise max_field_bytes or look for a quote that is never closed"
check "a failed read writes no report" test ! -e out/r.md
# The file is mapped whole (MAP_POPULATE) and checked for UTF-8 before the tokenizer
# sees the long field, so memory follows the file's size; under an address-space limit
# below the file size the read fails as out of memory instead (docs/limits.md).
if [ "$KIND" = plain ]; then
  bounded "a 2 GB field under a 1 GB address-space limit" 1 60 1024 "$TALLY" run big.lua
  err_is "under the limit the file cannot be loaded" "big.csv: cannot open: Cannot allocate memory"
fi
rm -f big.csv
# A 20 MB header field (over the 16 MiB default): header cells obey max_field_bytes too.
$PY -c "import sys; sys.stdout.write('x' * (20 << 20) + ',b\n1,2\n')" >head.csv
config head.lua head.csv
timeout $((30 * SLOW)) "$TALLY" run head.lua >"$TMP/stdout" 2>"$TMP/stderr"; got=$?
check "a 20 MB column name is refused (exit 1)" test "$got" = 1
err_is "the long column name is refused by max_field_bytes" \
  "head.csv:1:1: header field is longer than max_field_bytes (16777216 bytes); raise max_field_bytes"
finish
