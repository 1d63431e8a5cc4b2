-- values.lua: named values for the report's text: counts of rows where a condition holds, and percentages.
local o = tally.options {
  dataset  = { type = "string", help = "dataset whose rows `count` counts" },
  count    = { type = "table", help = "{ NAME = \"condition\" }: NAME = the rows where it holds, NAME_pct = their percent of the dataset's rows" },
  of       = { type = "string", help = "with `count`: the base of NAME_pct, a named value or expression (default: the dataset's rows)" },
  percent  = { type = "table", help = "{ NAME = { \"part\", \"whole\" } }: NAME = part / whole * 100; part and whole are named values or expressions" },
  expr     = { type = "table", help = "{ NAME = \"expression over named values\" }: NAME = its result" },
  rows     = { type = "string", help = "with `dataset`: named value that receives the dataset's number of rows" },
  decimals = { type = "integer", default = 1, help = "decimals of the percentages as text (\"58.2%\")" },
  table    = { type = "table", help = "a table of named values: { id = , title = , rows = { { \"label\", \"value\" [, \"base value\"] }, ... } } (count, and percent of the base)" },
}
if not o.count and not o.percent and not o.expr and not o.rows and not o.table then
  error("values: give `rows` or `count` (with `dataset`), `percent`, `expr` or `table`")
end

-- sorted names: the values are set in the same order on every run
local function sorted(tbl)
  local keys = {}
  for k in pairs(tbl) do
    if type(k) ~= "string" then error("values: names are written NAME = ..., not a list") end
    keys[#keys + 1] = k
  end
  table.sort(keys)
  return keys
end

local function eval(what, name)
  local v = tally.eval(what)
  if v == nil then error("values: '" .. name .. "': " .. what .. " is missing") end
  return v
end

local function set_percent(name, part, whole)
  if whole == 0 then report.value(name, 0, "-") return end
  report.value(name, 100 * part / whole, tally.percent(part, whole, o.decimals), "percent")
end

if o.rows then
  if not o.dataset then error("values: `rows` needs `dataset`") end
  report.value(o.rows, tally.dataset(o.dataset):nrows(), nil, "count")
end
if o.count then
  if not o.dataset then error("values: `count` needs `dataset`") end
  local ds = tally.dataset(o.dataset)
  local whole = o.of and eval(o.of, "of") or ds:nrows()
  for _, name in ipairs(sorted(o.count)) do
    local cond = o.count[name]
    if type(cond) ~= "string" then error("values: count." .. name .. " must be a condition (text)") end
    local n = ds:count_if(cond)
    report.value(name, n, nil, "count")
    set_percent(name .. "_pct", n, whole)
  end
end
for _, name in ipairs(sorted(o.percent or {})) do
  local pw = o.percent[name]
  if type(pw) ~= "table" or #pw ~= 2 then error("values: percent." .. name .. " must be { \"part\", \"whole\" }") end
  set_percent(name, eval(pw[1], name), eval(pw[2], name))
end
for _, name in ipairs(sorted(o.expr or {})) do
  report.value(name, eval(o.expr[name], name))
end

if o.table then
  local spec = o.table
  if type(spec.rows) ~= "table" or #spec.rows == 0 then error("values: table.rows must list { \"label\", \"value\" [, \"base\"] }") end
  local t = tally.table {
    id = spec.id or "values", title = spec.title or "", question = spec.question,
    columns = { { "", "label" }, { tally.tr("Count"), "count", 0 }, { tally.tr("Percent"), "percent", o.decimals } },
  }
  for i, row in ipairs(spec.rows) do
    if type(row) ~= "table" or type(row[1]) ~= "string" or type(row[2]) ~= "string" then
      error("values: table.rows[" .. i .. "] must be { \"label\", \"value\" [, \"base\"] }")
    end
    local n = eval(row[2], row[2])
    local pct
    if row[3] then
      local whole = eval(row[3], row[3])
      pct = whole ~= 0 and 100 * n / whole or nil
    end
    t:add_row("category", { row[1], n, pct })
  end
  for _, note in ipairs(spec.notes or {}) do t:note(note) end
  if spec.base then t:set { base = spec.base } end
  report.add(t)
end
