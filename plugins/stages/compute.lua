-- compute.lua: adds (or replaces) a numeric variable computed from an expression over whole columns.
local o = tally.options {
  dataset  = { type = "string", required = true, help = "dataset to extend" },
  variable = { type = "string", required = true, help = "name of the new variable (an existing one is replaced)" },
  expr     = { type = "string", required = true, help = "expression, e.g. \"sum(q1, q2, q3)\" (see docs/expressions.md)" },
  label    = { type = "string", help = "variable label (question text) of the new variable" },
  into     = { type = "string", help = "name of the resulting dataset (default: replaces `dataset`)" },
}
local out = tally.dataset(o.dataset):compute(o.variable, o.expr, o.label)
tally.set_dataset(o.into or o.dataset, out)
