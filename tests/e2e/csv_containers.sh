# csv_containers.sh: UTF-16 (LE/BE, with and without a byte-order mark), gzip and .zip CSV files read equal to their
# UTF-8/plain twins; gzip and .zip SPSS files too (readstat); binary files named .csv say what they look like and
# what to do; zips with several files or none, truncated zips and zip bombs refused with what to do.
. tests/lib.sh
export TALLY_PLUGIN_PATH="$BUILD/plugins"
export SOURCE_DATE_EPOCH=1609459200
D=tests/data/csv

# The twins: the fixture with its codebook (labels, value labels, missing codes, sets, weight), re-encoded.
cp $D/forms.csv "$TMP/plain.csv"
cp $D/forms.codebook.lua "$TMP/cb.lua"
iconv -f utf-8 -t utf-16le $D/forms.csv | { printf '\377\376'; cat; } >"$TMP/le.csv"
iconv -f utf-8 -t utf-16be $D/forms.csv | { printf '\376\377'; cat; } >"$TMP/be.csv"
iconv -f utf-8 -t utf-16le $D/forms.csv >"$TMP/nobom.csv"
gzip -c $D/forms.csv >"$TMP/plain.csv.gz"
gzip -c "$TMP/be.csv" >"$TMP/be.csv.gz"
check "the UTF-16 twin really is UTF-16 (NUL bytes)" sh -c "od -An -c '$TMP/le.csv' | head -1 | grep -q '\\\\0'"

# describe (the dictionary) and a default JSON report (every variable's table) of each twin, without the
# lines that name the file.
summary() { # FILE NAME
  expect_exit "$2: tally describe" 0 "$TALLY" describe "$1" --codebook "$TMP/cb.lua"
  grep -v '^Source:' "$TMP/stdout" >"$TMP/$2.describe"
  cp "$TMP/cb.lua" "${1%.*}.codebook.lua" # the codebook beside the file, as tally report finds it
  expect_exit "$2: tally report -o json" 0 "$TALLY" report "$1" -o "$TMP/$2.json"
  grep -Ev '"source":|"title": ".*\.(csv|gz|zip)",' "$TMP/$2.json" >"$TMP/$2.tables"
}
summary "$TMP/plain.csv" plain
check "the plain twin's dictionary has labels" grep -q "Label:" "$TMP/plain.describe"
check "the plain twin's report has tables with the codebook's labels" grep -q 'Does your city cooperate?' "$TMP/plain.tables"
for twin in le be plain.csv.gz be.csv.gz; do
  case $twin in *.gz) f=$TMP/$twin ;; *) f=$TMP/$twin.csv ;; esac
  summary "$f" "$twin"
  expect_same "$twin: describe equals the UTF-8 twin's" "$TMP/$twin.describe" "$TMP/plain.describe"
  expect_same "$twin: report tables equal the UTF-8 twin's" "$TMP/$twin.tables" "$TMP/plain.tables"
done
expect_exit "-v says what was decoded" 0 "$TALLY" -v describe "$TMP/be.csv.gz"
expect_contains "-v: gzip" "$TMP/stderr" "be.csv.gz: gzip-compressed; inflated to"
expect_contains "-v: UTF-16BE by its mark" "$TMP/stderr" "be.csv.gz: UTF-16BE (byte-order mark); converted to UTF-8"

# UTF-16 without a byte-order mark: a message naming the option; with the option set, read as the twin.
expect_exit "UTF-16 without a mark is refused" 1 "$TALLY" describe "$TMP/nobom.csv"
expect_contains "UTF-16 without a mark: names the encoding option, not readstat" "$TMP/stderr" \
  "not a text file (binary data at byte 1); the csv plugin reads delimited text: it looks like UTF-16 text without a byte-order mark: set encoding = \"utf-16le\""
