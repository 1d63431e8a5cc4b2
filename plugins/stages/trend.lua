-- trend.lua: one question wave by wave (a line chart) and each wave's change from the one before, tested.
local o = tally.options {
  dataset   = { type = "string", required = true, help = "dataset with a wave variable (see the append stage)" },
  variables = { type = "list", required = true, help = "questions to follow, one pair of tables each" },
  wave      = { type = "string", default = "wave", help = "the wave variable" },
  means     = { type = "boolean", default = false,
                help = "follow the mean (Welch t tests) instead of the categories' percentages (z tests)" },
  weight    = { type = "boolean", default = true, help = "use the dataset's weight (tests on effective bases)" },
}
local ds = tally.dataset(o.dataset)
for _, v in ipairs(o.variables) do
  local figures, change = ds:trend(v, o.wave, { means = o.means, weighted = o.weight })
  report.add(figures)
  report.add(change)
end
