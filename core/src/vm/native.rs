//! The native function API: how Rust functions (the standard library, hosts) are called
//! from Lua and call back into it.
//!
//! A native is a [`NativeFn`]: `fn(&mut Vm) -> Result<usize, LuaError>`. When Lua calls
//! it, the VM pushes a native frame whose arguments are a window of the running thread's
//! stack; the native reads them with [`Vm::nargs`] / [`Vm::arg`] (1-based, like Lua's
//! argument numbers) and the `check_*`/`opt_*` helpers, pushes its results with
//! [`Vm::push`], and returns how many of the values on top of the stack are results
//! (`Ok(0)` for none). Errors are `Err(LuaError)`, made with [`Vm::rt_error`] (message
//! prefixed with the caller's `chunk:line:` like `luaL_error`), [`Vm::arg_error`] /
//! [`Vm::type_arg_error`] ("bad argument #1 to 'insert' (table expected, got nil)"), or
//! [`Vm::throw`] (any value, as `error(v, 0)`).
//!
//! Calling back: [`Vm::call`] calls any value (with `__call`) with arguments and leaves
//! its results on top of the stack (so a native can return them directly); [`Vm::call1`]
//! returns the first result. Nesting of native-to-Lua calls is bounded (`MAX_CCALLS`,
//! error "C stack overflow"), and a coroutine cannot yield across such a call.
//!
//! GC contract: the collector runs only inside the dispatch loop. A native's arguments and
//! the values it pushed are rooted; values it holds only in Rust locals are not, so before
//! [`Vm::call`] (which runs Lua code and may collect) push anything you still need, or keep
//! it in an argument slot. Strings are immutable: the slice from [`Vm::str_bytes`] stays
//! valid while the string is rooted.
//!
//! Native upvalues (for closures such as `coroutine.wrap`'s or `string.gmatch`'s
//! iterator) are set by [`Vm::new_native`] and read with [`Vm::upvalue`].

use alloc::vec::Vec;

use crate::gc::{GcHeader, Kind};
use crate::object::NativeFunction;
use crate::value::Value;
use crate::vm::{LuaError, Vm};

/// A native function: reads its arguments from the VM, pushes results, returns how many.
pub type NativeFn = fn(&mut Vm) -> Result<usize, LuaError>;

impl Vm {
    /// Number of arguments of the running native.
    #[inline]
    pub fn nargs(&self) -> usize {
        let f = self.th().frames.last().expect("native frame");
        f.top - f.base
    }

    /// Argument `i` (1-based) of the running native; nil if absent.
    #[inline]
    pub fn arg(&self, i: usize) -> Value {
        let th = self.th();
        let f = th.frames.last().expect("native frame");
        if i >= 1 && f.base + i <= f.top {
            th.stack[f.base + i - 1]
        } else {
            Value::NIL
        }
    }

    /// Replaces argument `i` (1-based, must exist).
    pub fn set_arg(&mut self, i: usize, v: Value) {
        let th = self.th_mut();
        let f = *th.frames.last().expect("native frame");
        if i >= 1 && f.base + i <= f.top {
            th.stack[f.base + i - 1] = v;
        }
    }

    /// All arguments of the running native (copied).
    pub fn args(&self) -> Vec<Value> {
        let th = self.th();
        let f = th.frames.last().expect("native frame");
        th.stack[f.base..f.top].to_vec()
    }

    /// Pushes a value on the stack (a result, or a value to keep rooted).
    #[inline]
    pub fn push(&mut self, v: Value) -> Result<(), LuaError> {
        let th = self.th_mut();
        if th.top >= th.stack.len() {
            self.grow_stack(1)?;
        }
        let th = self.th_mut();
        th.stack[th.top] = v;
        th.top += 1;
        Ok(())
    }

    /// Pushes one result and returns `Ok(1)`: `return vm.ret1(v)`.
    #[inline]
    pub fn ret1(&mut self, v: Value) -> Result<usize, LuaError> {
        self.push(v)?;
        Ok(1)
    }

    /// Removes `n` values from the top of the stack.
    pub fn pop(&mut self, n: usize) {
        let th = self.th_mut();
        let base = th.frames.last().map(|f| f.base).unwrap_or(0);
        th.top = th.top.saturating_sub(n).max(base);
    }

    /// The `n` values on top of the stack.
    pub fn top_values(&self, n: usize) -> &[Value] {
        let th = self.th();
        &th.stack[th.top - n..th.top]
    }

    /// Upvalue `i` (0-based) of the running native closure; nil if absent.
    pub fn upvalue(&self, i: usize) -> Value {
        let th = self.th();
        let f = th.frames.last().expect("native frame");
        let fv = th.stack[f.func];
        // SAFETY: a native frame's function slot holds a live function; the header says
        // whether it is a native.
        unsafe {
            if fv.is_func() && (*fv.ptr::<GcHeader>()).kind == Kind::NativeFn {
                (&*fv.ptr::<NativeFunction>())
                    .upvals
                    .get(i)
                    .copied()
                    .unwrap_or(Value::NIL)
            } else {
                Value::NIL
            }
        }
    }

