#!/usr/bin/python3
# html_tables.py: HTML output vs JSON output: every table comes back from cmark-gfm with its rows and columns.
# The HTML output is the Markdown rendered by cmark-gfm: every table of the JSON must come back
# as an HTML table with its rows and columns, and every title as literal heading text.
from tap import Tap
import html.parser, json, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.h2, self.cur, self.text, self.tag = [], [], None, None, None
    def handle_starttag(self, tag, attrs):
        if tag == "table": self.cur = []
        elif tag == "tr" and self.cur is not None: self.cur.append([])
        elif tag in ("td", "th") and self.cur is not None: self.cur[-1].append(""); self.tag = tag
        elif tag == "h2": self.text = ""
        elif tag in ("em", "strong", "a", "code") and self.text is not None: self.text += "<%s>" % tag
    def handle_endtag(self, tag):
        if tag == "table": self.tables.append(self.cur); self.cur = None
        elif tag in ("td", "th"): self.tag = None
        elif tag == "h2": self.h2.append(self.text); self.text = None
    def handle_data(self, d):
        if self.tag and self.cur: self.cur[-1][-1] += d
        if self.text is not None: self.text += d
tag = sys.argv[3] + ": " if len(sys.argv) > 3 else ""
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
j = json.load(open(sys.argv[2]))
tap = Tap(tag)
check = tap.check
check(len(p.tables) == len(j["tables"]), "cmark-gfm finds one table per table", (len(p.tables), len(j["tables"])))
check(p.h2 == [t["title"] for t in j["tables"]], "every title is literal heading text", p.h2)
for t, h in zip(j["tables"], p.tables):
    shape = [len(r) for r in h]
    want = [len(t["columns"])] * (len(t["rows"]) + 1)
    labels = [r[0].strip() for r in h[1:]]
    check(shape == want and labels == [str(r["label"]) for r in t["rows"]],
          "%s: %d rows of %d cells, labels literal" % (t["id"], len(want), len(t["columns"])), (shape, labels))
tap.exit()
