-- append.lua: stacks survey waves into one dataset with a wave variable; columns matched by name, labels merged.
local o = tally.options {
  datasets = { type = "list", required = true, help = "datasets to stack, first wave first" },
  into     = { type = "string", required = true, help = "name of the stacked dataset" },
  wave     = { type = "string", default = "wave", help = "name of the new wave variable (coded 1, 2, ...)" },
  labels   = { type = "list", help = "the waves' labels, e.g. { \"2020\", \"2021\" } (default: the dataset names)" },
  table    = { type = "boolean", default = true, help = "add a table of the waves' cases, with what was merged as notes" },
}
local parts = {}
for i, name in ipairs(o.datasets) do parts[i] = tally.dataset(name) end
local out, notes = tally.append { datasets = parts, labels = o.labels, wave = o.wave, name = o.into }
tally.set_dataset(o.into, out)
report.value(o.into .. "_n", out:nrows())
if #notes > 0 then report.text(o.into .. "_append_notes", table.concat(notes, " ")) end
if o.table then
  local t = tally.table {
    id = "append_" .. o.into, title = tally.tr("Waves") .. ": " .. o.into,
    columns = { { tally.tr("Wave"), "label" }, { tally.tr("Cases"), "count", 0 } },
  }
  for i, ds in ipairs(parts) do t:add_row("category", { o.labels and o.labels[i] or o.datasets[i], ds:nrows() }) end
  t:add_row("total", { tally.tr("Total"), out:nrows() })
  for _, n in ipairs(notes) do t:note(n) end
  report.add(t)
end
