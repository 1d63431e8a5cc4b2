#!/bin/sh
# mutations_table.sh: every line of tests/mutations.txt still applies to the tree (its file is there and
# holds its search text), so that `make mutation-check` breaks what each line says; a stale line is named.
. tests/lib.sh
ROOT=$(pwd)
out=$(/usr/bin/python3 tools/mutation_check.py --table-only 2>&1)
rc=$?
if [ "$rc" = 0 ]; then ok "every line of tests/mutations.txt applies ($(printf '%s\n' "$out" | tail -n 1 | sed 's/^# //'))"
else not_ok "tests/mutations.txt has stale lines"; printf '%s\n' "$out" | sed 's/^/#   /'; fi
# a table with a line whose search text is gone, and one whose file is gone: both named, exit 1
printf '# a comment\nshape.sh\tcore/lua/lua_shape.c\tno such text in the file\tx\nshape.sh\tcore/lua/gone.c\ta\tb\n' \
  >"$TMP/stale.txt"
/usr/bin/python3 "$ROOT/tools/mutation_check.py" --table-only --table "$TMP/stale.txt" >"$TMP/stale.out" 2>&1
rc=$?
check "a stale table: exit 1" test "$rc" = 1
expect_contains "  the line whose search text is gone is named" "$TMP/stale.out" \
  "stale.txt:2: shape.sh: search text not in core/lua/lua_shape.c: no such text in the file (the table is stale)"
expect_contains "  the line whose file is gone is named" "$TMP/stale.out" "stale.txt:3: shape.sh: no file core/lua/gone.c"
finish
