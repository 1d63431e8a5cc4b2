"""partner_language_check.py LANG OUTPUT...: no English text of tally's own in a report written in LANG.

The English texts are the catalogue's (core/report/messages.def, split at printf conversions) whose LANG
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
sys.dont_write_bytecode = True  # importing tests/lib/catalogue.py leaves no __pycache__
sys.path.insert(0, str(ROOT / "tests/lib"))
from catalogue import entries  # noqa: E402


def english_texts(lang):
    """Fragments of tally's English texts a LANG report must not contain."""
    frags = set()
    for texts in entries(ROOT):
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
