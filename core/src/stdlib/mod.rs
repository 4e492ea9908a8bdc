//! The standard library: base, string, table, math, coroutine, bit, package, debug, jit.
//!
//! Each library is one file with an `open(vm)` that installs it; [`open_libs`] opens them
//! all, base first (others may rely on its globals).

pub mod base;
pub mod coroutine;

pub mod bind;
pub mod bit;
pub mod conv;
pub mod debug;
pub mod error;
pub mod jitlib;
pub mod math;
pub mod package;
pub mod pattern;
pub mod strformat;
pub mod string;
pub mod strsearch;
pub mod table;

#[cfg(test)]
mod luatests;

use crate::vm::{LuaError, Vm};

/// Opens every standard library into `vm`'s globals.
pub fn open_libs(vm: &mut Vm) -> Result<(), LuaError> {
    base::open(vm)?;
    coroutine::open(vm)?;
    string::open(vm)?;
    table::open(vm)?;
    math::open(vm)?;
    bit::open(vm)?;
    debug::open(vm)?;
    jitlib::open(vm)?;
    package::open(vm)?;
    Ok(())
}
