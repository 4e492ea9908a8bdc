//! crescent: a Lua 5.1 VM with a tracing JIT for AArch64 — the embedding API.
//!
//! ```no_run
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
            Some(p) => std::fs::read(p).map_err(|e| format!("cannot open {p}: {e}")),
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
    pub fn set_output(&mut self, out: Box<dyn FnMut(&[u8])>) {
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

    /// Sets (or removes) the memory limit in bytes; exceeding it raises
    /// "not enough memory" in Lua.
    pub fn set_memory_limit(&mut self, bytes: Option<usize>) {
        self.vm.set_memory_limit(bytes);
    }

    /// Registers a Rust function as a global.
    pub fn register(&mut self, name: &'static str, f: NativeFn) -> Result<(), Error> {
        self.vm.register(name, f).map_err(|e| self.error(e, 0))
    }

    /// Reads a global.
    pub fn get_global(&mut self, name: &str) -> LuaValue {
        let v = self.vm.get_global(name);
        self.to_host(v)
    }

    /// Writes a global.
    pub fn set_global(&mut self, name: &str, v: LuaValue) -> Result<(), Error> {
        let v = self.to_lua(&v).map_err(|e| self.error(e, 0))?;
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
            match self.to_lua(a) {
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
                let out = out.into_iter().map(|v| self.to_host(v)).collect();
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

    fn to_host(&self, v: Value) -> LuaValue {
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

    fn to_lua(&mut self, v: &LuaValue) -> Result<Value, LuaError> {
        Ok(match v {
            LuaValue::Nil | LuaValue::Other(_) => Value::NIL,
            LuaValue::Boolean(b) => Value::boolean(*b),
            LuaValue::Number(n) => Value::num(*n),
            LuaValue::String(s) => self.vm.new_str(s)?,
        })
    }
}
