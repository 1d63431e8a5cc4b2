"""messages_keys.py: every text tally's sources hand to the translator is in the catalogue's texts, core/report/messages.def.

Scans C (stats_tr, tally_tr, rep_tr and the contents sheet's meta_row/entry_list), Lua stages
(tally.tr) and templates ({{ tr "..." }}); prints the texts the catalogue lacks, exits 1 if any."""
import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # importing tests/lib/catalogue.py leaves no __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
from catalogue import c_unescape, entries  # noqa: E402

root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
LIT = r'"((?:[^"\\]|\\.)*)"'


def catalogue():
    return {e["en"] for e in entries(root)}


def call_args(src, start):
    """The text from `start` (just after '(') to the matching ')', strings skipped over."""
    depth, i = 1, start
    while i < len(src) and depth:
        ch = src[i]
        if ch == '"':
            i += 1
            while src[i] != '"':
                i += 2 if src[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        i += 1
    return src[start:i - 1]


def top_level(args):
    """The argument list without nested calls (their strings are no texts to translate)."""
    out, depth, i = [], 0, 0
    while i < len(args):
        ch = args[i]
        if ch == '"':
            j = i + 1
            while args[j] != '"':
                j += 2 if args[j] == "\\" else 1
            if depth == 0:
                out.append(args[i:j + 1])
            i = j + 1
            continue
        depth += ch == "("
        if depth == 0:
            out.append(ch)
        depth -= ch == ")"
        i += 1
    return "".join(out)


def literals(args):
    """String literals of an argument list, adjacent ones joined as C joins them."""
    out, parts, last_end = [], [], None
    for m in re.finditer(LIT, args):
        if parts and re.fullmatch(r"\s*", args[last_end:m.start()]):
            parts.append(m.group(1))
        else:
            if parts:
                out.append("".join(parts))
            parts = [m.group(1)]
        last_end = m.end()
    if parts:
        out.append("".join(parts))
    return [c_unescape(s) for s in out]


def used_keys():
    found = []
    c_calls = re.compile(r"\b(stats_tr|tally_tr|rep_tr|meta_row|meta_label|entry_list)\s*\(")
    for p in list(root.glob("core/**/*.c")) + list(root.glob("plugins/**/*.c")):
        if p.name == "messages.c":
            continue
        src = p.read_text(errors="replace")
        for m in c_calls.finditer(src):
            if src[:m.start()].rstrip().endswith(("const char *", "int", "static int")):
                continue  # the definition, not a call
            for s in literals(top_level(call_args(src, m.end()))):
                found.append((p, s))
    for p in root.glob("plugins/stages/*.lua"):
        src = p.read_text()
        for m in re.finditer(r"tally\.tr\(\s*((?:\"[^\"]*\"\s*(?:\.\.\s*)?)+)\)", src):
            found.append((p, "".join(re.findall(r'"([^"]*)"', m.group(1)))))
        # texts a stage keeps in a table and translates later: { kind, "Text" } pairs marked tr-keys
        for m in re.finditer(r"-- tr-keys\n(.*?)\n\n", src, re.S):
            for s in re.findall(r'{\s*"[a-z0-9]+",\s*"([^"]+)"\s*\}', m.group(1)):
                found.append((p, s))
    for p in root.glob("templates/*"):
        for s in re.findall(r'\{\{\s*tr\s+"([^"]*)"', p.read_text()):
            found.append((p, s))
    return found


keys = catalogue()
used = used_keys()
missing = [(p, s) for p, s in used if s not in keys]
for p, s in missing:
    print(f"not in the catalogue: {s!r} ({p})")
print(f"{len(used)} uses of {len({s for _, s in used})} texts checked against {len(keys)} catalogue entries")
sys.exit(1 if missing or len(used) < 50 else 0)