cat >"$TMP/nobom.lua" <<LUA
report { title = "x" }
input "d" { plugin = "csv", path = "$TMP/nobom.csv", encoding = "utf-16le" }
stage "descriptives" { dataset = "d", variables = { "q1" } }
output "json" { path = "$TMP/nobom.json" }
LUA
sed "s|nobom|plain|g; s|, encoding = \"utf-16le\"||" "$TMP/nobom.lua" >"$TMP/plain.lua"
expect_exit "encoding = utf-16le reads the file without a mark" 0 "$TALLY" run "$TMP/nobom.lua"
expect_exit "its UTF-8 twin" 0 "$TALLY" run "$TMP/plain.lua"
grep -v '"source":' "$TMP/nobom.json" >"$TMP/nobom.t"; grep -v '"source":' "$TMP/plain.json" >"$TMP/plain.t"
expect_same "encoding = utf-16le: the same tables as UTF-8" "$TMP/nobom.t" "$TMP/plain.t"
sed "s|utf-16le|utf-16be|" "$TMP/nobom.lua" | sed "s|nobom.csv|le.csv|" >"$TMP/clash.lua"
expect_exit "a mark that contradicts the encoding option is refused" 1 "$TALLY" run "$TMP/clash.lua"
expect_contains "the clash names both" "$TMP/stderr" \
  "the byte-order mark says UTF-16LE, but encoding says utf-16be; set encoding = \"utf-16\" to follow the mark"

# Damaged gzip; binary files named .csv.
head -c 60 "$TMP/plain.csv.gz" >"$TMP/cut.csv.gz"
expect_exit "a truncated .gz is refused" 1 "$TALLY" describe "$TMP/cut.csv.gz"
expect_contains "truncated .gz: message" "$TMP/stderr" "cut.csv.gz: the file is gzip-compressed (it starts with gzip's mark) but is truncated"
cp samples/city-survey/responses.sav "$TMP/spss.csv"
expect_exit "an SPSS file named .csv is refused" 1 "$TALLY" describe "$TMP/spss.csv"
expect_contains "SPSS named .csv: says so" "$TMP/stderr" "it looks like an SPSS .sav file: use plugin = \"readstat\" (or name it .sav)"
$PY -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.writestr('xl/workbook.xml','<workbook/>'); z.close()" \
  "$TMP/book.csv"
expect_exit "a zip named .csv is refused" 1 "$TALLY" describe "$TMP/book.csv"
expect_contains "zip named .csv: says so" "$TMP/stderr" "it looks like a zip archive (an .xlsx workbook?): for a workbook use plugin = \"excel\" or name it .xlsx"
# A gzip-compressed SPSS file: inflated to a private temporary file, read like the file itself, the file removed.
cp samples/city-survey/responses.sav "$TMP/r.sav"
gzip -c "$TMP/r.sav" >"$TMP/rz.sav.gz"
mkdir -p "$TMP/tmpdir"
expect_exit "r.sav: describe" 0 "$TALLY" describe "$TMP/r.sav"
grep -v '^Source:' "$TMP/stdout" >"$TMP/sav.describe"
TMPDIR="$TMP/tmpdir" expect_exit "rz.sav.gz: describe" 0 "$TALLY" describe "$TMP/rz.sav.gz"
grep -v '^Source:' "$TMP/stdout" >"$TMP/savgz.describe"
check "the SPSS file has its 76 variables" grep -q "^Variables (76):" "$TMP/sav.describe"
expect_same "rz.sav.gz: describe equals the .sav's" "$TMP/savgz.describe" "$TMP/sav.describe"
check "the inflated temporary copy is removed" test -z "$(ls -A "$TMP/tmpdir")"
head -c 1000 "$TMP/rz.sav.gz" >"$TMP/cut.sav.gz"
TMPDIR="$TMP/tmpdir" expect_exit "a truncated .sav.gz is refused" 1 "$TALLY" describe "$TMP/cut.sav.gz"
expect_contains "truncated .sav.gz: message" "$TMP/stderr" "cut.sav.gz: the file is gzip-compressed (it starts with gzip's mark) but is truncated"
check "no temporary copy is left after a failure" test -z "$(ls -A "$TMP/tmpdir")"

# .zip holding one data file: read as the file itself (csv and readstat), whatever the archive's name.
zipit() { $PY -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED); [z.write(f,f.rsplit('/',1)[-1]) for f in sys.argv[2:]]; z.close()" "$@"; }
zipit "$TMP/export.zip" $D/forms.csv
zipit "$TMP/be.csv.zip" "$TMP/be.csv"
for twin in export.zip be.csv.zip; do
  summary "$TMP/$twin" "$twin"
  expect_same "$twin: describe equals the plain twin's" "$TMP/$twin.describe" "$TMP/plain.describe"
  expect_same "$twin: report tables equal the plain twin's" "$TMP/$twin.tables" "$TMP/plain.tables"
