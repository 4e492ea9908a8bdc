-- string.match and gmatch with every pattern item.
print(("hello 123 world"):match("%d+"), ("hello"):match("(h)(e)(l)"), ("abc"):match("()b()"))
print(("2024-01-15"):match("(%d+)-(%d+)-(%d+)"))
print(("key=val"):match("^(%w+)=(%w*)$"), ("key="):match("^(%w+)=(%w*)$"))
print(("  x  "):match("^%s*(.-)%s*$") .. "|")
print(("aaa"):match("a-"), ("aaa"):match("a-$"), ("aaab"):match("a*"), ("b"):match("a*"), ("aaa"):match("a+"))
print(("color colour"):match("colou?r"), ("colour"):match("colou?r"), ("x"):match("x?x?x"))
print(("abc"):match("."), ("abc"):match("..$"), ("abc"):match("^(.)"), ("a\nb"):match("a.b"))
-- character classes
local all, counts = "", {}
for i = 0, 127 do all = all .. string.char(i) end
for _, c in ipairs({"a", "c", "d", "l", "p", "s", "u", "w", "x", "z", "A", "C", "D", "L", "P", "S", "U", "W", "X", "Z"}) do
  local n = 0
  for _ in all:gmatch("%" .. c) do n = n + 1 end
  counts[#counts + 1] = c .. "=" .. n
end
print(table.concat(counts, " "))
-- sets
print(("hello123"):match("[a-z]+"), ("hello123"):match("[%d]+"), ("x-y"):match("[%-]"), ("a]b"):match("[]]"))
print(("abc^"):match("[%^]"), ("abc^"):match("[^abc]"), ("ABCdef"):match("[^%u]+"), ("a-z"):match("[a%-z]+"))
print(("0x1F"):match("0[xX](%x+)"), ("tab\there"):match("[\t]"), ("end]"):match("[^]]+"))
-- balanced and frontier
print(("(foo(bar))baz"):match("%b()"), ("[[x]]"):match("%b[]"), ("no close ("):match("%b()"))
print(("THE (quick) fox"):match("%f[%a]%a+"), ("hello world"):match("%f[%w]%w+$"))
local words = {}
for w in ("THE (quick) fox, jumps"):gmatch("%f[%a]%a+%f[%A]") do words[#words + 1] = w end
print(table.concat(words, ","))
-- back references
print(("say 'hi' or \"bye\""):match("([\"'])(.-)%1"), ("aa bb cd"):match("(%a)%1"))
-- position captures
print(("hello"):match("()ll()"), ("x"):match("()"))
-- init argument
print(("abcabc"):match("b", 3), ("abcabc"):match("^b", 2), ("abc"):match("c", -1), ("abc"):match("a", 10))
-- gmatch
local out = {}
for k, v in ("a=1, b=2, c=3"):gmatch("(%w+)=(%w+)") do out[#out + 1] = k .. v end
print(table.concat(out, " "))
out = {}
for w in ("one two  three"):gmatch("%a+") do out[#out + 1] = w end
print(table.concat(out, "|"))
out = {}
for pos in ("abc"):gmatch("()") do out[#out + 1] = pos end
print(table.concat(out, ","))
out = {}
for m in ("abc"):gmatch("x*") do out[#out + 1] = "[" .. m .. "]" end
print(table.concat(out))
-- gmatch with an anchor: in 5.1 '^' is a literal-free anchor matching only at the start
out = {}
for m in ("aaa"):gmatch("^a") do out[#out + 1] = m end
print(#out)
-- max captures and nested captures
print(("abcdef"):match("((a)(b)((c)(d)))(e)"))
print(pcall(string.match, "x", "(((((((((((((((((((((((((((((((((x)))))))))))))))))))))))))))))))))"))
-- special characters escaped with %
print(("1+1=2"):match("%d%+%d%=%d"), ("a.b"):match("%a%.%a"), ("100%"):match("%d+%%"))
-- matching against long subjects does not overflow the native stack
local long = string.rep("a", 100000)
print(#long:match(".-$"), #long:match("a*"), #long:match(string.rep("a?", 50) .. "a*"))
-- a failing search is quadratic; keep the subject moderate
print(string.rep("a", 3000):match("(a+)b"))
