-- multiresponse.lua: multiple-response tables (responses, percent of responses, percent of cases).
local o = tally.options {
  dataset   = { type = "string", required = true, help = "dataset to read" },
  sets      = { type = "list", help = "multiple-response sets defined in the data, one table each" },
  variables = { type = "list", help = "or: the variables of one set defined here" },
  kind      = { type = "choice", choices = { "dichotomy", "category" }, default = "dichotomy",
                help = "with variables: dichotomies (counted value) or categories (codes)" },
  counted   = { type = "number", default = 1, help = "with kind = dichotomy: the value that means 'chosen'" },
  name      = { type = "string", help = "with variables: the set's name (table id)" },
  label     = { type = "string", help = "with variables: the set's label (table title)" },
  base      = { type = "choice", choices = { "answering", "all" }, default = "answering",
                help = "percent of cases based on cases with at least one answer, or on all cases" },
  weight    = { type = "boolean", default = true, help = "use the dataset's weight variable" },
  chart     = { type = "choice", choices = { "none", "bar", "column" }, default = "none",
                help = "chart bound to each table (plots the percent of cases)" },
}
if not o.variables and not o.sets then
  error("multiresponse: give 'sets' (names of sets in the data) or 'variables'")
end
local ds = tally.dataset(o.dataset)
local common = { weighted = o.weight, base = o.base, chart = o.chart }
if o.variables then
  report.add(ds:multiresponse(o.variables, {
    weighted = o.weight, base = o.base, chart = o.chart, kind = o.kind, counted = o.counted,
    name = o.name, label = o.label, title = o.label }))
end
for _, s in ipairs(o.sets or {}) do
  report.add(ds:multiresponse(s, common))
end
