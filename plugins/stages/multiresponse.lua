-- multiresponse.lua: multiple-response tables (responses, percent of responses, percent of cases).
local o = tally.options {
  dataset   = { type = "string", required = true, help = "dataset to read" },
  sets      = { type = "list", variables = "dataset", help = "multiple-response sets defined in the data, one table each" },
  variables = { type = "list", variables = "dataset", help = "or: the variables of one set defined here" },
  kind      = { type = "choice", choices = { "dichotomy", "category" }, default = "dichotomy",
                help = "with variables: dichotomies (counted value) or categories (codes)" },
  counted   = { type = "number", default = 1, help = "with kind = dichotomy: the value that means 'chosen'" },
  name      = { type = "string", help = "with variables: the set's name (table id)" },
  label     = { type = "string", help = "with variables: the set's label (table title)" },
  base      = { type = "choice", choices = { "answering", "all" }, default = "answering",
                help = "percent of cases based on cases with at least one answer, or on all cases" },
  weight    = { type = "boolean", default = true, help = "use the dataset's weight variable" },
  count_decimals = { type = "integer", default = 0, help = "decimals of weighted counts (default 0, whole numbers)" },
  chart     = { type = "choice", choices = { "none", "bar", "column", "pie" }, default = "none",
                help = "chart bound to each table" },
  plot      = { type = "choice", choices = { "cases", "responses", "count" }, default = "cases",
                help = "what the chart plots: percent of cases, percent of responses (shares that add up to 100%, e.g. a pie) or the responses" },
  table_id  = { type = "string", help = "table id (default: mr_SET); with several sets, used for the first" },
  title     = { type = "string", help = "table title (default: the set's label); with several sets, used for the first" },
}
if not o.variables and not o.sets then
  error("multiresponse: give 'sets' (names of sets in the data) or 'variables'")
end
if o.chart == "pie" and o.plot == "cases" then
  error("multiresponse: a pie shows shares of one whole: use plot = \"responses\" (percent of cases add up to more than 100%)")
end
local ds = tally.dataset(o.dataset)
-- columns of the kernel's table: 1 label, 2 responses, 3 percent of responses, 4 percent of cases
local series = ({ cases = 4, responses = 3, count = 2 })[o.plot]
local first = true
local function add(t)
  if first then
    local label = t.title
    t:set { id = o.table_id, title = o.title }
    if o.title and o.title ~= label and not t.question then t:set { question = label } end
    first = false
  end
  if o.chart ~= "none" then t:chart(o.chart, series) end
  report.add(t)
end
if o.variables then
  add(ds:multiresponse(o.variables, {
    weighted = o.weight, base = o.base, kind = o.kind, counted = o.counted, count_decimals = o.count_decimals,
    name = o.name, label = o.label, title = o.label }))
end
for _, s in ipairs(o.sets or {}) do
  add(ds:multiresponse(s, { weighted = o.weight, base = o.base, count_decimals = o.count_decimals }))
end
