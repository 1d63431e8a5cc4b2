-- likert.lua: rating-scale items in one table: distribution, mean, top box, bottom box and net.
local o = tally.options {
  dataset = { type = "string", required = true, help = "dataset to read" },
  items   = { type = "list", required = true, help = "items sharing one scale, one row each" },
  scale   = { type = "list", help = "scale codes low to high (default: the valid codes found)" },
  box     = { type = "integer", default = 2, help = "codes in the top and the bottom box" },
  weight  = { type = "boolean", default = true, help = "use the dataset's weight variable" },
  title   = { type = "string", help = "table title (default: the first item's label)" },
  chart   = { type = "choice", choices = { "none", "bar" }, default = "none", help = "chart of the distribution" },
}
local ds = tally.dataset(o.dataset)
report.add(ds:likert(o.items, {
  scale = o.scale, box = o.box, weighted = o.weight, title = o.title, chart = o.chart }))
