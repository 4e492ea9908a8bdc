//! Metamethods: lookup with the absence cache, and the generic (slow-path) operations the
//! dispatch loop falls back to: indexing chains, arithmetic, comparison, concatenation,
//! length, equality.
//!
//! Each operation comes in two forms. The `*_mm` form stops at the metamethod call and
//! returns it ([`Slow::Call`]); the dispatch loop runs that call as a VM frame with a
//! continuation (`FrameKind::Cont`), so a coroutine may yield inside a metamethod, as in
//! LuaJIT. The plain form (for library code and hosts) makes the call itself through
//! [`Vm::call`], which bounds native recursion.
//!
//! Invariant: every chain of `__index`/`__newindex` is bounded by [`MAXTAGLOOP`]
//! ("loop in gettable").

use alloc::vec::Vec;

use crate::object::{LuaStr, Table};
use crate::value::{tag, Value};
use crate::vm::{LuaError, Vm};

/// Bound on `__index`/`__newindex` chains (PUC's MAXTAGLOOP).
pub const MAXTAGLOOP: usize = 100;

macro_rules! tms {
    ($( $name:ident = $s:literal ),* $(,)?) => {
        /// Metamethod events, in 5.1's order (the first ones are cached as absent).
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        #[repr(u8)]
        pub enum Tm { $( #[doc = $s] $name, )* }
        /// Event names, indexed by [`Tm`].
        pub const TM_NAMES: &[&str] = &[ $( $s, )* ];
    };
}

tms! {
    Index = "__index", NewIndex = "__newindex", Gc = "__gc", Mode = "__mode", Eq = "__eq",
    Add = "__add", Sub = "__sub", Mul = "__mul", Div = "__div", Mod = "__mod",
    Pow = "__pow", Unm = "__unm", Len = "__len", Lt = "__lt", Le = "__le",
    Concat = "__concat", Call = "__call", ToString = "__tostring", Metatable = "__metatable",
}

/// Number of events.
pub const TM_COUNT: usize = TM_NAMES.len();
const _: () = assert!(Tm::Metatable as usize == TM_COUNT - 1);

/// `floor`, inlined: exact for every double (values of magnitude `>= 2^52`, infinities
/// and NaN are their own floor; the sign of zero is kept).
#[inline(always)]
pub fn floor(a: f64) -> f64 {
    // One comparison rejects NaN (unordered), infinities and the integral magnitudes.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    if !(libm::fabs(a) < 4_503_599_627_370_496.0) {
        return a;
    }
    // SAFETY: `|a| < 2^52`, so truncation is in `i64` range (`to_int_unchecked`'s
    // precondition); this avoids the saturating checks of `as`.
    let t = unsafe { a.to_int_unchecked::<i64>() } as f64;
    let r = if t > a { t - 1.0 } else { t };
    // `r` is negative exactly when `a` is, except for `a == -0.0` (truncated to `+0.0`):
    // or-ing in `a`'s sign bit fixes that case and changes nothing else.
    f64::from_bits(r.to_bits() | (a.to_bits() & (1 << 63)))
}

/// Lua 5.1's `%`: `a - floor(a/b)*b`.
#[inline(always)]
pub fn lua_mod(a: f64, b: f64) -> f64 {
    a - floor(a / b) * b
}

/// Arithmetic on two numbers for event `op`.
#[inline(always)]
pub fn arith_num(op: Tm, a: f64, b: f64) -> f64 {
    match op {
        Tm::Add => a + b,
        Tm::Sub => a - b,
        Tm::Mul => a * b,
        Tm::Div => a / b,
        Tm::Mod => lua_mod(a, b),
        Tm::Pow => crate::stdlib::math::pow(a, b),
        Tm::Unm => -a,
        _ => f64::NAN,
    }
}

impl Vm {
    /// Metamethod `tm` in metatable `mt` (nil if none), caching absence.
    #[inline]
    pub(crate) fn fast_tm(&self, mt: *mut Table, tm: Tm) -> Value {
        if mt.is_null() {
            return Value::NIL;
        }
        let bit = 1u32 << (tm as u32);
        // SAFETY: a non-null metatable pointer is a live table; the cache flag is plain
        // data (no GC reference) so updating it through the pointer is sound.
        unsafe {
            if (*mt).mm_absent & bit != 0 {
                return Value::NIL;
            }
            let v = (*mt).get_str(self.tm_names[tm as usize]);
            if v.is_nil() {
                (*mt).mm_absent |= bit;
            }
            v
        }
    }

    /// Metamethod `tm` of value `v` (nil if none).
    #[inline]
    pub fn metamethod(&self, v: Value, tm: Tm) -> Value {
        self.fast_tm(self.metatable_ptr(v), tm)
    }

    /// The interned name of event `tm`.
    pub(crate) fn tm_name(&self, tm: Tm) -> *mut LuaStr {
        self.tm_names[tm as usize]
    }

    /// `obj[key]` with `__index`, up to the handler call: the value, or the `__index`
    /// function to call with `(t, key)`. `reg` names the register holding `obj` (for
    /// messages).
    pub(crate) fn index_mm(
        &mut self,
        obj: Value,
        key: Value,
        reg: Option<u32>,
    ) -> Result<Slow<Value>, LuaError> {
        let mut t = obj;
        for lp in 0..MAXTAGLOOP {
            let h;
            if t.is_table() {
                // SAFETY: a table value points to a live table.
                let tbl = unsafe { &*t.ptr::<Table>() };
                let v = tbl.get(key);
                if !v.is_nil() {
                    return Ok(Slow::Done(v));
                }
                h = self.fast_tm(tbl.meta, Tm::Index);
                if h.is_nil() {
                    return Ok(Slow::Done(Value::NIL));
                }
            } else {
                h = self.metamethod(t, Tm::Index);
                if h.is_nil() {
                    let r = if lp == 0 { reg } else { None };
                    return Err(self.op_error(t, "index", r));
                }
            }
            if h.is_func() {
                return Ok(Slow::Call(MetaCall::new(h, &[t, key])));
            }
            t = h;
        }
        Err(self.rt_error("loop in gettable"))
    }

    /// `obj[key]` with `__index`. `reg` names the register holding `obj` (for messages).
    pub fn index_reg(
        &mut self,
        obj: Value,
        key: Value,
        reg: Option<u32>,
    ) -> Result<Value, LuaError> {
        // A plain table first, without the slow path's result (library functions such
        // as `table.insert` index through here).
        if obj.is_table() {
            // SAFETY: a table value points to a live table.
            let tbl = unsafe { &*obj.ptr::<Table>() };
            let v = tbl.get(key);
            if !v.is_nil() || tbl.meta.is_null() {
                return Ok(v);
            }
        }
        let s = self.index_mm(obj, key, reg)?;
        self.finish_value(s)
    }

    /// `obj[key]` with `__index`.
    pub fn index(&mut self, obj: Value, key: Value) -> Result<Value, LuaError> {
        self.index_reg(obj, key, None)
    }

    /// `obj[key] = val` with `__newindex`, up to the handler call (whose result is
    /// dropped). `reg` names the register holding `obj`.
    pub(crate) fn set_index_mm(
        &mut self,
        obj: Value,
        key: Value,
        val: Value,
        reg: Option<u32>,
    ) -> Result<Slow<()>, LuaError> {
        let mut t = obj;
        for lp in 0..MAXTAGLOOP {
            let h;
            if t.is_table() {
                // SAFETY: a table value points to a live table.
                let tbl = unsafe { &*t.ptr::<Table>() };
                let old = tbl.get(key);
                if !old.is_nil() {
                    return self.raw_set(t, key, val).map(Slow::Done);
                }
                h = self.fast_tm(tbl.meta, Tm::NewIndex);
                if h.is_nil() {
                    return self.raw_set(t, key, val).map(Slow::Done);
                }
            } else {
                h = self.metamethod(t, Tm::NewIndex);
                if h.is_nil() {
                    let r = if lp == 0 { reg } else { None };
                    return Err(self.op_error(t, "index", r));
                }
            }
            if h.is_func() {
                return Ok(Slow::Call(MetaCall::new(h, &[t, key, val])));
            }
            t = h;
        }
        Err(self.rt_error("loop in settable"))
    }

    /// `obj[key] = val` with `__newindex`. `reg` names the register holding `obj`.
    pub fn set_index_reg(
        &mut self,
        obj: Value,
        key: Value,
        val: Value,
        reg: Option<u32>,
    ) -> Result<(), LuaError> {
        // SAFETY: a table value points to a live table.
        if obj.is_table() && unsafe { (*obj.ptr::<Table>()).meta.is_null() } {
            return self.raw_set(obj, key, val);
        }
        match self.set_index_mm(obj, key, val, reg)? {
            Slow::Done(()) => Ok(()),
            Slow::Call(c) => {
                self.call(c.h, c.args(), Some(0))?;
                Ok(())
            }
        }
    }

    /// `obj[key] = val` with `__newindex`.
    pub fn set_index(&mut self, obj: Value, key: Value, val: Value) -> Result<(), LuaError> {
        self.set_index_reg(obj, key, val, None)
    }

    /// Arithmetic with coercion, up to the metamethod call. `regs` name the operands'
    /// registers.
    pub(crate) fn arith_mm(
        &mut self,
        op: Tm,
        a: Value,
        b: Value,
        regs: (Option<u32>, Option<u32>),
    ) -> Result<Slow<Value>, LuaError> {
        if let (Some(x), Some(y)) = (self.to_number(a), self.to_number(b)) {
            return Ok(Slow::Done(Value::num(arith_num(op, x, y))));
        }
        let mut h = self.metamethod(a, op);
        if h.is_nil() {
            h = self.metamethod(b, op);
        }
        if h.is_nil() {
            // Blame the first operand that is not a number (luaG_aritherror).
            let (v, r) = if self.to_number(a).is_none() {
                (a, regs.0)
            } else {
                (b, regs.1)
            };
            return Err(self.op_error(v, "perform arithmetic on", r));
        }
        Ok(Slow::Call(MetaCall::new(h, &[a, b])))
    }

    /// Arithmetic with coercion and metamethods. `regs` name the operands' registers.
    pub fn arith_reg(
        &mut self,
        op: Tm,
        a: Value,
        b: Value,
        regs: (Option<u32>, Option<u32>),
    ) -> Result<Value, LuaError> {
        let s = self.arith_mm(op, a, b, regs)?;
        self.finish_value(s)
    }

    /// Arithmetic with coercion and metamethods.
    pub fn arith(&mut self, op: Tm, a: Value, b: Value) -> Result<Value, LuaError> {
        self.arith_reg(op, a, b, (None, None))
    }

    /// Raw equality (numbers by value, everything else by identity).
    #[inline(always)]
    pub fn raw_equal(a: Value, b: Value) -> bool {
        if a.is_num() && b.is_num() {
            a.num_unchecked() == b.num_unchecked()
        } else {
            a.bits() == b.bits()
        }
    }

    /// `a == b`, up to the `__eq` call (tables and userdata of the same type only).
    pub(crate) fn equals_mm(&mut self, a: Value, b: Value) -> Slow<bool> {
        if Self::raw_equal(a, b) {
            return Slow::Done(true);
        }
        if a.is_num() || b.is_num() || a.tag() != b.tag() {
            return Slow::Done(false);
        }
        if !(a.is_table() || a.has_tag(tag::USERDATA)) {
            return Slow::Done(false);
        }
        let (m1, m2) = (self.metatable_ptr(a), self.metatable_ptr(b));
        let tm1 = self.fast_tm(m1, Tm::Eq);
        if tm1.is_nil() {
            return Slow::Done(false);
        }
        if m1 != m2 {
            let tm2 = self.fast_tm(m2, Tm::Eq);
            if !Self::raw_equal(tm1, tm2) {
                return Slow::Done(false);
            }
        }
        Slow::Call(MetaCall::new(tm1, &[a, b]))
    }

    /// `a == b` with `__eq` (tables and userdata of the same type only).
    pub fn equals(&mut self, a: Value, b: Value) -> Result<bool, LuaError> {
        let s = self.equals_mm(a, b);
        self.finish_bool(s)
    }

    /// The order metamethod `tm` shared by `a` and `b`, if they share one.
    fn order_tm(&mut self, a: Value, b: Value, tm: Tm) -> Option<MetaCall> {
        let t1 = self.metamethod(a, tm);
        if t1.is_nil() {
            return None;
        }
        let t2 = self.metamethod(b, tm);
        if !Self::raw_equal(t1, t2) {
            return None;
        }
        Some(MetaCall::new(t1, &[a, b]))
    }

    /// `a < b`, up to the `__lt` call.
    pub(crate) fn less_than_mm(&mut self, a: Value, b: Value) -> Result<Slow<bool>, LuaError> {
        if a.is_num() && b.is_num() {
            return Ok(Slow::Done(a.num_unchecked() < b.num_unchecked()));
        }
        if a.is_str() && b.is_str() {
            return Ok(Slow::Done(self.str_bytes(a) < self.str_bytes(b)));
        }
        if a.lua_type() == b.lua_type() {
            if let Some(c) = self.order_tm(a, b, Tm::Lt) {
                return Ok(Slow::Call(c));
            }
        }
        Err(self.compare_error(a, b))
    }

    /// `a < b`.
    #[inline]
    pub fn less_than(&mut self, a: Value, b: Value) -> Result<bool, LuaError> {
        // Numbers first, without the slow path's result (library sorts compare a lot).
        if a.is_num() && b.is_num() {
            return Ok(a.num_unchecked() < b.num_unchecked());
        }
        let s = self.less_than_mm(a, b)?;
        self.finish_bool(s)
    }

    /// `a <= b`, up to the metamethod call: `__le`, or `not (b < a)` through `__lt`
    /// (a call with `negate` set).
    pub(crate) fn less_equal_mm(&mut self, a: Value, b: Value) -> Result<Slow<bool>, LuaError> {
        if a.is_num() && b.is_num() {
            return Ok(Slow::Done(a.num_unchecked() <= b.num_unchecked()));
        }
        if a.is_str() && b.is_str() {
            return Ok(Slow::Done(self.str_bytes(a) <= self.str_bytes(b)));
        }
        if a.lua_type() == b.lua_type() {
            if let Some(c) = self.order_tm(a, b, Tm::Le) {
                return Ok(Slow::Call(c));
            }
            if let Some(mut c) = self.order_tm(b, a, Tm::Lt) {
                c.negate = true;
                return Ok(Slow::Call(c));
            }
        }
        Err(self.compare_error(a, b))
    }

    /// `a <= b` (falls back to `not (b < a)` through `__lt`).
    #[inline]
    pub fn less_equal(&mut self, a: Value, b: Value) -> Result<bool, LuaError> {
        if a.is_num() && b.is_num() {
            return Ok(a.num_unchecked() <= b.num_unchecked());
        }
        let s = self.less_equal_mm(a, b)?;
        self.finish_bool(s)
    }

    /// `#v` (strings, tables), up to the `__len` call for other types.
    pub(crate) fn len_mm(&mut self, v: Value, reg: Option<u32>) -> Result<Slow<Value>, LuaError> {
        if v.is_str() {
            return Ok(Slow::Done(Value::num(self.str_bytes(v).len() as f64)));
        }
        if v.is_table() {
            return Ok(Slow::Done(Value::num(self.raw_len(v) as f64)));
        }
        let h = self.metamethod(v, Tm::Len);
        if h.is_nil() {
            return Err(self.op_error(v, "get length of", reg));
        }
        Ok(Slow::Call(MetaCall::new(h, &[v, Value::NIL])))
    }

    /// `#v` (strings, tables, `__len` for other types).
    pub fn len_reg(&mut self, v: Value, reg: Option<u32>) -> Result<Value, LuaError> {
        let s = self.len_mm(v, reg)?;
        self.finish_value(s)
    }

    /// `#v`.
    pub fn len(&mut self, v: Value) -> Result<Value, LuaError> {
        self.len_reg(v, None)
    }

    /// `-v`, up to the `__unm` call.
    pub(crate) fn unm_mm(&mut self, v: Value, reg: Option<u32>) -> Result<Slow<Value>, LuaError> {
        if let Some(n) = self.to_number(v) {
            return Ok(Slow::Done(Value::num(-n)));
        }
        let h = self.metamethod(v, Tm::Unm);
        if h.is_nil() {
            return Err(self.op_error(v, "perform arithmetic on", reg));
        }
        Ok(Slow::Call(MetaCall::new(h, &[v, v])))
    }

    /// `-v` with `__unm`.
    pub fn unm_reg(&mut self, v: Value, reg: Option<u32>) -> Result<Value, LuaError> {
        let s = self.unm_mm(v, reg)?;
        self.finish_value(s)
    }

    /// A slow path's value, calling its metamethod here (native recursion).
    fn finish_value(&mut self, s: Slow<Value>) -> Result<Value, LuaError> {
        match s {
            Slow::Done(v) => Ok(v),
            Slow::Call(c) => self.call1(c.h, c.args()),
        }
    }

    /// A comparison's outcome, calling its metamethod here (native recursion).
    fn finish_bool(&mut self, s: Slow<bool>) -> Result<bool, LuaError> {
        match s {
            Slow::Done(b) => Ok(b),
            Slow::Call(c) => Ok(self.call1(c.h, c.args())?.is_truthy() != c.negate),
        }
    }

    /// Concatenates the values in stack slots `first..=last` of the running thread
    /// (5.1's `luaV_concat`: right to left, runs of strings/numbers at once), up to the
    /// first pair that needs `__concat`. `Ok(None)`: done, the result is in slot `first`.
    /// `Ok(Some((call, at)))`: the handler must be called on slots `at` and `at + 1`, its
    /// result goes into slot `at`, and `first..=at` remain to be joined. `base` is the
    /// frame base, for naming registers in errors.
    pub(crate) fn concat_mm(
        &mut self,
        first: usize,
        last: usize,
        base: usize,
    ) -> Result<Option<(MetaCall, usize)>, LuaError> {
        let mut top = last; // index of the last operand still to combine
        let mut total = last - first + 1;
        while total > 1 {
            let (a, b) = {
                let st = &self.th().stack;
                (st[top - 1], st[top])
            };
            let a_ok = a.is_str() || a.is_num();
            let b_ok = b.is_str() || b.is_num();
            if !a_ok || !b_ok {
                let mut h = self.metamethod(a, Tm::Concat);
                if h.is_nil() {
                    h = self.metamethod(b, Tm::Concat);
                }
                if h.is_nil() {
                    let (v, slot) = if a_ok { (b, top) } else { (a, top - 1) };
                    let reg = slot.checked_sub(base).map(|r| r as u32);
                    return Err(self.op_error(v, "concatenate", reg));
                }
                return Ok(Some((MetaCall::new(h, &[a, b]), top - 1)));
            }
            // Collect the longest run of strings/numbers ending at `top`.
            let mut n = 2;
            while n < total {
                let v = self.th().stack[top - n];
                if v.is_str() || v.is_num() {
                    n += 1;
                } else {
                    break;
                }
            }
            let mut buf: Vec<u8> = Vec::new();
            for i in (top + 1 - n)..=top {
                let v = self.th().stack[i];
                if v.is_str() {
                    buf.extend_from_slice(self.str_bytes(v));
                } else {
                    let mut t = alloc::string::String::new();
                    crate::number::fmt_number(v.num_unchecked(), &mut t);
                    buf.extend_from_slice(t.as_bytes());
                }
            }
            let s = self.new_str(&buf)?;
            self.th_mut().stack[top + 1 - n] = s;
            top = top + 1 - n;
            total -= n - 1;
        }
        Ok(None)
    }
}

/// A slow path's outcome: finished, or a metamethod still to call. The dispatch loop
/// calls it as a VM frame (so a coroutine may yield inside it); library code calls it
/// through [`Vm::call1`].
pub(crate) enum Slow<T> {
    /// The operation is complete.
    Done(T),
    /// Call this metamethod; its first result completes the operation.
    Call(MetaCall),
}

/// A metamethod call: the handler, its arguments, and for comparisons whether its
/// truth is the negated outcome.
#[derive(Clone, Copy)]
pub(crate) struct MetaCall {
    /// The handler (any value; a non-function is called through its `__call`).
    pub h: Value,
    args: [Value; 3],
    n: u8,
    /// The outcome is `not` the handler's result (`__lt` standing in for `__le`).
    pub negate: bool,
}

impl MetaCall {
    #[inline(always)]
    fn new<const N: usize>(h: Value, args: &[Value; N]) -> MetaCall {
        let mut a = [Value::NIL; 3];
        a[..N].copy_from_slice(args);
        MetaCall {
            h,
            args: a,
            n: N as u8,
            negate: false,
        }
    }

    /// The handler's arguments.
    pub fn args(&self) -> &[Value] {
        &self.args[..self.n as usize]
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn floor_matches_libm() {
        for &x in &[
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0,
            -1.0,
            2.5,
            -2.5,
            1e300,
            -1e300,
            4.5e15 + 0.5,
            -7.999999999,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e-300,
            -1e-300,
        ] {
            let (a, b) = (super::floor(x), libm::floor(x));
            assert_eq!(a.to_bits(), b.to_bits(), "{x}");
        }
        assert!(super::floor(f64::NAN).is_nan());
        assert_eq!(super::lua_mod(5.5, 2.0), 1.5);
        assert_eq!(super::lua_mod(-5.0, 3.0), 1.0);
        assert_eq!(super::lua_mod(5.0, -3.0), -1.0);
    }

    /// `floor` and `%` on edge cases, expected values (sign of zero included) taken from
    /// `luajit -e` (`math.floor(x)`, `a % b`).
    #[test]
    fn floor_and_mod_match_luajit() {
        const INF: f64 = f64::INFINITY;
        const BIG: f64 = 4_503_599_627_370_495.5; // 2^52 - 0.5
        let floors: &[(f64, f64)] = &[
            (-0.0, -0.0),
            (0.0, 0.0),
            (-0.5, -1.0),
            (0.5, 0.0),
            (-1e-300, -1.0),
            (1e-300, 0.0),
            (-2.5, -3.0),
            (2.5, 2.0),
            (-3.0, -3.0),
            (BIG, 4_503_599_627_370_495.0),
            (-BIG, -4_503_599_627_370_496.0),
            (1e300, 1e300),
            (-INF, -INF),
            (INF, INF),
            (4_611_686_018_427_388_928.0, 4_611_686_018_427_388_928.0),
            (-4_611_686_018_427_387_904.0, -4_611_686_018_427_387_904.0),
        ];
        for &(x, want) in floors {
            let got = super::floor(x);
            assert_eq!(
                got.to_bits(),
                want.to_bits(),
                "floor({x}) = {got}, want {want}"
            );
        }
        assert!(super::floor(f64::NAN).is_nan());
        assert!(super::floor(-f64::NAN).is_nan());
        let mods: &[(f64, f64, f64)] = &[
            (5.5, 2.0, 1.5),
            (-5.0, 3.0, 1.0),
            (5.0, -3.0, -1.0),
            (-0.0, 1.0, 0.0),
            (0.0, -1.0, 0.0),
            (-0.0, -1.0, 0.0),
            (1e300, 7.0, 0.0),
            (-1e300, 7.0, 0.0),
            (9_007_199_254_740_993.0, 3.0, 2.0),
            (-9_007_199_254_740_992.0, 3.0, 0.0),
            (BIG, 2.0, 1.5),
            (-BIG, 2.0, 0.5),
            (-0.5, 1.0, 0.5),
            (0.5, -1.0, -0.5),
            (-7.25, 2.5, 0.25),
            (1e-300, -1.0, -1.0),
        ];
        for &(a, b, want) in mods {
            let got = super::lua_mod(a, b);
            assert_eq!(
                got.to_bits(),
                want.to_bits(),
                "{a} % {b} = {got}, want {want}"
            );
        }
        // Mod by zero, of infinities, by infinities and with NaN: all NaN.
        for &(a, b) in &[
            (0.0, 0.0),
            (5.0, 0.0),
            (-5.0, 0.0),
            (INF, 2.0),
            (-INF, 2.0),
            (5.0, INF),
            (-5.0, INF),
            (5.0, -INF),
            (-5.0, -INF),
            (f64::NAN, 2.0),
            (2.0, f64::NAN),
        ] {
            assert!(super::lua_mod(a, b).is_nan(), "{a} % {b}");
        }
    }
}
