-- margins.lua: margins of error as named values and a table: Wilson intervals for shares, t intervals for means.
local o = tally.options {
  dataset     = { type = "string", required = true, help = "dataset to read" },
  proportions = { type = "table", help = "named value -> condition, e.g. { partner = \"cn_partner == 1\" }; " ..
                                         "the base is the cases where the condition is not missing" },
  means       = { type = "table", help = "named value -> expression, e.g. { mean_age = \"age\" }" },
  level       = { type = "number", default = 95, help = "confidence level in percent" },
  weight      = { type = "boolean", default = true, help = "use the dataset's weight (intervals on the effective base)" },
  table       = { type = "boolean", default = true, help = "add a table of the estimates and their intervals" },
  id          = { type = "string", default = "margins", help = "table id" },
  title       = { type = "string", help = "table title (default: \"Margins of error\")" },
}
if not o.proportions and not o.means then error("margins: give proportions or means (or both)") end
local ds = tally.dataset(o.dataset)
local function sorted(t)
  local k = {}
  for name in pairs(t or {}) do k[#k + 1] = name end
  table.sort(k)
  return k
end
local t = tally.table {
  id = o.id, title = o.title or tally.tr("Margins of error"),
  columns = { { "", "label" }, { tally.tr("Estimate"), "number", 1 },
              { tally.tr("CI low") .. " (" .. o.level .. "%)", "number", 1 },
              { tally.tr("CI high") .. " (" .. o.level .. "%)", "number", 1 },
              { tally.tr("Margin of error"), "number", 1 }, { "N", "count", 0 },
              { tally.tr("Effective base"), "number", 1 } },
}
local largest = 0
local function put(name, ci, pct)
  local unit = pct and "%" or ""
  report.value(name, ci.estimate, ci.estimate and string.format("%.1f%s", ci.estimate, unit) or nil)
  report.value(name .. "_low", ci.low)
  report.value(name .. "_high", ci.high)
  report.value(name .. "_moe", ci.moe, ci.moe and string.format("±%.1f%s", ci.moe, pct and " points" or "") or nil)
  report.value(name .. "_neff", ci.neff)
  if pct and ci.moe and ci.moe > largest then largest = ci.moe end
  t:add_row("category", { name, ci.estimate, ci.low, ci.high, ci.moe, ci.n, ci.neff })
end
for _, name in ipairs(sorted(o.proportions)) do
  local cond = o.proportions[name]
  if type(cond) ~= "string" then error("margins: proportions." .. name .. " must be a condition (text)") end
  put(name, ds:ci { proportion = cond, level = o.level, weighted = o.weight }, true)
end
for _, name in ipairs(sorted(o.means)) do
  local expr = o.means[name]
  if type(expr) ~= "string" then error("margins: means." .. name .. " must be an expression (text)") end
  put(name, ds:ci { mean = expr, level = o.level, weighted = o.weight }, false)
end
t:note(tally.tr("Proportions in percent: Wilson score intervals; means: t intervals") ..
       (o.weight and ds:weight() and ("; " .. tally.tr("on the effective base (Kish) of the weighted cases")) or "") .. ".")
if largest > 0 then
  t:note(string.format("%s: ±%.1f.", tally.tr("Largest margin of error of a percentage (points)"), largest))
  report.value("margins_max_moe", largest)
end
if o.table then report.add(t) end
