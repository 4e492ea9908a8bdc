//! The `jit` module, as LuaJIT 2.1 presents it: `jit.on`, `jit.off`, `jit.flush`,
//! `jit.status`, `jit.attach`, `jit.opt.start`, `jit.version`, `jit.version_num`,
//! `jit.os`, `jit.arch`.
//!
//! What is real: the on/off state (`jit.status()` reports it, with the optimization
//! flags enabled, in LuaJIT's order), and the parameters of `jit.opt.start`, parsed and
//! checked by [`crate::jit::params::Params`] with LuaJIT's error wording; `hotloop`
//! reaches the interpreter's hot counters at once ([`Vm::hotloop`]). The state lives
//! in one [`JitState`] shared by the module's functions and is handed to the trace engine
//! ([`crate::jit::engine`]), which stays dormant until a script or the command line asks
//! for it: `jit.on()`, `jit.opt.start(...)` (`-O`), `require("jit.v").start()` (`-jv`) or
//! `require("jit.dump").start()` (`-jdump`) wake it; `jit.off()` stops it; `jit.flush()`
//! forgets every trace.
//!
//! What is accepted without effect: per-function `jit.on(f)`/`jit.off(f)` and
//! `jit.attach(handler, event)` (no trace events are delivered to Lua yet).
//!
//! `jit.version` is LuaJIT's ("LuaJIT 2.1.0-beta3", `version_num` 20100), so scripts
//! and harnesses that test for the LuaJIT 2.1 API take the same paths; `jit.arch` names
//! the architecture as LuaJIT does (`arm64`, `x64`).

use alloc::vec::Vec;

use super::bind;
use crate::jit::engine;
use crate::jit::params::Params;
use crate::value::Value;
use crate::vm::{LuaError, NativeFn, Vm};

/// The version string `jit.version` reports.
pub const VERSION: &str = "LuaJIT 2.1.0-beta3";
/// `jit.version_num`.
pub const VERSION_NUM: f64 = 20100.0;

/// LuaJIT's order of the optimization flags in `jit.status()`.
const STATUS_FLAGS: &[&str] = &[
    "fold", "cse", "dce", "fwd", "dse", "narrow", "loop", "abc", "sink", "fuse", "fma",
];

/// `jit.arch` as LuaJIT names the target.
const ARCH: &str = if cfg!(target_arch = "aarch64") {
    "arm64"
} else if cfg!(target_arch = "x86_64") {
    "x64"
} else {
    "other"
};

/// `jit.os` as LuaJIT names the system.
const OS: &str = if cfg!(target_os = "linux") {
    "Linux"
} else if cfg!(target_os = "macos") {
    "OSX"
} else if cfg!(target_os = "windows") {
    "Windows"
} else {
    "Other"
};

/// The JIT switches the `jit` module controls.
#[derive(Debug, Clone)]
pub struct JitState {
    /// `jit.on()` / `jit.off()`.
    pub enabled: bool,
    /// `jit.opt.start(...)` parameters and flags.
    pub params: Params,
}

impl Default for JitState {
    fn default() -> JitState {
        JitState {
            enabled: true,
            params: Params::default(),
        }
    }
}

/// Opens the `jit` module (global `jit`, with `jit.opt`).
pub fn open(vm: &mut Vm) -> Result<(), LuaError> {
    let state = vm.new_userdata(Some(alloc::boxed::Box::new(JitState::default())))?;
    vm.roots.push(state);
    let r = open_with(vm, state);
    vm.roots.pop();
    r
}

