//! The base library: `print`, `type`, `pairs`, `pcall`, `error`, `setmetatable`,
//! `tostring`, `collectgarbage`, `load`... as Lua 5.1 (and LuaJIT 2.1) define them.
//!
//! `pcall`/`xpcall` are natives of a special kind that the interpreter runs as VM frames
//! (see `vm::call`), so their Rust bodies only run when they are called in unusual ways.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::gc::{GcHeader, Kind};
use crate::object::function::NativeKind;
use crate::object::{LuaFunction, NativeFunction, Table, Userdata};
use crate::value::{tag, Value};
use crate::vm::meta::Tm;
use crate::vm::{LuaError, NativeFn, Vm};

/// Opens the base library in the globals table.
pub fn open(vm: &mut Vm) -> Result<(), LuaError> {
    const FNS: &[(&str, NativeFn)] = &[
        ("assert", assert),
        ("collectgarbage", collectgarbage),
        ("dofile", dofile),
        ("error", error),
        ("gcinfo", gcinfo),
        ("getfenv", getfenv),
        ("getmetatable", getmetatable),
        ("load", load),
        ("loadfile", loadfile),
        ("loadstring", loadstring),
        ("next", next),
        ("newproxy", newproxy),
        ("rawequal", rawequal),
        ("rawget", rawget),
        ("rawset", rawset),
        ("select", select),
        ("setfenv", setfenv),
        ("setmetatable", setmetatable),
        ("tonumber", tonumber),
        ("tostring", tostring),
        ("type", type_),
        ("unpack", unpack),
    ];
    for &(name, f) in FNS {
        vm.register(name, f)?;
    }
    // `print` calls the global `tostring` when a program replaced it (as 5.1 and LuaJIT
    // do); its upvalue is the builtin, to recognise the common case.
    let builtin_tostring = vm.get_global("tostring");
    let print_f = vm.new_native(print, "print", &[builtin_tostring]);
    vm.set_global("print", print_f)?;
    let nextf = vm.get_global("next");
    let pairs_f = vm.new_native(pairs, "pairs", &[nextf]);
    vm.set_global("pairs", pairs_f)?;
    let inext = vm.new_native(ipairs_aux, "ipairs_aux", &[]);
    let ipairs_f = vm.new_native(ipairs, "ipairs", &[inext]);
    vm.set_global("ipairs", ipairs_f)?;
    let p = vm.new_native_kind(pcall, "pcall", &[], NativeKind::Pcall);
    vm.set_global("pcall", p)?;
    let x = vm.new_native_kind(xpcall, "xpcall", &[], NativeKind::Xpcall);
    vm.set_global("xpcall", x)?;
    let g = vm.globals();
    vm.set_global("_G", g)?;
    let ver = vm.new_str(b"Lua 5.1")?;
    vm.set_global("_VERSION", ver)?;
    Ok(())
}

fn assert(vm: &mut Vm) -> Result<usize, LuaError> {
    let v = vm.check_any(1)?;
    if v.is_truthy() {
        return Ok(vm.nargs());
    }
    let m = vm.arg(2);
    if m.is_nil() {
        return Err(vm.rt_error("assertion failed!"));
    }
    // LuaJIT raises the message value itself (5.1 wants a string and adds a position).
    Err(vm.throw(m))
}

fn collectgarbage(vm: &mut Vm) -> Result<usize, LuaError> {
    let opt = vm.opt_bytes(1, b"collect")?;
    let arg = vm.opt_num(2, 0.0)?;
    match opt {
        b"collect" => {
            vm.full_gc()?;
            vm.ret1(Value::num(0.0))
        }
        b"count" => {
            let kb = vm.heap.total as f64 / 1024.0;
            vm.ret1(Value::num(kb))
        }
        b"step" => {
            // Each step pays `arg` KB (at least a little) of allocation debt; the step
            // reports true when that completed a cycle.
            let kb = (arg.max(0.0) as usize).clamp(1, 1 << 30);
            let debt = kb
                .saturating_mul(1024)
                .saturating_mul(vm.heap.stepmul as usize)
                / 100;
            let cycles = vm.heap.cycles;
            vm.heap.total = vm.heap.total.saturating_add(debt);
            let r = if vm.heap.should_collect() {
                vm.full_gc()
            } else {
                Ok(())
            };
            vm.heap.account(-(debt as isize));
            r?;
            vm.ret1(Value::boolean(vm.heap.cycles != cycles))
        }
        b"setpause" => {
            let old = vm.heap.pause;
            vm.heap.pause = arg.max(0.0) as u32;
            vm.heap.set_threshold();
            vm.ret1(Value::num(old as f64))
        }
        b"setstepmul" => {
            let old = vm.heap.stepmul;
            vm.heap.stepmul = arg.max(0.0) as u32;
            vm.ret1(Value::num(old as f64))
        }
        b"stop" => {
            vm.heap.running = false;
            vm.heap.set_threshold();
            vm.ret1(Value::num(0.0))
        }
        b"restart" => {
            vm.heap.running = true;
            vm.heap.set_threshold();
            vm.ret1(Value::num(0.0))
        }
        _ => {
            let m = format!("invalid option '{}'", String::from_utf8_lossy(opt));
            Err(vm.arg_error(1, &m))
        }
    }
}

