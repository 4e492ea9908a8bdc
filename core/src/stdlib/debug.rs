//! The `debug` library: tracebacks, `getinfo` and the introspection functions that the
//! VM's data makes honest.
//!
//! Levels are frames of the thread, counted from the running function (level 0 is the
//! `debug` function itself, 1 its caller), as in LuaJIT: a tail call replaces its frame
//! (no "(tail call)" level), and a frame is named after the call instruction that
//! created it, even when a tail call has since replaced its function. Native frames
//! (`[C]`) count as levels, including `pcall`'s. A suspended coroutine's level 0 is the
//! `yield` it is suspended in (the VM keeps no frame for it; it is shown as LuaJIT
//! shows it). A coroutine that died of an error has no frames left, where LuaJIT still
//! shows the frames that raised it.
//!
//! Provided: `traceback`, `getinfo` (fields `source`, `short_src`, `what`,
//! `linedefined`, `lastlinedefined`, `currentline`, `name`, `namewhat`, `nups`, `func`,
//! `activelines`; options `S l n u f L`), `getlocal` (read only, by level: names and
//! values of the active named locals; temporaries and varargs are not listed),
//! `getmetatable`,
//! `setmetatable`, `getregistry`, `getfenv`, `setfenv`, `getupvalue`, `setupvalue`
//! (Lua functions only: a native's upvalues hold the native's private state, which
//! Lua code must not be able to corrupt), `upvalueid`, `gethook` (no hook is ever set).
//!
//! Omitted, so that code testing for them sees `nil` rather than a function that
//! pretends: `sethook` (the interpreter has no hook points), `setlocal`, `debug.debug`
//! (an interactive prompt needs a console the core does not have), `upvaluejoin`.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::bind;
use crate::bytecode::ProtoDesc;
use crate::gc::{GcHeader, Kind};
use crate::object::{CoStatus, Frame, FrameKind, LuaFunction, NativeFunction, Thread};
use crate::value::{tag, Value};
use crate::vm::debug::{call_name, chunkid};
use crate::vm::{LuaError, NativeFn, Vm};

/// Opens the `debug` library.
pub fn open(vm: &mut Vm) -> Result<(), LuaError> {
    const FNS: &[(&str, NativeFn)] = &[
        ("getfenv", getfenv),
        ("gethook", gethook),
        ("getinfo", getinfo),
        ("getlocal", getlocal),
        ("getmetatable", getmetatable),
        ("getregistry", getregistry),
        ("getupvalue", getupvalue),
        ("setfenv", setfenv),
        ("setmetatable", setmetatable),
        ("setupvalue", setupvalue),
        ("traceback", traceback),
        ("upvalueid", upvalueid),
    ];
    bind::new_lib(vm, "debug", FNS).map(|_| ())
}

/// The prototype of a Lua function value.
fn lua_proto(f: Value) -> Option<&'static ProtoDesc> {
    if !f.is_func() {
        return None;
    }
    // SAFETY: a function value points to a live function whose header tells its kind; a
    // Lua function's prototype lives as long as the function, which the caller keeps
    // rooted (an argument, or a frame of a live thread) while it uses the reference.
    unsafe {
        if (*f.ptr::<GcHeader>()).kind != Kind::LuaFn {
            return None;
        }
        Some(&(*(*f.ptr::<LuaFunction>()).proto).desc)
    }
}

/// The registered name of a native function value.
fn native_name(f: Value) -> Option<&'static str> {
    // SAFETY: as in `lua_proto`; a native's name is a `&'static str`.
    unsafe {
        if f.is_func() && (*f.ptr::<GcHeader>()).kind == Kind::NativeFn {
            Some((*f.ptr::<NativeFunction>()).name)
        } else {
            None
        }
    }
}

/// The frames and stack of a thread: the running one, or a coroutine given as
/// argument.
struct ThreadView<'a> {
    frames: &'a [Frame],
    stack: &'a [Value],
    /// The running thread has a host (`[C]`) caller below its first frame.
    is_running: bool,
    /// A suspended coroutine sits in `yield`: a level above its frames.
    in_yield: bool,
    /// The frames that are levels (all but metamethod continuations), innermost first.
    levels: Vec<usize>,
}

