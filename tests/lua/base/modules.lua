-- require, package.loaded, package.preload, module.
print(type(package), type(package.loaded), type(package.preload), type(package.path), type(package.loaders))
print(package.loaded.string == string, package.loaded._G == _G, package.loaded.math == math)
package.preload.mymod = function(name, ...)
  print("loading", name, select("#", ...))
  return {value = 42}
end
local m = require("mymod")
print(m.value, package.loaded.mymod == m, require("mymod") == m)
package.preload.returns_nothing = function() end
print(require("returns_nothing"), package.loaded.returns_nothing)
package.preload.sets_loaded = function(name) package.loaded[name] = "custom"; return "ignored" end
print(require("sets_loaded"))
local ok, err = pcall(require, "definitely_not_a_module_xyz")
print(ok, err:match("module 'definitely_not_a_module_xyz' not found") ~= nil)
package.preload.failing = function() error("module init failed", 0) end
print(pcall(require, "failing"))
-- module() creates a global table with _NAME, _M, _PACKAGE
package.preload["a.b.c"] = function(name)
  module(name)
  function hello() return "hello from " .. _NAME end
end
require("a.b.c")
print(a.b.c.hello(), a.b.c._NAME, a.b.c._PACKAGE, a.b.c._M == a.b.c)
package.preload.withseeall = function(name)
  module(name, package.seeall)
  function f() return type(print) end
end
require("withseeall")
print(withseeall.f())
-- package.loaded can be set directly
package.loaded.direct = {d = 1}
print(require("direct").d)