fn gcinfo(vm: &mut Vm) -> Result<usize, LuaError> {
    let kb = (vm.heap.total / 1024) as f64;
    vm.ret1(Value::num(kb))
}

fn error(vm: &mut Vm) -> Result<usize, LuaError> {
    let v = vm.arg(1);
    let level = vm.opt_int(2, 1)?;
    if (v.is_str() || v.is_num()) && level > 0 {
        let pre = vm.where_(level as usize);
        if !pre.is_empty() {
            let mut b = pre.into_bytes();
            b.extend_from_slice(&vm.to_display_bytes(v));
            let s = vm.new_str(&b)?;
            return Err(vm.throw(s));
        }
    }
    Err(vm.throw(v))
}

/// The function at `level` (1: the caller of the running native), as a value.
fn level_function(vm: &mut Vm, level: i64) -> Result<Option<Value>, LuaError> {
    let idx = usize::try_from(level).ok().and_then(|l| vm.level_frame(l));
    let Some(idx) = idx else {
        return Err(vm.arg_error(1, "invalid level"));
    };
    Ok(Some(vm.frame_function(idx)))
}

fn fenv_target(vm: &mut Vm, setting: bool) -> Result<Option<Value>, LuaError> {
    let a = vm.arg(1);
    if a.is_func() {
        return Ok(Some(a));
    }
    let level = if a.is_nil() && !setting {
        1
    } else {
        vm.check_int(1)?
    };
    if level == 0 {
        return Ok(None);
    }
    if level < 0 {
        return Err(vm.arg_error(1, "level must be non-negative"));
    }
    level_function(vm, level)
}

fn func_env(f: Value) -> *mut Table {
    // SAFETY: a function value points to a live function whose header tells its kind.
    unsafe {
        if (*f.ptr::<GcHeader>()).kind == Kind::LuaFn {
            (*f.ptr::<LuaFunction>()).env
        } else {
            (*f.ptr::<NativeFunction>()).env
        }
    }
}

fn getfenv(vm: &mut Vm) -> Result<usize, LuaError> {
    match fenv_target(vm, false)? {
        None => {
            let g = vm.globals();
            vm.ret1(g)
        }
        Some(f) if f.is_func() => {
            let e = func_env(f);
            vm.ret1(Value::from_ptr(tag::TABLE, e))
        }
        Some(_) => {
            let g = vm.globals();
            vm.ret1(g)
        }
    }
}

fn setfenv(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.arg(2);
    if !t.is_table() {
        return Err(vm.type_arg_error(2, "table"));
    }
    match fenv_target(vm, true)? {
        None => {
            // Level 0: the thread's globals.
            vm.globals = t.ptr();
            Ok(0)
        }
        // SAFETY: a function value's header tells its kind; only Lua functions accept
        // a new environment.
        Some(f) if f.is_func() && unsafe { (*f.ptr::<GcHeader>()).kind == Kind::LuaFn } => {
            // SAFETY: checked above.
            unsafe { (*f.ptr::<LuaFunction>()).env = t.ptr() };
            vm.ret1(f)
        }
        _ => Err(vm.rt_error("'setfenv' cannot change environment of given object")),
    }
}

