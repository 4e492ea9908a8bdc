//! crescent: a Lua 5.1 VM with a tracing JIT for AArch64 — the embedding API.
//!
//! ```
//! let mut lua = crescent::Lua::new();
//! lua.exec(b"x = 1 + 2", "=example").unwrap();
//! assert_eq!(lua.get_global("x"), crescent::LuaValue::Number(3.0));
//! ```
//!
//! [`Lua`] owns a VM with the standard libraries opened. Values cross the boundary as
//! [`LuaValue`] (plain data: numbers, strings, booleans; other kinds by type name only),
//! so the host never holds a GC pointer. Rust functions are registered with the core's
//! native function API ([`crescent_core::vm::NativeFn`]).

use std::fmt;
use std::io::Write;

pub use crescent_core as core;
use crescent_core::value::Value;
use crescent_core::vm::{LuaError, NativeFn, Vm};

/// A Lua error as the host sees it: the message and the traceback where it was raised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The error message (`chunk:line: text` for runtime errors).
    pub message: String,
    /// "stack traceback:\n\t..." at the point of the error.
    pub traceback: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// A Lua value copied out of (or into) the VM.
#[derive(Clone, Debug, PartialEq)]
pub enum LuaValue {
    /// `nil`
    Nil,
    /// A boolean.
    Boolean(bool),
    /// A number.
    Number(f64),
    /// A string (bytes).
    String(Vec<u8>),
    /// A value of another type (table, function, userdata, thread), by type name; it
    /// reads back into Lua as nil.
    Other(&'static str),
}

/// An I/O error as C's `strerror` words it ("No such file or directory").
fn os_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// A Lua state with the standard libraries opened.
pub struct Lua {
    vm: Vm,
}

impl Default for Lua {
    fn default() -> Self {
        Self::new()
    }
}

impl Lua {
    /// A new state: standard libraries opened, `print` writing to stdout, `dofile` and
    /// `loadfile` reading the file system.
    pub fn new() -> Lua {
        let mut vm = Vm::new();
        crescent_core::stdlib::open_libs(&mut vm).expect("opening the standard library");
        vm.set_output(Box::new(|b: &[u8]| {
            let _ = std::io::stdout().write_all(b);
        }));
        vm.file_hook = Some(Box::new(|path: Option<&str>| match path {
            Some(p) => std::fs::read(p).map_err(|e| format!("cannot open {p}: {}", os_message(&e))),
            None => {
                let mut v = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut v)
                    .map(|_| v)
                    .map_err(|e| format!("cannot read stdin: {e}"))
            }
        }));
        Lua { vm }
    }

    /// Where `print` (and later `io.write`) output goes.
    pub fn set_output(&mut self, out: crescent_core::vm::OutputHook) {
        self.vm.set_output(out);
    }

    /// Compiles and runs a chunk. `chunkname` as Lua's `load` takes it.
    pub fn exec(&mut self, source: &[u8], chunkname: &str) -> Result<(), Error> {
        let f = match self.vm.load(source, chunkname) {
            Ok(f) => f,
            Err(e) => return Err(self.error(e, 0)),
        };
        self.call_value(f, &[]).map(|_| ())
    }

    /// Sets how many bytes of the native stack nested native calls into Lua may use
    /// (`pcall`, metamethods, `coroutine.resume`, ...; "C stack overflow" beyond). The
    /// default, 1 MiB, fits a thread with the usual 8 MiB stack; a host running the state
    /// on a thread with a bigger or smaller stack can set about half of that size.
    pub fn set_native_stack_limit(&mut self, bytes: usize) {
        self.vm.native_stack_limit = bytes;
    }

    /// Sets (or removes) the memory limit in bytes; exceeding it raises
    /// "not enough memory" in Lua (a hard stop under
    /// [`set_budget_hard`](Lua::set_budget_hard), which this call clears).
    pub fn set_memory_limit(&mut self, bytes: Option<usize>) {
        self.vm.set_memory_limit(bytes);
    }

    /// Sets (or removes) the step budget: `n` more steps from now (a step is about one
    /// bytecode instruction: each loop iteration costs its loop's length, each call 1;
    /// see [`crescent_core::vm::budget`]). Exhausting it raises
    /// "instruction budget exhausted" in Lua. Also clears a latched hard stop of the
    /// step budget, so the state can run again.
    pub fn set_step_budget(&mut self, steps: Option<u64>) {
        self.vm.set_step_budget(steps);
    }

