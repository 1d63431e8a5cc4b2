#!/bin/sh
# html_print_width.sh: the flagship report's HTML printed on A4 landscape by headless Chromium keeps every table
# inside the page's margins (the wide Likert tables before the tab book were cut at the right edge), at full size:
# Chromium shrinks a whole page whose content is too wide for it, which keeps every word inside the margins too, so
# the report's title is compared with the same title printed alone (under the print stylesheet before 5a3b103 it came out at 78%).
. tests/lib.sh
for p in chromium pdftotext; do
  command -v $p >/dev/null 2>&1 || { not_ok "$p is installed (make test-deps installs it)"; finish; }
done
ROOT=$(pwd)
expect_exit "the flagship report runs" 0 "$TALLY" run "$ROOT/config/city-survey.lua" --outdir "$TMP/out"
print_pdf() { # print_pdf HTML PDF: headless Chromium's print of HTML (A4 landscape by the page's own @page rule)
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --user-data-dir="$TMP/chrome" --no-pdf-header-footer --print-to-pdf="$2" \
    "file://$1" >/dev/null 2>&1
}
print_pdf "$TMP/out/city-survey.html" "$TMP/print.pdf"
check "chromium printed the report" test -s "$TMP/print.pdf"
pdftotext -bbox "$TMP/print.pdf" "$TMP/words.html"
# The unshrunk size: the report's own head (its stylesheet) and title, and nothing that could be too wide.
$PY - "$TMP/out/city-survey.html" "$TMP/title.html" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
head = re.match(r"(?s)(.*?<body[^>]*>)", html).group(1)
title = re.search(r"(?s)<h1[^>]*>.*?</h1>", html).group(0)
open(sys.argv[2], "w", encoding="utf-8").write(head + "\n" + title + "\n</body></html>\n")
PY
print_pdf "$TMP/title.html" "$TMP/title.pdf"
check "chromium printed the title alone" test -s "$TMP/title.pdf"
pdftotext -bbox -f 1 -l 1 "$TMP/title.pdf" "$TMP/title-words.html"
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
# Full size: the first word of the title, on page 1, is as high as when the title is printed alone.
def first_word_height(body):
    m = re.search(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', body)
    return (float(m.group(2)) - float(m.group(1)), m.group(3)) if m else (0, "")
alone = re.findall(r'<page width="[\d.]+" height="[\d.]+">(.*?)</page>', open(sys.argv[2], encoding="utf-8").read(), re.S)
(h, word), (h0, word0) = first_word_height(pages[0][2] if pages else ""), first_word_height(alone[0] if alone else "")
scale = h / h0 if h0 > 0 else 0
full = word == word0 and word and scale > 0.98
print(("ok - " if full else "not ok - ") + "printed at full size: the title's '%s' is %.2f pt high, %.2f pt alone (%.0f%%)" % (word, h, h0, 100 * scale)
      + ("" if full else "  # Chromium shrank the page to fit content too wide for it (first words: '%s', '%s')" % (word, word0)))
sys.exit(0 if pages and likert and not out and full else 1)
PY
$PY "$TMP/width.py" "$TMP/words.html" "$TMP/title-words.html" || failures=$((failures + 1))
finish
