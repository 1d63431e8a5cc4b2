-- ranking.lua: the top-N categories of a variable or a multiple-response set, by count (ties in code order).
local o = tally.options {
  dataset   = { type = "string", required = true, help = "dataset to read" },
  variable  = { type = "string", variables = "dataset", help = "a variable or the name of a multiple-response set" },
  variables = { type = "list", variables = "dataset", help = "or: dichotomy variables forming a set (1 = chosen)" },
  counted   = { type = "number", default = 1, help = "with variables: the value that means 'chosen'" },
  top       = { type = "integer", default = 10, help = "rows shown (0: all)" },
  other     = { type = "boolean", default = false, help = "add an 'Other' row for the rest" },
  weight    = { type = "boolean", default = true, help = "use the dataset's weight variable" },
  title     = { type = "string", help = "table title (default: the variable's or set's label)" },
  id        = { type = "string", help = "table id (default: ranking_NAME)" },
  table_id  = { type = "string", help = "table id (the same as `id`, which a config cannot pass: it reserves `id` for the stage block)" },
  chart     = { type = "choice", choices = { "none", "bar", "column" }, default = "bar", help = "chart of the counts" },
}
local ds = tally.dataset(o.dataset)
local what = o.variable or o.variables
if not what then error("ranking: give 'variable' or 'variables'") end
report.add(ds:ranking(what, {
  top = o.top, other = o.other, counted = o.counted, weighted = o.weight,
  title = o.title, id = o.table_id or o.id, chart = o.chart }))
