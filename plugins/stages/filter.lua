-- filter.lua: keeps the rows of a dataset where a condition holds (a view: no column is copied).
local o = tally.options {
  dataset = { type = "string", required = true, help = "dataset to filter" },
  where   = { type = "string", required = true, help = "condition, e.g. \"has_china == 1\" (see docs/expressions.md)" },
  into    = { type = "string", help = "name of the filtered dataset (default: replaces `dataset`)" },
  value   = { type = "string", help = "named value that receives the number of rows kept (default: INTO_n)" },
}
local kept, n = tally.dataset(o.dataset):filter(o.where)
local into = o.into or o.dataset
tally.set_dataset(into, kept)
report.value(o.value or (into .. "_n"), n, nil, "count")
