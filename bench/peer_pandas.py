#!/usr/bin/python3
"""peer_pandas.py: the benchmark report done the pandas + XlsxWriter way (the peer tally is measured against).

Usage: peer_pandas.py DATA.csv CODEBOOK.lua OUTDIR      the full report: OUTDIR/peer.xlsx and OUTDIR/peer.md
       peer_pandas.py --load DATA.csv                  read_csv alone

The same tables as config/bench.lua, weighted and unweighted: a frequency table per single-choice
and Likert question, the three multiple-response sets (percent of responses and of cases), a
Likert summary, descriptives with median and quartiles, and satisfaction by age group with
chi-square, Cramer's V and column-proportion letters.
"""
import re
import sys
import time

import numpy as np
import pandas as pd

try:
    from scipy.stats import chi2 as _chi2

    def chi2_p(x, df):
        return float(_chi2.sf(x, df))
except ImportError:  # no scipy: the p-value from the regularised gamma function by series
    import math

    def chi2_p(x, df):
        a, z = df / 2.0, x / 2.0
        term = total = 1.0 / a
        k = 1
        while term > total * 1e-15 and k < 10000:
            term *= z / (a + k)
            total += term
            k += 1
        return max(0.0, 1.0 - math.exp(-z + a * math.log(z) - math.lgamma(a)) * total)

CATEGORICAL = ["region", "gender", "agegroup", "education", "employment", "household", "children",
               "housing", "settlement", "internet", "transport", "contact", "vote", "satisfaction"] + \
              ["att_%d" % i for i in range(1, 9)]
LIKERT = ["att_%d" % i for i in range(1, 9)]
SETS = ["media", "leisure", "issues"]
SCALE = ["age", "income", "hours"]
WEIGHT = "weight"


def read_codebook(path):
    """Labels, value labels, missing codes and set labels from the generated codebook (tally's Lua syntax)."""
    text = open(path, encoding="utf-8").read()
    labels, values, missing, sets = {}, {}, {}, {}
    for m in re.finditer(r'(variables?|mrset) (\{[^}]*\}|"[^"]+") \{(.*?)\n?\}\n', text, re.S):
        kind, names, body = m.groups()
        names = re.findall(r'"([^"]+)"', names)
        lab = re.search(r'label = "((?:[^"\\]|\\.)*)"', body)
        if kind == "mrset":
            sets[names[0]] = lab.group(1) if lab else names[0]
            continue
        codes = {int(c): t for c, t in re.findall(r'\[(\d+)\] = "((?:[^"\\]|\\.)*)"', body)}
        miss = re.search(r"missing = \{ ([\d, ]+) \}", body)
        for name in names:
            if lab:
                labels[name] = lab.group(1)
            if codes:
                values[name] = codes
            if miss:
                missing[name] = [int(x) for x in miss.group(1).split(",")]
    return labels, values, missing, sets


def expand_patterns(meta, df):
    """Copies entries declared for a pattern ("att_*") to every matching column."""
    for d in meta[:3]:
        for key in [k for k in d if "*" in k]:
            for c in columns_of(df, key):
                d.setdefault(c, d[key])
    return meta


def columns_of(df, pattern):
    rx = re.compile("^" + re.escape(pattern).replace(r"\*", ".*") + "$")
    return [c for c in df.columns if rx.match(c)]


def frequencies(df, var, w, meta):
    labels, values, missing, _ = meta
    s = df[var]
    counts = (w.groupby(s).sum() if w is not None else s.value_counts()).sort_index()
    sysmis = (w[s.isna()].sum() if w is not None else s.isna().sum())
    miss_codes = [c for c in counts.index if c in missing.get(var, [])]
    valid = counts.drop(miss_codes)
    total = counts.sum() + sysmis
    out = pd.DataFrame({"Count": valid, "Percent": valid / total * 100,
                        "Valid percent": valid / valid.sum() * 100})
    out["Cumulative percent"] = out["Valid percent"].cumsum()
    out.index = [values.get(var, {}).get(int(c), str(c)) for c in out.index]
    rows = [out]
    for c in miss_codes:
        rows.append(pd.DataFrame({"Count": [counts[c]], "Percent": [counts[c] / total * 100]},
                                 index=["Missing: " + values.get(var, {}).get(int(c), str(c))]))
    if sysmis:
        rows.append(pd.DataFrame({"Count": [sysmis], "Percent": [sysmis / total * 100]}, index=["Missing: system"]))
    rows.append(pd.DataFrame({"Count": [total], "Percent": [100.0]}, index=["Total"]))
    return labels.get(var, var), pd.concat(rows)


