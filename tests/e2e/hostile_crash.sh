# hostile_crash.sh: inputs and stages that crashed tally (deep expressions, finalised objects, shrinking files); each now a message.
. tests/lib.sh
. tests/lib/hostile.sh
cd "$TMP" || exit 1
printf 'a,b\n1,2\n2,3\n3,1\n' >s.csv

# --- expressions: long chains run, bad ones are caught by tally check ------------------------------
$PY - <<'PY'
terms = " or ".join("a == %d" % i for i in range(5000))
open("chain.lua", "w").write('report { title = "t", outdir = "out" }\ninput "d" { path = "s.csv" }\n'
    'stage "filter" { dataset = "d", where = "%s", into = "k" }\n'
    'output "json" { path = "r.json" }\n' % terms)
deep = "(" * 101 + "a" + ")" * 101
open("deep.lua", "w").write('report { title = "t", outdir = "out" }\ninput "d" { path = "s.csv" }\n'
    'stage "filter" { dataset = "d", where = "%s == 1" }\n' % deep)
PY
bounded "tally check passes a 5,000-term 'or' filter" 0 60 2048 "$TALLY" check chain.lua
bounded "tally run filters with a 5,000-term 'or' (95 KB)" 0 60 2048 "$TALLY" run chain.lua
check "all three rows match the chain" $PY -c "import json,sys; sys.exit(json.load(open('out/r.json'))['values']['k_n']['number'] != 3)"
config bad.lua s.csv 'stage "filter" { dataset = "d", where = "a = 1" }'
bounded "tally check parses a filter's where" 2 30 2048 "$TALLY" check bad.lua
err_is "its message names the block and the option" \
  "stage 'filter' (bad.lua:3): option 'where': at column 3: expected '==' (a comparison), found '='"
bounded "tally check refuses a filter nested too deeply" 2 30 2048 "$TALLY" check deep.lua
err_is "with the nesting message" "option 'where': at column 101: expression nested too deeply (more than 100 levels)"
config badc.lua s.csv 'stage "compute" { dataset = "d", variable = "c", expr = "sum(a,, b)" }'
bounded "tally check parses a compute's expr" 2 30 2048 "$TALLY" check badc.lua
err_is "its message" "stage 'compute' (badc.lua:3): option 'expr': at column 7: expected a number, a string, a variable or '(', found ','"

# --- .sav multiple-response sets: huge counts, empty names, 1,100 variables ---------------------------
cat >mr.sps <<'SPS'
DATA LIST LIST /c1 c2 c3 (F1).
BEGIN DATA
1 0 1
0 1 1
END DATA.
MRSETS /MCGROUP NAME=$cities LABEL='Cities' VARIABLES=c1 c2.
SAVE OUTFILE='mr.sav'.
INPUT PROGRAM.
NUMERIC v1 TO v1100 (F1).
COMPUTE v1 = 1.
END CASE.
END FILE.
END INPUT PROGRAM.
MRSETS /MCGROUP NAME=$big LABEL='All' VARIABLES=v1 TO v1100.
SAVE OUTFILE='big.sav'.
SPS
pspp mr.sps >pspp.log 2>&1
$PY - <<'PY'
import struct
d = open("mr.sav", "rb").read()
i = d.find(b"$cities") - 16
count = struct.unpack("<4i", d[i:i + 16])[3]
text = (b"$huge=D99999999999999999999 1 1 c1 c2\n$=C 3 Odd c1 c2\n$gone=C 4 Gone c1 nosuch\n"
        b"$ok=C 2 Ok c1 c2\n$e=E 99999999999999999999\n$f=E 11 1 1 0  c1 c2\n$g=D1 1 9999999999999999999 c1\n")
open("badsets.sav", "wb").write(d[:i] + struct.pack("<4i", 7, 7, 1, len(text)) + text + d[i + 16 + count:])
PY
bounded "a .sav with damaged set records is described" 0 30 2048 "$TALLY" describe badsets.sav
W="tally: badsets.sav: warning: badsets.sav: multiple-response set"
err_is "a huge counted-value length is refused" "$W '\$huge' skipped: its counted value cannot be parsed"
err_is "a huge label length is refused" "$W '\$g' skipped: its label cannot be parsed"
err_is "a set without a name says so" "$W '\$' skipped: it has no name (rename it in the program that wrote the file)"
err_is "a missing variable is named" "$W '\$gone' skipped: it names the variable 'nosuch', which the file lacks"
expect_contains "the sound sets are kept" "$TMP/stdout" '  $ok'
expect_contains "an E set with its label from the first variable is kept" "$TMP/stdout" '  $f'
bounded "a set of 1,100 variables is read" 0 30 2048 "$TALLY" describe big.sav
expect_contains "the 1,100-variable set is listed" "$TMP/stdout" '  $big'
check "with no warning" sh -c "! grep -q 'warning' '$TMP/stderr'"

