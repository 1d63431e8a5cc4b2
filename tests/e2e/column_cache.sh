# column_cache.sh: the column cache: a hit gives the same JSON as parsing; any change of the data file
# (size, mtime, one byte at the same size and mtime, also after a run that trusted the file's stamp),
# of an input option or of the codebook is a miss; a file's stamp spares hashing it until its change time moves;
# a damaged, truncated or foreign cache is ignored with a warning; concurrent runs; the default folder.
. tests/lib.sh
ROOT=$(pwd)
TALLY="$ROOT/$TALLY"
export SOURCE_DATE_EPOCH=1609459200
W=$TMP/w
mkdir -p "$W"
cp samples/city-survey/responses.csv "$W/data.csv"
cp samples/city-survey/responses.codebook.lua "$W/data.codebook.lua"
cat >"$W/cached.lua" <<'EOF'
report { title = "Cache test", language = "en", outdir = "out" }
input "d" { path = "data.csv", codebook = "data.codebook.lua", cache = params.cache or "cache" }
stage "overview" { dataset = "d" }
output "json" { path = "r.json" }
output "markdown" { path = "r.md" }
EOF

# run NAME [ARGS...]: runs the config into out-NAME, stderr in $TMP/NAME.err (with -v)
run() {
  n=$1; shift
  (cd "$W" && "$TALLY" -v run cached.lua --outdir "out-$n" "$@") >"$TMP/$n.err" 2>&1
}
served() { grep -q "read input 'd' from the cache" "$TMP/$1.err"; }
cachefile() { ls "$W"/cache/*.tcache 2>/dev/null | head -1; }

check "a first run (no cache yet)" run first
check "  it parsed the file" sh -c "! grep -q 'from the cache' '$TMP/first.err'"
expect_contains "  -v says the read was stored in the cache" "$TMP/first.err" "stored input 'd' in the cache"
check "  one cache file in the folder the config names" test -s "$(cachefile)"
check "a second run" run second
check "  served by the cache" served second
(cd "$TMP" && "$TALLY" -v run "$W/cached.lua" --outdir "$W/out-elsewhere") >"$TMP/elsewhere.err" 2>&1
check "the config run from another folder (its data file then written as an absolute path)" test $? = 0
check "  served by the same cache" served elsewhere
expect_same "  the same JSON" "$W/out-elsewhere/r.json" "$W/out-second/r.json"
check "a run with --no-cache" run plain --no-cache
check "  --no-cache parses and stores nothing" sh -c "! grep -q 'the cache' '$TMP/plain.err'"
expect_same "JSON from the cache is identical to the JSON from parsing" "$W/out-second/r.json" "$W/out-plain/r.json"
expect_same "Markdown from the cache is identical too" "$W/out-second/r.md" "$W/out-plain/r.md"
expect_same "JSON of the first (storing) run is identical" "$W/out-first/r.json" "$W/out-plain/r.json"

# describe says when the cache served the read
check "describe --cache (stores)" sh -c "'$TALLY' describe '$W/data.csv' --cache '$W/dcache' >'$TMP/d1.txt'"
check "describe --cache again" sh -c "'$TALLY' describe '$W/data.csv' --cache '$W/dcache' >'$TMP/d2.txt'"
expect_contains "describe names the cache that served it" "$TMP/d2.txt" "Served by    the cache"
check "describe's dictionary is otherwise the same" sh -c "grep -v 'Served by' '$TMP/d2.txt' | cmp -s - '$TMP/d1.txt'"
check "describe without --cache parses (no 'Served by')" sh -c "'$TALLY' describe '$W/data.csv' | grep -q 'Served by' && exit 1 || exit 0"

# an SPSS file (the readstat plugin) and `tally report --cache`
SAV="$ROOT/samples/city-survey/responses.sav"
check "describe a .sav with --cache (stores)" sh -c "'$TALLY' describe '$SAV' --cache '$W/scache' >'$TMP/s1.txt'"
check "describe it again" sh -c "'$TALLY' describe '$SAV' --cache '$W/scache' >'$TMP/s2.txt'"
expect_contains "  served by the cache" "$TMP/s2.txt" "Served by    the cache"
check "  the .sav dictionary (labels, missing values, sets) is otherwise the same" \
  sh -c "grep -v -e 'Served by' -e '^Read as:' '$TMP/s2.txt' | cmp -s - '$TMP/s1.txt'"
check "tally report --cache (stores)" sh -c "cd '$W' && '$TALLY' -q report '$SAV' -o rep1.json --cache rcache"
check "tally report --cache again" sh -c "cd '$W' && '$TALLY' -v report '$SAV' -o rep2.json --cache rcache 2>'$TMP/rep2.err'"
expect_contains "  served by the cache" "$TMP/rep2.err" "from the cache"
expect_same "  the same JSON" "$W/rep2.json" "$W/rep1.json"

# --- misses ------------------------------------------------------------------------------------
# the data file's mtime alone
touch -d '2020-01-02 03:04:05' "$W/data.csv"
check "mtime changed: run" run mtime
check "  not served (mtime is in the key)" sh -c "! grep -q \"read input 'd' from the cache\" '$TMP/mtime.err'"
check "  and the next run is served again" run mtime2
check "  served" served mtime2

# one byte at the same size and mtime: only the content hash sees it
# flip_answer FILE: the first data row's answer to 'worldwide' (1 <-> 2), in place
flip_answer() {
  $PY - "$1" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
nl = b.index(b"\n") + 1                  # the first data row: id,city,submitted,worldwide,...
fields = b[nl:b.index(b"\n", nl)].split(b",")
at = nl + len(b",".join(fields[:3])) + 1  # the first byte of worldwide
b[at] = ord("2") if b[at] == ord("1") else ord("1")
open(p, "wb").write(bytes(b))
EOF
}
cp -p "$W/data.csv" "$W/ref.csv"
flip_answer "$W/data.csv"
touch -r "$W/ref.csv" "$W/data.csv"
check "  same size" test "$(wc -c <"$W/data.csv")" = "$(wc -c <"$W/ref.csv")"
check "  same mtime" test "$(stat -c %Y.%y "$W/data.csv")" = "$(stat -c %Y.%y "$W/ref.csv")"
check "one byte changed at the same size and mtime: run" run byte
check "  not served (the content hash differs)" sh -c "! grep -q \"read input 'd' from the cache\" '$TMP/byte.err'"
check "  the JSON shows the changed answer" sh -c "! cmp -s '$W/out-byte/r.json' '$W/out-plain/r.json'"
check "a --no-cache run of the changed file" run byteplain --no-cache
expect_same "  the changed file's JSON equals parsing" "$W/out-byte/r.json" "$W/out-byteplain/r.json"
check "  then served" run byte2
check "  served after the byte change" served byte2
expect_same "  and still equal to parsing" "$W/out-byte2/r.json" "$W/out-byteplain/r.json"

# the size
printf '%s\n' "$(tail -1 "$W/data.csv")" >>"$W/data.csv"
check "a row appended (size): run" run size
check "  not served" sh -c "! grep -q \"read input 'd' from the cache\" '$TMP/size.err'"
expect_contains "  -v says why" "$TMP/size.err" "is of another version of the data, its options or codebook"
check "  81 rows read" grep -q "81 rows" "$TMP/size.err"

# an input option
check "an input option changed (--set input.d.missing=x): run" run opt --set input.d.missing=x
check "  not served" sh -c "! grep -q \"read input 'd' from the cache\" '$TMP/opt.err'"
check "  the same option again: run" run opt2 --set input.d.missing=x
check "  served" served opt2
check "  back to the config's options" run opt3
check "  not served (the options differ)" sh -c "! grep -q \"read input 'd' from the cache\" '$TMP/opt3.err'"

# the codebook
sed -i 's/Does your city cooperate with cities abroad?/Does your city work with cities abroad?/' "$W/data.codebook.lua"
check "the codebook changed: run" run cb
check "  not served" sh -c "! grep -q \"read input 'd' from the cache\" '$TMP/cb.err'"
expect_contains "  the new label is in the JSON" "$W/out-cb/r.json" "Does your city work with cities abroad?"
check "  served next time" run cb2
check "  served" served cb2
expect_contains "  with the new label" "$W/out-cb2/r.json" "Does your city work with cities abroad?"
check "the report language changed (codebook labels): run" run lang --set report.language=de
check "  not served" sh -c "! grep -q \"read input 'd' from the cache\" '$TMP/lang.err'"

# --- the stamp: a data file whose change time is settled is not hashed again while it keeps
# its device, inode, size and times (core/data/cache_stamp.c); any write moves its change time
cp "$W/data.csv" "$W/stamp.csv"
cp "$W/data.csv" "$W/mode.csv"
case $(stat -f -c %t "$W") in # the file systems core/data/cache_stamp.c trusts (their statfs magic)
ef53 | 58465342 | 9123683e | f2f52010 | 1021994 | 794c7630 | 2fc12fc1) stamps=1 ;;
*) stamps=0 ;;
esac
if [ $stamps = 1 ]; then
  check "a fresh data file: run (stores the cache)" run md1 --set input.d.path=mode.csv
  chmod 600 "$W/mode.csv" # a new change time, the content as it was
  sleep 3 # past CACHE_STAMP_AGE (2 s): a change time that no later write can share
  check "a data file changed 3 s ago: run (stores the cache, with the file's stamp)" run st1 --set input.d.path=stamp.csv
  expect_contains "  stored" "$TMP/st1.err" "stored input 'd' in the cache"
  check "  next run" run st2 --set input.d.path=stamp.csv
  expect_contains "  served without reading the data file: its stamp holds" "$TMP/st2.err" \
    "from the cache cache/stamp.csv-"
  expect_contains "  -v says so" "$TMP/st2.err" "(the data file not hashed again: it has the inode, size and times it had then)"
  check "  a --no-cache run of it" run st2plain --no-cache --set input.d.path=stamp.csv
  expect_same "  the JSON equals parsing" "$W/out-st2/r.json" "$W/out-st2plain/r.json"
  check "  describe --cache (stores, stamped)" sh -c "'$TALLY' describe '$W/stamp.csv' --cache '$W/stcache' >/dev/null"
  check "  describe --cache again" sh -c "'$TALLY' describe '$W/stamp.csv' --cache '$W/stcache' >'$TMP/std.txt'"
  expect_contains "  describe says how the cache knew the file unchanged" "$TMP/std.txt" \
    "(the data file is unchanged: the inode, size and times it had when it was hashed)"
  # one byte at the same size and mtime, right after a stamped run: the change time moved
  cp -p "$W/stamp.csv" "$W/stampref.csv"
  flip_answer "$W/stamp.csv"
  touch -r "$W/stampref.csv" "$W/stamp.csv"
  check "  same size and mtime after the byte" test "$(stat -c '%s %y' "$W/stamp.csv")" = "$(stat -c '%s %y' "$W/stampref.csv")"
  check "one byte changed after a stamped run: run" run st3 --set input.d.path=stamp.csv
  check "  not served (the stamp does not hold, and the content hash differs)" \
    sh -c "! grep -q \"read input 'd' from the cache\" '$TMP/st3.err'"
  check "  a --no-cache run of the changed file" run st3plain --no-cache --set input.d.path=stamp.csv
  expect_same "  the JSON equals parsing the changed file" "$W/out-st3/r.json" "$W/out-st3plain/r.json"
  check "  and differs from the file before" sh -c "! cmp -s '$W/out-st3/r.json' '$W/out-st2plain/r.json'"
  # a new change time alone (the chmod above): hashed, served, and the cache written again with a stamp
  check "a data file whose mode changed after its cache was stored: run" run md2 --set input.d.path=mode.csv
  check "  served" served md2
  expect_contains "  after hashing the data file (its change time moved)" "$TMP/md2.err" "(the data file hashed: the same content)"
  expect_contains "  the cache is written again with the file's stamp" "$TMP/md2.err" "written again with the data file's stamp"
  check "  next run" run md3 --set input.d.path=mode.csv
  expect_contains "  served by the new stamp" "$TMP/md3.err" "(the data file not hashed again: it has the inode, size and times it had then)"
  check "  and not written again" sh -c "! grep -q 'written again' '$TMP/md3.err'"
  expect_same "  the same JSON" "$W/out-md3/r.json" "$W/out-md2/r.json"
else
  skip "the stamp: $W is on a file system whose change times tally does not trust ($(stat -f -c %T "$W")); every run hashes"
fi
check "a no-cache run for the damaged-file checks" run base --no-cache

# --- damaged and foreign caches ------------------------------------------------------------------
# flip OFFSET: inverts one byte of the cache file
flip() { $PY -c "import sys; p=sys.argv[1]; o=int(sys.argv[2]); b=bytearray(open(p,'rb').read()); o=o if o>=0 else len(b)+o; b[o]^=0xff; open(p,'wb').write(bytes(b))" "$(cachefile)" "$1"; }
check "  a cache of the config as it is" run pre
check "  the cache is valid before" run pre2
check "  served" served pre2
flip -1
check "a damaged cell (the last byte): run" run cells
expect_contains "  warning names the cache and the cause" "$TMP/cells.err" "is not used: its cells are damaged; the data file is read instead"
expect_same "  the JSON equals parsing" "$W/out-cells/r.json" "$W/out-base/r.json"
check "  rewritten: the next run is served" run cells2
check "  served" served cells2
flip 200
check "damaged metadata: run" run meta
expect_contains "  warning" "$TMP/meta.err" "is not used: its metadata is damaged"
expect_same "  the JSON equals parsing" "$W/out-meta/r.json" "$W/out-base/r.json"
flip 100
check "a damaged header: run" run head
expect_contains "  warning" "$TMP/head.err" "is not used: its header is damaged"
f=$(cachefile); size=$(wc -c <"$f")
truncate -s $((size / 2)) "$f"
check "a truncated cache: run" run trunc
expect_contains "  warning" "$TMP/trunc.err" "is not used: it is truncated"
expect_same "  the JSON equals parsing" "$W/out-trunc/r.json" "$W/out-base/r.json"
truncate -s 10 "$(cachefile)"
check "a cache of 10 bytes: run" run tiny
expect_contains "  warning" "$TMP/tiny.err" "is not used: it is truncated"
# another version: the version field (bytes 24..55 of the header) says 9.9.9
$PY -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[24:56]=b'9.9.9'.ljust(32,b'\0'); open(p,'wb').write(bytes(b))" "$(cachefile)"
check "another tally version's cache: run" run ver
expect_contains "  warning names the other version" "$TMP/ver.err" "another tally version wrote it (tally 9.9.9"
expect_same "  the JSON equals parsing" "$W/out-ver/r.json" "$W/out-base/r.json"
$PY -c "import sys; open(sys.argv[1], 'w').write('not a cache at all, but text as long as a header and more. ' * 10)" "$(cachefile)"
check "a file that is no cache: run" run junk
expect_contains "  warning" "$TMP/junk.err" "is not used: it is not a tally cache file"
check "  served after the rewrite" run junk2
check "  served" served junk2

# --- concurrency --------------------------------------------------------------------------------
rm -rf "$W/cache"
for k in 1 2 3 4; do run "conc$k" & done
wait
check "four concurrent runs into an empty cache all succeeded" sh -c "for k in 1 2 3 4; do test -s '$W/out-conc'\$k/r.json || exit 1; done"
for k in 1 2 3 4; do expect_same "  run $k's JSON equals parsing" "$W/out-conc$k/r.json" "$W/out-base/r.json"; done
check "  no warning from any of them" sh -c "! grep -h 'warning' '$TMP'/conc*.err"
check "  no temporary file left in the cache folder" sh -c "test \$(ls -A '$W/cache' | wc -l) = 1"
# readers while writers replace the file: each reader sees a whole cache or none
for k in 1 2 3; do run "mix$k" --set input.d.missing=y$k & run "mixr$k" & done
wait
check "three writers and three readers at once all succeeded, with no warning" sh -c "for k in 1 2 3; do grep -q warning '$TMP'/mix\$k.err '$TMP'/mixr\$k.err && exit 1; test -s '$W/out-mixr'\$k/r.json || exit 1; done; exit 0"
for k in 1 2 3; do expect_same "  reader $k's JSON equals parsing" "$W/out-mixr$k/r.json" "$W/out-base/r.json"; done

# a killed writer's temporary file is removed by the next run that stores; a live run's is kept
sh -c 'exit 0' & dead=$!; wait $dead
printf 'half a cache' >"$W/cache/.data.csv-0.tcache.tmp-$dead-AbC123"
printf 'being written' >"$W/cache/.data.csv-0.tcache.tmp-$$-XyZ789"
check "a storing run (another option)" run stale --set input.d.missing=z
check "  the dead run's temporary file is gone" test ! -e "$W/cache/.data.csv-0.tcache.tmp-$dead-AbC123"
check "  the live run's is kept" test -e "$W/cache/.data.csv-0.tcache.tmp-$$-XyZ789"
rm -f "$W/cache/.data.csv-0.tcache.tmp-$$-XyZ789"

# --- switches and the default folder ------------------------------------------------------------
rm -rf "$W/cache"
check "cache = false: run" run off --set input.d.cache=false
check "  no cache folder made" test ! -e "$W/cache"
check "without a cache option, a small input (under 1 MB): run" run small --set input.d.cache=x
rm -rf "$W/x"
sed -i 's/, cache = params.cache or "cache"//' "$W/cached.lua"
check "  run" run small
check "  no .tally-cache beside the output folder (small files parse as fast)" test ! -e "$W/.tally-cache"
"$ROOT/$BUILD/tools/gen_bench" --rows 12000 --out "$W/big.csv" >/dev/null 2>&1
sed -i 's/data.csv/big.csv/; s/, codebook = "data.codebook.lua"//' "$W/cached.lua"
check "  a file over 1 MB" test "$(wc -c <"$W/big.csv")" -gt 1048576
check "a large input with the default: run" run big
check "  .tally-cache made beside the output folder" sh -c "ls '$W'/.tally-cache/big.csv-*.tcache"
check "  next run" run big2
check "  served from .tally-cache" served big2
expect_same "  the same JSON" "$W/out-big2/r.json" "$W/out-big/r.json"

# a read's warnings are shown again when the cache serves it
printf 'a,b\n1,2\n3\n4,5\n' >"$W/ragged.csv"
cat >"$W/ragged.lua" <<'EOF'
input "r" { path = "ragged.csv", on_ragged = "skip", cache = "rc" }
stage "overview" { dataset = "r" }
output "json" { path = "out/r.json" }
EOF
(cd "$W" && "$TALLY" run ragged.lua) >"$TMP/rag1.err" 2>&1
(cd "$W" && "$TALLY" run ragged.lua) >"$TMP/rag2.err" 2>&1
check "a read's warning is printed by the parsing run" grep -q "warning" "$TMP/rag1.err"
expect_same "  and again, the same, when the cache serves the read" "$TMP/rag2.err" "$TMP/rag1.err"
finish