done
expect_exit "-v says what was inflated" 0 "$TALLY" -v describe "$TMP/export.zip"
expect_contains "-v: the zip's member" "$TMP/stderr" "export.zip: a zip archive; its one data file 'forms.csv' inflated to"
expect_contains "describe: the csv plugin" "$TMP/stdout" "Source: export.zip (csv)"
zipit "$TMP/r.zip" "$TMP/r.sav"
TMPDIR="$TMP/tmpdir" expect_exit "r.zip (an SPSS file in a zip): describe" 0 "$TALLY" describe "$TMP/r.zip"
grep -v '^Source:' "$TMP/stdout" >"$TMP/savzip.describe"
expect_same "r.zip: describe equals the .sav's" "$TMP/savzip.describe" "$TMP/sav.describe"
check "the zip's temporary copy is removed" test -z "$(ls -A "$TMP/tmpdir")"
# Several data files, none, truncated, a zip bomb: refused, saying what the archive holds and what to do.
cp $D/forms.csv "$TMP/more.csv"
zipit "$TMP/two.zip" $D/forms.csv "$TMP/more.csv"
expect_exit "a zip with two files is refused" 1 "$TALLY" describe "$TMP/two.zip"
expect_contains "two files: listed, what to do" "$TMP/stderr" \
  "two.zip: the zip archive holds 2 files ('forms.csv', 'more.csv'); tally reads a .zip holding one data file: unzip it and point 'path' at the file to read"
$PY -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.writestr('data/',''); z.writestr('__MACOSX/._x.csv','x'); z.close()" "$TMP/empty.zip"
expect_exit "a zip without a data file is refused" 1 "$TALLY" describe "$TMP/empty.zip"
expect_contains "no data file: what it holds" "$TMP/stderr" \
  "empty.zip: the zip archive holds no data file (only 'data/', '__MACOSX/._x.csv'); put the CSV or SPSS file in it, or point 'path' at the file itself"
sav_size=$(wc -c <"$TMP/r.zip")
head -c $((sav_size / 2)) "$TMP/r.zip" >"$TMP/cut.zip"
expect_exit "a truncated zip is refused" 1 "$TALLY" describe "$TMP/cut.zip"
expect_contains "truncated zip: message" "$TMP/stderr" \
  "cut.zip: not a complete zip archive (truncated or damaged: no central directory); copy or download it again"
cp "$TMP/cut.zip" "$TMP/cut.sav.zip"
TMPDIR="$TMP/tmpdir" expect_exit "a truncated .sav.zip (readstat) is refused" 1 "$TALLY" describe "$TMP/cut.sav.zip"
expect_contains "truncated .sav.zip: message" "$TMP/stderr" "cut.sav.zip: not a complete zip archive (truncated or damaged"
$PY -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED); z.writestr('big.csv', b'a,b\\n' + b'0' * (64 << 20)); z.close()" "$TMP/bomb.zip"
expect_exit "a zip bomb is refused" 1 "$TALLY" describe "$TMP/bomb.zip"
expect_contains "zip bomb: message" "$TMP/stderr" \
  "bomb.zip: 'big.csv' in the zip archive inflates to more than 250 times its compressed size (a zip bomb?); tally refuses it: unzip it yourself and check it"
cp "$TMP/bomb.zip" "$TMP/bomb.sav.zip"
TMPDIR="$TMP/tmpdir" expect_exit "a zip bomb named .sav.zip (readstat) is refused" 1 "$TALLY" describe "$TMP/bomb.sav.zip"
expect_contains "readstat zip bomb: message" "$TMP/stderr" "bomb.sav.zip: 'big.csv' in the zip archive inflates to more than 250 times"
check "no temporary copy is left after a refused zip" test -z "$(ls -A "$TMP/tmpdir")"

# A file mmap refuses (a pipe) is read into memory, its buffer grown as the bytes come: 400 KB through a FIFO
# reads the same rows as the file itself.
{ printf 'a,b\n'; seq 1 100000 | sed 's/$/,2/'; } >"$TMP/long.csv"
mkfifo "$TMP/fifo.csv"
cat "$TMP/long.csv" >"$TMP/fifo.csv" &
writer=$!
expect_exit "a CSV read through a pipe" 0 "$TALLY" describe "$TMP/fifo.csv"
grep -v '^Source' "$TMP/stdout" >"$TMP/fifo.txt"
kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null # a writer nobody read from must not hang the test
"$TALLY" describe "$TMP/long.csv" | grep -v '^Source' >"$TMP/long.txt"
check "the pipe's dictionary is the file's" cmp "$TMP/long.txt" "$TMP/fifo.txt"
expect_contains "all 100,000 rows came through the pipe" "$TMP/fifo.txt" "Rows: 100000"
finish