def multiresponse(df, name, w, meta):
    labels, _, _, sets = meta
    cols = columns_of(df, name + "_*")
    chosen = df[cols].eq(1)
    wt = w if w is not None else pd.Series(1.0, index=df.index)
    counts = chosen.mul(wt, axis=0).sum()
    cases = wt[chosen.any(axis=1)].sum()
    out = pd.DataFrame({"Responses": counts, "Percent of responses": counts / counts.sum() * 100,
                        "Percent of cases": counts / cases * 100})
    out.index = [labels.get(c, c) for c in cols]
    out.loc["Total"] = [counts.sum(), 100.0, counts.sum() / cases * 100]
    return sets.get(name, name), out


def likert(df, items, w, meta):
    labels, values, _, _ = meta
    rows = {}
    for v in items:
        s = df[v]
        ok = s.notna()
        wt = w[ok] if w is not None else pd.Series(1.0, index=s.index[ok])
        dist = wt.groupby(s[ok]).sum().reindex([1, 2, 3, 4, 5], fill_value=0)
        n = dist.sum()
        pct = dist / n * 100
        row = {values[v][c]: pct[c] for c in dist.index}
        row["Mean"] = float(np.average(s[ok], weights=wt))
        row["Top 2"] = pct[[4, 5]].sum()
        row["Bottom 2"] = pct[[1, 2]].sum()
        row["Net"] = row["Top 2"] - row["Bottom 2"]
        row["N"] = n
        rows[labels.get(v, v)] = row
    return "Attitudes to the neighbourhood", pd.DataFrame.from_dict(rows, orient="index")


def weighted_quantile(x, wt, q):
    order = np.argsort(x, kind="stable")
    x, wt = x[order], wt[order]
    cw = np.cumsum(wt)
    return [float(x[np.searchsorted(cw, p * cw[-1])]) for p in q]


def descriptives(df, vars_, w, meta):
    labels = meta[0]
    rows = {}
    for v in vars_:
        s = df[v].dropna()
        if w is None:
            d = s.describe()
            rows[labels.get(v, v)] = {"N": d["count"], "Mean": d["mean"], "Std. deviation": d["std"],
                                     "Minimum": d["min"], "Lower quartile": d["25%"], "Median": d["50%"],
                                     "Upper quartile": d["75%"], "Maximum": d["max"]}
        else:
            x, wt = s.to_numpy(), w[s.index].to_numpy()
            n = wt.sum()
            mean = float(np.dot(x, wt) / n)
            sd = float(np.sqrt(np.dot((x - mean) ** 2, wt) / (n - 1)))
            q1, med, q3 = weighted_quantile(x, wt, [0.25, 0.5, 0.75])
            rows[labels.get(v, v)] = {"N": n, "Mean": mean, "Std. deviation": sd, "Minimum": x.min(),
                                     "Lower quartile": q1, "Median": med, "Upper quartile": q3, "Maximum": x.max()}
    return "Descriptive statistics", pd.DataFrame.from_dict(rows, orient="index")


