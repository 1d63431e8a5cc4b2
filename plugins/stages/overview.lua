-- overview.lua: the default report of a dataset: frequencies, multiple-response sets, descriptives.
-- `tally report FILE -o OUT` runs this stage. It decides per variable, from metadata first:
--   measure "scale"                    -> descriptives
--   measure nominal/ordinal, or labels -> a frequency table
--   no metadata: a numeric variable with at most `max_categories` distinct values is
--   categorical, else scale; a string variable with at most that many is categorical,
--   else free text (listed in a note, not tabulated).
-- Variables that belong to a multiple-response set are shown in the set's table.
local o = tally.options {
  dataset        = { type = "string", required = true, help = "dataset to describe" },
  max_categories = { type = "integer", default = 20, help = "most distinct values a variable without metadata may have to be tabulated" },
  weight         = { type = "boolean", default = true, help = "use the dataset's weight variable" },
}
local ds = tally.dataset(o.dataset)

local in_set = {}
local sets = ds:mrsets()
for _, name in ipairs(sets) do
  for _, member in ipairs(ds:mrset_members(name)) do in_set[member] = true end
end
local weight = ds:weight()

local function has_labels(v)
  return next(v.values) ~= nil
end

local scale, text = {}, {}
for _, name in ipairs(ds:variables()) do
  if not in_set[name] and name ~= weight then
    local v = ds:var(name)
    local kind
    if v.measure == "scale" then
      kind = "scale"
    elseif v.measure == "nominal" or v.measure == "ordinal" or has_labels(v) then
      kind = "categorical"
    else
      local groups = ds:count_by(name)
      if #groups <= o.max_categories then
        kind = "categorical"
      elseif v.type == "numeric" then
        kind = "scale"
      else
        kind = "text"
      end
    end
    if kind == "categorical" then
      report.add(ds:frequencies(name, { weighted = o.weight }))
    elseif kind == "scale" then
      scale[#scale + 1] = name
    else
      text[#text + 1] = name
    end
  end
end

for _, name in ipairs(sets) do
  report.add(ds:multiresponse(name, { weighted = o.weight }))
end

if #scale > 0 then
  local t = ds:descriptives(scale, { weighted = o.weight })
  if #text > 0 then
    t:note(tally.tr("Free-text variables not tabulated") .. ": " .. table.concat(text, ", "))
  end
  report.add(t)
end

report.value("n_rows", ds:nrows())
report.value("n_variables", #ds:variables())
