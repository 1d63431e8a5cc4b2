# tests/lib/catalogue.py: the message catalogue's entries as core/report/messages.def holds them, read as C reads them.
# entries(ROOT) -> [{"en": ..., "de": ..., "zh": ...}] in file order; an entry that is not
# MSG("...", "...", "...") with string literals only (adjacent ones joined) is an error naming its line,
# so that a malformed entry is never passed over as if the catalogue lacked it.
import re
from pathlib import Path

DEF = "core/report/messages.def"
LANGS = ("en", "de", "zh")
# a string literal, a comment, or one other character
TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|/\*.*?\*/|//[^\n]*|\s+|.', re.S)


def c_unescape(s):
    """The text of a literal's inside (no quotes), C escapes resolved; the file is UTF-8."""
    return bytes(s, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def _tokens(src):
    """(line, token) for string literals, identifiers and punctuation; comments and space dropped."""
    line, word = 1, ""
    for m in TOKEN.finditer(src):
        tok = m.group(0)
        if re.fullmatch(r"\w", tok):
            word += tok
        else:
            if word:
                yield line, word
                word = ""
            if not tok.isspace() and not tok.startswith(("/*", "//")):
                yield line, tok
        line += tok.count("\n")
    if word:
        yield line, word


def entries(root):
    path = Path(root) / DEF
    toks = list(_tokens(path.read_text(encoding="utf-8")))
    out, i = [], 0

    def fail(at, what):
        raise SystemExit(f"{path}:{toks[min(at, len(toks) - 1)][0]}: {what}; an entry is MSG(\"en\", \"de\", \"zh\")")

    while i < len(toks):
        if toks[i][1] != "MSG" or i + 1 >= len(toks) or toks[i + 1][1] != "(":
            fail(i, f"unexpected {toks[i][1]!r}")
        i += 2
        texts = []
        for n, lang in enumerate(LANGS):
            parts = []
            while i < len(toks) and len(toks[i][1]) > 1 and toks[i][1].startswith('"'):
                parts.append(toks[i][1][1:-1])
                i += 1
            if not parts:
                fail(i, f"the {lang} text is not a string literal")
            texts.append(c_unescape("".join(parts)))
            want = "," if n < len(LANGS) - 1 else ")"
            if i >= len(toks) or toks[i][1] != want:
                fail(i, f"expected {want!r} after the {lang} text")
            i += 1
        out.append(dict(zip(LANGS, texts)))
    return out