fn open_with(vm: &mut Vm, state: Value) -> Result<(), LuaError> {
    let jit = vm.new_table(0, 12)?;
    vm.roots.push(jit);
    let r = (|| {
        let fns: [(&'static str, NativeFn); 5] = [
            ("on", jit_on),
            ("off", jit_off),
            ("flush", jit_flush),
            ("status", jit_status),
            ("attach", jit_attach),
        ];
        for (name, f) in fns {
            let fv = vm.new_native(f, name, &[state]);
            bind::set_field(vm, jit, name, fv)?;
        }
        let opt = vm.new_table(0, 1)?;
        bind::set_field(vm, jit, "opt", opt)?;
        let start = vm.new_native(opt_start, "start", &[state]);
        bind::set_field(vm, opt, "start", start)?;
        for (k, v) in [("version", VERSION), ("arch", ARCH), ("os", OS)] {
            let s = vm.new_str(v.as_bytes())?;
            bind::set_field(vm, jit, k, s)?;
        }
        bind::set_field(vm, jit, "version_num", Value::num(VERSION_NUM))?;
        for (name, f) in [("v", v_start as NativeFn), ("dump", dump_start as NativeFn)] {
            let m = vm.new_table(0, 2)?;
            vm.roots.push(m);
            let fv = vm.new_native(f, "start", &[state]);
            let r = bind::set_field(vm, m, "start", fv)
                .and_then(|_| bind::set_field(vm, m, "on", fv))
                .and_then(|_| {
                    crate::stdlib::package::register_loaded(vm, &alloc::format!("jit.{name}"), m)
                });
            vm.roots.pop();
            r?;
        }
        vm.set_global("jit", jit)
    })();
    vm.roots.pop();
    r
}

/// Run `f` on the state held by the running `jit` function's upvalue.
fn with_state<R>(vm: &Vm, f: impl FnOnce(&mut JitState) -> R) -> Option<R> {
    bind::with_payload(vm.upvalue(0), f)
}

/// The optional function argument of `on`/`off`/`flush`: nothing, `true`, or a Lua
/// function (LuaJIT refuses natives).
fn check_target(vm: &mut Vm) -> Result<bool, LuaError> {
    let a = vm.arg(1);
    if a.is_nil() {
        return Ok(true); // the whole engine
    }
    if a == Value::TRUE || a.is_func() {
        return Ok(false);
    }
    Err(vm.type_arg_error(1, "function"))
}

fn set_enabled(vm: &mut Vm, on: bool) -> Result<usize, LuaError> {
    if check_target(vm)? {
        with_state(vm, |s| s.enabled = on);
        engine::set_enabled(vm, on);
    }
    Ok(0)
}

/// Wakes the trace engine with the module's parameters (the JIT is dormant until a
/// script or the command line asks for it, see `jit/engine.rs`).
fn wake(vm: &mut Vm) {
    let state = with_state(vm, |s| s.clone()).unwrap_or_default();
    engine::engine(vm).params = state.params;
    engine::set_enabled(vm, state.enabled);
    // Start every loop's count afresh with the current `hotloop`.
    vm.hotcount = [vm.hotloop; 64];
}

/// `require("jit.v").start()` (`-jv`): a line per trace event.
fn v_start(vm: &mut Vm) -> Result<usize, LuaError> {
    wake(vm);
    engine::engine(vm).verbose = true;
    Ok(0)
}

/// `require("jit.dump").start()` (`-jdump`): bytecode, IR and machine code of each trace.
fn dump_start(vm: &mut Vm) -> Result<usize, LuaError> {
    wake(vm);
    engine::engine(vm).dump = true;
    Ok(0)
}

fn jit_on(vm: &mut Vm) -> Result<usize, LuaError> {
    set_enabled(vm, true)
}

fn jit_off(vm: &mut Vm) -> Result<usize, LuaError> {
    set_enabled(vm, false)
}

fn jit_flush(vm: &mut Vm) -> Result<usize, LuaError> {
    if check_target(vm)? {
        if let Some(e) = vm.jit.as_mut() {
            e.flush();
        }
    }
    Ok(0)
}

fn jit_attach(vm: &mut Vm) -> Result<usize, LuaError> {
    let f = vm.arg(1);
    if !f.is_func() {
        return Err(vm.type_arg_error(1, "function"));
    }
    if vm.nargs() >= 2 {
        vm.check_str(2)?;
    }
    Ok(0)
}

fn jit_status(vm: &mut Vm) -> Result<usize, LuaError> {
    let state = with_state(vm, |s| s.clone()).unwrap_or_default();
    vm.push(Value::boolean(state.enabled))?;
    let mut n = 1;
    let mut names: Vec<&str> = Vec::new();
    if cfg!(target_arch = "aarch64") {
        names.push("ARMv8");
    }
    names.extend(
        STATUS_FLAGS
            .iter()
            .filter(|f| state.params.flags.get(f) == Some(true)),
    );
    for name in names {
        let s = vm.new_str(name.as_bytes())?;
        vm.push(s)?;
        n += 1;
    }
    Ok(n)
}

/// `jit.opt.start(...)`: levels, flags and `param=value`, checked as LuaJIT does; no
/// arguments restores the default flags.
fn opt_start(vm: &mut Vm) -> Result<usize, LuaError> {
    let mut params = with_state(vm, |s| s.params).unwrap_or_default();
    if vm.nargs() == 0 {
        params.flags = Params::default().flags;
    }
    for i in 1..=vm.nargs() {
        if vm.arg(i).is_nil() {
            continue;
        }
        let arg = bind::check_bytes(vm, i)?;
        let arg = core::str::from_utf8(arg).unwrap_or("\u{fffd}");
        if let Err(e) = params.apply(arg) {
            return Err(vm.rt_error(&alloc::format!("{e}")));
        }
    }
    vm.hotloop = params.hotloop.clamp(1, u32::from(u16::MAX)) as u16;
    with_state(vm, |s| s.params = params);
    wake(vm);
    Ok(0)
}

#[cfg(test)]
mod tests {
    use crate::vm::Vm;

    #[test]
    fn hotloop_reaches_the_interpreter() {
        let mut vm = Vm::new();
        crate::stdlib::open_libs(&mut vm).unwrap();
        assert_eq!(vm.hotloop, 56);
        let f = vm.load(b"jit.opt.start('hotloop=7')", "=t").unwrap();
        vm.call(f, &[], None).unwrap();
        assert_eq!(vm.hotloop, 7);
        let f = vm.load(b"jit.opt.start('hotloop=0')", "=t").unwrap();
        vm.call(f, &[], None).unwrap();
        assert_eq!(vm.hotloop, 1);
    }
}
