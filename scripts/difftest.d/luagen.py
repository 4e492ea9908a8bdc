#!/usr/bin/env python3
"""Random Lua 5.1 program generator for differential testing (JIT off / JIT eager / luajit).

    luagen.py SEED            print the program for SEED on stdout
    luagen.py SEED OUT.lua    write it to OUT.lua
    luagen.py --batch SEED COUNT DIR    DIR/<seed>.lua for COUNT seeds from SEED
    luagen.py --avoid=pow ...   (first argument) leave features out, see `generate`

Invariants of every generated program (what makes a divergence mean a bug):
- deterministic: the program is a pure function of SEED (Python's `random.Random(SEED)`),
  and its output depends on nothing but Lua semantics: no `pairs` order in the output
  (pairs loops only count and take maxima), no addresses, no tostring of tables or
  functions, no time, no randomness, no `#` of a table with holes (arrays only grow at
  `#t + 1` and shrink at `#t`);
- terminating: every loop has a constant trip count (while/repeat loops run on a private
  counter no statement writes), nested loops have a bounded product of trip counts, a
  function only calls functions defined before it (recursion comes from fixed templates
  with small constant depths), strings are cut to a bounded length when stored;
- well-typed: every variable has a static type (number, string, array of numbers, vector
  object with metatable, function of numbers) and expressions are generated for a type,
  so the only runtime errors are the ones thrown on purpose by `error` inside `pcall`;
- it prints a few intermediate values and, last, `checksum <n>`: a mix of every number,
  string and boolean the program computed into `mix`.

The shapes are chosen for what a trace JIT compiles: numeric and generic `for`, `while`,
`repeat`, nested loops with conditional `break`, integer and float arithmetic, comparisons
in loop bodies, locals and upvalues, array and field reads and writes, `#`, table growth,
string operations, calls, recursion, closures, metamethods (`__index`, `__newindex`,
`__add`, `__sub`, `__mul`, `__unm`, `__lt`, `__le`, `__eq`, `__concat`), `pcall`/`error`.
"""

import random
import sys

PRELUDE = """\
local cs = 0
local function mix(v)
  local t = type(v)
  if t == "number" then
    if v ~= v then v = 7 elseif v == 1/0 then v = 11 elseif v == -1/0 then v = 13 end
    cs = (cs * 31 + v) % 2147483629
  elseif t == "string" then
    cs = (cs * 17 + #v) % 2147483629
    for i = 1, #v, 3 do cs = (cs * 3 + string.byte(v, i)) % 2147483629 end
  elseif t == "boolean" then
    cs = (cs * 3 + (v and 1 or 2)) % 2147483629
  else
    cs = (cs * 5 + 3) % 2147483629
  end
end
local function ix(e, n)
  if e ~= e or e == 1/0 or e == -1/0 then return 1 end
  local r = math.floor(e) % n
  if r < 0 or r >= n then return 1 end
  return r + 1
end
local function fin(e)
  if e ~= e or e == 1/0 or e == -1/0 then return 0 end
  return e
end
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, V) end
V.__sub = function(a, b) return setmetatable({x = a.x - b.x, y = a.y - b.y}, V) end
V.__mul = function(a, k)
  if type(a) == "number" then a, k = k, a end
  return setmetatable({x = a.x * k, y = a.y * k}, V)
end
V.__unm = function(a) return setmetatable({x = -a.x, y = -a.y}, V) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__concat = function(a, b)
  if type(a) == "table" then a = "v" .. fin(a.x) end
  if type(b) == "table" then b = "v" .. fin(b.x) end
  return a .. b
end
function V.dot(a, b) return a.x * b.x + a.y * b.y end
function V.len2(a) return a.x * a.x + a.y * a.y end
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
local D = setmetatable({}, {__index = function(t, k) return k * 2 + 1 end})
local logn = 0
local P = setmetatable({}, {__newindex = function(t, k, v) logn = logn + 1; rawset(t, k, v) end})
"""

STR_LITS = ['"a"', '"bc"', '"hello"', '"x1"', '"  42 "', '"0x1F"', '"1e2"', '"-3.5"',
            '"Lua"', '""', '"a,b,c"', '"%d"', '"[z]"', '"7"']
FLOAT_LITS = ['0.5', '1.25', '(-2.75)', '3.14159', '1e3', '0.1', '(2^0.5)', '(1/3)', '100.5']


