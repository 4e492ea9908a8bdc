//! The `os` library for processes.

pub mod files;
pub mod time;
