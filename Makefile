# Makefile: builds tally, its plugins and tests; `make report` and `make test` install missing Debian packages first.
#
# Layout it discovers by itself, so adding a plugin or a test needs no edit here:
#   core/*/*.c                    -> build/core/*/*.o -> build/libtallycore.a (core/cli/main.c -> build/tally);
#                                    each sub-folder of core/ is an -I folder, so includes name the bare header
#   plugins/{input,output}/NAME/  -> build/plugins/NAME/*.o -> build/plugins/NAME.so; an optional
#                                    plugin.mk sets NAME_LIBS, NAME_CFLAGS and NAME_SRCS (sources outside the
#                                    folder, e.g. plugins/common/*.c, compiled once under build/plugins/)
#   tests/unit/test_*.c           -> build/tests/test_* (the core library and test_*_OBJS below)
#   tests/plugins/NAME/           -> build/tests/plugins/NAME.so (test-only plugins)
#   tests/e2e/*.sh                -> run by tests/run.sh
#
# Flags: CC, CPPFLAGS, CFLAGS (default -g $(OPT)) and LDFLAGS are the user's and come after the
# project's own, so `make CFLAGS=-O0` builds with -O0. Every compile writes a .d file (-MMD -MP):
# an object depends on exactly the headers it includes.
# Packages: `deps` and `test-deps` install missing Debian packages; `make report` and `make test`
# run them first, a plain `make` only builds.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
WERROR  ?= -Werror
OPT     ?= -O3
SAN     ?=
CFLAGS  ?= -g $(OPT)

# Debian packages: what the build needs, and what the tests add.
BUILD_PKGS := gcc make pkg-config liblua5.4-dev libxlsxwriter-dev libcmark-gfm-dev \
              libcmark-gfm-extensions-dev libreadstat-dev zlib1g-dev libgsl-dev
TEST_PKGS  := python3 python3-openpyxl pspp libreoffice-calc-nogui poppler-utils unzip chromium cmark-gfm fonts-noto-cjk
# Inputs: .xlsx workbooks (minizip, expat).
BUILD_PKGS += libminizip-dev libexpat1-dev
# Inputs: SQLite files and PostgreSQL servers (the tests start a throw-away PostgreSQL cluster).
BUILD_PKGS += libsqlite3-dev libpq-dev
TEST_PKGS  += postgresql sqlite3
# The column cache: inputs hashed with xxHash.
BUILD_PKGS += libxxhash-dev
# tally diff: JSON reports read with Jansson.
BUILD_PKGS += libjansson-dev

LUA_CFLAGS  := $(shell pkg-config --cflags lua5.4 2>/dev/null || echo -I/usr/include/lua5.4)
LUA_LIBS    := $(shell pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4)
XLSX_LIBS   := $(shell pkg-config --libs xlsxwriter 2>/dev/null || echo -lxlsxwriter -lz)
CMARK_LIBS  := $(shell pkg-config --libs libcmark-gfm 2>/dev/null || echo -lcmark-gfm) -lcmark-gfm-extensions
READSTAT_LIBS := $(shell pkg-config --libs readstat 2>/dev/null || echo -lreadstat)

