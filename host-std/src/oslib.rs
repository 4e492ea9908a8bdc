//! The `os` library for processes.

pub mod time;
