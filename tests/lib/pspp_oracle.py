#!/usr/bin/python3
# pspp_oracle.py: runs GNU PSPP and tally on the same survey data and compares every figure (prints ok / not ok).
import csv, io, json, math, os, subprocess, sys
sys.dont_write_bytecode = True  # importing tap.py leaves no __pycache__ in tests/lib
import tap
from tap import ok

# The survey data and PSPP syntax it reads are in tests/data/stats/.
tally, tmp = sys.argv[1], sys.argv[2]
here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "stats")

def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr

def pspp_tables(job, cwd):
    """PSPP's CSV output as a list of (title, rows)."""
    with open(os.path.join(cwd, "job.sps"), "w") as f:
        f.write(job)
    rc, out = run(["pspp", "-O", "format=csv", "-o", "out.csv", "job.sps"], cwd)
    if rc != 0:
        raise RuntimeError("pspp failed: " + out[-2000:])
    tables, title, rows = [], None, []
    with open(os.path.join(cwd, "out.csv"), newline="") as f:
        for line in f.read().split("\n"):
            if line.startswith("Table: "):
                title, rows = line[7:], []
                tables.append((title, rows))
            elif line.strip() and title is not None:
                rows.append(next(csv.reader([line])))
    return tables

def find(tables, title, nth=0):
    hits = [rows for t, rows in tables if t == title]
    return hits[nth] if len(hits) > nth else None

def num(s):
    """A PSPP figure ('28.4%', '.413', '2.50') and the tolerance its rounding allows."""
    s = s.strip().rstrip("%")
    if not s or s == ".":
        return None, None
    if s in CODES:  # PSPP shows a labelled minimum or maximum by its label
        return CODES[s], 1e-9
    dec = len(s.split(".")[1]) if "." in s else 0
    return float(s), 0.5 * 10 ** -dec + 1e-9

def near(got, want_text):
    want, tol = num(want_text)
    if want is None:
        return got is None
    return got is not None and abs(got - want) <= tol

def tally_tables(config, cwd):
    with open(os.path.join(cwd, "job.lua"), "w") as f:
        f.write(config)
    rc, out = run([tally, "run", "job.lua"], cwd)
    if rc != 0:
        raise RuntimeError("tally run failed (%d): %s" % (rc, out[-2000:]))
    with open(os.path.join(cwd, "out.json")) as f:
        return json.load(f)

def cell(table, row_label, col_label):
    cols = [c["label"] for c in table["columns"]]
    for r in table["rows"]:
        if r["label"] == row_label and col_label in cols:
            return r["cells"][cols.index(col_label)]
    return "absent"

CODES = {"Very dissatisfied": 1, "Dissatisfied": 2, "Neutral": 3, "Satisfied": 4, "Very satisfied": 5}

PROCS = """FREQUENCIES region satis.
CROSSTABS region BY gender /STATISTICS=CHISQ PHI /CELLS=COUNT ROW COLUMN TOTAL.
DESCRIPTIVES age satis /STATISTICS=MEAN STDDEV MIN MAX.
EXAMINE age /PERCENTILES(25,50,75)=HAVERAGE.
"""