impl<'a> ThreadView<'a> {
    fn of(vm: &'a Vm, co: Option<Value>) -> ThreadView<'a> {
        match co {
            Some(t) => {
                // SAFETY: a thread value points to a live thread, rooted by the argument
                // slot that holds it for the duration of the native.
                let th: &'a Thread = unsafe { &*t.ptr::<Thread>() };
                let running = core::ptr::eq(th, vm.th());
                let in_yield = th.status == CoStatus::Suspended && !th.frames.is_empty();
                ThreadView {
                    frames: &th.frames,
                    stack: &th.stack,
                    is_running: running,
                    in_yield,
                    levels: level_frames(&th.frames),
                }
            }
            None => {
                let th = vm.th();
                ThreadView {
                    frames: &th.frames,
                    stack: &th.stack,
                    is_running: true,
                    in_yield: false,
                    levels: level_frames(&th.frames),
                }
            }
        }
    }

    /// What is at `level`: the `yield` a suspended coroutine sits in, or a frame.
    fn level(&self, level: usize) -> Option<Level> {
        if self.in_yield {
            if level == 0 {
                return Some(Level::Yield);
            }
            return self.levels.get(level - 1).copied().map(Level::Frame);
        }
        self.levels.get(level).copied().map(Level::Frame)
    }

    /// Number of levels.
    fn depth(&self) -> usize {
        self.levels.len() + usize::from(self.in_yield)
    }

    fn func(&self, i: usize) -> Value {
        self.stack[self.frames[i].func]
    }

    /// Current line of frame `i` if it runs Lua code.
    fn current_line(&self, i: usize) -> Option<u32> {
        let f = &self.frames[i];
        if !matches!(f.kind, FrameKind::Lua) {
            return None;
        }
        let p = lua_proto(self.func(i))?;
        p.lines.get(f.pc.saturating_sub(1)).copied()
    }

    /// How frame `i`'s function was called ("global", "local", "method", "field",
    /// "upvalue", "for iterator") and under which name, from the caller's instruction.
    fn call_name(&self, i: usize) -> Option<(&'static str, String)> {
        call_name(self.frames, self.stack, i)
    }

    /// One traceback line for frame `i` (without the leading "\n\t").
    fn describe(&self, i: usize) -> String {
        let f = &self.frames[i];
        match f.kind {
            FrameKind::Pcall => return String::from("[C]: in function 'pcall'"),
            FrameKind::Xpcall => return String::from("[C]: in function 'xpcall'"),
            FrameKind::Native => {
                let name = self.call_name(i).map(|(_, n)| n);
                let name = name.or_else(|| native_name(self.func(i)).map(String::from));
                return format!("[C]: in function '{}'", name.as_deref().unwrap_or("?"));
            }
            // Not a level (see `levels`).
            FrameKind::Cont(_) => return String::from("?"),
            FrameKind::Lua => {}
        }
        let p = lua_proto(self.func(i));
        let src = p
            .map(|p| chunkid(&p.source))
            .unwrap_or_else(|| String::from("?"));
        let line = self.current_line(i).unwrap_or(0);
        let what = match (self.call_name(i), p) {
            (Some((_, n)), _) => format!("in function '{n}'"),
            (None, Some(p)) if p.line_defined == 0 => String::from("in main chunk"),
            (None, Some(p)) => format!("in function <{}:{}>", chunkid(&p.source), p.line_defined),
            _ => String::from("?"),
        };
        format!("{src}:{line}: {what}")
    }

    /// "stack traceback:" and one line per level from `level` down, eliding the middle
    /// of deep stacks as LuaJIT does (the first 11 levels, "...", the last 10).
    fn traceback(&self, level: usize) -> String {
        const FIRST: usize = 11;
        const LAST: usize = 10;
        let mut s = String::from("stack traceback:");
        let mut lines: Vec<String> = (level..self.depth())
            .filter_map(|l| self.level(l))
            .map(|l| match l {
                Level::Yield => String::from("[C]: in function 'yield'"),
                Level::Frame(i) => self.describe(i),
            })
            .collect();
        if self.is_running && level <= self.levels.len() {
            lines.push(String::from("[C]: ?"));
        }
        let n = lines.len();
        for (k, line) in lines.into_iter().enumerate() {
            if n > FIRST + LAST && k >= FIRST && k < n - LAST {
                if k == FIRST {
                    s.push_str("\n\t...");
                }
                continue;
            }
            s.push_str("\n\t");
            s.push_str(&line);
        }
        s
    }
}

/// The indices of the frames that are levels, innermost first.
fn level_frames(frames: &[Frame]) -> Vec<usize> {
    (0..frames.len())
        .rev()
        .filter(|&i| !matches!(frames[i].kind, FrameKind::Cont(_)))
        .collect()
}

/// A level of a thread's stack.
#[derive(Clone, Copy)]
enum Level {
    /// The `yield` a suspended coroutine is in.
    Yield,
    /// Frame `i` of the thread.
    Frame(usize),
}

/// The optional thread first argument of several `debug` functions: the thread (if
/// given) and the index of the next argument.
fn thread_arg(vm: &Vm) -> (Option<Value>, usize) {
    let a = vm.arg(1);
    if a.has_tag(tag::THREAD) {
        (Some(a), 2)
    } else {
        (None, 1)
    }
}

fn traceback(vm: &mut Vm) -> Result<usize, LuaError> {
    let (co, arg) = thread_arg(vm);
    let msg = vm.arg(arg);
    let mut text = Vec::new();
    if !bind::str_or_num(vm, msg, &mut text) && arg <= vm.nargs() {
        // A message that is not a string is returned untouched (as LuaJIT does).
        return vm.ret1(msg);
    }
    let default_level = if co.is_some() { 0 } else { 1 };
    let level = bind::opt_int(vm, arg + 1, default_level)?;
    let view = ThreadView::of(vm, co);
    let tb = view.traceback(level.max(0) as usize);
    if !text.is_empty() {
        text.push(b'\n');
    }
    text.extend_from_slice(tb.as_bytes());
    let v = vm.new_str(&text)?;
    vm.ret1(v)
}

fn getinfo(vm: &mut Vm) -> Result<usize, LuaError> {
    let (co, arg) = thread_arg(vm);
    let what = vm.opt_bytes(arg + 1, b"flnSu")?;
    let target = vm.arg(arg);
    let (func, frame) = if target.is_func() {
        (target, None)
    } else if target.is_num() || target.is_str() {
        let level = bind::check_int(vm, arg)?;
        let view = ThreadView::of(vm, co);
        match (level >= 0).then(|| view.level(level as usize)).flatten() {
            Some(Level::Frame(i)) => (view.func(i), Some(i)),
            // The `yield` a coroutine sits in: a native without a frame of its own.
            Some(Level::Yield) => {
                let lib = vm.get_global("coroutine");
                let y = if lib.is_table() {
                    bind::get_field(vm, lib, "yield")?
                } else {
                    Value::NIL
                };
                (y, None)
            }
            None => return vm.ret1(Value::NIL),
        }
    } else {
        return Err(vm.arg_error(arg, "function or level expected"));
    };
    if what.iter().any(|c| !b"SlnufL".contains(c)) {
        return Err(vm.arg_error(arg + 1, "invalid option"));
    }
    let t = vm.new_table(0, 12)?;
    vm.push(t)?;
    let proto = lua_proto(func);
    for &c in what {
        match c {
            b'S' => {
                let (source, short, what_s, defined, last) = match proto {
                    Some(p) => (
                        p.source.clone(),
                        chunkid(&p.source),
                        if p.line_defined == 0 { "main" } else { "Lua" },
                        f64::from(p.line_defined),
                        f64::from(p.last_line_defined),
                    ),
                    None => (String::from("=[C]"), String::from("[C]"), "C", -1.0, -1.0),
                };
                let v = vm.new_str(source.as_bytes())?;
                bind::set_field(vm, t, "source", v)?;
                let v = vm.new_str(short.as_bytes())?;
                bind::set_field(vm, t, "short_src", v)?;
                let v = vm.new_str(what_s.as_bytes())?;
                bind::set_field(vm, t, "what", v)?;
                bind::set_field(vm, t, "linedefined", Value::num(defined))?;
                bind::set_field(vm, t, "lastlinedefined", Value::num(last))?;
            }
            b'l' => {
                let view = ThreadView::of(vm, co);
                let line = frame
                    .and_then(|i| view.current_line(i))
                    .map_or(-1.0, f64::from);
                bind::set_field(vm, t, "currentline", Value::num(line))?;
            }
            b'u' => {
                let n = match proto {
                    Some(p) => usize::from(p.num_upvals),
                    None if native_name(func).is_some() => {
                        // SAFETY: `func` is a live native function (checked above).
                        unsafe { (*func.ptr::<NativeFunction>()).upvals.len() }
                    }
                    None => 0,
                };
                bind::set_field(vm, t, "nups", Value::num(n as f64))?;
            }
            b'n' => {
                let view = ThreadView::of(vm, co);
                if let Some((kind, name)) = frame.and_then(|i| view.call_name(i)) {
                    let v = vm.new_str(name.as_bytes())?;
                    bind::set_field(vm, t, "name", v)?;
                    let v = vm.new_str(kind.as_bytes())?;
                    bind::set_field(vm, t, "namewhat", v)?;
                } else {
                    let v = vm.new_str(b"")?;
                    bind::set_field(vm, t, "namewhat", v)?;
                }
            }
            b'f' => bind::set_field(vm, t, "func", func)?,
            b'L' => {
                if let Some(p) = proto {
                    let lines = vm.new_table(0, p.lines.len())?;
                    bind::set_field(vm, t, "activelines", lines)?;
                    for &l in &p.lines {
                        vm.raw_set(lines, Value::num(f64::from(l)), Value::TRUE)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(1)
}

fn getlocal(vm: &mut Vm) -> Result<usize, LuaError> {
    let (co, arg) = thread_arg(vm);
    let level = bind::check_int(vm, arg)?;
    let n = bind::check_int(vm, arg + 1)?;
    let view = ThreadView::of(vm, co);
    let i = match (level >= 0).then(|| view.level(level as usize)).flatten() {
        Some(Level::Frame(i)) => i,
        Some(Level::Yield) => return vm.ret1(Value::NIL),
        None => return Err(vm.arg_error(arg, "level out of range")),
    };
    let f = view.frames[i];
    let found = match lua_proto(view.func(i)) {
        Some(p) if matches!(f.kind, FrameKind::Lua) && n > 0 => {
            let pc = f.pc.saturating_sub(1) as u32;
            p.locvars
                .iter()
                .filter(|v| v.start_pc <= pc && pc < v.end_pc)
                .nth(n as usize - 1)
                .map(|v| (v.name.clone(), f.base + n as usize - 1))
        }
        _ => None,
    };
    match found {
        Some((name, slot)) => {
            let value = view.stack.get(slot).copied().unwrap_or(Value::NIL);
            let nv = vm.new_str(&name)?;
            vm.push(nv)?;
            vm.push(value)?;
            Ok(2)
        }
        None => vm.ret1(Value::NIL),
    }
}

/// No hook is ever set: `nil, "", 0` as PUC Lua reports an absent hook.
fn gethook(vm: &mut Vm) -> Result<usize, LuaError> {
    vm.push(Value::NIL)?;
    let mask = vm.new_str(b"")?;
    vm.push(mask)?;
    vm.push(Value::num(0.0))?;
    Ok(3)
}

fn getmetatable(vm: &mut Vm) -> Result<usize, LuaError> {
    let v = vm.check_any(1)?;
    let mt = vm.get_metatable(v);
    vm.ret1(mt)
}

fn setmetatable(vm: &mut Vm) -> Result<usize, LuaError> {
    let v = vm.arg(1);
    let mt = vm.arg(2);
    if !mt.is_nil() && !mt.is_table() {
        return Err(vm.arg_error(2, "nil or table expected"));
    }
    vm.set_metatable(v, mt);
    vm.ret1(v)
}

fn getregistry(vm: &mut Vm) -> Result<usize, LuaError> {
    let r = vm.registry();
    vm.ret1(r)
}

/// The environment slot of a function or userdata value.
fn env_slot(v: Value) -> Option<*mut *mut crate::object::Table> {
    // SAFETY: the header of a live object tells its kind; each kind's struct has an
    // `env` field, and the caller keeps `v` rooted while using the pointer.
    unsafe {
        if v.is_func() {
            Some(match (*v.ptr::<GcHeader>()).kind {
                Kind::LuaFn => &mut (*v.ptr::<LuaFunction>()).env,
                _ => &mut (*v.ptr::<NativeFunction>()).env,
            })
        } else if v.has_tag(tag::USERDATA) {
            Some(&mut (*v.ptr::<crate::object::Userdata>()).env)
        } else {
            None
        }
    }
}

fn getfenv(vm: &mut Vm) -> Result<usize, LuaError> {
    let v = vm.arg(1);
    match env_slot(v) {
        // SAFETY: the slot belongs to the live object `v` (see `env_slot`).
        Some(slot) if unsafe { !(*slot).is_null() } => {
            // SAFETY: as above.
            let e = unsafe { *slot };
            vm.ret1(Value::from_ptr(tag::TABLE, e))
        }
        _ => vm.ret1(Value::NIL),
    }
}

fn setfenv(vm: &mut Vm) -> Result<usize, LuaError> {
    let v = vm.arg(1);
    let e = vm.check_table(2)?;
    match env_slot(v) {
        Some(slot) => {
            // SAFETY: the slot belongs to the live object `v`; `e` is a live table.
            unsafe { *slot = e.ptr() };
            vm.ret1(v)
        }
        None => Err(vm.rt_error("'setfenv' cannot change environment of given object")),
    }
}

/// Upvalue `n` (1-based) of function `f`: its name and a pointer to its value.
fn upvalue_ref(f: Value, n: i32) -> Option<(Vec<u8>, *mut Value)> {
    if n < 1 || !f.is_func() {
        return None;
    }
    let i = n as usize - 1;
    // SAFETY: `f` is a live function (an argument of the running native); its header
    // tells its kind; upvalue objects live as long as the closure that holds them, and
    // an upvalue's `v` points to its live value (stack slot or `closed`).
    unsafe {
        if (*f.ptr::<GcHeader>()).kind == Kind::LuaFn {
            let lf = &*f.ptr::<LuaFunction>();
            let uv = *lf.upvals.get(i)?;
            let p = &(*lf.proto).desc;
            let name = p.upval_names.get(i).cloned().unwrap_or_default();
            Some((name, (*uv).v))
        } else {
            let nf = &mut *f.ptr::<NativeFunction>();
            let slot = nf.upvals.get_mut(i)?;
            Some((Vec::new(), slot as *mut Value))
        }
    }
}

fn getupvalue(vm: &mut Vm) -> Result<usize, LuaError> {
    let f = vm.arg(1);
    if !f.is_func() {
        return Err(vm.type_arg_error(1, "function"));
    }
    let n = bind::check_int(vm, 2)?;
    match upvalue_ref(f, n) {
        Some((name, ptr)) => {
            let nv = vm.new_str(&name)?;
            vm.push(nv)?;
            // SAFETY: see `upvalue_ref`.
            let v = unsafe { *ptr };
            vm.push(v)?;
            Ok(2)
        }
        None => Ok(0),
    }
}

fn setupvalue(vm: &mut Vm) -> Result<usize, LuaError> {
    let f = vm.arg(1);
    if !f.is_func() {
        return Err(vm.type_arg_error(1, "function"));
    }
    let n = bind::check_int(vm, 2)?;
    let v = vm.check_any(3)?;
    if native_name(f).is_some() {
        // A native's upvalues are its private state (a `gmatch` iterator's subject, a
        // library table); they are readable but not writable from Lua.
        return Ok(0);
    }
    match upvalue_ref(f, n) {
        Some((name, ptr)) => {
            // SAFETY: see `upvalue_ref`.
            unsafe { *ptr = v };
            let nv = vm.new_str(&name)?;
            vm.ret1(nv)
        }
        None => Ok(0),
    }
}

fn upvalueid(vm: &mut Vm) -> Result<usize, LuaError> {
    let f = vm.arg(1);
    if !f.is_func() {
        return Err(vm.type_arg_error(1, "function"));
    }
    let n = bind::check_int(vm, 2)?;
    match upvalue_ref(f, n) {
        Some((_, ptr)) => vm.ret1(Value::light_userdata(ptr as u64)),
        None => Err(vm.arg_error(2, "invalid upvalue index")),
    }
}
