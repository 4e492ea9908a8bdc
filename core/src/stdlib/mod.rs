//! The standard library: base, string, table, math, coroutine, bit, package, debug, jit.

pub mod error;
pub mod pattern;
pub mod conv;
pub mod strsearch;
pub mod strformat;
