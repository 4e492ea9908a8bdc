-- Fills in the expected outputs of a Lua test-case file by running each case under
-- the reference engine:   luajit lua_expect.lua lua_string.txt
-- A case is "=== name", Lua source lines, then "--- expected" and the output, closed
-- by a line "~~~". Cases named "=== name (manual)" keep their expectation (written by
-- hand where crescent deliberately differs from LuaJIT). Each case runs as a chunk
-- named "=test"; `print` output is captured; an error is appended as "ERROR: msg".
local path = arg[1]
local f = assert(io.open(path, "rb"))
local text = f:read("*a")
f:close()
local out = {}
for block in text:gmatch("=== (.-~~~\n)") do
  local header, rest = block:match("^([^\n]*)\n(.*)$")
  local src, exp = rest:match("^(.-)%-%-%- expected\n(.*)~~~\n$")
  if not src then src, exp = rest:match("^(.-)~~~\n$"), "" end
  if not header:find("(manual)", 1, true) then
    local buf = {}
    local oldprint = print
    print = function(...)
      local n = select("#", ...)
      local t = {}
      for i = 1, n do t[i] = tostring((select(i, ...))) end
      buf[#buf + 1] = table.concat(t, "\t") .. "\n"
    end
    local fn, err = loadstring(src, "=test")
    if fn then
      local ok, e = pcall(fn)
      if not ok then buf[#buf + 1] = "ERROR: " .. tostring(e) end
    else
      buf[#buf + 1] = "ERROR: " .. err
    end
    print = oldprint
    exp = table.concat(buf)
  end
  out[#out + 1] = "=== " .. header .. "\n" .. src .. "--- expected\n" .. exp .. "~~~\n"
end
f = assert(io.open(path, "wb"))
f:write(table.concat(out))
f:close()
