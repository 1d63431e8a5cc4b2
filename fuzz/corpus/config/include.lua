include "x.lua"
report { title = env("HOME", "h") .. params.year }
