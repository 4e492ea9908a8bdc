//! The interpreter: dispatch loop, calls and returns, metamethods, errors, coroutines.
//!
//! Invariants:
//! - [`Vm`] owns the heap and every root: the main thread and the running coroutine chain,
//!   globals, registry, per-type metatables, metamethod names, `roots` (host and JIT held
//!   values) and the pending error value.
//! - The collector runs only at safe points (`gc_safe_point`, and allocations the dispatch
//!   loop marks with `gc_ok`), between or inside allocating instructions, where every live
//!   value is in a VM slot below the thread's top. Natives never trigger a collection
//!   themselves, except through [`Vm::call`] (which runs Lua code) and `collectgarbage`.
//! - Lua-to-Lua calls push a frame and stay in the same dispatch loop; only natives calling
//!   back into Lua (and metamethods) nest the native stack, bounded by [`MAX_CCALLS`].

pub mod budget;
pub mod call;
pub mod convert;
pub mod coroutine;
pub mod debug;
pub mod error;
pub mod exec;
pub mod hot;
pub mod meta;
pub mod native;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::ptr;

use crate::gc::heap::{GcHeader, Heap, Kind};
use crate::object::function::NativeKind;
use crate::object::{
    string, LuaFunction, LuaStr, NativeFunction, Proto, Table, Thread, UpVal, Userdata,
};
use crate::value::{tag, LuaType, Value};

pub use error::LuaError;
pub use meta::Tm;
pub use native::NativeFn;

/// Largest nesting of native calls into Lua ("C stack overflow" beyond).
pub const MAX_CCALLS: u32 = 200;
/// Default largest number of frames per thread ("stack overflow" beyond).
pub const DEFAULT_MAX_FRAMES: usize = 20_000;
/// Default largest stack size per thread in slots ("stack overflow" beyond).
pub const DEFAULT_MAX_STACK: usize = 1_000_000;

/// Output sink for `print`.
pub type OutputHook = Box<dyn FnMut(&[u8])>;
/// Reads a whole file for `dofile`/`loadfile` (`None` path: standard input).
pub type FileHook = Box<dyn FnMut(Option<&str>) -> Result<Vec<u8>, String>>;
/// Called when a loop back-edge gets hot (the JIT's entry point), with the loop's start
/// pc and the back-edge's pc; returns the pc to continue at when it ran a trace (which
/// left the frame's registers as the interpreter would have them at that pc). Back-edges
/// count, and the hook is called, only while the JIT is on (`hot_on`, set by
/// [`crate::jit::engine::set_enabled`]).
pub type HotHook = fn(&mut Vm, *mut Proto, usize, usize) -> Option<usize>;

/// The hot counter of the loop of `proto` starting at `pc`.
pub(crate) fn hot_index(proto: *const Proto, pc: usize) -> usize {
    ((proto as usize >> 4) ^ pc) & 63
}

/// A Lua virtual machine.
pub struct Vm {
    /// The heap.
    pub heap: Heap,
    pub(crate) main: *mut Thread,
    pub(crate) cur: *mut Thread,
    pub(crate) globals: *mut Table,
    pub(crate) registry: *mut Table,
    pub(crate) type_mt: [*mut Table; 10],
    pub(crate) tm_names: [*mut LuaStr; meta::TM_COUNT],
    pub(crate) mem_err: Value,
    pub(crate) err_root: Value,
    /// Extra roots (host handles, JIT-held constants): kept alive while present.
    pub roots: Vec<Value>,
    pub(crate) ccalls: u32,
    /// Set by the dispatch loop around allocations made at a safe point, where a failed
    /// allocation may collect and retry.
    pub(crate) gc_ok: bool,
    pub(crate) native_stack_base: usize,
    /// Bytes of native stack that nested native calls into Lua may use ("C stack
    /// overflow" beyond). Hosts with small thread stacks lower it.
    pub native_stack_limit: usize,
    pub(crate) output: OutputHook,
    /// Host hook for reading files (`dofile`, `loadfile`); `None` on hosts without files.
    pub file_hook: Option<FileHook>,
    pub(crate) tobefnz: Vec<*mut Userdata>,
    pub(crate) in_finalizer: bool,
    /// Largest number of frames per thread.
    pub max_frames: usize,
    /// Largest stack size per thread (slots).
    pub max_stack: usize,
    pub(crate) hotcount: [u16; 64],
    /// Back-edge count that makes a loop hot.
    pub hotloop: u16,
    /// The JIT's hot-loop hook.
    pub hot_hook: HotHook,
    /// Back-edges count hotness (the JIT is on): selects the dispatch loop (`exec.rs`).
    pub(crate) hot_on: bool,
    /// The trace JIT, once enabled (see [`crate::jit::engine`]).
    pub jit: Option<Box<crate::jit::Engine>>,
    /// Steps left before the next budget check (see [`budget`]): charged at loop
    /// back-edges and calls, by the interpreter and by traces (at
    /// [`budget::STEPS_LEFT_OFFSET`]); negative means "call `budget_trip`".
    pub steps_left: i64,
    pub(crate) steps_armed: i64,
    pub(crate) steps_spent: u64,
    pub(crate) step_limit: u64,
    pub(crate) step_budget: Option<u64>,
    pub(crate) step_tripped: bool,
    pub(crate) budget_hard: bool,
    pub(crate) mem_latched: bool,
}

