-- timeline.lua: counts per year or per decade from a year, date or datetime variable (for example partnerships founded).
local o = tally.options {
  dataset       = { type = "string", required = true, help = "dataset to read" },
  variable      = { type = "string", variables = "dataset", required = true, help = "numeric year variable, or a date or datetime (counted by its calendar year)" },
  by            = { type = "choice", choices = { "year", "decade" }, default = "year", help = "period length" },
  decades_until = { type = "integer", help = "years before this one are grouped by decade ('1990s'), later by year" },
  from          = { type = "integer", help = "first year shown (empty years count 0)" },
  to            = { type = "integer", help = "last year shown" },
  weight        = { type = "boolean", default = true, help = "use the dataset's weight variable" },
  title         = { type = "string", help = "table title (default: the variable's label)" },
  table_id      = { type = "string", help = "table id (default: timeline_VARIABLE)" },
  chart         = { type = "choice", choices = { "none", "column", "bar", "line" }, default = "column",
                    help = "chart of the counts" },
}
local ds = tally.dataset(o.dataset)
report.add(ds:timeline(o.variable, {
  by = o.by, decades_until = o.decades_until, from = o.from, to = o.to,
  weighted = o.weight, title = o.title, id = o.table_id, chart = o.chart }))
