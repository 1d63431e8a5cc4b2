# mk/bench.mk: `make bench`: generates the benchmark survey if missing, installs the peers, times tally against them.
# It also times the tab book of config/bench-tabbook.lua (every question by a 10-column banner, four outputs)
# against loading the data.
# Not part of `make test` (no timed tests). RUNS=5 PSPP_RUNS=5 SIZES="100k 1m" are passed on to bench/run.sh.

BENCH_PKGS  := python3 python3-pandas python3-xlsxwriter python3-scipy python3-openpyxl pspp
BENCH_SIZES := 100k:100000 1m:1000000

.PHONY: bench bench-data

bench: all $(BUILD)/tools/gen_bench $(BUILD)/tools/gen_bench_xlsx $(BUILD)/tools/bench_spawn $(BUILD)/tools/bench_warm bench-data
	$(call ensure_pkgs,$(BENCH_PKGS))
	BUILD=$(BUILD) sh bench/run.sh

# The generated CSVs are not committed (/samples/bench/*.csv in .gitignore); the codebook is.
bench-data: $(BUILD)/tools/gen_bench
	@for s in $(BENCH_SIZES); do \
	  f=samples/bench/survey-$${s%%:*}.csv; \
	  [ -s "$$f" ] || { echo "bench: generating $$f"; $(BUILD)/tools/gen_bench --rows $${s#*:} --out "$$f" || exit 1; }; \
	done
