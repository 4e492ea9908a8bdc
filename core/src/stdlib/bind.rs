//! Glue between the library engines and the VM's native-function API.
//!
//! The engines report [`LibError`]s and call back through traits; the natives run on a
//! [`Vm`] whose errors are [`LuaError`]s. [`Fail`] carries either through one `Result`
//! (so `?` works on both), and [`Fail::raise`] turns a library error into the Lua error
//! PUC Lua 5.1 would raise *at the native's own frame*: `luaL_error` messages get the
//! calling Lua function's `chunk:line:` prefix, argument errors name the function
//! ("bad argument #2 to 'rep' (number expected, got nil)"). Convert before returning
//! from the native, while its frame is still the running one.
//!
//! Integer arguments are converted as LuaJIT's `lj_lib_checkint` does
//! ([`super::conv::to_int`]), not with the VM's 64-bit truncation.

use alloc::vec::Vec;

use super::conv;
use super::error::LibError;
use crate::value::{tag, Value};
use crate::vm::{LuaError, NativeFn, Vm};

/// A library error or a VM error, on their way out of a native.
#[derive(Debug)]
pub enum Fail {
    /// Raised by an engine; not yet worded.
    Lib(LibError),
    /// Already a Lua error (from the VM, a callback or an argument check).
    Lua(LuaError),
}

impl From<LibError> for Fail {
    fn from(e: LibError) -> Fail {
        Fail::Lib(e)
    }
}

impl From<LuaError> for Fail {
    fn from(e: LuaError) -> Fail {
        Fail::Lua(e)
    }
}

impl From<super::pattern::PatternError> for Fail {
    fn from(e: super::pattern::PatternError) -> Fail {
        Fail::Lib(e.into())
    }
}

impl Fail {
    /// The Lua error, worded for the running native.
    pub fn raise(self, vm: &mut Vm) -> LuaError {
        match self {
            Fail::Lua(e) => e,
            Fail::Lib(e) => lib_error(vm, e),
        }
    }
}

/// Word a library error for the running native.
pub fn lib_error(vm: &mut Vm, e: LibError) -> LuaError {
    match e {
        LibError::Runtime(msg) => vm.rt_error(&msg),
        LibError::Memory => vm.mem_error(),
        LibError::BadArg { arg, msg } => vm.arg_error(arg, &msg),
    }
}

/// An integer argument (`lj_lib_checkint`): a number or numeric string, truncated.
pub fn check_int(vm: &mut Vm, i: usize) -> Result<i32, LuaError> {
    Ok(conv::to_int(vm.check_num(i)?))
}

/// An optional integer argument (`lj_lib_optint`): absent or nil gives `default`.
pub fn opt_int(vm: &mut Vm, i: usize, default: i32) -> Result<i32, LuaError> {
    if vm.arg(i).is_nil() {
        Ok(default)
    } else {
        check_int(vm, i)
    }
}

/// A string argument's bytes, numbers converted (`luaL_checklstring`). The slice lives
/// as long as the argument slot holds the string.
pub fn check_bytes<'a>(vm: &mut Vm, i: usize) -> Result<&'a [u8], LuaError> {
    vm.check_bytes(i)
}

/// Append the bytes of a string or number value as `tostring` writes them (no
/// metamethods) and return true; return false for other types.
pub fn str_or_num(vm: &Vm, v: Value, out: &mut Vec<u8>) -> bool {
    if v.is_str() {
        out.extend_from_slice(vm.str_bytes(v));
        true
    } else if let Some(n) = v.as_num() {
        let mut s = alloc::string::String::new();
        crate::number::fmt_number(n, &mut s);
        out.extend_from_slice(s.as_bytes());
        true
    } else {
        false
    }
}

/// Create a library table holding `fns`, store it as global `name` and return it.
pub fn new_lib(
    vm: &mut Vm,
    name: &str,
    fns: &[(&'static str, NativeFn)],
) -> Result<Value, LuaError> {
    let t = vm.new_table(0, fns.len())?;
    vm.roots.push(t);
    let r = fill_lib(vm, t, fns).and_then(|_| vm.set_global(name, t));
    vm.roots.pop();
    r.map(|_| t)
}

/// Store natives in table `t` under their names.
pub fn fill_lib(vm: &mut Vm, t: Value, fns: &[(&'static str, NativeFn)]) -> Result<(), LuaError> {
    for &(fname, f) in fns {
        let fv = vm.new_native(f, fname, &[]);
        set_field(vm, t, fname, fv)?;
    }
    Ok(())
}

/// `t[name] = v`, raw.
pub fn set_field(vm: &mut Vm, t: Value, name: &str, v: Value) -> Result<(), LuaError> {
    let k = vm.new_str(name.as_bytes())?;
    vm.raw_set(t, k, v)
}

/// `t[name]`, raw.
pub fn get_field(vm: &mut Vm, t: Value, name: &str) -> Result<Value, LuaError> {
    let k = vm.new_str(name.as_bytes())?;
    Ok(vm.raw_get(t, k))
}

/// The address `%p` shows for a value (0, printed `NULL`, for non-objects).
pub fn value_address(v: Value) -> usize {
    if v.is_gc() || v.has_tag(tag::LIGHTUD) {
        v.payload() as usize
    } else {
        0
    }
}

/// Run `f` on the host payload of the full userdata `v` if it holds a `T`.
pub fn with_payload<T: 'static, R>(v: Value, f: impl FnOnce(&mut T) -> R) -> Option<R> {
    if !v.has_tag(tag::USERDATA) {
        return None;
    }
    // SAFETY: a userdata value points to a live `Userdata` (the caller keeps `v` rooted,
    // e.g. as an upvalue or argument of the running native); `f` receives no access to
    // the VM, so nothing else can reach the payload while it runs.
    let u = unsafe { &mut *v.ptr::<crate::object::Userdata>() };
    u.payload.as_mut()?.downcast_mut::<T>().map(f)
}
