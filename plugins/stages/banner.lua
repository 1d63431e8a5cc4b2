-- banner.lua: banner tables: each row variable by several column variables side by side plus Total.
local o = tally.options {
  dataset  = { type = "string", required = true, help = "dataset to read" },
  rows     = { type = "list", required = true, help = "row variables, one table each" },
  columns  = { type = "list", required = true, help = "banner variables (column groups)" },
  cells    = { type = "list", default = { "count", "col" }, help = "cells shown: count, col, row, total" },
  tests    = { type = "boolean", default = true, help = "column-proportion tests with letters (95%: A, 90%: a)" },
  min_base = { type = "number", default = 30, help = "columns with a smaller unweighted base are not tested" },
  weight   = { type = "boolean", default = true, help = "use the dataset's weight variable" },
}
local ds = tally.dataset(o.dataset)
for _, r in ipairs(o.rows) do
  local t = ds:crosstab(r, o.columns, {
    cells = o.cells, tests = o.tests, min_base = o.min_base, weighted = o.weight })
  report.add(t)
end
