# tests/e2e/build_deps.sh: a -j2 build from clean in a copy of the tree; touching a header rebuilds exactly the objects whose sources include it; packages are checked by make test and make report first, never by a plain make; CC, CPPFLAGS, CFLAGS, LDFLAGS are the user's.
# tier: full (make test runs it, make check leaves it out: it builds the whole tree once more)
. tests/lib.sh
SRC=$TMP/src
mkdir -p "$SRC"
cp -r Makefile mk core plugins tools fuzz tests "$SRC"/ 2>/dev/null
rm -rf "$SRC/tests/e2e" "$SRC/tests/golden"
# Sources older than anything built, so that a touched header is the only newer file.
find "$SRC" -exec touch -d '2020-01-01 00:00' {} +
mk() { make -C "$SRC" --no-print-directory BUILD=b "$@"; }

# --- from clean, two jobs at a time: everything make test needs -----------------------------------
# (at -O0: what is rebuilt does not depend on the optimisation, and the test's own build is cheaper)
check "make -j2 test-build from clean" mk -j2 CFLAGS=-O0 test-build
check "a second make has nothing to do" mk -q test-build
for f in b/tally b/plugins/csv.so b/plugins/xlsx.so b/plugins/csv/read.o b/plugins/common/template.o \
         b/tests/test_template b/tests/csv-small/csv.so b/fuzz-replay/fuzz_csv; do
  check "built $f" test -s "$SRC/$f"