fn no_jit(_: &mut Vm, _: *mut Proto, _: usize, _: usize) -> Option<usize> {
    None
}

impl Default for Vm {
    fn default() -> Self {
        Self::new()
    }
}

impl Vm {
    /// A VM with no libraries opened (see [`crate::stdlib::open_libs`]).
    pub fn new() -> Vm {
        let mut heap = Heap::new();
        let main = heap.alloc(Thread::new());
        // SAFETY: `main` was just allocated.
        unsafe { (*main).status = crate::object::CoStatus::Running };
        let globals = heap.alloc(Table::new(0, 32));
        let registry = heap.alloc(Table::new(0, 4));
        let mut tm_names = [ptr::null_mut(); meta::TM_COUNT];
        for (i, n) in meta::TM_NAMES.iter().enumerate() {
            tm_names[i] = string::intern(&mut heap, n.as_bytes());
        }
        let mem_err = Value::from_ptr(tag::STR, string::intern(&mut heap, b"not enough memory"));
        let mut vm = Vm {
            heap,
            main,
            cur: main,
            globals,
            registry,
            type_mt: [ptr::null_mut(); 10],
            tm_names,
            mem_err,
            err_root: Value::NIL,
            roots: Vec::new(),
            ccalls: 0,
            gc_ok: false,
            native_stack_base: 0,
            native_stack_limit: 1 << 20,
            output: Box::new(|_| {}),
            file_hook: None,
            tobefnz: Vec::new(),
            in_finalizer: false,
            max_frames: DEFAULT_MAX_FRAMES,
            max_stack: DEFAULT_MAX_STACK,
            hotcount: [56; 64],
            hotloop: 56,
            hot_hook: no_jit,
            hot_on: false,
            jit: None,
            steps_left: i64::MAX,
            steps_armed: i64::MAX,
            steps_spent: 0,
            step_limit: u64::MAX,
            step_budget: None,
            step_tripped: false,
            budget_hard: false,
            mem_latched: false,
        };
        vm.heap.set_threshold();
        vm
    }

    /// Sets where `print` writes.
    pub fn set_output(&mut self, out: OutputHook) {
        self.output = out;
    }

    /// Writes bytes to the output hook.
    pub fn write_output(&mut self, b: &[u8]) {
        (self.output)(b)
    }

    /// Sets (or removes) the memory limit in bytes. Clears a latched hard stop of the
    /// memory limit (see [`budget`]).
    pub fn set_memory_limit(&mut self, limit: Option<usize>) {
        self.heap.limit = limit;
        self.heap.set_threshold();
        if self.mem_latched {
            self.mem_latched = false;
            self.arm();
        }
    }

    /// The globals table.
    pub fn globals(&self) -> Value {
        Value::from_ptr(tag::TABLE, self.globals)
    }

    /// The registry table.
    pub fn registry(&self) -> Value {
        Value::from_ptr(tag::TABLE, self.registry)
    }

    #[inline(always)]
    pub(crate) fn th(&self) -> &Thread {
        // SAFETY: `cur` is always a live thread (the main thread or a running coroutine,
        // both rooted).
        unsafe { &*self.cur }
    }

    #[inline(always)]
    pub(crate) fn th_mut(&mut self) -> &mut Thread {
        // SAFETY: as in `th`; `&mut self` makes the access unique.
        unsafe { &mut *self.cur }
    }

    // ---- allocation -------------------------------------------------------------------

