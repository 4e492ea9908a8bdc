//! The coroutine library: `create`, `resume`, `yield`, `status`, `wrap`, `running`, with
//! Lua 5.1 semantics (as LuaJIT 2.1 runs them: `create` accepts any function).

use alloc::string::String;

use crate::object::CoStatus;
use crate::value::{tag, Value};
use crate::vm::{LuaError, NativeFn, Vm};

/// Opens the `coroutine` table.
pub fn open(vm: &mut Vm) -> Result<(), LuaError> {
    const FNS: &[(&str, NativeFn)] = &[
        ("create", create),
        ("resume", resume),
        ("yield", yield_),
        ("status", status),
        ("wrap", wrap),
        ("running", running),
    ];
    let t = vm.new_table(0, FNS.len())?;
    vm.set_global("coroutine", t)?;
    for &(name, f) in FNS {
        let k = vm.new_str(name.as_bytes())?;
        let fv = vm.new_native(f, name, &[]);
        vm.raw_set(t, k, fv)?;
    }
    Ok(())
}

fn check_co(vm: &mut Vm, i: usize) -> Result<Value, LuaError> {
    let v = vm.arg(i);
    if v.has_tag(tag::THREAD) {
        Ok(v)
    } else {
        Err(vm.arg_error(i, "coroutine expected"))
    }
}

fn create(vm: &mut Vm) -> Result<usize, LuaError> {
    let f = vm.arg(1);
    if !f.is_func() {
        return Err(vm.arg_error(1, "function expected"));
    }
    let co = vm.new_thread(f)?;
    vm.ret1(co)
}

fn resume(vm: &mut Vm) -> Result<usize, LuaError> {
    let co = check_co(vm, 1)?;
    let args = vm.args();
    match vm.resume(co, &args[1..])? {
        Ok(n) => {
            // Results are on top; put `true` before them.
            vm.push(Value::NIL)?;
            let th = vm.th_mut();
            let top = th.top;
            th.stack.copy_within(top - 1 - n..top - 1, top - n);
            th.stack[top - 1 - n] = Value::TRUE;
            Ok(n + 1)
        }
        Err(e) => {
            vm.push(Value::FALSE)?;
            vm.push(e)?;
            Ok(2)
        }
    }
}

fn yield_(vm: &mut Vm) -> Result<usize, LuaError> {
    vm.yield_native()
}

fn status(vm: &mut Vm) -> Result<usize, LuaError> {
    let co = check_co(vm, 1)?;
    let s: &[u8] = match vm.co_status(co) {
        CoStatus::Suspended => b"suspended",
        CoStatus::Running => b"running",
        CoStatus::Normal => b"normal",
        CoStatus::Dead => b"dead",
    };
    let v = vm.new_str(s)?;
    vm.ret1(v)
}

fn wrap_aux(vm: &mut Vm) -> Result<usize, LuaError> {
    let co = vm.upvalue(0);
    let args = vm.args();
    // A coroutine that cannot be resumed is the caller's error, with its position (as
    // LuaJIT reports it); an error inside the coroutine passes through unchanged.
    let resumable = vm.co_status(co) == CoStatus::Suspended;
    match vm.resume(co, &args)? {
        Ok(n) => Ok(n),
        Err(e) if !resumable && e.is_str() => {
            let msg = String::from_utf8_lossy(vm.str_bytes(e)).into_owned();
            Err(vm.rt_error(&msg))
        }
        Err(e) => Err(vm.throw(e)),
    }
}

fn wrap(vm: &mut Vm) -> Result<usize, LuaError> {
    let f = vm.arg(1);
    if !f.is_func() {
        return Err(vm.arg_error(1, "function expected"));
    }
    let co = vm.new_thread(f)?;
    vm.push(co)?; // rooted while the wrapper is made
    let w = vm.new_native(wrap_aux, "wrap", &[co]);
    vm.ret1(w)
}

fn running(vm: &mut Vm) -> Result<usize, LuaError> {
    match vm.running() {
        Some(co) => vm.ret1(co),
        None => vm.ret1(Value::NIL),
    }
}
