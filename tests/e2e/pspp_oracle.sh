#!/bin/sh
# pspp_oracle.sh: tally's frequencies, crosstabs and descriptives against GNU PSPP on a .sav and a CSV, weighted and not.
. tests/lib.sh
if ! command -v pspp >/dev/null 2>&1; then
  not_ok "pspp is installed (make test-deps installs it)"
  finish
fi
$PY tests/lib/pspp_oracle.py "$PWD/$TALLY" "$TMP" || failures=$((failures + 1))
finish