    /// Replaces upvalue `i` of the running native closure (must exist).
    pub fn set_upvalue(&mut self, i: usize, v: Value) {
        let th = self.th();
        let f = th.frames.last().expect("native frame");
        let fv = th.stack[f.func];
        // SAFETY: as in `upvalue`; the function is live and we hold `&mut self`.
        unsafe {
            if fv.is_func() && (*fv.ptr::<GcHeader>()).kind == Kind::NativeFn {
                if let Some(u) = (&mut *fv.ptr::<NativeFunction>()).upvals.get_mut(i) {
                    *u = v;
                }
            }
        }
    }

    // ---- argument checks (luaL_check*) ---------------------------------------------------

    /// Any value, but present ("value expected").
    pub fn check_any(&mut self, i: usize) -> Result<Value, LuaError> {
        if i > self.nargs() {
            return Err(self.arg_error(i, "value expected"));
        }
        Ok(self.arg(i))
    }

    /// A table argument.
    pub fn check_table(&mut self, i: usize) -> Result<Value, LuaError> {
        let v = self.arg(i);
        if v.is_table() {
            Ok(v)
        } else {
            Err(self.type_arg_error(i, "table"))
        }
    }

    /// A number argument (strings convertible to numbers are accepted).
    pub fn check_num(&mut self, i: usize) -> Result<f64, LuaError> {
        let v = self.arg(i);
        match self.to_number(v) {
            Some(n) => Ok(n),
            None => Err(self.type_arg_error(i, "number")),
        }
    }

    /// An integer argument (a number truncated toward zero, as `luaL_checkinteger`).
    pub fn check_int(&mut self, i: usize) -> Result<i64, LuaError> {
        let n = self.check_num(i)?;
        Ok(num_to_int(n))
    }

    /// An optional number argument.
    pub fn opt_num(&mut self, i: usize, default: f64) -> Result<f64, LuaError> {
        if self.arg(i).is_nil() {
            Ok(default)
        } else {
            self.check_num(i)
        }
    }

    /// An optional integer argument.
    pub fn opt_int(&mut self, i: usize, default: i64) -> Result<i64, LuaError> {
        if self.arg(i).is_nil() {
            Ok(default)
        } else {
            self.check_int(i)
        }
    }

    /// A string argument (numbers are converted, and the argument replaced, as
    /// `luaL_checklstring` does). Returns the string value.
    pub fn check_str(&mut self, i: usize) -> Result<Value, LuaError> {
        let v = self.arg(i);
        if v.is_str() {
            return Ok(v);
        }
        if v.is_num() {
            let s = self.num_to_str(v.num_unchecked())?;
            self.set_arg(i, s);
            return Ok(s);
        }
        Err(self.type_arg_error(i, "string"))
    }

    /// A string argument's bytes (see [`Vm::check_str`]; valid while the argument is).
    pub fn check_bytes<'a>(&mut self, i: usize) -> Result<&'a [u8], LuaError> {
        let v = self.check_str(i)?;
        Ok(self.str_bytes(v))
    }

    /// An optional string argument's bytes.
    pub fn opt_bytes<'a>(&mut self, i: usize, default: &'a [u8]) -> Result<&'a [u8], LuaError> {
        if self.arg(i).is_nil() {
            Ok(default)
        } else {
            self.check_bytes(i)
        }
    }

    // ---- calling back into Lua ------------------------------------------------------------

    /// Calls `f` with `args`; its results (all of them, or exactly `nresults`) are left on
    /// top of the stack, and their count is returned. Bounded nesting ("C stack overflow");
    /// no yield across it.
    pub fn call(
        &mut self,
        f: Value,
        args: &[Value],
        nresults: Option<usize>,
    ) -> Result<usize, LuaError> {
        let func = self.th().top;
        self.push(f)?;
        for &a in args {
            self.push(a)?;
        }
        let want = nresults.map(|n| n as i32).unwrap_or(-1);
        self.call_at(func, args.len(), want)?;
        Ok(self.th().top - func)
    }

    /// Calls `f` with `args` and returns its first result (nil if none).
    pub fn call1(&mut self, f: Value, args: &[Value]) -> Result<Value, LuaError> {
        self.call(f, args, Some(1))?;
        let th = self.th_mut();
        th.top -= 1;
        Ok(th.stack[th.top])
    }
}

/// Lua 5.1's number-to-integer conversion for library arguments: truncation, with NaN and
/// out-of-range values saturating (never undefined behaviour).
#[inline]
pub fn num_to_int(n: f64) -> i64 {
    n as i64
}
