//! crescent-core: a Lua 5.1 virtual machine with a tracing JIT compiler for AArch64.
//!
//! `#![no_std]` + `alloc`: everything that is not host-specific lives here, so one VM and
//! one JIT serve a Linux or macOS process and bare-metal firmware. The architecture is
//! described in the project's `DESIGN.md`; each module opens with its own invariants.
//!
//! # Unsafe inventory
//! `unsafe` is confined to small, commented places: value boxing of GC pointers
//! (`value`), the collector and object access (`gc`, `object`), the dispatch loop's raw
//! register access to the VM stack (`vm/exec.rs`), the bit-level `floor` (`vm/meta.rs`), code memory and entering traces
//! (`host`, `jit`). Every block carries a `// SAFETY:` comment.

#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

extern crate alloc;

pub mod bytecode;
pub mod frontend;
pub mod gc;
pub mod host;
pub mod jit;
pub mod number;
pub mod object;
pub mod stdlib;
pub mod value;
pub mod vm;
