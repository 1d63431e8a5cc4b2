# install.sh: `make install` puts a working tally under DESTDIR: binary, plugins, stages, header, man page.
. tests/lib.sh
ROOT=$(pwd)
dest="$TMP/root"
check "make install into DESTDIR" make -s BUILD="$BUILD" install DESTDIR="$dest" PREFIX=/opt/tally
for f in bin/tally lib/tally/plugins/csv.so lib/tally/plugins/xlsx.so lib/tally/plugins/markdown.so \
         share/tally/stages/frequencies.lua share/tally/templates/default.md include/tally/plugin.h \
         share/man/man1/tally.1; do
  check "installed $f" test -f "$dest/opt/tally/$f"
done
inst="$dest/opt/tally/bin/tally"
expect_exit "the installed tally lists its plugins" 0 env -u TALLY_PLUGIN_PATH "$inst" plugins
expect_contains "installed plugins are found next to the binary" "$TMP/stdout" "$dest/opt/tally/bin/../lib/tally/plugins/csv.so"
cp -r tests/data/e2e "$TMP/e2e"
cd "$TMP/e2e" || exit 1
SOURCE_DATE_EPOCH=1609459200 expect_exit "the installed tally runs a report" 0 "$inst" run basic.lua
expect_same "with the same result as the build" out/basic.md "$ROOT/tests/golden/basic.md"
check "a plugin builds against the installed header alone" \
  cc -std=c11 -Wall -Wextra -Werror -fPIC -shared -I"$dest/opt/tally/include" \
     -o "$TMP/badabi.so" "$ROOT/tests/plugins/badabi/badabi.c"
finish
