#!/bin/sh
# html_print_width.sh: the flagship report's HTML printed on A4 landscape by headless Chromium keeps every table
# inside the page's margins (the wide Likert tables before the tab book were cut at the right edge).
. tests/lib.sh
for p in chromium pdftotext; do
  command -v $p >/dev/null 2>&1 || { not_ok "$p is installed (make test-deps installs it)"; finish; }
done
ROOT=$(pwd)
expect_exit "the flagship report runs" 0 "$TALLY" run "$ROOT/config/city-survey.lua" --outdir "$TMP/out"
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$TMP/chrome" --no-pdf-header-footer --print-to-pdf="$TMP/print.pdf" \
  "file://$TMP/out/city-survey.html" >/dev/null 2>&1
check "chromium printed the report" test -s "$TMP/print.pdf"
pdftotext -bbox "$TMP/print.pdf" "$TMP/words.html"
cat >"$TMP/width.py" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
fails = 0
pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', text, re.S)
margin = 10 / 25.4 * 72  # the print stylesheet's 10 mm
out, likert = [], 0
for i, (w, h, body) in enumerate(pages, 1):
    words = re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', body)
    for x0, x1, word in words:
        if float(x1) > float(w) - margin + 1 or float(x0) < margin - 1:
            out.append((i, word, float(x1)))
    if "Determinants" in body or "Perceived" in body:
        likert += 1
print(("ok - " if pages and float(pages[0][0]) > float(pages[0][1]) else "not ok - ") + "the pages are landscape")
print(("ok - " if likert else "not ok - ") + "the Likert tables are printed")
print(("ok - " if not out else "not ok - ") + "every word of %d pages lies inside the 10 mm margins" % len(pages)
      + ("" if not out else "  # outside: %s" % out[:8]))
sys.exit(0 if pages and likert and not out else 1)
PY
$PY "$TMP/width.py" "$TMP/words.html" || failures=$((failures + 1))
finish
