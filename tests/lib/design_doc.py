#!/usr/bin/python3
# tests/lib/design_doc.py: checks docs/design.md against a source tree (prints ok / not ok) and writes the Lua files that run its examples.
# Usage: design_doc.py ROOT OUTDIR. Checks: every path the page names exists, every source file is
# named, the stage shown "whole" is the file, every option of the example config is one its stage
# declares, every Lua function the stage libraries register (core/lua/lua_runtime.c, lua_report.c, lua_table.c, lua_data.c, lua_stats.c) is listed. Writes OUTDIR/example.lua (the
# config example) and OUTDIR/library.lua (a stage that fails unless every listed function exists).
import glob, os, re, sys
sys.dont_write_bytecode = True  # importing tap.py leaves no __pycache__ in tests/lib
import tap
from tap import ok

root, outdir = sys.argv[1], sys.argv[2]

doc = open(os.path.join(root, "docs/design.md"), encoding="utf-8").read()

def expand(tok):
    """core/x.{h,c} -> core/x.h, core/x.c"""
    m = re.search(r"\{([^{}]*)\}", tok)
    if not m:
        return [tok]
    return [p for alt in m.group(1).split(",") for p in expand(tok[:m.start()] + alt + tok[m.end():])]

# Paths the page names: backticked tokens with a folder, and in a table row whose first cell
# is a folder (`plugins/input/csv/`), the bare file names of that row.
named = set()
for line in doc.splitlines():
    toks = re.findall(r"`([^`]+)`", line)
    folder = None
    if line.startswith("|") and toks and toks[0].endswith("/") and line.index(toks[0]) < line.index("|", 1):
        folder = toks[0]
    for tok in toks:
        for p in expand(tok):
            if re.fullmatch(r"[\w.\-*]+\.(c|h|lua|md|sh|py|mk)", p) and folder:
                named.add(folder + p)
            elif re.fullmatch(r"(core|plugins|tests|tools|fuzz|docs|templates|mk|samples|config)/[\w./\-*]*", p):
                named.add(p)

missing = sorted(p for p in named if "NAME" not in p and not glob.glob(os.path.join(root, p)))
ok(not missing, "every path design.md names exists (%d paths)" % len(named), "\n".join(missing))

sources = [os.path.relpath(f, root) for pat in ("core/*.[ch]", "core/*/*.[ch]", "core/include/tally/*.h", "plugins/*/*/*.[ch]",
           "plugins/common/*.[ch]", "tools/*.[ch]", "fuzz/*.[ch]") for f in glob.glob(os.path.join(root, pat))]
unnamed = sorted(f for f in sources if f not in named)
ok(sources and not unnamed, "design.md names every source file (%d files)" % len(sources),
   "not named: " + ", ".join(unnamed))

# The stage library paragraph names every stage file, and only those.
m = re.search(r"The stage library: (.*?)\(", doc, re.S)
listed = set(re.findall(r"`(\w+)`", m.group(1))) if m else set()
stages = {os.path.basename(f)[:-4] for f in glob.glob(os.path.join(root, "plugins/stages/*.lua"))}
ok(listed == stages, "the stage library list is plugins/stages/*.lua",
   "missing: %s; no such stage: %s" % (sorted(stages - listed), sorted(listed - stages)))

# A stage shown "whole" is the file, byte for byte.
for path, block in re.findall(r"`(plugins/stages/\w+\.lua)`, whole:\s*```lua\n(.*?)```", doc, re.S):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        ok(f.read() == block, "the stage shown whole is %s as it is" % path)

def declared(stage):
    """Option names a stage declares in its tally.options { ... } spec."""
    try:
        text = open(os.path.join(root, "plugins/stages/%s.lua" % stage), encoding="utf-8").read()
    except OSError:
        return None
    return set(re.findall(r"^\s*(\w+)\s*=\s*\{\s*type\s*=", text, re.M))

# The config example: each stage's options exist; written out for the shell test to run.
m = re.search(r"This one runs.*?```lua\n(.*?)```", doc, re.S)
ok(m is not None, "design.md has the runnable config example")
config = m.group(1) if m else ""
for stage, body in re.findall(r'stage\s+"(\w+)"\s*\{(.*)\}', config):
    opts = re.findall(r"(?:^|[{,])\s*(\w+)\s*=", re.sub(r"\{[^{}]*\}", "{}", body))
    have = declared(stage)
    bad = [o for o in opts if have is None or o not in have]
    ok(not bad, "example stage '%s': options %s are declared by plugins/stages/%s.lua" % (stage, ", ".join(opts), stage),
       "not declared: %s" % bad)
with open(os.path.join(outdir, "example.lua"), "w", encoding="utf-8") as f:
    f.write(config)

# The Lua library list against what core/lua/lua_*.c registers.
lib = doc[doc.index("## Lua library"):] if "## Lua library" in doc else ""
funcs = sorted(set(re.findall(r"`((?:tally|report)\.\w+|ds:\w+|t:\w+)", lib)))
registered = set()
for name in ("lua_runtime.c", "lua_report.c", "lua_table.c", "lua_data.c", "lua_stats.c"):
    text = open(os.path.join(root, "core", "lua", name), encoding="utf-8").read()
    for arr in re.findall(r"luaL_Reg\s+\w+\[\]\s*=\s*\{(.*?)\};", text, re.S):
        registered.update(re.findall(r'\{"(\w+)",\s*\w+\}', arr))
    registered.update(re.findall(r'lua_push(?:cfunction\(L, \w+|cclosure\(L, \w+, \d+)\);\s*lua_setfield\(L, -2, "(\w+)"\);', text))
registered -= {"methods", "__index", "__gc", "__metatable", "__tostring"}
listed_names = {re.split(r"[.:]", x)[1] for x in funcs}
unlisted = sorted(registered - listed_names)
ok(funcs and not unlisted, "design.md lists every Lua function the stage libraries register (%d)" % len(registered),
   "not listed: " + ", ".join(unlisted))
with open(os.path.join(outdir, "library.lua"), "w", encoding="utf-8") as f:
    f.write("-- written by tests/lib/design_doc.py: fails unless every function design.md lists exists\n")
    f.write('local ds = tally.dataset("responses")\n')
    f.write('local t = tally.table{ id = "doc", title = "doc", columns = { { "Label", "label" } } }\n')
    f.write("local missing = {}\n")
    for x in funcs:
        kind = "string" if x == "tally.language" else "function"
        expr = x.replace("ds:", "ds.").replace("t:", "t.")
        f.write('if type(%s) ~= "%s" then missing[#missing + 1] = "%s" end\n' % (expr, kind, x))
    f.write('if #missing > 0 then error("not registered: " .. table.concat(missing, ", ")) end\n')
    f.write('report.value("doc_functions", %d)\n' % len(funcs))
sys.exit(tap.exit_code())
