-- dedupe.lua: keeps one row per key (first or last, optionally by an order variable); reports what it dropped.
local o = tally.options {
  dataset = { type = "string", required = true, help = "dataset to de-duplicate" },
  key     = { type = "list", required = true, help = "variable(s) that identify a case, e.g. \"email\"" },
  keep    = { type = "choice", choices = { "first", "last" }, default = "first", help = "which row of a key to keep" },
  order   = { type = "string", help = "variable that orders rows within a key (e.g. \"submitted\"); default: file order" },
  into    = { type = "string", help = "name of the resulting dataset (default: replaces `dataset`)" },
  value   = { type = "string", help = "named value that receives the number of dropped rows (default: INTO_duplicates)" },
  kept    = { type = "string", help = "named value that receives the number of rows kept (default: INTO_n)" },
}
local out, dropped, details = tally.dataset(o.dataset):dedupe { key = o.key, keep = o.keep, order = o.order }
local into = o.into or o.dataset
tally.set_dataset(into, out)
local name = o.value or (into .. "_duplicates")
report.value(name, dropped, nil, "count")
report.value(o.kept or (into .. "_n"), out:nrows(), nil, "count")
local keys = {}
for i, d in ipairs(details) do
  if i > 10 then keys[#keys + 1] = "..."; break end
  keys[#keys + 1] = string.format(tally.tr("%s (%d rows)"), d.key, d.rows)
end
local note
if dropped == 0 then
  note = string.format(tally.tr("No duplicate rows by %s."), table.concat(o.key, ", "))
else
  -- tr-keys
  local texts = {
    { "first", "%d duplicate rows dropped (key %s, kept the first): %s." },
    { "last", "%d duplicate rows dropped (key %s, kept the last): %s." },
    { "first1", "%d duplicate row dropped (key %s, kept the first): %s." },
    { "last1", "%d duplicate row dropped (key %s, kept the last): %s." } }

  local want = o.keep .. (dropped == 1 and "1" or "")
  for _, t in ipairs(texts) do
    if t[1] == want then note = string.format(tally.tr(t[2]), dropped, table.concat(o.key, ", "), table.concat(keys, "; ")) end
  end
end
report.text(name .. "_note", note)
