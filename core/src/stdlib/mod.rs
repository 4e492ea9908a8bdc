//! The standard library: base, string, table, math, coroutine, bit, package, debug, jit.
