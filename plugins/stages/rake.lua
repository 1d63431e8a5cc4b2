-- rake.lua: rim weighting (raking): a new weight variable whose weighted shares meet population targets.
local o = tally.options(tally.weighting_options { -- and total, use, tables, id, title, into
  dataset      = { type = "string", required = true, help = "dataset to weight" },
  targets      = { type = "table", required = true,
                   help = "per variable, each category's share, by code or value label: " ..
                          "{ sex = { [1] = 49, [2] = 51 }, age = { [\"18-29\"] = 20, ... } }" },
  variables    = { type = "list", help = "the order the variables are raked in (default: by name)" },
  unit         = { type = "choice", choices = { "percent", "proportion", "count" }, default = "percent",
                   help = "what the targets are: percent (sum 100), proportions (sum 1) or population counts" },
  weight       = { type = "string", default = "rake_weight", help = "name of the new weight variable" },
  start_weight = { type = "string", help = "a starting (design) weight to rake from (default: every case 1)" },
  tolerance    = { type = "number", default = 1e-6, help = "largest gap between a weighted share and its target (0..1)" },
  max_iter     = { type = "integer", default = 100, help = "iterations (passes over every variable) at most" },
  trim_min     = { type = "number", help = "lowest weight, as a multiple of the mean weight (e.g. 0.3); re-raked after" },
  trim_max     = { type = "number", help = "highest weight, as a multiple of the mean weight (e.g. 3); re-raked after" },
  missing      = { type = "choice", choices = { "error", "exclude", "skip" }, default = "error",
                   help = "a case without a valid value of a raking variable: an error, left out (no weight), " ..
                          "or raked on the other variables" },
})
local out, tab, summary, info = tally.dataset(o.dataset):rake {
  targets = o.targets, variables = o.variables, unit = o.unit, weight = o.weight, start_weight = o.start_weight,
  tolerance = o.tolerance, max_iter = o.max_iter, trim_min = o.trim_min, trim_max = o.trim_max,
  missing = o.missing, total = o.total, use = o.use, id = o.id, title = o.title,
}
tally.set_dataset(o.into or o.dataset, out)
tally.report_weighting(o.weight, info, o.tables and tab, o.tables and summary)
