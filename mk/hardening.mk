# mk/hardening.mk: make check-asan (sanitizer suite), check-valgrind (memcheck e2e), fuzz (libFuzzer) and fuzz replays in make test.
#
#   make check-asan        every test of tests/run.sh with clang -fsanitize=address,undefined
#                          (LeakSanitizer on), built in $(ASAN_BUILD); fails on any report
#   make check-valgrind    tests/e2e/*.sh (VG_JOBS at a time) with $TALLY run under valgrind memcheck, built in
#                          $(VG_BUILD); fails on any error or definite leak
#   make fuzz              builds fuzz/fuzz_*.c with libFuzzer in $(FUZZ_BUILD) and runs each
#                          for FUZZ_SECONDS (default 60) from its seed corpus fuzz/corpus/NAME/
#   make fuzz-long         the same for FUZZ_LONG_SECONDS (default 600) per target
#   make fuzz-replay       (part of make test) the same targets without libFuzzer, replaying
#                          the committed corpora and fuzz/regress/NAME/ crash inputs
# See fuzz/README.md and docs/limits.md.

.PHONY: check-asan check-valgrind fuzz fuzz-long fuzz-build fuzz-replay

ASAN_BUILD   ?= build-asan
# The project's compiler, so that check-asan sees the warnings make test sees. GCC's
# -Wformat-truncation misfires under -fsanitize=undefined (a "null format string" in
# xvasprintf, core/util/util.c, whose callers never pass NULL), so it is off here.
ASAN_CC      ?= $(CC)
ASAN_FLAGS   ?= -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -Wno-format-truncation
VG_BUILD     ?= build-valgrind
# Left out under memcheck: build_deps.sh builds the tree (it runs no tally), bench_generator.sh
# runs only the generator, and output_concurrency.sh repeats the runs output_destinations.sh
# and output_signals.sh make once, 120 times (minutes under valgrind for no new code path).
# make test runs all three.
VG_SKIP      ?= tests/e2e/build_deps.sh tests/e2e/bench_generator.sh tests/e2e/output_concurrency.sh
VG_E2E       ?= $(filter-out $(VG_SKIP),$(wildcard tests/e2e/*.sh))
# e2e scripts under memcheck at once (they run two at a time in make -j2 test too)
VG_JOBS      ?= 2
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_LONG_SECONDS ?= 600

# Sanitizer reports go to files so that a report from a process whose exit code a
# test does not check (or expects to be non-zero) still fails the run.
SAN_LOGS = $(abspath $(ASAN_BUILD))/sanitizer-logs
SAN_ENV  = ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:fast_unwind_on_malloc=0:exitcode=86:log_path=$(SAN_LOGS)/asan:strict_string_checks=1:detect_stack_use_after_return=1 \
           UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=86:log_path=$(SAN_LOGS)/ubsan \
           LSAN_OPTIONS=exitcode=86

check-asan:
	$(call ensure_pkgs,$(TEST_PKGS))
	@rm -rf $(SAN_LOGS); mkdir -p $(SAN_LOGS)
	@start=$$(date +%s); \
	$(SAN_ENV) $(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) CC=$(ASAN_CC) OPT=-O1 SAN="$(ASAN_FLAGS)" test; rc=$$?; \
	if ls $(SAN_LOGS)/* >/dev/null 2>&1; then \
	  echo "check-asan: sanitizer reports in $(SAN_LOGS):"; head -n 60 $(SAN_LOGS)/*; rc=1; \
	fi; \
	echo "check-asan: $$(( $$(date +%s) - start )) s, $$([ $$rc = 0 ] && echo clean || echo FAILED)"; exit $$rc

# valgrind runs the plain binary (no sanitizer) through a wrapper named by $TALLY;
# TALLY stays a path relative to the repository root, as the e2e scripts expect.
VG_LOGS = $(abspath $(VG_BUILD))/valgrind-logs
check-valgrind:
	$(call ensure_pkgs,valgrind $(TEST_PKGS))
	@$(MAKE) --no-print-directory BUILD=$(VG_BUILD) OPT=-O1 SAN= all $(VG_BUILD)/tally-fault fuzz-replay \
	  $(patsubst $(BUILD)/%,$(VG_BUILD)/%,$(TEST_PLUGIN_SOS) $(TOOL_BINS) $(CSV_SMALL_SO)) \
	  $(addprefix $(VG_BUILD)/tests/,test_csv test_csv_errors test_csv_rows)
	@rm -rf $(VG_LOGS); mkdir -p $(VG_LOGS) $(VG_BUILD)/vg
	@chmod 1777 $(VG_LOGS) # a test runs tally as nobody (output_destinations.sh): its log goes here too
	@printf '%s\n' '#!/bin/sh' '# tally under valgrind memcheck (written by mk/hardening.mk)' \
	  'exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	  --show-leak-kinds=definite --track-origins=no --log-file=$(VG_LOGS)/vg.%p "$(abspath $(VG_BUILD))/tally" "$$@"' \
	  >$(VG_BUILD)/vg/tally; chmod +x $(VG_BUILD)/vg/tally
	@start=$$(date +%s); : >$(VG_BUILD)/valgrind.log; \
	printf '%s\n' $(VG_E2E) | xargs -P $(VG_JOBS) -I{} sh -c \
	  'BUILD=$(VG_BUILD) TALLY=$(VG_BUILD)/vg/tally TALLY_PLUGIN_PATH= sh {} >$(VG_BUILD)/vg/$$(basename {}).log 2>&1; echo "# {}"'; \
	for t in $(VG_E2E); do \
	  echo "# $$t" >>$(VG_BUILD)/valgrind.log; cat $(VG_BUILD)/vg/$$(basename $$t).log >>$(VG_BUILD)/valgrind.log; \
	done; \
	grep '^not ok' $(VG_BUILD)/valgrind.log | head -40; \
	failed=$$(grep -c '^not ok' $(VG_BUILD)/valgrind.log); skipped=$$(grep -c '^ok - .*# SKIP' $(VG_BUILD)/valgrind.log); \
	passed=$$(( $$(grep -c '^ok - ' $(VG_BUILD)/valgrind.log) - skipped )); \
	for f in $(VG_LOGS)/vg.*; do [ -s "$$f" ] && { echo "check-valgrind: report in $$f:"; head -n 40 "$$f"; failed=$$((failed + 1)); }; done; \
	echo "check-valgrind: $$passed passed, $$failed failed, $$skipped skipped, $$(( $$(date +%s) - start )) s"; [ $$failed = 0 ] && [ $$passed -gt 0 ]

# ---- fuzz targets ------------------------------------------------------------------------
# fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput; FUZZ_NAME_OBJS are the plugin objects it
# links (the plugins' own, compiled once per build folder), FUZZ_NAME_LIBS their libraries.
FUZZ_NAMES := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_INC   := -Iplugins/common -Iplugins/input/csv -Iplugins/input/readstat -Iplugins/output/xlsx -Ifuzz -Itests/unit
FUZZ_csv_OBJS      := $(csv_OBJS)
FUZZ_template_OBJS := $(call plugin_src_objs,plugins/common/template.c plugins/common/template_render.c plugins/common/md_render.c plugins/common/utf8_text.c)
FUZZ_md_escape_OBJS := $(FUZZ_template_OBJS)
FUZZ_report_data_OBJS := $(FUZZ_template_OBJS)
FUZZ_xlsx_sanitize_OBJS := $(BUILD)/plugins/xlsx/sanitize.o
FUZZ_por_OBJS      := $(readstat_OBJS)
FUZZ_mrsets_OBJS   := $(readstat_OBJS)
FUZZ_xlsx_sanitize_LIBS := $(XLSX_LIBS)
FUZZ_csv_LIBS      := $(csv_LIBS) # with minizip and expat: the csv plugin reads XLSForms and .zip files
FUZZ_por_LIBS      := $(readstat_LIBS)
FUZZ_mrsets_LIBS   := $(readstat_LIBS)

$(BUILD)/fuzz-replay/%.o: fuzz/%.c
	@mkdir -p $(@D)
	$(COMPILE) $(FUZZ_INC) -c $< -o $@
$(BUILD)/fuzz/%.o: fuzz/%.c
	@mkdir -p $(@D)
	$(COMPILE) $(FUZZ_INC) -c $< -o $@

# Replay binaries: built by the project's compiler with its flags, run by make test
# (tests/e2e/hostile_fuzz_replay.sh) over fuzz/corpus/NAME and fuzz/regress/NAME.
FUZZ_REPLAY_BINS := $(addprefix $(BUILD)/fuzz-replay/fuzz_,$(FUZZ_NAMES))
test-build: $(FUZZ_REPLAY_BINS)
fuzz-replay: $(FUZZ_REPLAY_BINS)
define fuzz_rules
$(BUILD)/fuzz-replay/fuzz_$(1): $(BUILD)/fuzz-replay/fuzz_$(1).o $(BUILD)/fuzz-replay/replay_main.o $(FUZZ_$(1)_OBJS) $(CORE_LIB)
	$$(LINK) -o $$@ $$^ $(FUZZ_$(1)_LIBS) $$(CORE_LIBS)
$(BUILD)/fuzz/fuzz_$(1): $(BUILD)/fuzz/fuzz_$(1).o $(FUZZ_$(1)_OBJS) $(CORE_LIB)
	$$(LINK) -fsanitize=fuzzer -o $$@ $$^ $(FUZZ_$(1)_LIBS) $$(CORE_LIBS)
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call fuzz_rules,$(n))))

# libFuzzer binaries: the core library and plugin sources instrumented for coverage.
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
fuzz-build:
	$(call ensure_pkgs,clang)
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang OPT=-O1 SAN="$(FUZZ_SAN)" \
	  $(addprefix $(FUZZ_BUILD)/fuzz/fuzz_,$(FUZZ_NAMES))

# Each target runs FUZZ_SECONDS from a copy of its seed corpus (the committed one
# stays as it is); a crash input lands in $(FUZZ_BUILD)/findings/NAME/.
fuzz: fuzz-build
	@rc=0; for n in $(FUZZ_NAMES); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$n $(FUZZ_BUILD)/findings/$$n; \
	  cp -n fuzz/corpus/$$n/* $$(sh fuzz/seeds.sh $$n) $(FUZZ_BUILD)/corpus/$$n/ 2>/dev/null; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  $(FUZZ_BUILD)/fuzz/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=2560 \
	    -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/findings/$$n/ $$( [ -f fuzz/dict/$$n.dict ] && echo -dict=fuzz/dict/$$n.dict ) \
	    $(FUZZ_BUILD)/corpus/$$n fuzz/corpus/$$n >$(FUZZ_BUILD)/fuzz-$$n.log 2>&1 \
	    || { rc=1; echo "fuzz: $$n FOUND A CRASH (log: $(FUZZ_BUILD)/fuzz-$$n.log, input: $(FUZZ_BUILD)/findings/$$n/)"; \
	         grep -E 'ERROR|SUMMARY|==[0-9]+==' $(FUZZ_BUILD)/fuzz-$$n.log | head -5; }; \
	  grep -E '^stat::number_of_executed_units|^stat::peak_rss' $(FUZZ_BUILD)/fuzz-$$n.log | tr '\n' ' '; echo; \
	done; exit $$rc

# Every target for FUZZ_LONG_SECONDS each (ten minutes by default), one after the other.
fuzz-long:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_LONG_SECONDS)
