-- A deterministic serializer (sorted keys) exercising type dispatch, recursion, string.format.
local function keysorter(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "boolean" then return (a and 1 or 0) < (b and 1 or 0) end
  return a < b
end
local function serialize(v, indent, seen)
  indent, seen = indent or "", seen or {}
  local t = type(v)
  if t == "string" then return string.format("%q", v)
  elseif t == "number" or t == "boolean" or t == "nil" then return tostring(v)
  elseif t == "table" then
    if seen[v] then return "<cycle>" end
    seen[v] = true
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, keysorter)
    local out = {}
    for _, k in ipairs(keys) do
      out[#out + 1] = indent .. "  [" .. serialize(k, "", seen) .. "] = " .. serialize(v[k], indent .. "  ", seen)
    end
    seen[v] = nil
    if #out == 0 then return "{}" end
    return "{\n" .. table.concat(out, ",\n") .. "\n" .. indent .. "}"
  end
  return "<" .. t .. ">"
end
local data = {
  name = "crescent", version = 1.5, tags = {"lua", "jit", "aarch64"},
  nested = {deep = {deeper = {true, false}}, [1] = "one", [2.5] = "float key"},
  [true] = "bool key", quote = "say \"hi\"\nnew line", f = print,
}
data.self = data
print(serialize(data))