# The project's flags; the user's CPPFLAGS / CFLAGS / LDFLAGS follow them.
CORE_INC := $(addprefix -I,$(filter-out core/include,$(patsubst %/,%,$(wildcard core/*/))))
TALLY_CPPFLAGS := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icore/include -Icore $(CORE_INC) $(LUA_CFLAGS) \
                  -DTALLY_PLUGIN_DIR='"$(PREFIX)/lib/tally/plugins"' -DTALLY_STAGE_DIR='"$(PREFIX)/share/tally/stages"'
TALLY_CFLAGS    = -std=c11 -Wall -Wextra $(WERROR) -fPIC $(SAN)
PLUGIN_CFLAGS  := -Iplugins/common -fvisibility=hidden
COMPILE         = $(CC) $(TALLY_CPPFLAGS) $(CPPFLAGS) $(TALLY_CFLAGS) $(CFLAGS) -MMD -MP
LINK            = $(CC) $(TALLY_CFLAGS) $(CFLAGS) $(LDFLAGS)

CORE_SRCS := $(filter-out core/cli/main.c,$(wildcard core/*.c core/*/*.c))
CORE_OBJS := $(patsubst core/%.c,$(BUILD)/core/%.o,$(CORE_SRCS))
CORE_LIB  := $(BUILD)/libtallycore.a
# Lua, Jansson and GSL are linked from their static archives (the same -dev packages): mapping
# and relocating their shared objects took about 0.8 ms of every run, where a cached 1M report
# takes about 50. minizip and zlib, which unpack files users give, stay shared, so that a
# Debian security update reaches them without a rebuild.
CORE_LIBS := -Wl,-Bstatic $(LUA_LIBS) -ljansson -lgsl -lgslcblas -Wl,-Bdynamic -ldl -lm -lpthread
CORE_LIBS += -lxxhash # the cache's hashing: XXH3_64bits_dispatch picks the CPU's widest vectors
CORE_LIBS += $(shell pkg-config --libs minizip 2>/dev/null || echo -lminizip) # the plugin for a .zip's one data file

PLUGIN_DIRS := $(patsubst %/,%,$(wildcard plugins/input/*/ plugins/output/*/))
PLUGIN_NAMES := $(notdir $(PLUGIN_DIRS))
-include $(wildcard plugins/*/*/plugin.mk)
PLUGIN_SOS := $(addprefix $(BUILD)/plugins/,$(addsuffix .so,$(PLUGIN_NAMES)))

TEST_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
TEST_PLUGIN_DIRS := $(patsubst %/,%,$(wildcard tests/plugins/*/))
TEST_PLUGIN_SOS := $(addprefix $(BUILD)/tests/plugins/,$(addsuffix .so,$(notdir $(TEST_PLUGIN_DIRS))))
TOOL_SRCS := $(wildcard tools/*.c)
TOOL_BINS := $(patsubst tools/%.c,$(BUILD)/tools/%,$(TOOL_SRCS))

.PHONY: all deps test-deps report report-build test test-build check install clean e2e-build mutation-check
.DEFAULT_GOAL := all

all: $(BUILD)/tally $(PLUGIN_SOS)

# ---- Debian packages ---------------------------------------------------------
# A no-op when every package is installed; as root it installs what is missing,
# otherwise it stops with the exact command to run.
define ensure_pkgs
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "tally: installing Debian packages:$$missing"; \
	    (apt-get install -y -q --no-install-recommends $$missing || \
	     (apt-get update -q && apt-get install -y -q --no-install-recommends $$missing)) >&2 || exit 1; \
	  else \
	    echo "tally: missing Debian packages. Run as root:"; \
	    echo "  apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
endef

deps:
	$(call ensure_pkgs,$(BUILD_PKGS))

test-deps: deps
	$(call ensure_pkgs,$(TEST_PKGS))

# ---- core and binary -----------------------------------------------------------
$(BUILD)/core/%.o: core/%.c
	@mkdir -p $(@D)
	$(COMPILE) -c $< -o $@

$(CORE_LIB): $(CORE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tally: $(BUILD)/core/cli/main.o $(CORE_LIB)
	$(LINK) -o $@ $^ $(CORE_LIBS)

# A test-only binary with fault injection compiled in (TALLY_FAULT=input|stage|output|rename).
$(BUILD)/core/host/host_fault.o: core/host/host.c
	@mkdir -p $(@D)
	$(COMPILE) -DTALLY_FAULT_INJECTION -c $< -o $@

$(BUILD)/tally-fault: $(BUILD)/core/cli/main.o $(BUILD)/core/host/host_fault.o $(CORE_LIB)
	$(LINK) -o $@ $^ $(CORE_LIBS)

# ---- plugins: one object per source, one link per plugin -----------------------------
# Sources a plugin.mk names outside the plugin's folder (NAME_SRCS, e.g. plugins/common/*.c)
# are compiled once, under $(BUILD)/plugins/, and linked into every plugin that names them.
plugin_src_objs = $(patsubst plugins/%.c,$(BUILD)/plugins/%.o,$(1))

$(BUILD)/plugins/%.o: plugins/%.c
	@mkdir -p $(@D)
	$(COMPILE) $(PLUGIN_CFLAGS) -c $< -o $@

define plugin_rule
$(2)_OBJS := $(patsubst $(1)/%.c,$(BUILD)/plugins/$(2)/%.o,$(wildcard $(1)/*.c)) $(call plugin_src_objs,$($(2)_SRCS))
$(BUILD)/plugins/$(2)/%.o: $(1)/%.c
	@mkdir -p $$(@D)
	$$(COMPILE) $$(PLUGIN_CFLAGS) $$($(2)_CFLAGS) -c $$< -o $$@
$(BUILD)/plugins/$(2).so: $$($(2)_OBJS)
	$$(LINK) -shared -o $$@ $$^ $$($(2)_LIBS) -lm
endef
$(foreach d,$(PLUGIN_DIRS),$(eval $(call plugin_rule,$(d),$(notdir $(d)))))

define test_plugin_rule
$(BUILD)/tests/plugins/$(2)/%.o: $(1)/%.c
	@mkdir -p $$(@D)
	$$(COMPILE) -fvisibility=hidden -c $$< -o $$@
$(BUILD)/tests/plugins/$(2).so: $(patsubst $(1)/%.c,$(BUILD)/tests/plugins/$(2)/%.o,$(wildcard $(1)/*.c))
	$$(LINK) -shared -o $$@ $$^
endef
$(foreach d,$(TEST_PLUGIN_DIRS),$(eval $(call test_plugin_rule,$(d),$(notdir $(d)))))

# The csv plugin once more with tiny steps, slabs and first buffers, so that small test
# files cross every window, buffer-growth and slab boundary (tests/e2e/csv_small_steps.sh).
CSV_SMALL := $(BUILD)/tests/csv-small
CSV_SMALL_SO := $(CSV_SMALL)/csv.so
CSV_SMALL_DEFS := -DCSV_STEP=4096 -DCSV_MAP_ALIGN=4096 -DCSV_BLOCK_MIN=1 -DCSV_CHECK_STEP=4096 -DCSV_HEAD_CHECK=1024 \
                  -DCSV_FIRST_ROWS=64 -DCSV_SLAB_MIN=4096 -DCSV_REGION_SHARE=0.5 -DCSV_TEST_HOOKS
$(CSV_SMALL)/%.o: plugins/input/csv/%.c
	@mkdir -p $(@D)
	$(COMPILE) $(PLUGIN_CFLAGS) $(CSV_SMALL_DEFS) -c $< -o $@
$(CSV_SMALL_SO): $(patsubst plugins/input/csv/%.c,$(CSV_SMALL)/%.o,$(wildcard plugins/input/csv/*.c)) \
                $(call plugin_src_objs,$(csv_SRCS))
	$(LINK) -shared -o $@ $^ $(csv_LIBS) -lm

# ---- tools (sample and benchmark generators) ----------------------------------------
$(BUILD)/tools/%.o: tools/%.c
	@mkdir -p $(@D)
	$(COMPILE) -c $< -o $@
$(TOOL_BINS): $(BUILD)/tools/%: $(BUILD)/tools/%.o $(BUILD)/core/util/util.o # the core's string helpers
	$(LINK) -o $@ $^ $(READSTAT_LIBS) $(TOOL_LIBS) -lm
$(BUILD)/tools/gen_bench_xlsx: TOOL_LIBS := $(XLSX_LIBS) # the bench workbook, written by libxlsxwriter

# ---- unit tests ------------------------------------------------------------------------
# A unit test links the core library and, where it tests plugin code, that code's objects.
# test_csv_kernels calls the csv reader in-process, to choose its classification kernel.
test_csv_kernels_OBJS := $(csv_OBJS)
test_csv_kernels_LIBS := $(csv_LIBS)
# test_csv_chunks splits bodies and grows column buffers with the csv reader's own functions.
test_csv_chunks_OBJS := $(csv_OBJS)
test_csv_chunks_LIBS := $(csv_LIBS)
# test_csv_window moves phase 1's window over a mapped file as the parse does.
test_csv_window_OBJS := $(csv_OBJS)
test_csv_window_LIBS := $(csv_LIBS)
# test_csv_room grows a chunk's text room from realloc's to a mapping that moves.
test_csv_room_OBJS := $(csv_OBJS)
test_csv_room_LIBS := $(csv_LIBS)
test_template_OBJS := $(call plugin_src_objs,plugins/common/template.c plugins/common/template_render.c plugins/common/md_render.c plugins/common/utf8_text.c)
# Tests whose cases are in plain-text case files under tests/data/ read them with tests/unit/case_file.c.
CASE_FILE_OBJ := $(BUILD)/tests/unit/case_file.o
test_template_OBJS += $(CASE_FILE_OBJ)
test_stats_OBJS := $(CASE_FILE_OBJ)
test_stats_more_OBJS := $(CASE_FILE_OBJ)
test_result_OBJS := $(CASE_FILE_OBJ)
test_messages_OBJS := $(CASE_FILE_OBJ)
test_case_file_OBJS := $(CASE_FILE_OBJ)
# test_md_fidelity renders Markdown as github.com does: cmark-gfm with its autolink extension.
$(BUILD)/tests/test_md_fidelity: CORE_LIBS += $(CMARK_LIBS)
# test_md_output reads its Markdown back with cmark-gfm and its table extension.
$(BUILD)/tests/test_md_output: CORE_LIBS += $(CMARK_LIBS)
# test_hist_memo_wide counts the write() and writev() calls of the core's objects when it stores its cache
$(BUILD)/tests/test_hist_memo_wide: CORE_LIBS += -Wl,--wrap=write,--wrap=writev
# test_cache_write records (and cuts short) the writev() calls that write its cache
$(BUILD)/tests/test_cache_write: CORE_LIBS += -Wl,--wrap=writev

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(COMPILE) -Itests/unit -Iplugins/common -c $< -o $@
define unit_test_rule
$(BUILD)/tests/$(1): $(BUILD)/tests/unit/$(1).o $($(1)_OBJS) $(CORE_LIB)
	$$(LINK) -o $$@ $$^ $$(CORE_LIBS) $$($(1)_LIBS)
endef
$(foreach t,$(notdir $(TEST_BINS)),$(eval $(call unit_test_rule,$(t))))

# ---- tests: `make test` (every test) and `make check` (the quick tier) ----------------------
# T=PATTERN runs the tests whose name contains PATTERN (make test T=csv); the tests run in
# parallel as many at a time as make's -j (make -j2 test) or JOBS=N says.
TEST_JOBS ?= $(or $(patsubst -j%,%,$(filter -j%,$(MAKEFLAGS))),1)
T ?=
test-build: all $(BUILD)/tally-fault $(TEST_BINS) $(TEST_PLUGIN_SOS) $(CSV_SMALL_SO) $(TOOL_BINS)

test:
	@$(MAKE) --no-print-directory test-deps
	@$(MAKE) --no-print-directory test-build
	@BUILD=$(BUILD) JOBS=$(TEST_JOBS) T='$(T)' sh tests/run.sh

check:
	@$(MAKE) --no-print-directory test-deps
	@$(MAKE) --no-print-directory test-build
	@BUILD=$(BUILD) JOBS=$(TEST_JOBS) T='$(T)' TIER=quick sh tests/run.sh

# `make mutation-check` (slow, not part of make test): for each end-to-end script, break what it
# checks (tests/mutations.txt) in a scratch copy of the tree and see the script fail
# (tools/mutation_check.py; T=PATTERN for some scripts). e2e-build is what those scripts run.
e2e-build: all $(BUILD)/tally-fault $(TEST_PLUGIN_SOS) $(CSV_SMALL_SO) $(TOOL_BINS) fuzz-replay

mutation-check:
	@$(MAKE) --no-print-directory test-deps
	/usr/bin/python3 tools/mutation_check.py --only '$(T)'

# ---- the main job ------------------------------------------------------------------------
report:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory report-build
	@mkdir -p out
	SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-1609459200} $(BUILD)/tally run config/city-survey.lua
	@echo "report written under out/"; ls -l out/

report-build: all $(TOOL_BINS)

# ---- install ----------------------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/tally/plugins \
	  $(DESTDIR)$(PREFIX)/share/tally/stages $(DESTDIR)$(PREFIX)/share/tally/templates \
	  $(DESTDIR)$(PREFIX)/include/tally $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/tally $(DESTDIR)$(PREFIX)/bin/tally
	install -m 644 $(PLUGIN_SOS) $(DESTDIR)$(PREFIX)/lib/tally/plugins/
	install -m 644 plugins/stages/*.lua $(DESTDIR)$(PREFIX)/share/tally/stages/
	install -m 644 templates/*.md $(DESTDIR)$(PREFIX)/share/tally/templates/
	install -m 644 core/include/tally/plugin.h $(DESTDIR)$(PREFIX)/include/tally/plugin.h
	install -m 644 docs/tally.1 $(DESTDIR)$(PREFIX)/share/man/man1/tally.1

clean:
	rm -rf $(BUILD) out

# Targets kept in their own files: mk/bench.mk (make bench), mk/hardening.mk (make
# check-asan, check-valgrind, fuzz). Included last: they use the object lists above.
include $(wildcard mk/*.mk)

# The headers each object included when it was last compiled (written by -MMD -MP).
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
