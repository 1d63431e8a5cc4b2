-- crosstab.lua: a row variable by one column variable: counts, percents, chi-square and Cramér's V.
local o = tally.options {
  dataset  = { type = "string", required = true, help = "dataset to read" },
  row      = { type = "string", variables = "dataset", required = true, help = "row variable" },
  column   = { type = "string", variables = "dataset", required = true, help = "column variable" },
  cells    = { type = "list", default = { "count", "col" }, help = "cells shown: count, col, row, total" },
  tests    = { type = "boolean", default = false, help = "column-proportion tests with letters (95%: A, 90%: a)" },
  min_base = { type = "number", default = 30, help = "columns with a smaller unweighted base are not tested" },
  weight   = { type = "boolean", default = true, help = "use the dataset's weight variable" },
  count_decimals = { type = "integer", default = 0, help = "decimals of weighted counts (default 0, whole numbers)" },
  title    = { type = "string", help = "table title (default: the row variable's label)" },
  table_id = { type = "string", help = "table id (default: xtab_ROW_COLUMN)" },
  values   = { type = "string", help = "prefix of named values: PREFIX_chisq, _df, _p, _cramers_v, _n" },
}
local ds = tally.dataset(o.dataset)
local t, s = ds:crosstab(o.row, o.column, {
  cells = o.cells, tests = o.tests, min_base = o.min_base, weighted = o.weight, title = o.title, id = o.table_id,
  count_decimals = o.count_decimals })
report.add(t)
if o.values then
  local kinds = { chisq = "statistic", df = "count", p = "p", cramers_v = "statistic", n = "count" }
  for _, k in ipairs({ "chisq", "df", "p", "cramers_v", "n" }) do
    if s[k] == s[k] then report.value(o.values .. "_" .. k, s[k], nil, kinds[k]) end -- NaN: test not possible
  end
end
