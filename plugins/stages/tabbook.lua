-- tabbook.lua: the full tab set: every categorical variable, multiple-response set and scale variable by one banner.
-- Questions come in questionnaire order (the dataset's variable order; a set where its first variable
-- stands), one banner table each (so one contents entry each). A variable decides its kind as in the
-- overview stage: value labels or a nominal/ordinal measure make it categorical, a scale measure a
-- scale; without metadata its values decide. Dates, identifiers, free text, the weight and the banner's
-- own variables are left out, and a note under the first table names what was left out.
local o = tally.options {
  dataset    = { type = "string", required = true, help = "dataset to tabulate" },
  banner     = { type = "list", variables = "dataset", required = true, help = "banner variables or sets; \"outer>inner\" nests one in another" },
  rows       = { type = "list", default = { "*" }, help = "questions: names, sets or patterns with * (\"q1_*\"); \"*\" for all" },
  exclude    = { type = "list", default = {}, help = "names or patterns left out" },
  max_categories = { type = "integer", default = 20, help = "most distinct values a variable without metadata may have to be categorical" },
  cells      = { type = "list", default = { "count", "col" }, help = "cells shown: count, col, row, total" },
  cell_style = { type = "choice", choices = { "stacked", "combined", "separate" }, default = "stacked",
                 help = "stacked: count over column %; combined: \"71.6% B\"; separate: a column per figure" },
  tests      = { type = "boolean", default = true, help = "column proportions and means compared, letters" },
  sig        = { type = "list", default = { 0.05, 0.10 }, help = "significance levels of upper and lower case letters" },
  welch      = { type = "boolean", default = false, help = "means compared without assuming equal variances (Welch)" },
  bonferroni = { type = "boolean", default = false, help = "p adjusted for the pairs compared in each banner variable" },
  min_base   = { type = "number", default = 30, help = "columns with a smaller unweighted base are not tested" },
  low_base   = { type = "list", default = { 30, 10 }, help = "bases flagged * below the first and ** below the second" },
  nets       = { type = "table", default = {}, help = "net rows for every question with these codes: { [\"Top 2 box\"] = { 4, 5 } }" },
  sort       = { type = "boolean", default = false, help = "categories by the Total column, descending (other, don't know last)" },
  hide_empty = { type = "boolean", default = false, help = "rows zero in every column left out" },
  weight     = { type = "boolean", default = true, help = "use the dataset's weight variable" },
  ci         = { type = "number", help = "a confidence level (e.g. 95): intervals of column % (Wilson) and means (t) in the cells" },
  id_prefix  = { type = "string", default = "tab", help = "table ids are PREFIX_NAME" },
}
local ds = tally.dataset(o.dataset)

-- a name matches a pattern: equal, or a glob with * (any run of characters)
local function matches(name, pat)
  if pat == name then return true end
  if not pat:find("*", 1, true) then return false end
  local lp = "^" .. pat:gsub("[%^%$%(%)%%%.%[%]%+%-%?]", "%%%0"):gsub("%*", ".*") .. "$"
  return name:match(lp) ~= nil
end
local function any_match(name, pats)
  for _, p in ipairs(pats) do if matches(name, p) then return true end end
  return false
end

-- the banner's own variables (and set members) are not questions of the book
local skip = {}
local set_of = {}
local sets = ds:mrsets()
for _, s in ipairs(sets) do
  for _, m in ipairs(ds:mrset_members(s)) do set_of[m] = set_of[m] or s end
end
for _, b in ipairs(o.banner) do
  for part in b:gmatch("[^>]+") do
    skip[part] = true
    for _, s in ipairs(sets) do
      if s == part then for _, m in ipairs(ds:mrset_members(s)) do skip[m] = true end end
    end
  end
end
local weight = ds:weight()
if weight then skip[weight] = true end

-- A variable whose metadata say its kind (value labels, a date, a numeric scale); nil when its values decide.
local function kind_by_metadata(v)
  if next(v.values) ~= nil then return "categorical" end
  if v.is_date then return "date" end
  if v.measure == "scale" and v.type == "numeric" then return "scale" end
  return nil
end

-- A variable the book asks for as a question of its own (a set's members come as their set).
local function is_single_question(name)
  return not set_of[name] and not skip[name] and any_match(name, o.rows) and not any_match(name, o.exclude)
end

-- The shapes of every such variable whose values decide its kind, asked at once (both threads count):
-- distinct values are counted up to the limit only, as the tests below ask no more of them.
local ask = {}
for _, name in ipairs(ds:variables()) do
  if is_single_question(name) and not kind_by_metadata(ds:var(name)) then ask[#ask + 1] = name end
end
local shapes = ds:shapes(ask, math.max(o.max_categories, 10))

-- As the overview stage decides, except that a nominal or ordinal variable without value labels
-- and with more than max_categories distinct values (an identifier, a free number) is no category.
local function kind_of(name)
  local v = ds:var(name)
  local known = kind_by_metadata(v)
  if known then return known end
  local s = shapes[name]
  local distinct, answers, whole, repeats = s.distinct, s.answers, s.whole, s.repeats
  local few = distinct <= o.max_categories
  if (v.measure == "nominal" or v.measure == "ordinal") and v.type == "numeric" and few then return "categorical" end
  if repeats and few and (distinct <= 10 or 2 * distinct <= answers) then return "categorical" end
  if v.type ~= "numeric" then return "text" end
  if whole and not repeats and distinct >= 10 then return "identifier" end
  return "scale"
end

local questions, left_out, done_set = {}, {}, {}
for _, name in ipairs(ds:variables()) do
  local set = set_of[name]
  if set and not skip[name] then
    if not done_set[set] and any_match(set, o.rows) and not any_match(set, o.exclude) then
      questions[#questions + 1] = { name = set }
    end
    done_set[set] = true
  elseif is_single_question(name) then
    local kind = kind_of(name)
    if kind == "categorical" or kind == "scale" then
      questions[#questions + 1] = { name = name, scale = kind == "scale" }
    else
      left_out[#left_out + 1] = name
    end
  end
end
if #questions == 0 then
  error("tabbook: no question of dataset '" .. o.dataset .. "' matches rows = { " .. table.concat(o.rows, ", ") ..
        " } (the banner's variables and the weight are not questions)")
end

local names, scale, categorical = {}, {}, {}
for _, q in ipairs(questions) do
  names[#names + 1] = q.name
  if q.scale then scale[#scale + 1] = q.name else categorical[#categorical + 1] = q.name end
end
local tables = ds:banner_book(names, o.banner, {
  id = o.id_prefix, cells = o.cells, cell_style = o.cell_style, tests = o.tests, sig = o.sig,
  welch = o.welch, bonferroni = o.bonferroni, min_base = o.min_base, low_base = o.low_base[1],
  very_low_base = o.low_base[2], scale = scale, categorical = categorical, nets = o.nets, sort = o.sort,
  hide_empty = o.hide_empty, weighted = o.weight, ci = o.ci })
if #left_out > 0 then
  tables[1]:note(tally.tr("Variables not tabulated") .. ": " .. table.concat(left_out, ", "))
end
for _, t in ipairs(tables) do report.add(t) end
report.value(o.id_prefix .. "_tables", #questions)
