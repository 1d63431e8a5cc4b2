-- banner.lua: banner tables: each row question (variable, set or scale) by the banner columns plus Total.
local o = tally.options {
  dataset    = { type = "string", required = true, help = "dataset to read" },
  rows       = { type = "list", variables = "dataset", required = true, help = "row questions: variables or multiple-response sets, one table each" },
  columns    = { type = "list", variables = "dataset", required = true, help = "banner variables or sets; \"outer>inner\" nests one in another" },
  cells      = { type = "list", default = { "count", "col" }, help = "cells shown: count, col, row, total" },
  cell_style = { type = "choice", choices = { "stacked", "combined", "separate" }, default = "stacked",
                 help = "stacked: count over column % in each category; combined: \"71.6% B\" in one cell; separate: a column per figure" },
  tests      = { type = "boolean", default = true, help = "column proportions (z) and means (t) compared, letters (95%: A, 90%: a)" },
  sig        = { type = "list", default = { 0.05, 0.10 }, help = "significance levels of upper and lower case letters" },
  welch      = { type = "boolean", default = false, help = "means compared without assuming equal variances (Welch)" },
  bonferroni = { type = "boolean", default = false, help = "p adjusted for the pairs compared in each banner variable" },
  min_base   = { type = "number", default = 30, help = "columns with a smaller unweighted base are not tested" },
  low_base   = { type = "list", default = { 30, 10 }, help = "bases flagged * below the first and ** below the second" },
  scale      = { type = "list", variables = "dataset", default = {}, help = "row variables shown as Mean, Std. deviation, Median, N (scale variables are)" },
  nets       = { type = "table", default = {}, help = "net rows: { [\"Top 2 box\"] = { 4, 5 } }" },
  sort       = { type = "boolean", default = false, help = "categories by the Total column, descending (other, don't know last)" },
  hide_empty = { type = "boolean", default = false, help = "rows zero in every column left out" },
  total_first = { type = "boolean", default = true, help = "the Total column first (false: last)" },
  weight     = { type = "boolean", default = true, help = "use the dataset's weight variable" },
  ci         = { type = "number", help = "a confidence level (e.g. 95): intervals of column % (Wilson) and means (t) in the cells" },
  title      = { type = "string", help = "table title (default: the row question's label); one row question only" },
  table_id   = { type = "string", help = "table id (default: banner_ROW); one row question only" },
}
tally.one_table(o, o.rows, "row question")
local ds = tally.dataset(o.dataset)
for _, r in ipairs(o.rows) do
  report.add(ds:banner(r, o.columns, {
    cells = o.cells, cell_style = o.cell_style, tests = o.tests, sig = o.sig, welch = o.welch,
    bonferroni = o.bonferroni, min_base = o.min_base, low_base = o.low_base[1], very_low_base = o.low_base[2],
    scale = o.scale, nets = o.nets, sort = o.sort, hide_empty = o.hide_empty, total_first = o.total_first,
    weighted = o.weight, title = o.title, id = o.table_id, ci = o.ci }))
end
