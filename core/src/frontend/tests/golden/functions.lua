local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local a, b = counter()
local obj = {v = 1}
function obj:get() return self.v end
function obj.static(x, ...) local t = {...}; return #t, select('#', ...), ... end
local function deep()
  local x = 1
  return function()
    return function()
      return function() x = x + 1; return x end
    end
  end
end
local function tail(n) if n > 0 then return tail(n - 1) end return "done" end
local function multi() return 1, 2, 3 end
local t = {multi(), multi()}
local u = {multi(), (multi())}
print(multi(), (multi()))
return tail(10), obj:get(), obj.static(1, 2, 3)