fn getmetatable(vm: &mut Vm) -> Result<usize, LuaError> {
    let v = vm.check_any(1)?;
    let mt = vm.get_metatable(v);
    if mt.is_nil() {
        return vm.ret1(Value::NIL);
    }
    let k = vm.tm_name(Tm::Metatable);
    // SAFETY: `mt` is a table value.
    let protected = unsafe { (*mt.ptr::<Table>()).get_str(k) };
    vm.ret1(if protected.is_nil() { mt } else { protected })
}

fn setmetatable(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.arg(1);
    if !t.is_table() {
        return Err(vm.type_arg_error(1, "table"));
    }
    let mt = vm.arg(2);
    if !mt.is_nil() && !mt.is_table() {
        return Err(vm.arg_error(2, "nil or table expected"));
    }
    let old = vm.get_metatable(t);
    if !old.is_nil() {
        let k = vm.tm_name(Tm::Metatable);
        // SAFETY: `old` is a table value.
        if !unsafe { (*old.ptr::<Table>()).get_str(k) }.is_nil() {
            return Err(vm.rt_error("cannot change a protected metatable"));
        }
    }
    vm.set_metatable(t, mt);
    vm.ret1(t)
}

fn next(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.check_table(1)?;
    let k = vm.arg(2);
    match vm.table_next(t, k)? {
        Some((k, v)) => {
            vm.push(k)?;
            vm.push(v)?;
            Ok(2)
        }
        None => vm.ret1(Value::NIL),
    }
}

fn pairs(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.check_table(1)?;
    let nextf = vm.upvalue(0);
    vm.push(nextf)?;
    vm.push(t)?;
    vm.push(Value::NIL)?;
    Ok(3)
}

fn ipairs_aux(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.check_table(1)?;
    let i = vm.check_int(2)? + 1;
    let v = vm.raw_geti(t, i);
    if v.is_nil() {
        return vm.ret1(Value::NIL);
    }
    vm.push(Value::num(i as f64))?;
    vm.push(v)?;
    Ok(2)
}

fn ipairs(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.check_table(1)?;
    let aux = vm.upvalue(0);
    vm.push(aux)?;
    vm.push(t)?;
    vm.push(Value::num(0.0))?;
    Ok(3)
}

/// Only reached when `pcall` is called in a way the interpreter does not intercept; the
/// interpreter handles every call of a `Pcall`-kind native itself.
fn pcall(vm: &mut Vm) -> Result<usize, LuaError> {
    Err(vm.rt_error("pcall: unexpected direct call"))
}

/// See [`pcall`].
fn xpcall(vm: &mut Vm) -> Result<usize, LuaError> {
    Err(vm.rt_error("xpcall: unexpected direct call"))
}

fn print(vm: &mut Vm) -> Result<usize, LuaError> {
    let n = vm.nargs();
    let ts = vm.get_global("tostring");
    if !Vm::raw_equal(ts, vm.upvalue(0)) {
        return print_with(vm, ts, n);
    }
    let mut out: Vec<u8> = Vec::new();
    for i in 1..=n {
        if i > 1 {
            out.push(b'\t');
        }
        let v = vm.arg(i);
        if v.is_str() {
            out.extend_from_slice(vm.str_bytes(v));
        } else if v.is_num() || v.is_nil() || v.is_bool() {
            out.extend_from_slice(vm.default_tostring(v).as_bytes());
        } else {
            let s = vm.tostring(v)?;
            if s.is_str() {
                out.extend_from_slice(vm.str_bytes(s));
            } else if s.is_num() {
                out.extend_from_slice(vm.default_tostring(s).as_bytes());
            } else {
                return Err(vm.rt_error("'tostring' must return a string to 'print'"));
            }
        }
    }
    out.push(b'\n');
    vm.write_output(&out);
    Ok(0)
}

/// `print` through a replaced global `tostring`.
fn print_with(vm: &mut Vm, ts: Value, n: usize) -> Result<usize, LuaError> {
    let mut out: Vec<u8> = Vec::new();
    for i in 1..=n {
        if i > 1 {
            out.push(b'\t');
        }
        let v = vm.arg(i);
        let s = vm.call1(ts, &[v])?;
        if s.is_str() || s.is_num() {
            out.extend_from_slice(&vm.to_display_bytes(s));
        } else {
            return Err(vm.rt_error("'tostring' must return a string to 'print'"));
        }
    }
    out.push(b'\n');
    vm.write_output(&out);
    Ok(0)
}

