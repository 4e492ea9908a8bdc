-- Method calls and definitions, self, nested function names.
local Account = {balance = 0}
Account.__index = Account
function Account.new(b) return setmetatable({balance = b}, Account) end
function Account:deposit(v) self.balance = self.balance + v; return self end
function Account:get() return self.balance end
local a = Account.new(10)
print(a:deposit(5):deposit(7):get())
print(Account.get(a), a.get(a))
local lib = {sub = {}}
function lib.sub.f(x) return x + 1 end
function lib.sub:g(x) return self == lib.sub, x end
print(lib.sub.f(1), lib.sub:g(2))
-- method call on a string literal and a number via string methods
print(("%d-%d"):format(1, 2), ("abc"):upper(), ("x"):rep(3, nil))
local s = "hello"
print(s:len(), s:sub(2, 3), s:byte(-1))
-- calls with table and string arguments without parentheses
local function id(x) return x end
print(id"str", id[[long]], type(id{1}))
print(#id{1, 2, 3})
local obj = {name = "o"}
function obj:describe(prefix) return prefix .. self.name end
print(obj:describe"-> ")
print(obj:describe[[=> ]])
-- inheritance chain
local Base = {}
Base.__index = Base
function Base:kind() return "base" end
function Base:hello() return "hello from " .. self:kind() end
local Derived = setmetatable({}, {__index = Base})
Derived.__index = Derived
function Derived:kind() return "derived" end
local d = setmetatable({}, Derived)
print(d:hello(), setmetatable({}, Base):hello())
