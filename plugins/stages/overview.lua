-- overview.lua: the default report of a dataset: frequencies, multiple-response sets, descriptives.
-- `tally report FILE -o OUT` runs this stage. It decides per variable, from metadata first:
--   value labels, or a numeric nominal/ordinal variable -> a frequency table
--   a date                                              -> not tabulated
--   a numeric variable of measure "scale"               -> descriptives
-- Otherwise (no metadata, or a string that SPSS calls nominal by default) the values decide:
-- a variable whose values repeat (some value given twice, at most `max_categories` distinct
-- values, and at most 10 or at most half as many as there are answers) is categorical; else a
-- numeric variable is a scale, a string variable free text, and a numeric variable of distinct
-- whole numbers (10 or more) an identifier. Dates, identifiers and free text are not tabulated:
-- a note under the last table names them (when nothing can be tabulated, a table lists them).
-- Variables that belong to a multiple-response set are shown in the set's table; the weight
-- variable is not tabulated.
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

-- The rules above live in the core (treatment.c), so that `tally describe` says the same.
local function kind_of(name)
  return ds:treatment(name, o.max_categories)
end

local tables, scale = {}, {}
local skipped = { text = {}, date = {}, identifier = {}, metadata = {} }
for _, name in ipairs(ds:variables()) do
  if not in_set[name] and name ~= weight then
    local kind = kind_of(name)
    if kind == "categorical" then
      tables[#tables + 1] = ds:frequencies(name, { weighted = o.weight })
    elseif kind == "scale" then
      scale[#scale + 1] = name
    else
      local list = skipped[kind]
      list[#list + 1] = name
    end
  end
end

for _, name in ipairs(sets) do
  tables[#tables + 1] = ds:multiresponse(name, { weighted = o.weight })
end

if #scale > 0 then
  tables[#tables + 1] = ds:descriptives(scale, { weighted = o.weight })
end

-- What was left out, under the last table (or as the named value `not_tabulated`).
local notes = {}
-- tr-keys
for _, k in ipairs({ { "text", "Free-text variables not tabulated" },
                     { "date", "Date variables not tabulated" },
                     { "identifier", "Identifiers not tabulated" },
                     { "metadata", "Metadata fields not tabulated" } }) do

  local list = skipped[k[1]]
  if #list > 0 then notes[#notes + 1] = tally.tr(k[2]) .. ": " .. table.concat(list, ", ") end
end
if #tables == 0 and #notes > 0 then
  -- Nothing could be tabulated: say which variables there are, rather than write an empty report.
  local t = tally.table {
    id = "overview_not_tabulated",
    title = tally.tr("Variables not tabulated"),
    columns = { { tally.tr("Variable"), "label" }, { tally.tr("Label"), "text" } },
  }
  for _, kind in ipairs({ "text", "date", "identifier", "metadata" }) do
    for _, name in ipairs(skipped[kind]) do t:add_row("category", { name, ds:var(name).label or "" }) end
  end
  tables[1] = t
end
if #tables > 0 then
  for _, n in ipairs(notes) do tables[#tables]:note(n) end
end
for _, t in ipairs(tables) do report.add(t) end
report.text("not_tabulated", table.concat(notes, "; "))

report.value("n_rows", ds:nrows(), nil, "count")
report.value("n_variables", #ds:variables(), nil, "count")
