-- recode.lua: recodes a variable by value maps and ranges into labelled categories (as SPSS RECODE).
local o = tally.options {
  dataset   = { type = "string", required = true, help = "dataset holding the variable" },
  variable  = { type = "string", required = true, help = "variable to recode (numeric or text)" },
  target    = { type = "string", help = "new variable to create (default: recode in place)" },
  map       = { type = "table", help = "value map { [old] = new }; text variables: { Berlin = 1 }; new = false for missing" },
  ranges    = { type = "table", help = "ranges { {low, high, new}, ... }; \"lowest\"/\"highest\" as open ends" },
  missing   = { type = "number", help = "code for system- and user-missing values" },
  otherwise = { type = "choice", choices = { "missing", "copy" }, default = "missing",
                help = "unmatched values: missing, or copy (text read as a number)" },
  otherwise_value = { type = "number", help = "code for unmatched values (instead of `otherwise`)" },
  labels    = { type = "table", help = "value labels of the new codes { [1] = \"Yes\" }" },
  label     = { type = "string", help = "variable label of the target (default: the source's)" },
  into      = { type = "string", help = "name of the resulting dataset (default: replaces `dataset`)" },
}
if not o.map and not o.ranges and o.missing == nil and o.otherwise_value == nil and o.otherwise ~= "copy" then
  error("recode: give `map`, `ranges`, `missing` or `otherwise_value`; otherwise every value would become missing")
end
local out = tally.dataset(o.dataset):recode {
  var = o.variable, into = o.target, map = o.map, ranges = o.ranges, missing = o.missing,
  otherwise = o.otherwise_value or o.otherwise, labels = o.labels, label = o.label,
}
tally.set_dataset(o.into or o.dataset, out)