fn rawequal(vm: &mut Vm) -> Result<usize, LuaError> {
    let a = vm.check_any(1)?;
    let b = vm.check_any(2)?;
    vm.ret1(Value::boolean(Vm::raw_equal(a, b)))
}

fn rawget(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.check_table(1)?;
    let k = vm.check_any(2)?;
    let v = vm.raw_get(t, k);
    vm.ret1(v)
}

fn rawset(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.check_table(1)?;
    let k = vm.check_any(2)?;
    let v = vm.check_any(3)?;
    vm.raw_set(t, k, v)?;
    vm.ret1(t)
}

fn select(vm: &mut Vm) -> Result<usize, LuaError> {
    let n = vm.nargs() as i64;
    let a = vm.arg(1);
    if a.is_str() && vm.str_bytes(a) == b"#" {
        return vm.ret1(Value::num((n - 1) as f64));
    }
    let i = vm.check_int(1)?;
    let i = if i < 0 {
        n + i
    } else if i == 0 {
        return Err(vm.arg_error(1, "index out of range"));
    } else {
        i.min(n)
    };
    if i < 1 {
        return Err(vm.arg_error(1, "index out of range"));
    }
    // Results are the arguments after position i: they are already on the stack.
    let count = (n - i) as usize;
    for j in 0..count {
        let v = vm.arg(i as usize + 1 + j);
        vm.push(v)?;
    }
    Ok(count)
}

fn tonumber(vm: &mut Vm) -> Result<usize, LuaError> {
    let v = vm.check_any(1)?;
    let base = vm.opt_int(2, 10)?;
    if base == 10 {
        let n = vm.to_number(v);
        return vm.ret1(n.map(Value::num).unwrap_or(Value::NIL));
    }
    if !(2..=36).contains(&base) {
        return Err(vm.arg_error(2, "base out of range"));
    }
    // LuaJIT's strtoul-based conversion (sign, 0x in base 16, saturation).
    let s = vm.check_bytes(1)?;
    let n = crate::stdlib::string::tonumber_base(s, base as u32);
    vm.ret1(n.map(Value::num).unwrap_or(Value::NIL))
}

fn tostring(vm: &mut Vm) -> Result<usize, LuaError> {
    let v = vm.check_any(1)?;
    let s = vm.tostring(v)?;
    vm.ret1(s)
}

fn type_(vm: &mut Vm) -> Result<usize, LuaError> {
    let v = vm.check_any(1)?;
    let s = vm.new_str(v.type_name().as_bytes())?;
    vm.ret1(s)
}

fn unpack(vm: &mut Vm) -> Result<usize, LuaError> {
    let t = vm.check_table(1)?;
    let i = vm.opt_int(2, 1)?;
    let e = if vm.arg(3).is_nil() {
        vm.raw_len(t) as i64
    } else {
        vm.check_int(3)?
    };
    if i > e {
        return Ok(0);
    }
    let n = (e as i128 - i as i128 + 1) as u128;
    if n >= 8000 || vm.ensure_stack(vm.th().top + n as usize + 20).is_err() {
        return Err(vm.rt_error("too many results to unpack"));
    }
    for k in i..=e {
        let v = vm.raw_geti(t, k);
        vm.push(v)?;
    }
    Ok(n as usize)
}

fn newproxy(vm: &mut Vm) -> Result<usize, LuaError> {
    let a = vm.arg(1);
    let u = vm.new_userdata(None)?;
    if a.is_truthy() {
        if a.is_bool() {
            let mt = vm.new_table(0, 0)?;
            vm.push(u)?; // keep rooted
            vm.set_metatable(u, mt);
            return Ok(1);
        }
        if a.has_tag(tag::USERDATA) {
            // SAFETY: a userdata value points to a live userdata.
            let m = unsafe { (*a.ptr::<Userdata>()).meta };
            if !m.is_null() {
                vm.set_metatable(u, Value::from_ptr(tag::TABLE, m));
            }
            return vm.ret1(u);
        }
        return Err(vm.arg_error(1, "boolean or proxy expected"));
    }
    vm.ret1(u)
}

/// Pushes `nil, msg` for a failed load.
fn load_fail(vm: &mut Vm, e: LuaError) -> Result<usize, LuaError> {
    match e {
        LuaError::Value(v) => {
            vm.push(Value::NIL)?;
            vm.push(v)?;
            Ok(2)
        }
        other => Err(other),
    }
}