def compare(kind, weighted, labels):
    what = "%s %s" % (kind, "weighted" if weighted else "unweighted")
    cwd = os.path.join(tmp, what.replace(" ", "_"))
    os.makedirs(cwd, exist_ok=True)
    for f in ("survey.csv", "make_sav.sps"):
        with open(os.path.join(here, f)) as src, open(os.path.join(cwd, f), "w") as dst:
            dst.write(src.read())
    if kind == "sav":
        rc, out = run(["pspp", "make_sav.sps"], cwd)
        ok(rc == 0 and os.path.exists(os.path.join(cwd, "survey.sav")), what + ": PSPP wrote survey.sav", out[-500:])
        load = "GET FILE='survey.sav'.\n"
        inp = 'input "d" { plugin = "readstat", path = "survey.sav"%s }' % (', weight = "w"' if weighted else "")
    else:
        load = ("GET DATA /TYPE=TXT /FILE='survey.csv' /ARRANGEMENT=DELIMITED /DELIMITERS=',' /FIRSTCASE=2\n"
                "  /VARIABLES= id F4.0 region F2.0 gender F2.0 satis F2.0 age F3.0 w F4.2.\n")
        inp = 'input "d" { plugin = "csv", path = "survey.csv"%s }' % (', weight = "w"' if weighted else "")
    pt = pspp_tables(load + ("WEIGHT BY w.\n" if weighted else "") + PROCS, cwd)
    config = """report { title = "PSPP oracle" }
%s
stage "frequencies" { dataset = "d", variables = { "region", "satis" } }
stage "crosstab" { dataset = "d", row = "region", column = "gender", cells = { "count", "col", "row", "total" }, values = "xt" }
stage "descriptives" { dataset = "d", variables = { "age", "satis" } }
output "json" { path = "out.json" }
""" % inp
    rep = tally_tables(config, cwd)
    byid = {t["id"]: t for t in rep["tables"]}

    # FREQUENCIES: every row PSPP prints, by label
    for var, title in (("region", labels.get("region", "region")), ("satis", labels.get("satis", "satis"))):
        pf, tf = find(pt, title), byid.get("freq_" + var)
        ok(pf is not None and tf is not None, "%s: FREQUENCIES %s present in both" % (what, var))
        if pf is None or tf is None:
            continue
        section, bad, n = "", [], 0
        for r in pf[1:]:
            section = r[0] or section
            label = r[1]
            if section == "Total":
                label = "Total"
            elif section == "Missing":
                label = "System missing" if label == "." else label
            elif label == "Total":
                label = "Valid total"
            for j, col in ((2, "Count"), (3, "Percent"), (4, "Valid percent"), (5, "Cumulative percent")):
                if j >= len(r) or not r[j]:
                    continue
                got = cell(tf, label, col)
                n += 1
                if got == "absent" or not near(got, r[j]):
                    bad.append("%s/%s: tally %s, PSPP %s" % (label, col, got, r[j]))
        ok(not bad and n > 8, "%s: FREQUENCIES %s, %d figures match PSPP" % (what, var, n), "; ".join(bad[:5]))

    # CROSSTABS: cells and chi-square
    tx = byid.get("xtab_region_by_gender")
    pc = find(pt, "%s × %s" % (labels.get("region", "region"), labels.get("gender", "gender")))
    ok(tx is not None and pc is not None, what + ": CROSSTABS present in both")
    if tx and pc:
        heads = pc[1][3:]
        names = {"Count": "Count", "Row %": "Row %", "Column %": "Column %", "Total %": "Total %"}
        row, bad, n = "", [], 0
        for r in pc[2:]:
            row = r[1] or (r[0] if r[0] == "Total" else row)
            stat = names.get(r[2])
            for j, h in enumerate(heads):
                h = h or ("Total" if j == len(heads) - 1 else "")
                if not h or not stat or 3 + j >= len(r):
                    continue
                col = "%s: %s" % (h, stat)
                got = cell(tx, row, col)
                n += 1
                if got == "absent" or not near(got, r[3 + j]):
                    bad.append("%s/%s: tally %s, PSPP %s" % (row, col, got, r[3 + j]))
        ok(not bad and n >= 40, "%s: CROSSTABS cells, %d figures match PSPP" % (what, n), "; ".join(bad[:5]))
        chi = find(pt, "Chi-Square Tests")
        sym = find(pt, "Symmetric Measures")
        vals = rep["values"]
        pear = [r for r in chi if r[0] == "Pearson Chi-Square"][0]
        cv = [r for r in sym if r[1] == "Cramer's V"][0]
        ok(near(vals["xt_chisq"]["number"], pear[1]), "%s: Pearson chi-square %s" % (what, pear[1]),
           "tally %s" % vals["xt_chisq"]["number"])
        ok(near(vals["xt_df"]["number"], pear[2]), "%s: df %s" % (what, pear[2]))
        ok(near(vals["xt_p"]["number"], pear[3]), "%s: p-value %s" % (what, pear[3]), "tally %s" % vals["xt_p"]["number"])
        ok(near(vals["xt_cramers_v"]["number"], cv[2]), "%s: Cramér's V %s" % (what, cv[2]),
           "tally %s" % vals["xt_cramers_v"]["number"])

    # DESCRIPTIVES and EXAMINE percentiles
    td, pd = byid.get("desc_age"), find(pt, "Descriptive Statistics")
    ok(td is not None and pd is not None, what + ": DESCRIPTIVES present in both")
    if td and pd:
        bad, n = [], 0
        for r in pd[1:]:
            shown = {labels.get(v, v): v for v in ("age", "satis")}  # PSPP shows the label when there is one
            if r[0] not in shown:
                continue
            label = r[0]
            for j, col in ((1, "N"), (2, "Mean"), (3, "Std. deviation"), (4, "Minimum"), (5, "Maximum")):
                got = cell(td, label, col)
                n += 1
                if got == "absent" or not near(got, r[j]):
                    bad.append("%s/%s: tally %s, PSPP %s" % (label, col, got, r[j]))
        ok(not bad and n == 10, "%s: DESCRIPTIVES, %d figures match PSPP" % (what, n), "; ".join(bad[:5]))
        pp = find(pt, "Percentiles")
        hav = [r for r in pp if r[1] == "Weighted Average"][0]
        label = labels.get("age", "age")
        bad = []
        for j, col in ((2, "25th percentile"), (3, "Median"), (4, "75th percentile")):
            got = cell(td, label, col)
            if got == "absent" or not near(got, hav[j]):
                bad.append("%s: tally %s, PSPP %s" % (col, got, hav[j]))
        ok(not bad, "%s: quartiles match PSPP EXAMINE HAVERAGE" % what, "; ".join(bad))

sav_labels = {"region": "Region of the city", "gender": "Gender", "satis": "Satisfaction with the partnership",
              "age": "Age in years"}
for kind, labels in (("sav", sav_labels), ("csv", {})):
    for weighted in (False, True):
        try:
            compare(kind, weighted, labels)
        except Exception as e:  # a crash is a failure with its reason
            ok(False, "%s %s: oracle run" % (kind, "weighted" if weighted else "unweighted"), str(e)[:1500])
sys.exit(tap.exit_code())
