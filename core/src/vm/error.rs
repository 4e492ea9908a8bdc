//! Errors: the error type natives and the interpreter return, and the PUC Lua 5.1 wording
//! of runtime errors (with `chunkid:line:` prefixes and variable names).
//!
//! Invariant: the value of the most recent error is kept in `Vm::err_root`, so an error
//! value travelling up through `Result`s stays rooted until it is caught or replaced.

use alloc::format;
use alloc::string::String;

use crate::object::{frame_at_level, FrameKind};
use crate::value::Value;
use crate::vm::Vm;

/// An error travelling up the native stack.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LuaError {
    /// A Lua error with its value (a message string, or any value given to `error`).
    Value(Value),
    /// Not an error: a coroutine is yielding; propagates up to `resume`.
    Yield,
}

impl Vm {
    /// An error carrying `v` (as `error(v, 0)` raises it).
    pub fn throw(&mut self, v: Value) -> LuaError {
        self.err_root = v;
        LuaError::Value(v)
    }

    /// An error with message `msg`, prefixed with the position of the running Lua code
    /// (`luaL_error` / `luaG_runerror`: the current Lua frame, or the Lua caller of the
    /// running native).
    pub fn rt_error(&mut self, msg: &str) -> LuaError {
        let pre = self.where_(1);
        let s = format!("{pre}{msg}");
        let v = self.str_unchecked(s.as_bytes());
        self.throw(v)
    }

    /// `luaL_where(level)`: `"chunk:line: "` for the Lua function at `level` (0 is the
    /// running function, 1 its caller when the running function is native), else "".
    pub fn where_(&self, level: usize) -> String {
        let frames = &self.th().frames;
        // Levels skip metamethod continuations: a native metamethod's caller is the Lua
        // frame whose instruction called it.
        let Some(top) = frame_at_level(frames, 0) else {
            return String::new();
        };
        // The dispatch loop raises errors from Lua frames directly: level 1 there means
        // the Lua frame itself (as luaG_runerror does).
        if matches!(frames[top].kind, FrameKind::Pcall | FrameKind::Xpcall) {
            // Raised by `pcall` itself (calling a non-function): a C frame, no position.
            return String::new();
        }
        let idx = if matches!(frames[top].kind, FrameKind::Lua) {
            frame_at_level(frames, level.saturating_sub(1))
        } else {
            frame_at_level(frames, level)
        };
        match idx {
            Some(i) if matches!(frames[i].kind, FrameKind::Lua) => match self.frame_line(i) {
                Some((src, line)) => format!("{src}:{line}: "),
                None => String::new(),
            },
            _ => String::new(),
        }
    }

    /// "bad argument #n to 'name' (msg)" for the running native.
    pub fn arg_error(&mut self, n: usize, msg: &str) -> LuaError {
        let m = match self.current_native_name() {
            Some(("method", name)) if n == 1 => format!("calling '{name}' on bad self ({msg})"),
            Some(("method", name)) => format!("bad argument #{} to '{name}' ({msg})", n - 1),
            Some((_, name)) => format!("bad argument #{n} to '{name}' ({msg})"),
            None => format!("bad argument #{n} to '?' ({msg})"),
        };
        self.rt_error(&m)
    }

    /// "bad argument #n to 'name' (T expected, got U)".
    pub fn type_arg_error(&mut self, n: usize, expected: &str) -> LuaError {
        let got = if n > self.nargs() {
            "no value"
        } else {
            self.arg(n).type_name()
        };
        let m = format!("{expected} expected, got {got}");
        self.arg_error(n, &m)
    }

    /// "attempt to `op` a T value", with the variable's name when register `reg` of the
    /// running Lua frame holds it ("attempt to index local 't' (a nil value)").
    pub fn op_error(&mut self, v: Value, op: &str, reg: Option<u32>) -> LuaError {
        let name = reg.and_then(|r| self.reg_name(r));
        let m = match name {
            Some((kind, name)) => {
                format!(
                    "attempt to {op} {kind} '{name}' (a {} value)",
                    v.type_name()
                )
            }
            None => format!("attempt to {op} a {} value", v.type_name()),
        };
        self.rt_error(&m)
    }

    /// "attempt to compare T with U" / "attempt to compare two T values".
    pub fn compare_error(&mut self, a: Value, b: Value) -> LuaError {
        let (t1, t2) = (a.type_name(), b.type_name());
        let m = if t1 == t2 {
            format!("attempt to compare two {t1} values")
        } else {
            format!("attempt to compare {t1} with {t2}")
        };
        self.rt_error(&m)
    }

    /// Renders an error value as a message (for hosts).
    pub fn error_message(&mut self, e: LuaError) -> String {
        match e {
            LuaError::Yield => String::from("attempt to yield from outside a coroutine"),
            LuaError::Value(v) => {
                if v.is_str() || v.is_num() {
                    String::from_utf8_lossy(&self.to_display_bytes(v)).into_owned()
                } else if v.is_nil() {
                    String::from("nil")
                } else {
                    format!("(error object is a {} value)", v.type_name())
                }
            }
        }
    }
}
