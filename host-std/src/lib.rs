//! crescent on Linux and macOS: executable memory (W^X, I-cache maintenance) and the CLI.
//!
//! - [`exec_memory`]: [`ExecMemory`], the process host's implementation of
//!   [`crescent_core::host::CodeMemory`].
//! - [`process`]: spawning target binaries from tests, also under the `qemu-aarch64` rig.
//!
//! The `crescent` command-line program (a drop-in for `luajit`'s command line) is built from
//! this package as a binary target beside this library.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod cli;
pub mod exec_memory;
pub mod iolib;
pub mod oslib;
pub mod process;

pub use exec_memory::ExecMemory;
