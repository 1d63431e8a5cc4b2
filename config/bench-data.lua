-- bench-data.lua: the generated survey the benchmark reports read (included by bench.lua and
-- bench-tabbook.lua). Size: --set size=1m (default 100k); another file: --set data=/abs/FILE.csv.
input "survey" {
  path = params.data or ("../samples/bench/survey-" .. (params.size or "100k") .. ".csv"),
  codebook = "../samples/bench/bench.codebook.lua",
}
