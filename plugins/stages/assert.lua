-- assert.lua: a check on named values or on every row of a dataset; a failed check makes `tally run` exit 3.
local o = tally.options {
  value   = { type = "string", help = "named value to check (set by an earlier stage)" },
  min     = { type = "number", help = "the value must be at least this" },
  max     = { type = "number", help = "the value must be at most this" },
  equals  = { type = "number", help = "the value must equal this" },
  that    = { type = "string", help = "expression over named values (e.g. \"responses_n >= 40\"), or over each row of `dataset`" },
  dataset = { type = "string", help = "with `that`: every row of this dataset must satisfy it" },
  message = { type = "string", help = "text reported when the check fails (default: what was checked and found)" },
}
local function show(v) return v == math.floor(v) and string.format("%d", v) or string.format("%.4g", v) end
local ok, what
if o.that and o.dataset then
  local ds = tally.dataset(o.dataset)
  local good = ds:count_if(o.that)
  ok = good == ds:nrows()
  what = string.format("%s: %d of %d rows of %s fail", o.that, ds:nrows() - good, ds:nrows(), o.dataset)
elseif o.that then
  local v = tally.eval(o.that)
  ok = v ~= nil and v ~= 0
  what = o.that .. (ok and "" or " does not hold")
elseif o.value then
  local v = report.get(o.value)
  if v == nil then error("assert: no named value '" .. o.value .. "' (an earlier stage must set it)") end
  if type(v) ~= "number" then error("assert: named value '" .. o.value .. "' is text, not a number") end
  if o.min == nil and o.max == nil and o.equals == nil then
    error("assert: give `min`, `max` or `equals` for value '" .. o.value .. "'")
  end
  local want = {}
  ok = true
  if o.min ~= nil then ok = ok and v >= o.min; want[#want + 1] = "at least " .. show(o.min) end
  if o.max ~= nil then ok = ok and v <= o.max; want[#want + 1] = "at most " .. show(o.max) end
  if o.equals ~= nil then ok = ok and v == o.equals; want[#want + 1] = "exactly " .. show(o.equals) end
  what = o.value .. " = " .. show(v) .. " (want " .. table.concat(want, " and ") .. ")"
else
  error("assert: give `value` (with min, max or equals) or `that`")
end
report.check(ok, ok and what or (o.message and (o.message .. " [" .. what .. "]") or ("check failed: " .. what)))