# --- objects kept past their finalisation (weak-keyed tables) ------------------------------------
# A key of a weak-keyed table stays reachable for one collection after its finaliser ran.
weakcase() { # weakcase DESC KIND MAKE CALL MESSAGE
  cat >weak_$2.lua <<LUA
local t = setmetatable({}, { __mode = "k" })
t[$3] = true
for i = 1, 300000 do
  local junk = { i }
  for k in pairs(t) do local _ = $4 end
end
LUA
  config weak_$2_run.lua s.csv "stage \"weak_$2.lua\" { }"
  bounded "$1" 1 60 2048 "$TALLY" run weak_$2_run.lua
  err_is "$1: message" "$5"
}
weakcase "a borrowed dataset used after its finaliser" borrowed 'tally.dataset("d")' 'k:name()' \
  "weak_borrowed.lua:5: this dataset object was released when the stage dropped it; get it again with tally.dataset(name)"
weakcase "a filtered dataset used after its finaliser" owned 'tally.dataset("d"):filter("a > 1")' 'k:nrows()' \
  "weak_owned.lua:5: this dataset object was released when the stage dropped it; get it again with tally.dataset(name)"
weakcase "a result table used after its finaliser" table 'tally.table { id = "x", title = "X" }' 'k:nrows()' \
  "weak_table.lua:5: this table object was released when the stage dropped it; keep a reference to it while you use it"
weakcase "a released dataset's kernel" kernel 'tally.dataset("d")' 'k:frequencies("a")' \
  "weak_kernel.lua:5: this dataset object was released when the stage dropped it; get it again with tally.dataset(name)"
weakcase "a released dataset handed to tally.set_dataset" set 'tally.dataset("d"):filter("a > 1")' 'tally.set_dataset("x", k)' \
  "weak_set.lua:5: this dataset object was released when the stage dropped it; get it again with tally.dataset(name)"

# --- a CSV that shrinks while it is mapped --------------------------------------------------------
# The small-step build of the csv plugin truncates its input right after mapping it
# (TALLY_TEST_CSV_SHRINK_TO), as another program writing the file would.
SMALL="$ROOT/$BUILD/tests/csv-small"
$PY -c "
import random
random.seed(1)
with open('big.csv', 'w') as f:
    f.write('id,city,score\n')
    for i in range(60000): f.write('%d,City %d,%d\n' % (i, random.randint(1, 500), random.randint(0, 100)))
"
cp big.csv big0.csv
cat >shrink.lua <<'CFG'
report { title = "t", outdir = "out_shrink" }
input "d" { path = "big.csv" }
output "markdown" { path = "r.md" }
CFG
TALLY_PLUGIN_PATH="$SMALL" TALLY_TEST_CSV_SHRINK_TO=100000 bounded "a CSV cut to 100 KB after mapping" 1 60 2048 "$TALLY" run shrink.lua
err_is "names the file and the cause" \
  "big.csv: the file shrank while tally read it (another program is writing it?); read it again once it is complete"
check "no report written" test ! -e out_shrink/r.md
cp big0.csv big.csv
TALLY_PLUGIN_PATH="$SMALL" TALLY_TEST_CSV_SHRINK_TO=0 bounded "a CSV emptied after mapping" 1 60 2048 "$TALLY" run shrink.lua
err_is "names the file and the cause" "big.csv: the file shrank while tally read it"
cp big0.csv big.csv
TALLY_PLUGIN_PATH="$SMALL" TALLY_TEST_CSV_SHRINK_TO=100000 bounded "tally describe on a shrinking CSV" 1 60 2048 "$TALLY" describe big.csv
err_is "names the file and the cause" "big.csv: the file shrank while tally read it"

# --- table rows and columns addressed out of range -----------------------------------------------------
rowcase() { # rowcase DESC CALL MESSAGE
  n=$((n + 1))
  printf '%s\n' 'local t = tally.table { id = "x", title = "X" } t:add_column("a") t:add_column("b") t:add_row("category", { 1, 2 })' \
    "local v = $2" >row$n.lua
  config row${n}_run.lua s.csv "stage \"row$n.lua\" { }"
  bounded "$1" 1 20 2048 "$TALLY" run row${n}_run.lua
  err_is "$1: message" "$3"
}
n=0
rowcase "row 2^63 (a float)" 't:cell(2^63, 1)' \
  "row$((n + 1)).lua:2: table 'x': a row number is a whole number from 1 to 1, not 9.2233720368548e+18"
rowcase "row 2^62 (an integer)" 't:cell(1 << 62, 1)' \
  "row$((n + 1)).lua:2: table 'x' has no row 4611686018427387904 (its rows are 1 to 1)"
rowcase "row 1.5" 't:cell(1.5, 1)' "row$((n + 1)).lua:2: table 'x': a row number is a whole number from 1 to 1, not 1.5"
rowcase "column 2^32 + 1" 't:cell(1, (1 << 32) + 1)' \
  "row$((n + 1)).lua:2: table 'x' has no column 4294967297 (its columns are 1 to 2)"
rowcase "column -2^63" 't:set_cell(1, math.mininteger, 5)' \
  "row$((n + 1)).lua:2: table 'x' has no column -9223372036854775808 (its columns are 1 to 2)"
rowcase "a dataset row 2^40" 'tally.dataset("d"):value(1 << 40, "a")' \
  "row$((n + 1)).lua:2: row 1099511627776 is out of range (dataset 'd' has 3 rows)"

finish
