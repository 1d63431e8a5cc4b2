# csv_kernels.sh: TALLY_CSV_KERNEL forces the tokenizer's classification kernel, -v names it, and every kernel gives the same report.
. tests/lib.sh
export TALLY_PLUGIN_PATH="$BUILD/plugins"
export SOURCE_DATE_EPOCH=1609459200
ROOT=$(pwd)

# The benchmark survey, small: quoted comments with commas, doubled quotes, line ends and umlauts.
check "generate a 5,000-row survey" "$BUILD/tools/gen_bench" --rows 5000 --out "$TMP/survey.csv"
run_with() { # run_with KERNEL OUTDIR: the full benchmark report, the kernel forced (KERNEL "" for none)
  if [ -n "$1" ]; then
    TALLY_CSV_KERNEL=$1 "$TALLY" -v run --no-cache config/bench.lua --set data="$TMP/survey.csv" --outdir "$2"
  else
    "$TALLY" -v run --no-cache config/bench.lua --set data="$TMP/survey.csv" --outdir "$2"
  fi
}

expect_exit "the report with the kernel the CPU picks" 0 run_with "" "$TMP/best"
expect_contains "-v names the kernel" "$TMP/stderr" "survey.csv: tokenizer kernel "
best=$(sed -n 's/.*tokenizer kernel \([a-z0-9]*\).*/\1/p' "$TMP/stderr" | head -n 1)
case $best in portable|sse2|avx2) ok "the kernel is one of portable, sse2, avx2 ($best)" ;;
  *) not_ok "unknown kernel '$best'" ;; esac

expect_exit "TALLY_CSV_KERNEL=portable" 0 run_with portable "$TMP/portable"
expect_contains "-v says the variable chose it" "$TMP/stderr" "tokenizer kernel portable (TALLY_CSV_KERNEL)"
expect_same "the portable kernel's report equals the picked kernel's" "$TMP/portable/bench.md" "$TMP/best/bench.md"

for k in sse2 avx2; do
  expect_exit "TALLY_CSV_KERNEL=$k" 0 run_with $k "$TMP/$k"
  if grep -qF "TALLY_CSV_KERNEL ignored" "$TMP/stderr"; then
    skip "this CPU cannot run the $k kernel"
    continue
  fi
  expect_contains "-v says $k was forced" "$TMP/stderr" "tokenizer kernel $k (TALLY_CSV_KERNEL)"
  expect_same "the $k kernel's report equals the portable one's" "$TMP/$k/bench.md" "$TMP/portable/bench.md"
done

expect_exit "a kernel name tally does not know" 0 run_with mmx "$TMP/bogus"
expect_contains "-v says the variable was ignored, and what it takes" "$TMP/stderr" \
  "tokenizer kernel $best (TALLY_CSV_KERNEL ignored: it names no kernel this CPU runs; portable, sse2 or avx2)"
expect_same "the report is the same" "$TMP/bogus/bench.md" "$TMP/best/bench.md"
finish
