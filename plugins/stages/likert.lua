-- likert.lua: rating-scale items in one table: distribution, mean, top box, bottom box and net.
local o = tally.options {
  dataset = { type = "string", required = true, help = "dataset to read" },
  items   = { type = "list", variables = "dataset", required = true, help = "items sharing one scale, one row each" },
  scale   = { type = "list", help = "scale codes low to high (default: the valid codes found)" },
  box     = { type = "integer", default = 2, help = "codes in the top and the bottom box" },
  weight  = { type = "boolean", default = true, help = "use the dataset's weight variable" },
  count_decimals = { type = "integer", default = 0, help = "decimals of weighted counts (default 0, whole numbers)" },
  title   = { type = "string", help = "table title (default: the grid's question, else the first item's label)" },
  question = { type = "string", help = "the grid's question text (default: the label of a codebook set of exactly these items; never an item's label)" },
  table_id = { type = "string", help = "table id (default: likert_FIRSTITEM)" },
  chart   = { type = "choice", choices = { "none", "bar", "stacked" }, default = "none",
              help = "chart of the distribution: 100%-stacked bars, one per item, ordered as the scale (bar and stacked alike)" },
  base    = { type = "choice", choices = { "valid", "all" }, default = "valid",
              help = "percent of the valid answers per item, or of all cases (then \"don't know\" and missing answers get a column)" },
}
local ds = tally.dataset(o.dataset)
local t = ds:likert(o.items, {
  scale = o.scale, box = o.box, weighted = o.weight, count_decimals = o.count_decimals, title = o.title, question = o.question, id = o.table_id, chart = o.chart })
if o.base == "valid" then
  report.add(t)
  return
end

-- base = "all": rebuild the table with percentages of every case of the dataset. The kernel's
-- columns are: label, one percent per scale code, Mean, Top box, Bottom box, Net, N [, Unweighted N].
local ncols = t:ncols()
local weighted = o.weight and ds:weight() ~= nil
local nscale = ncols - (weighted and 7 or 6)
local all = weighted and ds:sum("`" .. ds:weight() .. "`") or ds:nrows()

-- the missing column is named after the items' one user-missing code when they share it ("don't know")
local miss_label
for _, item in ipairs(o.items) do
  local v = ds:var(item)
  local label = #v.missing == 1 and v.values[v.missing[1]] or nil
  if miss_label == nil then miss_label = label or false
  elseif miss_label ~= label then miss_label = false end
end
if not miss_label then miss_label = tally.tr("Missing") end

-- the scale codes as the kernel has them: given, or every valid code of any item, sorted
local codes = o.scale
if not codes then
  local seen = {}
  codes = {}
  for _, item in ipairs(o.items) do
    for _, g in ipairs(ds:count_by(item)) do
      if not g.missing and type(g.value) == "number" and not seen[g.value] then
        seen[g.value] = true
        codes[#codes + 1] = g.value
      end
    end
  end
  table.sort(codes)
end
assert(#codes == nscale, "likert: the scale does not match the kernel's table")
local labels = ds:var(o.items[1]).values
local box = math.min(o.box > 0 and o.box or 2, nscale)
local columns = { { "", "label" } }
for _, code in ipairs(codes) do
  columns[#columns + 1] = { labels[code] or string.format("%.15g", code), "percent", 1 }
end
columns[#columns + 1] = { miss_label, "percent", 1 }
columns[#columns + 1] = { tally.tr("Mean"), "mean", 2 }
columns[#columns + 1] = { string.format(tally.tr("Top %d box"), box), "percent", 1 }
columns[#columns + 1] = { string.format(tally.tr("Bottom %d box"), box), "percent", 1 }
columns[#columns + 1] = { tally.tr("Net"), "percent", 1 }
columns[#columns + 1] = { "N", "count", weighted and o.count_decimals or 0 }
if weighted then columns[#columns + 1] = { tally.tr("Unweighted N"), "count", 0 } end
-- the kernel's question: the grid's own text (option or set label), never an item's
local question = t.question
local out = tally.table { id = t.id, title = t.title, question = question, columns = columns }
local c_n = nscale + 6 -- the kernel's N column
for r = 1, t:nrows() do
  local valid = t:cell(r, c_n) or 0
  local f = all > 0 and valid / all or nil
  local cells = { t:cell(r, 1) }
  for c = 2, nscale + 1 do cells[#cells + 1] = f and (t:cell(r, c) or 0) * f end
  cells[#cells + 1] = all > 0 and 100 * (all - valid) / all or nil
  cells[#cells + 1] = t:cell(r, nscale + 2) -- mean of the valid answers
  for c = nscale + 3, nscale + 5 do cells[#cells + 1] = f and t:cell(r, c) and t:cell(r, c) * f end
  for c = c_n, ncols do cells[#cells + 1] = t:cell(r, c) end
  out:add_row(t:row_type(r), cells)
end
out:set { base = "N = " .. tally.format(all, "count", weighted and o.count_decimals or 0) }
out:note(tally.tr("Percent of all cases; answers outside the scale and missing values in their own column. " ..
                  "Mean of the valid answers. Net = top box - bottom box."))
if o.chart ~= "none" then
  local series = {}
  for c = 2, nscale + 2 do series[#series + 1] = c end
  out:chart("stacked", series)
end
report.add(out)