    /// Makes exhausting the step budget or the memory limit a hard stop: the error is
    /// raised again at every later loop iteration or call (so `pcall` cannot swallow it
    /// for good and it reaches the host), until the host calls
    /// [`set_step_budget`](Lua::set_step_budget) or
    /// [`set_memory_limit`](Lua::set_memory_limit). Soft (the default): one catchable
    /// error, after which the step budget is renewed for as many steps again.
    pub fn set_budget_hard(&mut self, hard: bool) {
        self.vm.set_budget_hard(hard);
    }

    /// Steps charged since the step budget was last set (counted with or without one).
    pub fn steps_used(&self) -> u64 {
        self.vm.steps_used()
    }

    /// Steps left before the step budget is exhausted (`None` without a budget).
    pub fn steps_remaining(&self) -> Option<u64> {
        self.vm.steps_remaining()
    }

    /// True once the step budget ran out (until it is set again).
    pub fn step_budget_exhausted(&self) -> bool {
        self.vm.step_budget_exhausted()
    }

    /// Registers a Rust function as a global.
    pub fn register(&mut self, name: &'static str, f: NativeFn) -> Result<(), Error> {
        self.vm.register(name, f).map_err(|e| self.error(e, 0))
    }

    /// Reads a global.
    pub fn get_global(&mut self, name: &str) -> LuaValue {
        let v = self.vm.get_global(name);
        self.host_value(v)
    }

    /// Writes a global.
    pub fn set_global(&mut self, name: &str, v: LuaValue) -> Result<(), Error> {
        let v = self.lua_value(&v).map_err(|e| self.error(e, 0))?;
        self.vm.roots.push(v);
        let r = self.vm.set_global(name, v);
        self.vm.roots.pop();
        r.map_err(|e| self.error(e, 0))
    }

    /// Calls the global function `name` with `args`, returning all its results.
    pub fn call_global(&mut self, name: &str, args: &[LuaValue]) -> Result<Vec<LuaValue>, Error> {
        let f = self.vm.get_global(name);
        self.call_value(f, args)
    }

    /// The underlying VM, for the full native API.
    pub fn vm(&mut self) -> &mut Vm {
        &mut self.vm
    }

