# tests/lib.sh: helpers for end-to-end test scripts; each check prints "ok - ..." or "not ok - ...".
# Scripts are run from the repository root with $TALLY (the binary) and $BUILD set.
set -u
: "${BUILD:=build}"
: "${TALLY:=$BUILD/tally}"
PY=/usr/bin/python3
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tally-test.XXXXXX")
trap "rm -rf $TMP" EXIT
failures=0

ok()     { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failures=$((failures + 1)); }
# skip WHY: a check that could not run here; tests/run.sh counts it apart, never as a pass.
skip()   { echo "ok - # SKIP $*"; }

# check DESC CMD...: passes when CMD exits 0.
check() { d=$1; shift; if "$@" >"$TMP/.out" 2>&1; then ok "$d"; else not_ok "$d"; sed 's/^/#   /' "$TMP/.out" | head -20; fi; }
# check_said DESC CMD...: check, with the last line CMD printed appended to the ok line (the figures it checked).
check_said() { d=$1; shift; if "$@" >"$TMP/.out" 2>&1; then ok "$d: $(tail -n 1 "$TMP/.out")"; else not_ok "$d"; sed 's/^/#   /' "$TMP/.out" | head -20; fi; }

# expect_exit DESC CODE CMD...: runs CMD, keeps its stderr in $TMP/stderr and stdout in $TMP/stdout.
expect_exit() {
  d=$1; want=$2; shift 2
  "$@" >"$TMP/stdout" 2>"$TMP/stderr"; got=$?
  if [ "$got" = "$want" ]; then ok "$d (exit $want)"; else
    not_ok "$d: exit $got, want $want"; sed 's/^/#   /' "$TMP/stderr" | head -20; fi
}

# expect_contains DESC FILE TEXT: FILE contains TEXT literally.
expect_contains() {
  if grep -qF -- "$3" "$2"; then ok "$1"; else
    not_ok "$1: '$3' not in $2"; sed 's/^/#   /' "$2" | head -20; fi
}

# expect_same DESC GOT WANT: the two files are byte-identical.
expect_same() {
  if cmp -s "$2" "$3"; then ok "$1"; else
    not_ok "$1: $2 differs from $3"; diff -u "$3" "$2" | head -40 | sed 's/^/#   /'; fi
}

# all_outputs BASE: the config lines of one output in each format, writing BASE.json, BASE.md,
# BASE.html and BASE.xlsx (append them to a config: { cat <<EOF ... EOF; all_outputs r; } >r.lua).
all_outputs() {
  for kind in json:json markdown:md html:html xlsx:xlsx; do
    printf 'output "%s" { path = "%s.%s" }\n' "${kind%%:*}" "$1" "${kind#*:}"
  done
}

finish() { [ "$failures" = 0 ]; exit $?; }