def crosstab(df, row, col, w, meta):
    labels, values, _, _ = meta
    if w is None:
        ct = pd.crosstab(df[row], df[col])
    else:
        ct = pd.crosstab(df[row], df[col], values=w, aggfunc="sum").fillna(0)
    obs = ct.to_numpy(dtype=float)
    n = obs.sum()
    expected = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / n
    chisq = float(((obs - expected) ** 2 / expected).sum())
    dof = (obs.shape[0] - 1) * (obs.shape[1] - 1)
    cramers_v = float(np.sqrt(chisq / (n * (min(obs.shape) - 1))))
    colpct = obs / obs.sum(axis=0) * 100
    # column-proportion z-tests: a letter for each column this cell is higher than (A: 95%, a: 90%)
    base = obs.sum(axis=0)
    letters = np.full(obs.shape, "", dtype=object)
    p = obs / base
    for i in range(obs.shape[1]):
        for j in range(obs.shape[1]):
            if i == j:
                continue
            pool = (obs[:, i] + obs[:, j]) / (base[i] + base[j])
            se = np.sqrt(pool * (1 - pool) * (1 / base[i] + 1 / base[j]))
            z = np.divide(p[:, i] - p[:, j], se, out=np.zeros_like(se), where=se > 0)
            letters[:, i] += np.where(z > 1.96, chr(65 + j), np.where(z > 1.645, chr(97 + j), ""))
    names = [values[col].get(int(c), str(c)) for c in ct.columns]
    out = pd.DataFrame(index=[values[row].get(int(r), str(r)) for r in ct.index])
    for k, name in enumerate(names):
        out[(name, "Count")] = obs[:, k]
        out[(name, "Column %")] = colpct[:, k]
        out[(name, "Sig.")] = letters[:, k]
    out.columns = pd.MultiIndex.from_tuples(out.columns)
    stats = "Pearson chi-square = %.2f, df = %d, p = %.3f; Cramer's V = %.2f" % (
        chisq, dof, chi2_p(chisq, dof), cramers_v)
    return "%s by %s" % (labels.get(row, row), labels.get(col, col)), out, stats


def build_tables(df, meta):
    tables = []  # (title, frame, note)
    for weighted in (True, False):
        w = df[WEIGHT] if weighted else None
        tag = " (weighted)" if weighted else ""
        for v in CATEGORICAL:
            t, f = frequencies(df, v, w, meta)
            tables.append((t + tag, f, ""))
        for s in SETS:
            t, f = multiresponse(df, s, w, meta)
            tables.append((t + tag, f, "More than one answer possible"))
        t, f = likert(df, LIKERT, w, meta)
        tables.append((t + tag, f, ""))
        t, f = descriptives(df, SCALE, w, meta)
        tables.append((t + tag, f, ""))
        t, f, note = crosstab(df, "satisfaction", "agegroup", w, meta)
        tables.append((t + tag, f, note))
    return tables


def write_xlsx(tables, path):
    with pd.ExcelWriter(path, engine="xlsxwriter") as xw:
        book = xw.book
        fmt_title = book.add_format({"bold": True, "font_size": 12})
        fmt_num = book.add_format({"num_format": "#,##0.0"})
        fmt_pct = book.add_format({"num_format": "0.0"})
        for k, (title, frame, note) in enumerate(tables):
            sheet_name = "T%02d" % (k + 1)
            frame.to_excel(xw, sheet_name=sheet_name, startrow=2)
            sheet = xw.sheets[sheet_name]
            sheet.write(0, 0, title, fmt_title)
            if note:
                sheet.write(1, 0, note)
            sheet.set_column(0, 0, 40)
            for c, name in enumerate(frame.columns):
                label = name[-1] if isinstance(name, tuple) else name
                sheet.set_column(c + 1, c + 1, 14, fmt_pct if ("ercent" in label or "%" in label) else fmt_num)


def write_markdown(tables, path):
    def cell(v):
        if isinstance(v, (float, np.floating)):
            return "" if np.isnan(v) else "%.1f" % v
        return str(v).replace("|", "\\|")

    with open(path, "w", encoding="utf-8") as f:
        f.write("# Benchmark survey: full report\n")
        for title, frame, note in tables:
            heads = [" ".join(c) if isinstance(c, tuple) else str(c) for c in frame.columns]
            f.write("\n## %s\n\n|  | %s |\n| :--- |%s\n" % (title, " | ".join(heads), " ---: |" * len(heads)))
            for label, row in zip(frame.index, frame.itertuples(index=False)):
                f.write("| %s | %s |\n" % (cell(label), " | ".join(cell(v) for v in row)))
            if note:
                f.write("\n%s\n" % note)


def main(argv):
    if len(argv) == 3 and argv[1] == "--load":
        t0 = time.perf_counter()
        df = pd.read_csv(argv[2])
        sys.stderr.write("read_csv %.6f s\n" % (time.perf_counter() - t0))
        print("%d rows, %d columns" % df.shape)
        return 0
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    data, codebook, outdir = argv[1:]
    df = pd.read_csv(data)
    meta = expand_patterns(read_codebook(codebook), df)
    tables = build_tables(df, meta)
    write_xlsx(tables, outdir + "/peer.xlsx")
    write_markdown(tables, outdir + "/peer.md")
    print("%d rows, %d tables" % (len(df), len(tables)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
