include "self.lua"
