//! The standard library: base, string, table, math, coroutine, bit, package, debug, jit.
//!
//! Each library is one file with an `open(vm)` that installs it; [`open_libs`] opens them
//! all, base first (others may rely on its globals).

pub mod base;
pub mod coroutine;

pub mod bit;
pub mod conv;
pub mod error;
pub mod math;
pub mod package;
pub mod pattern;
pub mod strformat;
pub mod string;
pub mod strsearch;
pub mod table;

use crate::vm::{LuaError, Vm};

/// Opens every standard library into `vm`'s globals.
pub fn open_libs(vm: &mut Vm) -> Result<(), LuaError> {
    base::open(vm)?;
    coroutine::open(vm)?;
    Ok(())
}
