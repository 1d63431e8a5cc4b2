-- frequencies.lua: one SPSS-style frequency table per variable (count, percent, valid and cumulative percent).
local o = tally.options {
  dataset   = { type = "string", required = true, help = "dataset to read" },
  variables = { type = "list", required = true, help = "variables to tabulate, one table each" },
  weight    = { type = "boolean", default = true, help = "use the dataset's weight variable" },
  ci        = { type = "number", help = "a confidence level (e.g. 95): columns with the Wilson interval of each valid percent" },
  chart     = { type = "choice", choices = { "none", "bar", "column", "pie" }, default = "none",
                help = "chart bound to each table (plots the valid percent)" },
}
local ds = tally.dataset(o.dataset)
for _, v in ipairs(o.variables) do
  report.add(ds:frequencies(v, { weighted = o.weight, chart = o.chart, ci = o.ci }))
end
