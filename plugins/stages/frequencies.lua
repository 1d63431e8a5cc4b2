-- frequencies.lua: one SPSS-style frequency table per variable (count, percent, valid and cumulative percent).
local o = tally.options {
  dataset   = { type = "string", required = true, help = "dataset to read" },
  variables = { type = "list", variables = "dataset", required = true, help = "variables to tabulate, one table each" },
  weight    = { type = "boolean", default = true, help = "use the dataset's weight variable" },
  count_decimals = { type = "integer", default = 0, help = "decimals of weighted counts (default 0, whole numbers)" },
  ci        = { type = "number", help = "a confidence level (e.g. 95): columns with the Wilson interval of each valid percent" },
  chart     = { type = "choice", choices = { "none", "bar", "column", "pie" }, default = "none",
                help = "chart bound to each table (plots the valid percent)" },
  title     = { type = "string", help = "table title (default: the variable's label; \", weighted\" or \", unweighted\" added on a weighted dataset); one variable only" },
  table_id  = { type = "string", help = "table id (default: freq_VARIABLE); one variable only" },
}
tally.one_table(o, o.variables, "variable")
local ds = tally.dataset(o.dataset)
-- several tables: their counts in one pass over the weights (a speed hint; the same figures)
if #o.variables > 1 then ds:prefetch(o.variables, { weighted = o.weight }) end
for _, v in ipairs(o.variables) do
  report.add(ds:frequencies(v, { weighted = o.weight, chart = o.chart, title = o.title, id = o.table_id,
    count_decimals = o.count_decimals, ci = o.ci }))
end
