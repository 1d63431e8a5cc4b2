-- descriptives.lua: N, mean, standard deviation, minimum, maximum, median and quartiles of numeric variables.
local o = tally.options {
  dataset   = { type = "string", required = true, help = "dataset to read" },
  variables = { type = "list", variables = "dataset", required = true, help = "numeric variables, one row each" },
  weight    = { type = "boolean", default = true, help = "use the dataset's weight variable" },
  count_decimals = { type = "integer", default = 0, help = "decimals of weighted counts (default 0, whole numbers)" },
  title     = { type = "string", help = "table title (default: Descriptive statistics)" },
  id        = { type = "string", help = "table id (default: desc_FIRSTVARIABLE)" },
  table_id  = { type = "string", help = "table id (the same as `id`, which a config cannot pass: it reserves `id` for the stage block)" },
  ci        = { type = "number", help = "a confidence level (e.g. 95): columns with the t interval of each mean" },
}
local ds = tally.dataset(o.dataset)
report.add(ds:descriptives(o.variables, { weighted = o.weight, title = o.title, id = o.table_id or o.id,
  count_decimals = o.count_decimals, ci = o.ci }))