    /// Fails with "not enough memory" if `extra` bytes would exceed the limit.
    #[inline]
    pub fn check_mem(&mut self, extra: usize) -> Result<(), LuaError> {
        if !self.heap.over_limit(extra) {
            return Ok(());
        }
        if self.gc_ok {
            // An allocating instruction at a safe point: collect, then try again.
            self.gc_ok = false;
            self.collect();
            self.gc_ok = true;
            if !self.heap.over_limit(extra) {
                return Ok(());
            }
        }
        Err(self.mem_error())
    }

    /// The "not enough memory" error (latched as a hard stop if the host asked for one).
    pub fn mem_error(&mut self) -> LuaError {
        if self.budget_hard && self.heap.limit.is_some() && !self.mem_latched {
            self.mem_latched = true;
            self.interrupt();
        }
        self.err_root = self.mem_err;
        LuaError::Value(self.mem_err)
    }

    /// An interned string value.
    pub fn new_str(&mut self, b: &[u8]) -> Result<Value, LuaError> {
        self.check_mem(b.len() + 48)?;
        Ok(Value::from_ptr(tag::STR, string::intern(&mut self.heap, b)))
    }

    /// An interned string value, ignoring the memory limit (for error messages).
    pub(crate) fn str_unchecked(&mut self, b: &[u8]) -> Value {
        Value::from_ptr(tag::STR, string::intern(&mut self.heap, b))
    }

    /// An interned string pointer.
    pub(crate) fn intern(&mut self, b: &[u8]) -> *mut LuaStr {
        string::intern(&mut self.heap, b)
    }

    /// A new table with size hints.
    pub fn new_table(&mut self, narr: usize, nhash: usize) -> Result<Value, LuaError> {
        let narr = narr.min(1 << 24);
        let nhash = nhash.min(1 << 24);
        self.check_mem(core::mem::size_of::<Table>() + narr * 8 + nhash * 21)?;
        Ok(Value::from_ptr(
            tag::TABLE,
            self.heap.alloc(Table::new(narr, nhash)),
        ))
    }

    /// A native function value.
    pub fn new_native(&mut self, f: NativeFn, name: &'static str, upvals: &[Value]) -> Value {
        self.new_native_kind(f, name, upvals, NativeKind::Normal)
    }

    pub(crate) fn new_native_kind(
        &mut self,
        f: NativeFn,
        name: &'static str,
        upvals: &[Value],
        kind: NativeKind,
    ) -> Value {
        let nf = NativeFunction {
            hdr: GcHeader::new(Kind::NativeFn),
            f,
            kind,
            name,
            env: self.globals,
            upvals: upvals.to_vec(),
        };
        Value::from_ptr(tag::FUNC, self.heap.alloc(nf))
    }

    /// A full userdata with an optional host payload.
    pub fn new_userdata(
        &mut self,
        payload: Option<Box<dyn core::any::Any>>,
    ) -> Result<Value, LuaError> {
        self.check_mem(core::mem::size_of::<Userdata>())?;
        let u = Userdata {
            hdr: GcHeader::new(Kind::Userdata),
            meta: ptr::null_mut(),
            env: self.globals,
            payload,
        };
        let p = self.heap.alloc(u);
        self.heap.udata.push(p);
        Ok(Value::from_ptr(tag::USERDATA, p))
    }

    /// Loads a compiled function into this VM as a prototype (constants interned).
    pub(crate) fn load_proto(&mut self, mut desc: crate::bytecode::ProtoDesc) -> *mut Proto {
        let subs = core::mem::take(&mut desc.protos);
        let protos: Vec<*mut Proto> = subs.into_iter().map(|d| self.load_proto(d)).collect();
        let consts: Vec<Value> = desc
            .consts
            .iter()
            .map(|c| match c {
                crate::bytecode::Const::Nil => Value::NIL,
                crate::bytecode::Const::Bool(b) => Value::boolean(*b),
                crate::bytecode::Const::Num(n) => Value::num(*n),
                crate::bytecode::Const::Str(s) => self.str_unchecked(s),
            })
            .collect();
        let p = Proto {
            hdr: GcHeader::new(Kind::Proto),
            code: desc.code.clone().into_boxed_slice(),
            consts: consts.into_boxed_slice(),
            protos: protos.into_boxed_slice(),
            num_params: desc.num_params,
            is_vararg: desc.is_vararg,
            num_upvals: desc.num_upvals,
            max_stack: desc.max_stack.max(2),
            desc,
        };
        self.heap.alloc(p)
    }

