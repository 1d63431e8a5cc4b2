-- poststratify.lua: cell weighting on a full cross of variables: each cell's weighted share meets its target.
local o = tally.options(tally.weighting_options { -- and total, use, tables, id, title, into
  dataset      = { type = "string", required = true, help = "dataset to weight" },
  variables    = { type = "list", required = true, help = "the variables crossed, e.g. { \"sex\", \"age\" }" },
  targets      = { type = "table", required = true,
                   help = "one entry per cell: a category per variable (code or value label), then its share: " ..
                          "{ { 1, \"18-29\", 10.5 }, { 1, \"30-44\", 12 }, ... }" },
  unit         = { type = "choice", choices = { "percent", "proportion", "count" }, default = "percent",
                   help = "what the shares are: percent (sum 100), proportions (sum 1) or population counts" },
  weight       = { type = "string", default = "ps_weight", help = "name of the new weight variable" },
  start_weight = { type = "string", help = "a starting (design) weight (default: every case 1)" },
  trim_min     = { type = "number", help = "lowest weight, as a multiple of the mean weight; re-weighted after" },
  trim_max     = { type = "number", help = "highest weight, as a multiple of the mean weight; re-weighted after" },
  max_iter     = { type = "integer", default = 100, help = "passes at most (one suffices without trimming)" },
  missing      = { type = "choice", choices = { "error", "exclude" }, default = "error",
                   help = "a case missing one of the variables: an error, or left out (no weight)" },
})
local out, tab, summary, info = tally.dataset(o.dataset):poststratify {
  variables = o.variables, targets = o.targets, unit = o.unit, weight = o.weight, start_weight = o.start_weight,
  trim_min = o.trim_min, trim_max = o.trim_max, max_iter = o.max_iter, missing = o.missing, total = o.total,
  use = o.use, id = o.id, title = o.title,
}
tally.set_dataset(o.into or o.dataset, out)
tally.report_weighting(o.weight, info, o.tables and tab, o.tables and summary)