done
# Each source is compiled once per flavour: template.c once for html, markdown, fuzz and test_template.
n=$(find "$SRC/b" -name 'template.o' | wc -l)
if [ "$n" = 1 ]; then ok "plugins/common/template.c is compiled once"; else not_ok "template.o built $n times"; fi
n=$(find "$SRC/b" -name 'tokenize.o' | wc -l)
if [ "$n" = 2 ]; then ok "csv tokenize.c compiled twice (plugin; small-step build with other -D)"; else not_ok "tokenize.o built $n times"; fi
if grep -q '^#include ".*\.c"' tests/unit/*.c; then not_ok "a unit test includes a plugin .c file"; else ok "no unit test includes a plugin .c file"; fi

# --- touching a header (or .def) rebuilds exactly its dependants ------------------------------------
# The objects built and their sources (the first prerequisite of each .d file).
( cd "$SRC" && for d in $(find b -name '*.d'); do
    printf '%s %s\n' "${d%.d}.o" "$(tr '\\\n' '  ' <"$d" | awk '{ print $2 }')"
  done ) | sort >"$TMP/objsrc"
sources=$(cut -d' ' -f2 "$TMP/objsrc" | sort -u)
# (a .def file of X-macro entries, core/report/messages.def, is included as a header is)
headers=$(cd "$SRC" && find core plugins tools fuzz tests \( -name '*.h' -o -name '*.def' \) | sort)
nh=0 bad=0
for h in $headers; do
  nh=$((nh + 1))
  $PY tests/lib/includes.py "$SRC" "$h" $sources >"$TMP/want-src"
  awk 'FILENAME == ARGV[1] { w[$1] = 1; next } ($2 in w) { print $1 }' "$TMP/want-src" "$TMP/objsrc" | sort >"$TMP/want"
  # (not make -W: it matches names, and a header included as ../x.h has another name)
  touch "$SRC/$h"
  mk -n test-build | grep -o ' -o b/[^ ]*\.o' | sed 's/^ -o //' | sort >"$TMP/got"
  touch -d '2020-01-01 00:00' "$SRC/$h"
  if ! cmp -s "$TMP/got" "$TMP/want"; then
    bad=$((bad + 1)); not_ok "touch $h: rebuilt objects differ from the sources that include it"
    diff "$TMP/want" "$TMP/got" | head -10 | sed 's/^/#   /'
  elif [ ! -s "$TMP/want" ]; then
    bad=$((bad + 1)); not_ok "touch $h: no source includes it (a header nothing uses?)"
  fi
done
[ "$bad" = 0 ] && ok "touching each of $nh headers (.h, .def) rebuilds exactly the objects that include it"
touch "$SRC/core/util/util.h"
n=$(mk -n test-build | grep -c ' -o b/.*\.o')
m=$(mk -n test-build | grep -c ' -o b/plugins/')
touch -d '2020-01-01 00:00' "$SRC/core/util/util.h"
if [ "$m" = 0 ] && [ "$n" -gt 0 ]; then ok "touching core/util/util.h rebuilds $n objects, no plugin"; else
  not_ok "touching core/util/util.h rebuilds $n objects, $m of them plugin objects"; fi
touch "$SRC/plugins/input/csv/csv.h"
if mk -n test-build | grep -q ' -o b/plugins/csv.so'; then ok "touching csv.h relinks csv.so"; else
  not_ok "csv.h is no prerequisite of csv.so"; fi
touch -d '2020-01-01 00:00' "$SRC/plugins/input/csv/csv.h"
# And for real: touch a header, make, and only its includers are compiled again.
touch "$SRC/plugins/common/md_render.h"
mk CFLAGS=-O0 test-build >"$TMP/real.log" 2>&1
grep -o ' -o b/[^ ]*\.o' "$TMP/real.log" | sed 's/^ -o //' | sort >"$TMP/got"
$PY tests/lib/includes.py "$SRC" plugins/common/md_render.h $sources >"$TMP/want-src"
awk 'FILENAME == ARGV[1] { w[$1] = 1; next } ($2 in w) { print $1 }' "$TMP/want-src" "$TMP/objsrc" | sort >"$TMP/want"
if [ -s "$TMP/want" ] && cmp -s "$TMP/got" "$TMP/want"; then ok "touch md_render.h; make compiles exactly its $(wc -l <"$TMP/want") includers"; else
  not_ok "touch md_render.h; make compiled other objects"; diff "$TMP/want" "$TMP/got" | head -10 | sed 's/^/#   /'; fi

# --- packages: `deps` is a target of its own that make test and make report run first, never a
# prerequisite of what is built (a plain make, or one object, checks no package) ----------------------
rm -f "$SRC/b/core/util/util.o"
mk -n all >"$TMP/n-all.log" 2>&1
mk -n b/core/util/util.o >"$TMP/n-obj.log" 2>&1
if grep -q 'dpkg-query' "$TMP/n-all.log" "$TMP/n-obj.log"; then not_ok "a plain make checks Debian packages"
else ok "a plain make and an object's rule check no Debian package"; fi
expect_contains "the plain make still compiles util.o" "$TMP/n-obj.log" "-o b/core/util/util.o"
for goal in test report; do
  mk -n $goal >"$TMP/n-$goal.log" 2>&1
  first_pkg=$(grep -n -m1 'dpkg-query' "$TMP/n-$goal.log" | cut -d: -f1)
  first_cc=$(grep -n -m1 -- ' -o b/' "$TMP/n-$goal.log" | cut -d: -f1)
  if [ -n "$first_pkg" ] && [ -n "$first_cc" ] && [ "$first_pkg" -lt "$first_cc" ]; then
    ok "make $goal checks the Debian packages first, then builds"
  else not_ok "make $goal: packages checked at line ${first_pkg:-none}, first build at line ${first_cc:-none}"; fi
done

# --- the user's flags ---------------------------------------------------------------------------------
rm -f "$SRC/b/core/util/util.o"
mk CFLAGS='-O0 -g' CPPFLAGS=-DTALLY_USER_CPPFLAG b/core/util/util.o >"$TMP/o0.log" 2>&1
check "make CFLAGS='-O0 -g' compiles util.o" test -s "$SRC/b/core/util/util.o"
if grep -q -- '-O0 -g' "$TMP/o0.log" && ! grep -q -- '-O3' "$TMP/o0.log"; then ok "CFLAGS=-O0 replaces the default -O3"; else
  not_ok "CFLAGS not honoured"; sed 's/^/#   /' "$TMP/o0.log"; fi
expect_contains "CPPFLAGS is passed on" "$TMP/o0.log" "-DTALLY_USER_CPPFLAG"
expect_contains "project flags stay (-Wall)" "$TMP/o0.log" "-Wall"
# What the compiler recorded in the object, not what make printed.
readelf --debug-dump=info "$SRC/b/core/util/util.o" 2>/dev/null | grep -m1 DW_AT_producer >"$TMP/producer"
expect_contains "util.o was compiled with -O0 (DW_AT_producer)" "$TMP/producer" "-O0"
printf '#!/bin/sh\necho "$*" >>%s\nexec cc "$@"\n' "$TMP/cc.log" >"$TMP/mycc"; chmod +x "$TMP/mycc"
rm -f "$SRC/b/tally"
mk CC="$TMP/mycc" LDFLAGS=-Wl,-z,now b/tally >/dev/null 2>&1
check "make CC=... LDFLAGS=... links tally" test -x "$SRC/b/tally"
expect_contains "CC is the user's" "$TMP/cc.log" "-o b/tally"
expect_contains "LDFLAGS is passed to the link" "$TMP/cc.log" "-Wl,-z,now"
finish
