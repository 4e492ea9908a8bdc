//! crescent on Linux and macOS: executable memory (W^X, I-cache maintenance) and the CLI.

pub mod cli;
pub mod iolib;
pub mod oslib;
