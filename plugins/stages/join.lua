-- join.lua: adds variables of a second dataset by key (left join, one row per key in the second dataset).
local o = tally.options {
  dataset   = { type = "string", required = true, help = "dataset to extend (every row is kept)" },
  with      = { type = "string", required = true, help = "dataset to look values up in (one row per key)" },
  key       = { type = "string", required = true, help = "key variable in `dataset`" },
  other_key = { type = "string", help = "key variable in `with` (default: the same name as `key`)" },
  vars      = { type = "list", help = "variables of `with` to add (default: all that `dataset` lacks)" },
  into      = { type = "string", help = "name of the resulting dataset (default: replaces `dataset`)" },
  value     = { type = "string", help = "named value that receives the number of unmatched rows (default: INTO_unmatched)" },
}
local out, unmatched, matched = tally.dataset(o.dataset):join(tally.dataset(o.with),
  { key = o.key, other_key = o.other_key, vars = o.vars })
local into = o.into or o.dataset
tally.set_dataset(into, out)
local name = o.value or (into .. "_unmatched")
report.value(name, unmatched, nil, "count")
report.text(name .. "_note", unmatched == 0 and string.format(tally.tr("All %d rows found a match in %s."), matched, o.with)
  or string.format(tally.tr("%d of %d rows found no match in %s by %s."), unmatched, matched + unmatched, o.with, o.key))
