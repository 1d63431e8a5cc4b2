#!/bin/sh
# tests/e2e/bench_generator.sh: the benchmark generator is deterministic and its data, codebook and config work in tally.
. tests/lib.sh
GEN=$BUILD/tools/gen_bench
if [ ! -x "$GEN" ]; then not_ok "bench generator: $GEN is missing (make $GEN)"; finish; fi

check "bench generator: 1,000 rows with seed 7" "$GEN" --rows 1000 --seed 7 --out "$TMP/a.csv"
check "bench generator: the same again" "$GEN" --rows 1000 --seed 7 --out "$TMP/b.csv"
expect_same "bench generator: same seed, same bytes" "$TMP/a.csv" "$TMP/b.csv"
check "bench generator: 1,000 rows with seed 8" "$GEN" --rows 1000 --seed 8 --out "$TMP/c.csv"
if cmp -s "$TMP/a.csv" "$TMP/c.csv"; then not_ok "bench generator: another seed gives other data"; else
  ok "bench generator: another seed gives other data"; fi

# The hazards the CSV reader must survive are in the data: quoted newlines, doubled quotes, formula-like text.
expect_contains "bench generator: a quoted field with a newline" "$TMP/a.csv" '"Erste Zeile'
expect_contains "bench generator: doubled quotes" "$TMP/a.csv" '""nie wieder""'
expect_contains "bench generator: text starting with =" "$TMP/a.csv" ',=1+1,'
lines=$(wc -l <"$TMP/a.csv")
if [ "$lines" -gt 1001 ]; then ok "bench generator: newlines inside fields ($lines lines for 1,000 rows)"; else
  not_ok "bench generator: no newline inside a field ($lines lines)"; fi

# --flat (the copy PSPP reads): one line a row, and nothing else changed.
check "bench generator: --flat" "$GEN" --rows 1000 --seed 7 --flat --out "$TMP/flat.csv"
lines=$(wc -l <"$TMP/flat.csv")
if [ "$lines" = 1001 ]; then ok "bench generator: --flat gives one line a row"; else not_ok "bench generator: --flat gives $lines lines"; fi
tr '\n' ' ' <"$TMP/a.csv" >"$TMP/a1"; tr '\n' ' ' <"$TMP/flat.csv" >"$TMP/f1"
expect_same "bench generator: --flat only replaces newlines" "$TMP/f1" "$TMP/a1"

# The committed codebook is the generator's.
check "bench generator: --codebook" "$GEN" --codebook "$TMP/cb.lua"
expect_same "bench generator: samples/bench/bench.codebook.lua is up to date" samples/bench/bench.codebook.lua "$TMP/cb.lua"
check "bench generator: PSPP syntax" "$GEN" --pspp "$TMP/job.sps" --pspp-data "$TMP/flat.csv"
expect_contains "bench generator: PSPP job raises its workspace" "$TMP/job.sps" "SET WORKSPACE="

# The benchmark config runs on the small file: every table, both outputs.
expect_exit "bench config: full report on 1,000 rows" 0 "$TALLY" -q run config/bench.lua \
  --set data="$TMP/a.csv" --outdir "$TMP/out"
expect_contains "bench config: crosstab with chi-square" "$TMP/out/bench.md" "Pearson chi-square"
expect_contains "bench config: percent of cases" "$TMP/out/bench.md" "Percent of cases"
expect_contains "bench config: don't know is a missing row" "$TMP/out/bench.md" "don't know"
if [ -s "$TMP/out/bench.xlsx" ]; then ok "bench config: xlsx written"; else not_ok "bench config: no xlsx"; fi
finish