fn loadstring(vm: &mut Vm) -> Result<usize, LuaError> {
    let s = vm.check_bytes(1)?;
    let name = if vm.arg(2).is_nil() {
        String::from_utf8_lossy(s).into_owned()
    } else {
        String::from_utf8_lossy(vm.check_bytes(2)?).into_owned()
    };
    match vm.load(s, &name) {
        Ok(f) => vm.ret1(f),
        Err(e) => load_fail(vm, e),
    }
}

/// `load(chunk [, chunkname [, mode [, env]]])` as LuaJIT 2.1 has it: `chunk` is a reader
/// function or (as 5.2) a string; `env`, if given, becomes the function's environment.
fn load(vm: &mut Vm) -> Result<usize, LuaError> {
    let f = vm.arg(1);
    let src: Vec<u8>;
    let name: String;
    if f.is_str() || f.is_num() {
        src = vm.check_bytes(1)?.to_vec();
        name = match vm.arg(2) {
            v if v.is_nil() => String::from_utf8_lossy(&src).into_owned(),
            _ => String::from_utf8_lossy(vm.check_bytes(2)?).into_owned(),
        };
    } else if f.is_func() {
        name = String::from_utf8_lossy(vm.opt_bytes(2, b"=(load)")?).into_owned();
        let mut buf: Vec<u8> = Vec::new();
        loop {
            // A failing reader makes `load` return nil and the error (as LuaJIT does).
            let piece = match vm.call1(f, &[]) {
                Ok(p) => p,
                Err(e) => return load_fail(vm, e),
            };
            if piece.is_nil() {
                break;
            }
            if !piece.is_str() {
                let e = vm.new_str(b"reader function must return a string")?;
                return load_fail(vm, LuaError::Value(e));
            }
            let b = vm.str_bytes(piece);
            if b.is_empty() {
                break;
            }
            buf.extend_from_slice(b);
        }
        src = buf;
    } else {
        return Err(vm.type_arg_error(1, "function"));
    }
    let env = vm.arg(4);
    match vm.load(&src, &name) {
        Ok(func) => {
            if env.is_table() {
                // SAFETY: `vm.load` returns a Lua function.
                unsafe { (*func.ptr::<LuaFunction>()).env = env.ptr() };
            }
            vm.ret1(func)
        }
        Err(e) => load_fail(vm, e),
    }
}

/// Reads a file through the host hook (`None`: standard input).
fn read_file(vm: &mut Vm, path: Option<&str>) -> Result<Vec<u8>, String> {
    match vm.file_hook.as_mut() {
        Some(h) => h(path),
        None => Err(format!("cannot open {}", path.unwrap_or("stdin"))),
    }
}

fn chunkname_of(path: Option<&str>) -> String {
    match path {
        Some(p) => format!("@{p}"),
        None => String::from("=stdin"),
    }
}

/// Strips a leading `#` line, as `luaL_loadfile` does.
fn skip_shebang(src: &[u8]) -> &[u8] {
    if src.first() == Some(&b'#') {
        // Keep the newline so line numbers stay right.
        let nl = src.iter().position(|&c| c == b'\n').unwrap_or(src.len());
        &src[nl..]
    } else {
        src
    }
}

fn loadfile(vm: &mut Vm) -> Result<usize, LuaError> {
    let path = if vm.arg(1).is_nil() {
        None
    } else {
        Some(String::from_utf8_lossy(vm.check_bytes(1)?).into_owned())
    };
    let src = match read_file(vm, path.as_deref()) {
        Ok(s) => s,
        Err(m) => {
            let e = vm.new_str(m.as_bytes())?;
            return load_fail(vm, LuaError::Value(e));
        }
    };
    match vm.load(skip_shebang(&src), &chunkname_of(path.as_deref())) {
        Ok(f) => vm.ret1(f),
        Err(e) => load_fail(vm, e),
    }
}

fn dofile(vm: &mut Vm) -> Result<usize, LuaError> {
    let path = if vm.arg(1).is_nil() {
        None
    } else {
        Some(String::from_utf8_lossy(vm.check_bytes(1)?).into_owned())
    };
    let src = match read_file(vm, path.as_deref()) {
        Ok(s) => s,
        Err(m) => return Err(vm.rt_error(&m)),
    };
    let f = vm.load(skip_shebang(&src), &chunkname_of(path.as_deref()))?;
    vm.call(f, &[], None)
}
