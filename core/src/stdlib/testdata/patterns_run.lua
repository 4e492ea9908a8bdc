-- Regenerates patterns_luajit.txt: python3 patterns_gen.py && luajit patterns_run.lua cases.txt \
--   | sed 's/E:[^:]*:[0-9]*: /E:/' | head -1500 > patterns_luajit.txt
-- Each output line: subject-hex pattern-hex init, then tab-separated results of
-- find(s, p, init), match(s, p, init), gsub(s, p, "<%0>") and gmatch(s, p) (first two
-- captures of up to 50 iterations), each as comma-separated values or "E:message".
local function unhex(h) return (h:gsub("..", function(x) return string.char(tonumber(x, 16)) end)) end
local function hex(s) return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
local function enc(ok, ...)
  if not ok then return "E:" .. (...) end
  local t = {}
  for i = 1, select('#', ...) do
    local v = select(i, ...)
    if type(v) == "string" then t[#t+1] = "s" .. hex(v) elseif v == nil then t[#t+1] = "nil" else t[#t+1] = tostring(v) end
  end
  return table.concat(t, ",")
end
for line in io.lines(arg[1]) do
  local sh, ph, init = line:match("^(%x*) (%x*) (%S+)$")
  local s, p = unhex(sh), unhex(ph)
  init = tonumber(init)
  local f = enc(pcall(string.find, s, p, init))
  local m = enc(pcall(string.match, s, p, init))
  local g = enc(pcall(string.gsub, s, p, "<%0>"))
  local gm = {}
  local ok, err = pcall(function() local n = 0 for a, b in string.gmatch(s, p) do n = n + 1 if n > 50 then break end gm[#gm+1] = enc(true, a, b) end end)
  local gms = ok and table.concat(gm, ";") or ("E:" .. err)
  io.write(sh, " ", ph, " ", init, "\t", f, "\t", m, "\t", g, "\t", gms, "\n")
end
