-- ranking_question.lua: a "rank these items" question (one variable per item holding the rank it was
-- given, 1 = first): mean rank, % ranked first, % ranked in the top N and the full rank distribution,
-- items sorted by mean rank. Figures come from per-item counts (ds:count_by), not from a row loop.
local o = tally.options {
  dataset  = { type = "string", required = true, help = "dataset to read" },
  items    = { type = "list", required = true, help = "one variable per item: the rank the respondent gave it (1 = first)" },
  top      = { type = "integer", default = 3, help = "N of the '% in top N' column" },
  weight   = { type = "boolean", default = true, help = "use the dataset's weight variable" },
  title    = { type = "string", help = "table title (default: the question, else 'Rank')" },
  question = { type = "string", help = "the question text (default: the label of a codebook set of exactly these items)" },
  table_id = { type = "string", help = "table id (default: rankq_FIRSTITEM)" },
}
local ds = tally.dataset(o.dataset)
local k = #o.items
if k < 2 then tally.fail("ranking_question: `items` needs at least two variables, one per ranked item") end
if o.top < 1 or o.top > k then tally.fail("ranking_question: `top` must be from 1 to " .. k .. " (the number of items)") end
local weight = o.weight and ds:weight() or nil

-- the base: cases that ranked at least one item
local any = {}
for i, item in ipairs(o.items) do
  ds:var(item) -- an unknown variable stops here, named
  any[i] = "valid(`" .. item .. "`)"
end
local any_expr = "(" .. table.concat(any, " or ") .. ")"
local base = weight and ds:sum(any_expr .. " * `" .. weight .. "`") or ds:count_if(any_expr)

-- per item: the (weighted) count of each rank 1..k
local rows = {}
for _, item in ipairs(o.items) do
  local v = ds:var(item)
  local n, sum, by_rank = 0, 0, {}
  for r = 1, k do by_rank[r] = 0 end
  for _, g in ipairs(ds:count_by(item, { weight = weight ~= nil })) do
    local r = g.value
    if not g.missing and type(r) == "number" then
      if r ~= math.floor(r) or r < 1 or r > k then
        tally.fail(string.format("ranking_question: %s holds the rank %s; ranks go from 1 to %d (the number of items)",
                            item, tostring(r), k))
      end
      by_rank[r] = by_rank[r] + g.count
      n = n + g.count
      sum = sum + r * g.count
    end
  end
  local top = 0
  for r = 1, o.top do top = top + by_rank[r] end
  rows[#rows + 1] = { label = v.label or item, n = n, mean = n > 0 and sum / n or nil, by_rank = by_rank, top = top }
end
table.sort(rows, function(a, b)
  if (a.mean or math.huge) ~= (b.mean or math.huge) then return (a.mean or math.huge) < (b.mean or math.huge) end
  return a.label < b.label
end)

local columns = { { "", "label" }, { tally.tr("Mean rank"), "mean", 2 }, { tally.tr("Ranked first"), "percent", 1 },
                  { string.format(tally.tr("In top %d"), o.top), "percent", 1 } }
for r = 1, k do columns[#columns + 1] = { string.format(tally.tr("Ranked %d"), r), "percent", 1 } end
columns[#columns + 1] = { tally.tr("Not ranked"), "percent", 1 }
columns[#columns + 1] = { "N", "count", 0 }
local first = o.items[1]:gsub("[^%w_]", "_")
local out = tally.table { id = o.table_id or ("rankq_" .. first), title = o.title or o.question or tally.tr("Rank"),
                          question = o.title and o.question or nil, columns = columns }
local function pct(x) return base > 0 and 100 * x / base or nil end
for _, row in ipairs(rows) do
  local cells = { row.label, row.mean, pct(row.by_rank[1]), pct(row.top) }
  for r = 1, k do cells[#cells + 1] = pct(row.by_rank[r]) end
  cells[#cells + 1] = pct(base - row.n)
  cells[#cells + 1] = row.n
  out:add_row("category", cells)
end
local shown = tally.format(base, "count", 0)
out:set { base = "N = " .. shown .. tally.tr(", ") .. tally.tr("each respondent ranks the items") }
out:note(tally.tr("Mean rank: 1 is the first place; a lower mean rank is a higher place."))
out:note(tally.tr("Percent of the cases that ranked at least one item."))
report.add(out)
