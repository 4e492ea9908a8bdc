-- Chunk names in messages, as LuaJIT shortens them (lj_debug_shortname, LUA_IDSIZE 60):
-- source text up to its first control character, long file names by their tail.
local srcs = {
  "error('x')",
  "error('x') -- 0123456789012345678901234567890123456789",
  "error('x') -- 01234567890123456789012345678901",
  "error('x') -- 012345678901234567890123456789012",
  "error('x') -- 0123456789012345678901234567890123",
  "error('x') -- 01234567890123456789012345678901234",
  "error('x') -- 012345678901234567890123456789012345",
  "error('x')\n-- second line",
  "error('x') -- 0123456789012345678901234567890123456789\nmore",
}
for _, s in ipairs(srcs) do print(select(2, pcall(loadstring(s)))) end
for _, s in ipairs(srcs) do print(select(2, pcall(loadstring(s, "=" .. s)))) end
print(select(2, pcall(loadstring("error('x')", "@" .. string.rep("d/", 40) .. "file.lua"))))