    /// A Lua closure of a prototype without upvalues (a loaded main chunk), with the
    /// globals table as its environment.
    pub(crate) fn new_lua_function(&mut self, p: *mut Proto) -> Result<Value, LuaError> {
        // SAFETY: `p` is a live prototype.
        let nup = unsafe { (*p).num_upvals } as usize;
        let mut ups = Vec::with_capacity(nup);
        for _ in 0..nup {
            let uv = self.heap.alloc(UpVal {
                hdr: GcHeader::new(Kind::UpVal),
                v: ptr::null_mut(),
                closed: Value::NIL,
                index: 0,
                owner: ptr::null_mut(),
            });
            // SAFETY: just allocated; a closed upvalue points to its own `closed` field,
            // which does not move (the object is boxed).
            unsafe { (*uv).v = &mut (*uv).closed };
            ups.push(uv);
        }
        let f = LuaFunction {
            hdr: GcHeader::new(Kind::LuaFn),
            proto: p,
            env: self.globals,
            upvals: ups.into_boxed_slice(),
        };
        Ok(Value::from_ptr(tag::FUNC, self.heap.alloc(f)))
    }

    /// Compiles and loads a chunk, returning the main function.
    pub fn load(&mut self, source: &[u8], chunkname: &str) -> Result<Value, LuaError> {
        match crate::vm::call::compile(source, chunkname) {
            Ok(desc) => {
                let p = self.load_proto(desc);
                self.new_lua_function(p)
            }
            Err(msg) => {
                let v = self.str_unchecked(msg.as_bytes());
                Err(self.throw(v))
            }
        }
    }

    // ---- metatables -------------------------------------------------------------------

    /// The metatable of any value (null if none).
    #[inline]
    pub(crate) fn metatable_ptr(&self, v: Value) -> *mut Table {
        if v.is_table() {
            // SAFETY: a table value points to a live table.
            unsafe { (*v.ptr::<Table>()).meta }
        } else if v.has_tag(tag::USERDATA) {
            // SAFETY: a userdata value points to a live userdata.
            unsafe { (*v.ptr::<Userdata>()).meta }
        } else {
            self.type_mt[type_index(v)]
        }
    }

    /// The metatable of a value, or nil.
    pub fn get_metatable(&self, v: Value) -> Value {
        let mt = self.metatable_ptr(v);
        if mt.is_null() {
            Value::NIL
        } else {
            Value::from_ptr(tag::TABLE, mt)
        }
    }

    /// Sets the metatable of a table or userdata, or the shared metatable of another type
    /// (`mt` nil or a table).
    pub fn set_metatable(&mut self, v: Value, mt: Value) {
        let m: *mut Table = if mt.is_table() {
            mt.ptr()
        } else {
            ptr::null_mut()
        };
        if v.is_table() {
            // SAFETY: a table value points to a live table.
            unsafe { (*v.ptr::<Table>()).meta = m };
        } else if v.has_tag(tag::USERDATA) {
            // SAFETY: a userdata value points to a live userdata.
            unsafe { (*v.ptr::<Userdata>()).meta = m };
        } else {
            self.type_mt[type_index(v)] = m;
        }
    }

    /// Sets the metatable shared by all values of a basic type (e.g. strings).
    pub fn set_type_metatable(&mut self, t: LuaType, mt: Value) {
        let m: *mut Table = if mt.is_table() {
            mt.ptr()
        } else {
            ptr::null_mut()
        };
        self.type_mt[t as usize] = m;
    }

    // ---- globals ----------------------------------------------------------------------

    /// Reads a global (raw).
    pub fn get_global(&mut self, name: &str) -> Value {
        let k = self.intern(name.as_bytes());
        // SAFETY: the globals table is live.
        unsafe { (*self.globals).get_str(k) }
    }

    /// Writes a global (raw).
    pub fn set_global(&mut self, name: &str, v: Value) -> Result<(), LuaError> {
        let k = self.new_str(name.as_bytes())?;
        let g = self.globals();
        self.raw_set(g, k, v)
    }

    /// Registers a native function as a global.
    pub fn register(&mut self, name: &'static str, f: NativeFn) -> Result<(), LuaError> {
        let v = self.new_native(f, name, &[]);
        self.set_global(name, v)
    }

    // ---- raw table access ---------------------------------------------------------------

