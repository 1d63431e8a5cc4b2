# hostile_fuzz_replay.sh: replays every fuzz seed and every committed crash input (fuzz/regress/) through the fuzz targets.
. tests/lib.sh
for dir in fuzz/corpus/* fuzz/regress/*; do
  [ -d "$dir" ] || continue
  name=${dir##*/}
  bin="$BUILD/fuzz-replay/fuzz_$name"
  if [ ! -x "$bin" ]; then not_ok "fuzz replay $dir: $bin is missing (make BUILD=$BUILD fuzz-replay)"; continue; fi
  # One process per input, so a failure names its file; TMPDIR keeps scratch files in $TMP.
  bad=""
  for f in "$dir"/*; do
    [ -f "$f" ] || continue
    TMPDIR="$TMP" timeout 60 "$bin" "$f" >"$TMP/replay.out" 2>&1 || { bad="$bad $f"; sed 's/^/#   /' "$TMP/replay.out" | head -20; }
  done
  if [ -z "$bad" ]; then ok "fuzz replay: $dir ($(ls "$dir" | wc -l) inputs)"; else not_ok "fuzz replay: $dir fails on:$bad"; fi
done
# the samples and fixtures that seed a target where they are (fuzz/seeds.sh)
for name in codebook config; do
  bad=""
  for f in $(sh fuzz/seeds.sh $name); do
    TMPDIR="$TMP" timeout 60 "$BUILD/fuzz-replay/fuzz_$name" "$f" >"$TMP/replay.out" 2>&1 || { bad="$bad $f"; sed 's/^/#   /' "$TMP/replay.out" | head -20; }
  done
  if [ -z "$bad" ]; then ok "fuzz replay: $name seeds from samples and fixtures ($(sh fuzz/seeds.sh $name | wc -l) inputs)"
  else not_ok "fuzz replay: $name seeds fail on:$bad"; fi
done
finish
