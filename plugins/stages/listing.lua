-- listing.lua: the cases of each group listed by name (e.g. the cities with four, three and two partners).
local o = tally.options {
  dataset   = { type = "string", required = true, help = "dataset to read" },
  by        = { type = "string", required = true, help = "variable that groups the cases (one row per value)" },
  show      = { type = "list", required = true, help = "variable(s) whose values are listed (e.g. \"city\"; several are joined by `joiner`)" },
  joiner    = { type = "string", default = " - ", help = "text between the values of several `show` variables of one case" },
  where     = { type = "string", help = "list only the rows where this condition holds (see docs/expressions.md)" },
  order     = { type = "choice", choices = { "ascending", "descending" }, default = "ascending",
                help = "order of the groups by value" },
  separator = { type = "string", default = ", ", help = "text between two listed values" },
  title     = { type = "string", help = "table title (default: \"SHOW by BY\" from the variables' labels)" },
  table_id  = { type = "string", help = "table id (default: list_BY)" },
  label     = { type = "string", help = "heading of the listed values' column (default: the first `show` variable's label)" },
  values    = { type = "string", help = "prefix of named values: PREFIX_VALUE (the list, text) and PREFIX_VALUE_n (its length)" },
  max_cases = { type = "integer", default = 1000, help = "most rows a listing may show (it reads cells one by one)" },
}
local ds = tally.dataset(o.dataset)
if o.where then ds = ds:filter(o.where) end
if ds:nrows() > o.max_cases then
  error(string.format("listing: %d rows to list, more than max_cases = %d; narrow it with `where`", ds:nrows(), o.max_cases))
end
local byvar, showvar = ds:var(o.by), ds:var(o.show[1])
local function quoted(name) return "`" .. name .. "`" end

local groups = {}
for _, g in ipairs(ds:count_by(o.by)) do
  if not g.missing then groups[#groups + 1] = g end
end
if o.order == "descending" then
  local n = #groups
  for i = 1, n // 2 do groups[i], groups[n + 1 - i] = groups[n + 1 - i], groups[i] end
end

-- dates, datetimes and times as the report shows them, other numbers in full
local function show_value(v, var)
  if type(v) == "number" and var and var.date_kind and var.date_kind > 0 then return tally.format_date(v, var.date_kind) end
  if type(v) == "number" then return string.format("%.15g", v) end
  return v
end
local showvars = {}
for i, name in ipairs(o.show) do showvars[i] = ds:var(name) end

local title = o.title or ((showvar.label or o.show[1]) .. " / " .. (byvar.label or o.by))
local t = tally.table {
  id = o.table_id or ("list_" .. o.by:gsub("[^%w_]", "_")),
  title = title,
  columns = { { byvar.label or o.by, "label" }, { tally.tr("Count"), "count", 0 }, { o.label or showvar.label or o.show[1], "text" } },
}
local total = 0
for _, g in ipairs(groups) do
  local cond
  if type(g.value) == "number" then
    cond = string.format("%s == %.17g", quoted(o.by), g.value)
  else
    cond = string.format("%s == \"%s\"", quoted(o.by), (g.value:gsub("\\", "\\\\"):gsub("\"", "\\\"")))
  end
  local sub, n = ds:filter(cond)
  local names = {}
  for i = 1, n do
    local parts = {}
    for k, var in ipairs(o.show) do
      local v = sub:value(i, var)
      if v ~= nil and v ~= "" then parts[#parts + 1] = show_value(v, showvars[k]) end
    end
    if #parts > 0 then names[#names + 1] = table.concat(parts, o.joiner) end
  end
  local list = table.concat(names, o.separator)
  local label = g.label or show_value(g.value, byvar)
  t:add_row("category", { label, n, list })
  total = total + n
  if o.values then
    local key = o.values .. "_" .. tostring(show_value(g.value, byvar)):gsub("[^%w_]", "_")
    report.text(key, list)
    report.value(key .. "_n", n, nil, "count")
  end
end
t:add_row("total", { tally.tr("Total"), total })
t:set { base = "N = " .. total }
if o.values then report.value(o.values .. "_n", total, nil, "count") end
report.add(t)
