# hostile_csv.sh: hostile data files: nested quotes, invalid UTF-8 everywhere, 100,000 columns, empty-field bombs, truncated .sav.
. tests/lib.sh
. tests/lib/hostile.sh
cd "$TMP" || exit 1
FREQ='stage "frequencies" { dataset = "d", variables = { "a" } }'

# csvcase DESC CODE FILE-CONTENT(printf format) [EXTRA-INPUT-OPTIONS]: writes c.csv and runs it.
csvcase() {
  d=$1; code=$2
  printf "$3" >c.csv
  config c.lua c.csv "$FREQ"
  [ -n "${4:-}" ] && sed -i "s|path = \"c.csv\"|path = \"c.csv\", $4|" c.lua
  bounded "$d" "$code" 20 1024 "$TALLY" run c.lua
}

# --- quotes ---------------------------------------------------------------------------------
csvcase "quotes doubled many times inside a field" 0 'a,b\n"""""""""x""""""",1\n'
expect_contains "the doubled quotes are read as quotes" out/r.md '| """"x""" | 1 |'
awk 'BEGIN { printf "a,b\n\""; for (i = 0; i < 100000; i++) printf "\"\""; printf "\",1\n" }' >c.csv
config c.lua c.csv "$FREQ"
bounded "a field of 100,000 escaped quotes" 0 20 1024 "$TALLY" run c.lua
awk 'BEGIN { printf "a,b\n"; for (i = 0; i < 100001; i++) printf "\""; printf ",1\n2,3\n" }' >c.csv
bounded "an odd run of 100,001 quotes" 1 20 1024 "$TALLY" run c.lua
err_is "the open quote is named" "c.csv:2:1: quoted field is never closed before the end of the file"
csvcase "a stray quote inside an unquoted field is kept" 0 'a,b\nx"y,1\n'
csvcase "a file that is one open quote" 1 '"'
err_is "a lone quote: the header's quote is never closed" "c.csv:1: the header's quoted field is never closed; add the closing quote"

# --- invalid UTF-8 at every position class ----------------------------------------------------
HINT='; set encoding = "windows-1252" (Excel) or "latin-1" if the file is not UTF-8, or invalid_utf8 = "replace"'
utf8case() { csvcase "invalid UTF-8: $1" 1 "$2"; err_is "invalid UTF-8: $1: line and offset" "c.csv:$3: invalid UTF-8 at byte offset $4$HINT"; }
utf8case "the file's first byte" '\377a,b\n1,2\n' 1 0
utf8case "inside the header" 'a\377,b\n1,2\n' 1 1
utf8case "a lone continuation byte in a field" 'a,b\n1,\200\n' 2 6
utf8case "a truncated sequence before the line end" 'a,b\n1,\342\202\n' 2 6
utf8case "a truncated sequence at end of file" 'a,b\n1,x\342\202' 2 7
utf8case "a lead byte alone at end of file" 'a,b\n1,\303' 2 6
utf8case "an overlong 2-byte form" 'a,b\n1,\300\257\n' 2 6
utf8case "an overlong 3-byte form" 'a,b\n1,\340\200\257\n' 2 6
utf8case "an overlong 4-byte form" 'a,b\n1,\360\200\200\257\n' 2 6
utf8case "a UTF-16 surrogate" 'a,b\n1,\355\240\200\n' 2 6
utf8case "a code point above U+10FFFF" 'a,b\n1,\364\220\200\200\n' 2 6
utf8case "an invalid byte inside quotes" 'a,b\n1,"x\376y"\n' 2 8
utf8case "the last byte of a long file" "a,b\n$(awk 'BEGIN { for (i = 0; i < 3000; i++) printf "%d,x\\n", i }')9,\377" 3002 19896
csvcase "invalid UTF-8 replaced on request" 0 'a,b\n1,\355\240\200\n2,\377\n' 'invalid_utf8 = "replace"'
err_is "the replacement is a warning that counts the bytes" "c.csv: replaced 4 invalid UTF-8 bytes with U+FFFD (first at line 2)"
csvcase "Latin-1 bytes read as latin-1" 0 'a,b\n1,\351t\351\n' 'encoding = "latin-1"'
csvcase "a NUL byte" 1 'a,b\n1,x\000y\n'
err_is "the NUL byte is named" "c.csv:2"