    /// `rawget(t, k)`; `t` must be a table.
    pub fn raw_get(&self, t: Value, k: Value) -> Value {
        debug_assert!(t.is_table());
        // SAFETY: the caller passes a table value, pointing to a live table.
        unsafe { (*t.ptr::<Table>()).get(k) }
    }

    /// `rawget(t, i)` with an integer key; `t` must be a table.
    // `#[inline]`: the table library's hot paths call it; without the hint whether it is
    // inlined depends on how unrelated changes split the crate into codegen units.
    #[inline]
    pub fn raw_geti(&self, t: Value, i: i64) -> Value {
        debug_assert!(t.is_table());
        // SAFETY: as in `raw_get`.
        unsafe { (*t.ptr::<Table>()).get_int(i) }
    }

    /// `rawset(t, k, v)`; `t` must be a table. Errors on nil/NaN keys.
    pub fn raw_set(&mut self, t: Value, k: Value, v: Value) -> Result<(), LuaError> {
        debug_assert!(t.is_table());
        // SAFETY: as in `raw_get`.
        let r = unsafe { (*t.ptr::<Table>()).set(k, v) };
        match r {
            Ok(d) => {
                self.heap.account(d);
                Ok(())
            }
            Err(crate::object::table::KeyError::Nil) => Err(self.rt_error("table index is nil")),
            Err(crate::object::table::KeyError::NaN) => Err(self.rt_error("table index is NaN")),
        }
    }

    /// `rawset(t, i, v)` with an integer key; `t` must be a table.
    pub fn raw_seti(&mut self, t: Value, i: i64, v: Value) {
        debug_assert!(t.is_table());
        // SAFETY: as in `raw_get`.
        let d = unsafe { (*t.ptr::<Table>()).set_int(i, v) };
        self.heap.account(d);
    }

    /// `#t` without metamethods; `t` must be a table.
    pub fn raw_len(&self, t: Value) -> usize {
        // SAFETY: as in `raw_get`.
        unsafe { (*t.ptr::<Table>()).length() }
    }

    /// `next(t, k)`; `t` must be a table.
    pub fn table_next(&mut self, t: Value, k: Value) -> Result<Option<(Value, Value)>, LuaError> {
        // SAFETY: as in `raw_get`.
        match unsafe { (*t.ptr::<Table>()).next(k) } {
            Ok(r) => Ok(r),
            Err(()) => Err(self.rt_error("invalid key to 'next'")),
        }
    }

    /// The bytes of a string value (the caller checked `is_str`). Valid while the string
    /// is reachable (for a native: while it is an argument or otherwise rooted).
    pub fn str_bytes<'a>(&self, v: Value) -> &'a [u8] {
        debug_assert!(v.is_str());
        // SAFETY: a string value points to a live, immutable string; the caller keeps it
        // rooted for as long as it uses the slice (documented contract).
        unsafe { (*v.ptr::<LuaStr>()).as_bytes() }
    }
}

impl Vm {
    /// The running thread's frame at `level` (0: the top frame), skipping metamethod
    /// continuations, which are not levels.
    pub(crate) fn level_frame(&self, level: usize) -> Option<usize> {
        crate::object::frame_at_level(&self.th().frames, level)
    }

    /// The function value of frame `idx` of the running thread.
    pub(crate) fn frame_function(&self, idx: usize) -> Value {
        let th = self.th();
        th.stack[th.frames[idx].func]
    }
}

impl Drop for Vm {
    fn drop(&mut self) {
        self.heap.free_all();
    }
}

/// Index into `type_mt` for a value's basic type.
#[inline]
fn type_index(v: Value) -> usize {
    v.lua_type() as usize
}

#[cfg(test)]
mod tests;

impl Vm {
    /// Number of frames of the running thread (hosts save it before a call).
    pub fn frame_depth(&self) -> usize {
        self.th().frames.len()
    }

    /// Top of the running thread's stack (hosts save it before a call).
    pub fn stack_top(&self) -> usize {
        self.th().top
    }

    /// Drops frames above `depth` (after an error reached the host), closing their
    /// upvalues, and restores the stack top.
    pub fn reset_stack(&mut self, depth: usize, top: usize) {
        let th = self.th();
        let level = th.frames.get(depth).map(|f| f.func).unwrap_or(top);
        self.close_upvals(level.min(top));
        let th = self.th_mut();
        th.frames.truncate(depth);
        th.top = top;
    }
}
