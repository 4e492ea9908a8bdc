-- Key normalisation: float keys with integral values, string vs number keys, NaN and nil.
local t = {}
t[1] = "int"
print(t[1.0], t[1])
t[2.0] = "float two"
print(t[2], #t)
t[1.5] = "one and a half"
print(t[1.5], t[1], #t)
t["1"] = "string one"
print(t[1], t["1"])
t[-0] = "zero"
print(t[0], t[-0])
t[2^53] = "big"
print(t[2^53])
print(pcall(function() t[nil] = 1 end))
print(pcall(function() t[0/0] = 1 end))
print(t[nil], t[0/0])
print(rawget(t, nil))
-- keys of every type
local f = function() end
local k = {}
local co = coroutine.create(f)
local u = newproxy()
local all = {[true] = "true", [false] = "false", [f] = "func", [k] = "table", [co] = "thread", [u] = "userdata", [3.25] = "float"}
print(all[true], all[false], all[f], all[k], all[co], all[u], all[3.25])
-- numeric strings are not converted to numbers as keys
local ns = {}
ns["10"] = "s"
ns[10] = "n"
print(ns["10"], ns[10])
-- assigning nil deletes; next sees it gone
local d = {a = 1}
d.a = nil
print(next(d))
-- negative and huge integer keys
local big = {}
big[-1] = "neg"; big[1e15] = "huge"; big[2^31] = "2^31"
print(big[-1], big[1e15], big[2147483648])
-- many keys of mixed kinds, looked up again
local mix = {}
for i = 1, 200 do mix[i] = i; mix["k" .. i] = -i; mix[i + 0.5] = i * 2 end
local sum = 0
for i = 1, 200 do sum = sum + mix[i] + mix["k" .. i] + mix[i + 0.5] end
print(sum, #mix)