# --- 100,000 columns ---------------------------------------------------------------------------------
wide() { awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "%sc%d", (i ? "," : ""), i; printf "\n";
             for (r = 0; r < 3; r++) { for (i = 0; i < n; i++) printf "%s%d", (i ? "," : ""), (i + r) % 3; printf "\n" } }' >wide.csv; }
wide 10000
config wide.lua wide.csv 'stage "frequencies" { dataset = "d", variables = { "c0", "c9999" } }'
bounded "10,000 columns are read in bounded time and memory" 0 20 1024 "$TALLY" run wide.lua
expect_contains "the last of 10,000 columns is tabulated" out/r.md "## c9999"
# 100,000 columns: column names are found through hash indexes (core/data/dataset.c, header.c).
wide 100000
sed -i 's/c9999"/c99999"/' wide.lua
timeout -k 5 $((10 * SLOW)) "$TALLY" run wide.lua >"$TMP/stdout" 2>"$TMP/stderr"; got=$?
check "100,000 columns are read within $((10 * SLOW)) s" test "$got" = 0
expect_contains "the last of 100,000 columns is tabulated" out/r.md "## c99999"
awk 'BEGIN { printf "a\n"; for (i = 0; i < 1000000; i++) printf ","; printf "\n" }' >ragged.csv
config ragged.lua ragged.csv
bounded "a row of 1,000,001 empty fields under a 1-column header" 1 20 1024 "$TALLY" run ragged.lua
err_is "the ragged row is named with its field count" "ragged.csv:2: row has 1000001 fields, the header has 1"

# --- a bomb of empty fields: 10,000 columns x 3,000 rows of commas (30 MB -> 240 MB of cells) ----
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "%sc%d", (i ? "," : ""), i; printf "\n";
             for (i = 0; i < 9999; i++) row = row ","; for (r = 0; r < 3000; r++) print row }' >bomb.csv
config bomb.lua bomb.csv 'stage "frequencies" { dataset = "d", variables = { "c0", "c9999" } }'
bounded "an empty-field bomb fits its memory" 0 60 1024 "$TALLY" run bomb.lua
if [ "$KIND" = plain ]; then
  # --no-cache: the run above cached the 30 MB file, and the cache maps it in far less memory
  bounded "an empty-field bomb over the memory limit fails cleanly" 1 60 200 "$TALLY" run --no-cache bomb.lua
  err_is "the bomb's size is named" "bomb.csv: out of memory for 3000 rows x 10000 columns"
fi

# --- SPSS .sav truncated at every record class ----------------------------------------------------
SAV="$ROOT/samples/city-survey/responses.sav"
savcase() {
  head -c "$2" "$SAV" >t.sav
  config sav.lua t.sav
  bounded ".sav cut at byte $2 ($1)" 1 20 1024 "$TALLY" run sav.lua
  err_is ".sav cut at byte $2: $3" "$3"
}
READ="cannot read 't.sav' as an SPSS system file (.sav): "
TAIL="; the file is truncated, damaged or a variant libreadstat cannot read: copy or export it again (as .sav if you can)"
savcase "empty" 0 "'t.sav' is empty (0 bytes): there is no data to read; export the file again"
savcase "inside the file header" 100 "${READ}Unable to read from file$TAIL"
savcase "after the file header" 176 "${READ}Unable to read from file$TAIL"
savcase "inside the variable records" 1000 "${READ}Unable to read from file$TAIL"
savcase "inside the dictionary" 5000 "${READ}Unable to read from file$TAIL"
savcase "inside the data" 40000 "${READ}File did not contain the expected number of rows$TAIL"
savcase "in the last case" 73000 "${READ}File did not contain the expected number of rows$TAIL"
finish