    fn call_value(&mut self, f: Value, args: &[LuaValue]) -> Result<Vec<LuaValue>, Error> {
        let base_roots = self.vm.roots.len();
        self.vm.roots.push(f);
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            match self.lua_value(a) {
                Ok(v) => {
                    self.vm.roots.push(v);
                    vals.push(v);
                }
                Err(e) => {
                    self.vm.roots.truncate(base_roots);
                    return Err(self.error(e, 0));
                }
            }
        }
        let depth = self.vm.frame_depth();
        let top = self.vm.stack_top();
        let r = self.vm.call(f, &vals, None);
        self.vm.roots.truncate(base_roots);
        match r {
            Ok(n) => {
                let out = self.vm.top_values(n).to_vec();
                let out = out.into_iter().map(|v| self.host_value(v)).collect();
                self.vm.reset_stack(depth, top);
                Ok(out)
            }
            Err(e) => {
                let err = self.error(e, depth);
                self.vm.reset_stack(depth, top);
                Err(err)
            }
        }
    }

    fn error(&mut self, e: LuaError, _depth: usize) -> Error {
        let message = self.vm.error_message(e);
        let traceback = self.vm.traceback();
        Error { message, traceback }
    }

    fn host_value(&self, v: Value) -> LuaValue {
        if let Some(n) = v.as_num() {
            LuaValue::Number(n)
        } else if v.is_nil() {
            LuaValue::Nil
        } else if v.is_bool() {
            LuaValue::Boolean(v.is_truthy())
        } else if v.is_str() {
            LuaValue::String(self.vm.str_bytes(v).to_vec())
        } else {
            LuaValue::Other(v.type_name())
        }
    }

    fn lua_value(&mut self, v: &LuaValue) -> Result<Value, LuaError> {
        Ok(match v {
            LuaValue::Nil | LuaValue::Other(_) => Value::NIL,
            LuaValue::Boolean(b) => Value::boolean(*b),
            LuaValue::Number(n) => Value::num(*n),
            LuaValue::String(s) => self.vm.new_str(s)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    fn capture(lua: &mut Lua) -> Rc<RefCell<Vec<u8>>> {
        let out = Rc::new(RefCell::new(Vec::new()));
        let o = out.clone();
        lua.set_output(Box::new(move |b: &[u8]| {
            o.borrow_mut().extend_from_slice(b)
        }));
        out
    }

    #[test]
    fn exec_prints_through_the_output_hook() {
        let mut lua = Lua::new();
        let out = capture(&mut lua);
        lua.exec(b"print('hi', 1 + 1, nil)", "=t").unwrap();
        assert_eq!(&*out.borrow(), b"hi\t2\tnil\n");
    }

    #[test]
    fn globals_round_trip() {
        let mut lua = Lua::new();
        lua.set_global("n", LuaValue::Number(41.0)).unwrap();
        lua.set_global("s", LuaValue::String(b"abc".to_vec()))
            .unwrap();
        lua.exec(b"n = n + 1; s = s .. '!'; t = {}", "=t").unwrap();
        assert_eq!(lua.get_global("n"), LuaValue::Number(42.0));
        assert_eq!(lua.get_global("s"), LuaValue::String(b"abc!".to_vec()));
        assert_eq!(lua.get_global("t"), LuaValue::Other("table"));
        assert_eq!(lua.get_global("nope"), LuaValue::Nil);
    }

    fn add(vm: &mut Vm) -> Result<usize, LuaError> {
        let a = vm.check_num(1)?;
        let b = vm.check_num(2)?;
        vm.push(Value::num(a + b))?;
        vm.push(Value::num(a * b))?;
        Ok(2)
    }

    #[test]
    fn rust_functions_and_calls_both_ways() {
        let mut lua = Lua::new();
        lua.register("add", add).unwrap();
        lua.exec(
            b"function f(x, y) local s, p = add(x, y) return s, p, 'done' end",
            "=t",
        )
        .unwrap();
        let r = lua
            .call_global("f", &[LuaValue::Number(3.0), LuaValue::Number(4.0)])
            .unwrap();
        assert_eq!(
            r,
            vec![
                LuaValue::Number(7.0),
                LuaValue::Number(12.0),
                LuaValue::String(b"done".to_vec())
            ]
        );
        let e = lua.exec(b"add(1)", "=t").unwrap_err();
        assert_eq!(
            e.message,
            "t:1: bad argument #2 to 'add' (number expected, got no value)"
        );
    }

    #[test]
    fn errors_carry_message_and_traceback() {
        let mut lua = Lua::new();
        let e = lua
            .exec(
                b"local function g() local t = nil; return t.x end\nfunction f() g() end\nf()",
                "@x.lua",
            )
            .unwrap_err();
        assert_eq!(
            e.message,
            "x.lua:1: attempt to index local 't' (a nil value)"
        );
        assert!(
            e.traceback
                .starts_with("stack traceback:\n\tx.lua:1: in function"),
            "{}",
            e.traceback
        );
        assert!(
            e.traceback.contains("x.lua:3: in main chunk"),
            "{}",
            e.traceback
        );
        assert_eq!(e.to_string(), e.message);
        // A syntax error is an error too, and the state stays usable.
        let e = lua.exec(b"x = = 1", "=t").unwrap_err();
        assert_eq!(e.message, "t:1: unexpected symbol near '='");
        lua.exec(b"y = 1", "=t").unwrap();
        assert_eq!(lua.get_global("y"), LuaValue::Number(1.0));
    }

    #[test]
    fn memory_limit_is_catchable_and_recoverable() {
        let mut lua = Lua::new();
        let out = capture(&mut lua);
        lua.set_memory_limit(Some(4 << 20));
        lua.exec(
            b"print(pcall(function() local t = {} while true do t[#t + 1] = {} end end))",
            "=t",
        )
        .unwrap();
        let e = lua
            .exec(
                b"local t = {} while true do t[#t + 1] = 'x' .. #t end",
                "=t",
            )
            .unwrap_err();
        assert_eq!(e.message, "not enough memory");
        lua.set_memory_limit(None);
        lua.exec(
            b"local t = {} for i = 1, 10 do t[i] = i end print(#t)",
            "=t",
        )
        .unwrap();
        assert_eq!(&*out.borrow(), b"false\tnot enough memory\n10\n");
    }
}
