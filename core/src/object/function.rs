//! Functions: prototypes, Lua closures, native functions and upvalues.
//!
//! Invariants:
//! - A [`Proto`] is immutable after loading; its `consts` are interned values and
//!   `protos` its nested prototypes (both kept alive by the proto).
//! - A [`LuaFunction`] has exactly `proto.num_upvals` upvalues and an environment table
//!   (`GETGLOBAL`/`SETGLOBAL` use it).
//! - An [`UpVal`] is *open* while `v` points into a thread's stack (it is then in that
//!   thread's `open_upvals` list, which fixes `v` when the stack is reallocated), and
//!   *closed* once `v` points to its own `closed` field. Closures created in the same scope
//!   share one upvalue object per variable.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::mem::offset_of;

use crate::bytecode::{Instr, ProtoDesc};
use crate::gc::heap::{GcHeader, GcObject, Kind, ALLOC_OVERHEAD};
use crate::object::Table;
use crate::value::Value;
use crate::vm::native::NativeFn;

/// A function prototype, loaded from a [`ProtoDesc`].
#[repr(C)]
pub struct Proto {
    /// GC header.
    pub hdr: GcHeader,
    /// Instructions.
    pub code: Box<[Instr]>,
    /// Constants, as values (strings interned).
    pub consts: Box<[Value]>,
    /// Nested prototypes.
    pub protos: Box<[*mut Proto]>,
    /// Fixed parameters.
    pub num_params: u8,
    /// `...` function.
    pub is_vararg: bool,
    /// Upvalue count.
    pub num_upvals: u8,
    /// Registers needed.
    pub max_stack: u8,
    /// Debug info and source as the compiler produced them (`protos` emptied).
    pub desc: ProtoDesc,
}

// SAFETY: `#[repr(C)]` with the header first, kind `Proto`.
unsafe impl GcObject for Proto {
    const KIND: Kind = Kind::Proto;
    fn size(&self) -> usize {
        core::mem::size_of::<Proto>()
            + self.code.len() * 8
            + self.consts.len() * 8
            + self.protos.len() * 8
            + self.desc.lines.len() * 4
            + self.desc.consts.len() * 16
    }
}

/// A Lua closure.
#[repr(C)]
pub struct LuaFunction {
    /// GC header.
    pub hdr: GcHeader,
    /// Its prototype.
    pub proto: *mut Proto,
    /// Environment table (globals).
    pub env: *mut Table,
    /// Upvalues.
    pub upvals: Box<[*mut UpVal]>,
}

/// Byte offset of `LuaFunction::proto`.
pub const OFF_FN_PROTO: usize = offset_of!(LuaFunction, proto);
/// Byte offset of `LuaFunction::env`.
pub const OFF_FN_ENV: usize = offset_of!(LuaFunction, env);

// SAFETY: `#[repr(C)]` with the header first, kind `LuaFn`.
unsafe impl GcObject for LuaFunction {
    const KIND: Kind = Kind::LuaFn;
    fn size(&self) -> usize {
        core::mem::size_of::<LuaFunction>() + self.upvals.len() * 8 + 2 * ALLOC_OVERHEAD
    }
}

/// How the interpreter treats a native function specially.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NativeKind {
    /// An ordinary native.
    Normal,
    /// `pcall`: runs as a VM-level frame (so coroutines may yield across it).
    Pcall,
    /// `xpcall`: likewise.
    Xpcall,
}

/// A native (Rust) function value, with optional upvalues.
#[repr(C)]
pub struct NativeFunction {
    /// GC header.
    pub hdr: GcHeader,
    /// The Rust function.
    pub f: NativeFn,
    /// Special treatment by the interpreter.
    pub kind: NativeKind,
    /// Name used in argument errors ("bad argument #1 to 'insert'").
    pub name: &'static str,
    /// Environment table (what `getfenv` returns for it).
    pub env: *mut Table,
    /// Upvalues, read with `Vm::upvalue`.
    pub upvals: Vec<Value>,
}

// SAFETY: `#[repr(C)]` with the header first, kind `NativeFn`.
unsafe impl GcObject for NativeFunction {
    const KIND: Kind = Kind::NativeFn;
    fn size(&self) -> usize {
        core::mem::size_of::<NativeFunction>() + self.upvals.capacity() * 8
    }
}

/// An upvalue.
#[repr(C)]
pub struct UpVal {
    /// GC header.
    pub hdr: GcHeader,
    /// Where the value lives: a stack slot while open, `&closed` once closed.
    pub v: *mut Value,
    /// The value once closed.
    pub closed: Value,
    /// Stack index while open (to order and fix open upvalues).
    pub index: usize,
    /// The thread whose stack `v` points into while open (null once closed): marking an
    /// open upvalue keeps that thread alive.
    pub owner: *mut crate::object::Thread,
}

/// Byte offset of `UpVal::v`.
pub const OFF_UV_V: usize = offset_of!(UpVal, v);

// SAFETY: `#[repr(C)]` with the header first, kind `UpVal`.
unsafe impl GcObject for UpVal {
    const KIND: Kind = Kind::UpVal;
    fn size(&self) -> usize {
        core::mem::size_of::<UpVal>() + ALLOC_OVERHEAD
    }
}

impl UpVal {
    /// True while the upvalue points into a stack.
    #[inline(always)]
    pub fn is_open(&self) -> bool {
        !core::ptr::eq(self.v, &self.closed)
    }
}