# Past this many lines a program only gets simple statements (no new blocks), which also
# keeps every function under Lua's 200-locals limit.
MAX_LINES = 260


class Scope:
    """Variables visible at a point: name -> type, in nested frames."""

    def __init__(self):
        self.frames = [{}]
        self.readonly = set()

    def push(self):
        self.frames.append({})

    def pop(self):
        self.frames.pop()

    def add(self, name, ty):
        self.frames[-1][name] = ty

    def of(self, ty, writable=False):
        seen = {}
        for f in self.frames:
            seen.update(f)
        names = [n for n, t in seen.items() if t == ty]
        if writable:
            names = [n for n in names if n not in self.readonly]
        return sorted(names)

    def funcs(self):
        seen = {}
        for f in self.frames:
            seen.update(f)
        return sorted((n, t[1]) for n, t in seen.items() if isinstance(t, tuple))


class Gen:
    def __init__(self, seed, avoid=()):
        self.r = random.Random(seed)
        self.avoid = set(avoid)
        self.scope = Scope()
        self.n = 0
        self.lines = []
        self.indent = 0
        self.loop_depth = 0  # loops enclosing the current point within this function
        self.cost = 1  # product of trip counts of the enclosing loops (and calls)
        self.fn_depth = 0

    # ------------------------------------------------------------------ helpers
    def name(self, prefix):
        self.n += 1
        return "%s%d" % (prefix, self.n)

    def emit(self, text):
        self.lines.append("  " * self.indent + text)

    def chance(self, p):
        return self.r.random() < p

    def pick(self, xs):
        return self.r.choice(xs)

    # ------------------------------------------------------------------ expressions
    def num(self, d=0):
        r = self.r
        nums = self.scope.of("num")
        if d >= 3 or (d > 0 and self.chance(0.3)):
            if nums and self.chance(0.65):
                return self.pick(nums)
            if self.chance(0.75):
                v = r.randint(-5, 60)
                return str(v) if v >= 0 else "(%d)" % v
            return self.pick(FLOAT_LITS)
        k = r.randint(0, 20)
        if k <= 6:
            op = self.pick(["+", "-", "*", "+", "-", "*", "/", "%", "^"])
            if op == "^" and "pow" in self.avoid:
                op = "*"
            a, b = self.num(d + 1), self.num(d + 1)
            if op == "^":
                b = self.pick(["2", "0.5", "3", "-1"])
            return "(%s %s %s)" % (a, op, b)
        if k == 7:
            return "(-%s)" % self.num(d + 1)
        if k == 8:
            f = self.pick(["math.floor", "math.abs", "math.ceil"])
            return "%s(%s)" % (f, self.num(d + 1))
        if k == 9:
            f = self.pick(["math.max", "math.min"])
            return "%s(%s, %s)" % (f, self.num(d + 1), self.num(d + 1))
        if k == 10 and self.scope.of("arr"):
            t = self.pick(self.scope.of("arr"))
            if self.chance(0.3):
                return "(#%s)" % t
            return "(%s[ix(%s, #%s + 1)] or 0)" % (t, self.num(d + 1), t)
        if k == 11 and self.scope.of("vec"):
            v = self.pick(self.scope.of("vec"))
            return self.pick(["%s.x", "%s.y", "%s:len2()", "%s:dot(%s)"]).replace(
                "%s", v, 1).replace("%s", self.pick(self.scope.of("vec")))
        if k == 12 and self.scope.of("str"):
            s = self.pick(self.scope.of("str"))
            return self.pick(["(#%s)" % s, "(string.byte(%s, ix(%s, #%s + 1)) or 0)" % (
                s, self.num(d + 1), s), "(tonumber(%s) or 0)" % s,
                "(string.find(%s, %s, 1, true) or 0)" % (s, self.str(d + 1))])
        if k == 13 and not (self.fn_depth > 0 and self.loop_depth > 0):
            fs = self.scope.funcs()
            if fs:
                f, arity = self.pick(fs)
                return "%s(%s)" % (f, ", ".join(self.num(d + 1) for _ in range(arity)))
        if k == 14:
            return "(%s and %s or %s)" % (self.cond(d + 1), self.num(d + 1), self.num(d + 1))
        if k == 15:
            return "D[%s]" % self.num(d + 1)
        if k == 16:
            f = self.pick(["band", "bor", "bxor"])
            return "bit.%s(%s, %s)" % (f, self.num(d + 1), r.randint(1, 1023))
        if k == 17:
            return "bit.%s(%s, %d)" % (self.pick(["lshift", "rshift", "arshift"]),
                                       self.num(d + 1), r.randint(0, 12))
        if k == 18:
            return "math.sqrt(math.abs(%s))" % self.num(d + 1)
        if nums:
            return self.pick(nums)
        return str(r.randint(0, 9))

    def cond(self, d=0):
        k = self.r.randint(0, 9)
        if d >= 3:
            k = 0
        if k <= 4:
            op = self.pick(["<", "<=", ">", ">=", "==", "~="])
            return "%s %s %s" % (self.num(d + 1), op, self.num(d + 1))
        if k == 5 and self.scope.of("str"):
            op = self.pick(["<", "==", "~=", ">="])
            return "%s %s %s" % (self.str(d + 1), op, self.str(d + 1))
        if k == 6:
            return "not (%s)" % self.cond(d + 1)
        if k == 7:
            return "(%s %s %s)" % (self.cond(d + 1), self.pick(["and", "or"]), self.cond(d + 1))
        if k == 8 and self.scope.of("vec"):
            vs = self.scope.of("vec")
            return "%s %s %s" % (self.pick(vs), self.pick(["==", "<", "<=", "~="]), self.pick(vs))
        return "%s %% %d == 0" % (self.num(d + 1), self.r.randint(2, 5))

    def str(self, d=0):
        strs = self.scope.of("str")
        if d >= 3 or self.chance(0.25):
            if strs and self.chance(0.6):
                return self.pick(strs)
            return self.pick(STR_LITS)
        k = self.r.randint(0, 10)
        if k <= 2:
            return "%s .. %s" % (self.str(d + 1), self.pick([self.str(d + 1), self.num(d + 1)]))
        if k == 3:
            return "tostring(%s)" % self.num(d + 1)
        if k == 4:
            return "string.sub(%s, %d, %d)" % (self.str(d + 1), self.r.randint(-4, 4),
                                               self.r.randint(-3, 9))
        if k == 5:
            return "string.rep(%s, %d)" % (self.str(d + 1), self.r.randint(0, 3))
        if k == 6:
            return "string.%s(%s)" % (self.pick(["upper", "lower", "reverse"]), self.str(d + 1))
        if k == 7:
            return 'string.format("%%d:%%.3f:%%s", ix(%s, 1000), fin(%s), %s)' % (
                self.num(d + 1), self.num(d + 1), self.str(d + 1))
        if k == 8:
            pat = self.pick(['"%a"', '"%d+"', '"[,x]"', '"l"', '"(%w)(%w)"'])
            return "(string.gsub(%s, %s, %s))" % (self.str(d + 1), pat,
                                                 self.pick(['"_"', '"%1"', '"<%0>"']))
        if k == 9 and self.scope.of("arr"):
            return 'table.concat(%s, ",", 1, math.min(#%s, 4))' % (
                (self.pick(self.scope.of("arr")),) * 2)
        if k == 10 and self.scope.of("vec"):
            return "(%s .. %s)" % (self.pick(self.scope.of("vec")), self.str(d + 1))
        return self.pick(STR_LITS)

    def vec(self, d=0):
        vs = self.scope.of("vec")
        k = self.r.randint(0, 5)
        if not vs or k == 0 or d >= 2:
            return "vec(%s, %s)" % (self.num(d + 1), self.num(d + 1))
        if k == 1:
            return "%s + %s" % (self.pick(vs), self.vec(d + 1))
        if k == 2:
            return "%s - %s" % (self.pick(vs), self.pick(vs))
        if k == 3:
            return "%s * %s" % (self.pick(vs), self.num(d + 1))
        if k == 4:
            return "(-%s)" % self.pick(vs)
        return self.pick(vs)

    # ------------------------------------------------------------------ statements
    def trips(self, lo, hi):
        """A trip count that keeps the product of nested trip counts bounded."""
        cap = max(1, 1500 // self.cost)
        return max(0, min(self.r.randint(lo, hi), cap))

    def block(self, n, body_cost=1):
        self.cost *= max(1, body_cost)
        self.scope.push()
        self.indent += 1
        for _ in range(n):
            self.stmt()
        self.indent -= 1
        self.scope.pop()
        self.cost //= max(1, body_cost)

    def stmt(self):
        depth = len(self.scope.frames)
        k = self.r.randint(0, 30)
        if (depth > 4 or len(self.lines) > MAX_LINES) and (k >= 12 or k == 9):
            k = self.r.randint(0, 8)
        if k <= 2:
            self.assign_num()
        elif k == 3:
            self.new_local()
        elif k == 4:
            self.emit("mix(%s)" % self.pick([self.num(), self.str(), self.cond()]))
        elif k == 5:
            self.arr_write()
        elif k == 6 and self.scope.of("vec", writable=True):
            self.emit("%s = %s" % (self.pick(self.scope.of("vec", writable=True)), self.vec()))
        elif k == 7 and self.scope.of("str", writable=True):
            self.emit("%s = string.sub(%s, 1, 40)" % (
                self.pick(self.scope.of("str", writable=True)), self.str()))
        elif k == 8 and self.loop_depth > 0:
            self.emit("if %s then break end" % self.cond())
        elif k == 9:
            self.if_stmt()
        elif k == 10:
            self.emit("P[%s] = %s" % (self.pick(['"k"', '"j"', "1", "2"]), self.num()))
            self.emit("mix(logn)")
        elif k == 11 and self.scope.of("arr", writable=True):
            t = self.pick(self.scope.of("arr", writable=True))
            self.emit(self.pick(["table.insert(%s, %s)" % (t, self.num()),
                                 "if #%s > 0 then mix(table.remove(%s)) end" % (t, t),
                                 "%s[#%s] = nil" % (t, t)]))
        elif k <= 14:
            self.for_num()
        elif k == 15:
            self.while_loop()
        elif k == 16:
            self.repeat_loop()
        elif k == 17:
            self.for_generic()
        elif k == 18 and self.fn_depth < 2:
            self.function()
        elif k == 19 and self.fn_depth < 2:
            self.closure()
        elif k == 20 and self.fn_depth == 0 and self.loop_depth == 0:
            self.recursion()
        elif k == 21:
            self.pcall_stmt()
        elif k == 22 and self.loop_depth == 0 and self.fn_depth == 0:
            self.emit("print(%s)" % ", ".join(
                self.pick([self.num(), self.str(), self.cond()]) for _ in range(self.r.randint(1, 3))))
        elif k == 23:
            self.emit("do")
            self.block(self.r.randint(1, 3))
            self.emit("end")
        else:
            self.assign_num()

    def assign_num(self):
        vs = self.scope.of("num", writable=True)
        if not vs:
            return self.new_local()
        v = self.pick(vs)
        e = self.num()
        if self.chance(0.5):
            e = "(%s) %% %d" % (e, self.r.randint(7, 100000))
        self.emit("%s = %s" % (v, e))

    def new_local(self):
        k = self.r.randint(0, 5)
        if k <= 2:
            name = self.name("n")
            self.emit("local %s = %s" % (name, self.num()))
            self.scope.add(name, "num")
        elif k == 3:
            name = self.name("s")
            self.emit("local %s = %s" % (name, self.str()))
            self.scope.add(name, "str")
        elif k == 4:
            name = self.name("t")
            items = ", ".join(self.num(2) for _ in range(self.r.randint(0, 6)))
            self.emit("local %s = {%s}" % (name, items))
            self.scope.add(name, "arr")
        else:
            name = self.name("v")
            self.emit("local %s = %s" % (name, self.vec()))
            self.scope.add(name, "vec")

    def arr_write(self):
        ts = self.scope.of("arr", writable=True)
        if not ts:
            return self.new_local()
        t = self.pick(ts)
        self.emit("%s[ix(%s, #%s + 1)] = %s" % (t, self.num(), t, self.num()))

    def if_stmt(self):
        self.emit("if %s then" % self.cond())
        self.block(self.r.randint(1, 3))
        while self.chance(0.3):
            self.emit("elseif %s then" % self.cond())
            self.block(self.r.randint(1, 2))
        if self.chance(0.5):
            self.emit("else")
            self.block(self.r.randint(1, 2))
        self.emit("end")

    def loop_body(self, trips, var_names=(), var_ty="num", readonly=()):
        self.loop_depth += 1
        self.cost *= max(1, trips)
        self.scope.push()
        for v in var_names:
            self.scope.add(v, var_ty)
        saved = set(self.scope.readonly)
        self.scope.readonly.update(var_names)
        self.scope.readonly.update(readonly)
        self.indent += 1
        for _ in range(self.r.randint(1, 5)):
            self.stmt()
        if self.chance(0.5):
            self.emit("mix(%s)" % (var_names[0] if var_names else self.num()))
        self.indent -= 1
        self.scope.readonly = saved
        self.scope.pop()
        self.cost //= max(1, trips)
        self.loop_depth -= 1

    def for_num(self):
        i = self.name("i")
        n = self.trips(1, 60)
        form = self.r.randint(0, 4)
        # Forms 1 and 2 run up to 4n and n + 4 times: near the budget they would multiply
        # the cost of every loop nested in them past it, so they shrink or become `1, n`.
        cap = max(1, 1500 // self.cost)  # as in `trips`, so n <= cap already
        if form == 1 and n * 4 > cap:
            if cap >= 4:
                n = cap // 4
            else:
                form = 3
        elif form == 2 and n + 4 > cap:
            form = 3
        if form == 0:
            self.emit("for %s = %d, 1, -1 do" % (i, n))
        elif form == 1:
            step = self.pick(["0.5", "2", "3", "0.25"])
            self.emit("for %s = 1, %d, %s do" % (i, n, step))
        elif form == 2:
            self.emit("for %s = %s, %d do" % (i, self.pick(["-3", "0", "1.5"]), n))
        else:
            self.emit("for %s = 1, %d do" % (i, n))
        self.loop_body(n * 4 if form == 1 else n + 4 if form == 2 else n, [i])
        self.emit("end")

    def while_loop(self):
        w = self.name("w")
        n = self.trips(1, 40)
        self.emit("local %s = 0" % w)
        self.emit("while %s < %d do" % (w, n))
        self.indent += 1
        self.emit("%s = %s + 1" % (w, w))
        self.indent -= 1
        self.scope.readonly.add(w)
        self.loop_body(n, [])
        self.emit("end")
        self.scope.add(w, "num")
        self.scope.readonly.add(w)

    def repeat_loop(self):
        w = self.name("r")
        n = self.trips(1, 40)
        self.emit("local %s = 0" % w)
        self.emit("repeat")
        self.indent += 1
        self.emit("%s = %s + 1" % (w, w))
        self.indent -= 1
        self.scope.readonly.add(w)
        self.loop_body(n, [])
        self.emit("until %s >= %d" % (w, n))
        self.scope.add(w, "num")
        self.scope.readonly.add(w)

    def for_generic(self):
        ts = self.scope.of("arr")
        if not ts:
            return self.new_local()
        t = self.pick(ts)
        k, v = self.name("k"), self.name("e")
        if self.chance(0.7):
            # Arrays grow without a static bound: the walk stops after n elements.
            n = self.trips(1, 40)
            self.emit("for %s, %s in ipairs(%s) do" % (k, v, t))
            self.emit("  if %s > %d then break end" % (k, n))
            self.loop_body(n, [k, v], readonly=[t])
            self.emit("end")
        else:
            # pairs order is unspecified: only order-independent results leave the loop.
            c, m = self.name("c"), self.name("m")
            self.emit("local %s, %s = 0, -1" % (c, m))
            self.emit("for %s, %s in pairs(%s) do" % (k, v, t))
            self.indent += 1
            self.emit("%s = %s + 1" % (c, c))
            self.emit("if %s > %s then %s = %s end" % (v, m, m, v))
            self.indent -= 1
            self.emit("end")
            self.emit("mix(%s) mix(%s)" % (c, m))

    def function(self):
        f = self.name("f")
        arity = self.r.randint(0, 3)
        params = [self.name("a") for _ in range(arity)]
        self.emit("local function %s(%s)" % (f, ", ".join(params)))
        self.fn_body(params)
        self.emit("end")
        self.scope.add(f, ("fn", arity))

    def fn_body(self, params):
        saved = (self.loop_depth, self.cost, set(self.scope.readonly))
        self.loop_depth = 0
        # Called from anywhere (loops included), so its own loops stay short; and it writes
        # no outer array, which could be one an enclosing ipairs loop is walking.
        self.cost = 300
        self.scope.readonly.update(self.scope.of("arr"))
        self.fn_depth += 1
        self.scope.push()
        for p in params:
            self.scope.add(p, "num")
        self.indent += 1
        for _ in range(self.r.randint(1, 4)):
            self.stmt()
        self.emit("return %s" % self.num())
        self.indent -= 1
        self.scope.pop()
        self.fn_depth -= 1
        self.loop_depth, self.cost, self.scope.readonly = saved

    def closure(self):
        mk, c, f = self.name("mk"), self.name("u"), self.name("g")
        self.emit("local function %s(s)" % mk)
        self.indent += 1
        self.emit("local %s = s" % c)
        self.emit("return function(d)")
        self.indent += 1
        self.emit("%s = (%s + d) %% 65536" % (c, c))
        self.emit("return %s * %s" % (c, self.pick(["1", "2", "0.5", "d"])))
        self.indent -= 2
        self.emit("  end")
        self.emit("end")
        self.emit("local %s = %s(%s)" % (f, mk, self.num()))
        self.scope.add(f, ("fn", 1))

    def recursion(self):
        f = self.name("rec")
        kind = self.r.randint(0, 2)
        if kind == 0:
            self.emit("local function %s(n, a)" % f)
            self.emit("  if n <= 0 then return a end")
            self.emit("  return %s(n - 1, (a * 3 + n) %% 1000)%s" % (
                f, self.pick(["", " + 1"])))
            self.emit("end")
            self.emit("mix(%s(%d, %s))" % (f, self.r.randint(0, 40), self.num()))
        elif kind == 1:
            self.emit("local function %s(n)" % f)
            self.emit("  if n < 2 then return n end")
            self.emit("  return %s(n - 1) + %s(n - 2)" % (f, f))
            self.emit("end")
            self.emit("mix(%s(%d))" % (f, self.r.randint(0, 14)))
        else:
            self.emit("local function %s(t, i, acc)" % f)
            self.emit("  if i > #t then return acc end")
            self.emit("  return %s(t, i + 1, acc + t[i])" % f)
            self.emit("end")
            ts = self.scope.of("arr")
            self.emit("mix(%s(%s, 1, 0))" % (f, self.pick(ts) if ts else "{1, 2, 3}"))

    def pcall_stmt(self):
        ok, e = self.name("ok"), self.name("er")
        self.emit("local %s, %s = pcall(function(p)" % (ok, e))
        saved = (self.loop_depth, self.fn_depth)
        self.loop_depth = 0
        self.fn_depth += 1
        self.scope.push()
        self.scope.add("p", "num")
        self.indent += 1
        for _ in range(self.r.randint(0, 3)):
            self.stmt()
        how = self.r.randint(0, 3)
        if how == 0:
            self.emit('if %s then error("boom" .. ix(%s, 100), 0) end' % (self.cond(), self.num()))
        elif how == 1:
            self.emit('if %s then error("at") end' % self.cond())
        elif how == 2:
            self.emit("if %s then error(%s, 0) end" % (self.cond(), self.num()))
        self.emit("return %s" % self.num())
        self.indent -= 1
        self.scope.pop()
        self.loop_depth, self.fn_depth = saved
        self.emit("end, %s)" % self.num())
        self.emit("mix(%s) mix(%s)" % (ok, e))

    # ------------------------------------------------------------------ program
    def program(self):
        self.lines = PRELUDE.rstrip("\n").split("\n")
        for _ in range(self.r.randint(3, 6)):
            self.new_local()
        for _ in range(self.r.randint(8, 30)):
            self.stmt()
        for ty in ("num", "str", "vec", "arr"):
            for v in self.scope.of(ty):
                if ty == "vec":
                    self.emit("mix(%s.x) mix(%s.y)" % (v, v))
                elif ty == "arr":
                    self.emit("mix(#%s) for _, x in ipairs(%s) do mix(x) end" % (v, v))
                else:
                    self.emit("mix(%s)" % v)
        self.emit('print("checksum", cs)')
        return "\n".join(self.lines) + "\n"


def generate(seed, avoid=()):
    """The program for `seed`. `avoid` names features to leave out (a known bug being
    fixed: "pow" turns `^` into `*`); an empty `avoid` is the full language."""
    return Gen(seed, avoid).program()


if __name__ == "__main__":
    avoid = ()
    if sys.argv[1].startswith("--avoid="):
        avoid = tuple(sys.argv.pop(1)[len("--avoid="):].split(","))
    if sys.argv[1] == "--batch":
        # luagen.py --batch SEED COUNT DIR: DIR/<seed>.lua for COUNT seeds from SEED.
        first, count, out = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
        for seed in range(first, first + count):
            with open("%s/%d.lua" % (out, seed), "w") as f:
                f.write(generate(seed, avoid))
        sys.exit(0)
    src = generate(int(sys.argv[1]), avoid)
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w") as f:
            f.write(src)
    else:
        sys.stdout.write(src)
