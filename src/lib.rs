//! crescent: a Lua 5.1 VM with a tracing JIT for AArch64 — the embedding API.

pub use crescent_core as core;
