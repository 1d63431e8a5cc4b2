# Makefile: builds tally, its plugins and tests; installs missing Debian packages first.
#
# Layout it discovers by itself, so adding a plugin or a test needs no edit here:
#   core/*.c                      -> build/libtallycore.a (core/main.c -> build/tally)
#   plugins/{input,output}/NAME/  -> build/plugins/NAME.so (all .c in the folder;
#                                    an optional plugin.mk sets NAME_LIBS / NAME_SRCS)
#   tests/unit/test_*.c           -> build/tests/test_* (linked with the core library)
#   tests/plugins/NAME/           -> build/tests/plugins/NAME.so (test-only plugins)
#   tests/e2e/*.sh                -> run by tests/run.sh

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
BUILD   ?= build
WERROR  ?= -Werror
OPT     ?= -O3
SAN     ?=

# Debian packages: what the build needs, and what the tests add.
BUILD_PKGS := gcc make pkg-config liblua5.4-dev libxlsxwriter-dev libcmark-gfm-dev \
              libcmark-gfm-extensions-dev libreadstat-dev zlib1g-dev libjansson-dev libgsl-dev
TEST_PKGS  := python3 python3-openpyxl pspp libreoffice-calc-nogui poppler-utils unzip cmark-gfm

LUA_CFLAGS  := $(shell pkg-config --cflags lua5.4 2>/dev/null || echo -I/usr/include/lua5.4)
LUA_LIBS    := $(shell pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4)
XLSX_LIBS   := $(shell pkg-config --libs xlsxwriter 2>/dev/null || echo -lxlsxwriter -lz)
CMARK_LIBS  := $(shell pkg-config --libs libcmark-gfm 2>/dev/null || echo -lcmark-gfm) -lcmark-gfm-extensions
READSTAT_LIBS := $(shell pkg-config --libs readstat 2>/dev/null || echo -lreadstat)

CFLAGS_BASE := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g $(OPT) -Wall -Wextra $(WERROR) \
               -fPIC -Icore/include -Icore $(LUA_CFLAGS) $(SAN) \
               -DTALLY_PLUGIN_DIR='"$(PREFIX)/lib/tally/plugins"' -DTALLY_STAGE_DIR='"$(PREFIX)/share/tally/stages"'
LDFLAGS_BASE := $(SAN)

CORE_SRCS := $(filter-out core/main.c,$(wildcard core/*.c))
CORE_OBJS := $(patsubst core/%.c,$(BUILD)/core/%.o,$(CORE_SRCS))
CORE_LIB  := $(BUILD)/libtallycore.a
CORE_LIBS := $(LUA_LIBS) -ljansson -lgsl -lgslcblas -ldl -lm -lpthread

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

HEADERS := $(wildcard core/*.h core/include/tally/*.h plugins/common/*.h)

# Targets kept in their own files: mk/bench.mk (make bench), mk/hardening.mk
# (make check-asan, check-valgrind, fuzz).
-include $(wildcard mk/*.mk)

.PHONY: all deps test-deps report test install clean
.DEFAULT_GOAL := all

all: deps $(BUILD)/tally $(PLUGIN_SOS)

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
$(BUILD)/core/%.o: core/%.c $(HEADERS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -c $< -o $@

$(CORE_LIB): $(CORE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/tally: $(BUILD)/core/main.o $(CORE_LIB)
	$(CC) $(LDFLAGS_BASE) -o $@ $^ $(CORE_LIBS)

# A test-only binary with fault injection compiled in (TALLY_FAULT=input|stage|output|rename).
$(BUILD)/core/host_fault.o: core/host.c $(HEADERS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -DTALLY_FAULT_INJECTION -c $< -o $@

$(BUILD)/tally-fault: $(BUILD)/core/main.o $(BUILD)/core/host_fault.o $(CORE_LIB)
	$(CC) $(LDFLAGS_BASE) -o $@ $^ $(CORE_LIBS)

# ---- plugins (one shared object per folder) ---------------------------------------
define plugin_rule
$(BUILD)/plugins/$(notdir $(1)).so: $(wildcard $(1)/*.c) $($(notdir $(1))_SRCS) $(HEADERS) | deps
	@mkdir -p $(BUILD)/plugins
	$(CC) $(CFLAGS_BASE) -Iplugins/common -fvisibility=hidden -shared -o $$@ \
	  $(wildcard $(1)/*.c) $($(notdir $(1))_SRCS) $(LDFLAGS_BASE) $($(notdir $(1))_LIBS) -lm
endef
$(foreach d,$(PLUGIN_DIRS),$(eval $(call plugin_rule,$(d))))

define test_plugin_rule
$(BUILD)/tests/plugins/$(notdir $(1)).so: $(wildcard $(1)/*.c) $(HEADERS)
	@mkdir -p $(BUILD)/tests/plugins
	$(CC) $(CFLAGS_BASE) -fvisibility=hidden -shared -o $$@ $(wildcard $(1)/*.c) $(LDFLAGS_BASE)
endef
$(foreach d,$(TEST_PLUGIN_DIRS),$(eval $(call test_plugin_rule,$(d))))

# The csv plugin once more with tiny steps, slabs and first buffers, so that small test
# files cross every window, buffer-growth and slab boundary (tests/e2e/csv_small_steps.sh).
CSV_SMALL_SO := $(BUILD)/tests/csv-small/csv.so
$(CSV_SMALL_SO): $(wildcard plugins/input/csv/*.c plugins/input/csv/*.h) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -DCSV_STEP=4096 -DCSV_CHECK_STEP=4096 -DCSV_HEAD_CHECK=1024 \
	  -DCSV_FIRST_ROWS=64 -DCSV_SLAB_MIN=4096 \
	  -fvisibility=hidden -shared -o $@ $(wildcard plugins/input/csv/*.c) $(LDFLAGS_BASE) -lm

# ---- tools (sample and benchmark generators) ----------------------------------------
$(BUILD)/tools/%: tools/%.c $(HEADERS) $(wildcard tools/*.h) | deps
	@mkdir -p $(BUILD)/tools
	$(CC) $(CFLAGS_BASE) -o $@ $< $(LDFLAGS_BASE) $(READSTAT_LIBS) -lm

# ---- tests ---------------------------------------------------------------------------
$(BUILD)/tests/%: tests/unit/%.c tests/unit/check.h $(CORE_LIB) $(HEADERS)
	@mkdir -p $(BUILD)/tests
	$(CC) $(CFLAGS_BASE) -Itests/unit -o $@ $< $(CORE_LIB) $(LDFLAGS_BASE) $(CORE_LIBS)
# test_md_fidelity renders Markdown as github.com does: cmark-gfm with its autolink extension.
$(BUILD)/tests/test_md_fidelity: CORE_LIBS += $(CMARK_LIBS)

test: test-deps all $(BUILD)/tally-fault $(TEST_BINS) $(TEST_PLUGIN_SOS) $(CSV_SMALL_SO) $(TOOL_BINS)
	@BUILD=$(BUILD) sh tests/run.sh

# ---- the main job ------------------------------------------------------------------------
report: all $(TOOL_BINS)
	@mkdir -p out
	SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-1609459200} $(BUILD)/tally run config/city-survey.lua
	@echo "report written under out/"; ls -l out/

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
