"""partner_language_check.py LANG OUTPUT...: no English text of tally's own in a report written in LANG.

The English texts are the catalogue's (core/report/messages.c, split at printf conversions) whose LANG
text differs; each output is read as a reader gets it: XLSX cells and sheet names through openpyxl
plus every text node of its XML parts (charts, legends, axis titles, properties), Markdown as text,
HTML without tags, JSON string values. Prints each English text found and exits 1 if any."""
import html.parser
import json
import re
import sys
import zipfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
LIT = r'"((?:[^"\\]|\\.)*)"'


def c_str(parts):
    return bytes("".join(parts), "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def catalogue():
    src = (ROOT / "core/report/messages.c").read_text()
    out = []
    for entry in re.finditer(r"\{\s*\.en\s*=(.*?)\}", src, re.S):
        texts = {}
        for m in re.finditer(r"\.(en|de|zh)\s*=\s*((?:\s*" + LIT + r")+)", "{.en =" + entry.group(1)):
            texts[m.group(1)] = c_str(re.findall(LIT, m.group(2)))
        out.append(texts)
    return out


def english_texts(lang):
    """Fragments of tally's English texts a LANG report must not contain."""
    frags = set()
    for texts in catalogue():
        own = texts.get(lang, "")
        for frag in re.split(r"%[-0-9.]*[sdizuf]", texts["en"]):
            frag = frag.strip(" .,:;()")
            if len(re.sub(r"[^A-Za-z]", "", frag)) < 3 or frag in own:
                continue  # too short to be a word, or the same in LANG ("Median", "Minimum")
            frags.add(frag)
    # English texts of tally that are not messages: the stages' value notes and chart defaults
    return sorted(frags)


class TextOnly(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "script")
        self.parts.extend(v for k, v in attrs if k in ("title", "alt") and v)

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings(v)


def texts_of(path):
    p = Path(path)
    if p.suffix == ".xlsx":
        wb = openpyxl.load_workbook(p)
        for ws in wb.worksheets:
            yield ws.title
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str):
                        yield c.value
        with zipfile.ZipFile(p) as z:
            for name in z.namelist():
                if name.endswith(".xml") and not name.endswith(("styles.xml", "theme1.xml")):
                    for t in re.findall(r"<(?:a:t|t|c:v|dc:title|dc:subject|cp:keywords)[^>]*>([^<]*)<",
                                        z.read(name).decode("utf-8")):
                        yield t
    elif p.suffix in (".html", ".htm"):
        parser = TextOnly()
        parser.feed(p.read_text())
        yield from parser.parts
    elif p.suffix == ".json":
        yield from strings(json.loads(p.read_text()))
    else:
        yield p.read_text()


def main():
    lang, files = sys.argv[1], sys.argv[2:]
    frags = english_texts(lang)
    found = 0
    for f in files:
        seen = set()
        for text in texts_of(f):
            for frag in frags:
                if frag not in seen and re.search(r"(?<![A-Za-z])" + re.escape(frag) + r"(?![A-Za-z])", text):
                    seen.add(frag)
                    found += 1
                    print(f"{Path(f).name}: English \"{frag}\" in: {text[:120]!r}")
    print(f"# {len(files)} outputs checked against {len(frags)} English texts of tally")
    sys.exit(1 if found or len(frags) < 40 else 0)


main()
