# tests/e2e/long_functions.sh: no function of the core runs over 100 lines without a "Long:" comment saying why (tools/long_functions.py), and the tool finds one that does.
. tests/lib.sh
TOOL=tools/long_functions.py

if $PY "$TOOL" --strict core >"$TMP/core.txt" 2>&1; then
  ok "every core function over 100 lines says why ($(wc -l <"$TMP/core.txt") such functions)"
else
  not_ok "core functions over 100 lines without a reason"; grep -v 'reason given' "$TMP/core.txt" | sed 's/^/#   /'
fi

# A file with a long function, a long one with its reason, and a one-line function.
{
  echo 'static int one(void) { return 1; }'
  echo; echo 'int long_one(void)'; echo '{'
  i=0; while [ $i -lt 101 ]; do echo '    one();'; i=$((i + 1)); done
  echo '}'
  echo; echo '/* Long: a table of cases. */'; echo 'int long_why(void)'; echo '{'
  i=0; while [ $i -lt 101 ]; do echo '    one();'; i=$((i + 1)); done
  echo '}'
} >"$TMP/sample.c"
if $PY "$TOOL" --strict "$TMP/sample.c" >"$TMP/sample.txt" 2>&1; then not_ok "--strict passes a long function without a reason"
else ok "--strict fails a long function without a reason"; fi
expect_contains "the long function is listed with its length" "$TMP/sample.txt" "104 $TMP/sample.c:3 long_one"
expect_contains "the one with a reason is marked" "$TMP/sample.txt" "long_why [reason given]"
if grep -q ' one$' "$TMP/sample.txt"; then not_ok "a one-line function is listed"; else ok "a one-line function is not listed"; fi
finish
